/// What agent SQL may name besides the organization's relations: `pg_catalog` functions and
/// types, by name (every overload of an admitted name is admitted; the query runs with
/// `search_path = pg_catalog`, so an unqualified name can only mean the catalog's).
///
/// Left out on purpose (docs/AGENT-SQL.md): anything that changes or reveals session or server
/// state (`set_config`, `current_setting`, advisory locks, `pg_notify`, sequences, `txid_*`,
/// `random`/`setseed`), sleeps, large objects, files (`pg_read_*`, `pg_ls_*`), dblink, xml
/// (`query_to_xml` runs SQL from a string), the `reg*`/`to_reg*` name lookups, catalog and
/// size functions, text search (configuration lookups), and functions that allocate in
/// proportion to an argument (`repeat`, `lpad`, `rpad`, `array_fill`).
enum SQLAllowList {
    /// Functions (FuncCall names), ASCII only.
    static let functions: Set<String> = words(
        """
        abs ceil ceiling floor round trunc sign sqrt cbrt power exp ln log log10 mod div pi degrees radians
        sin cos tan asin acos atan atan2 scale
        length char_length character_length octet_length bit_length lower upper initcap substr substring
        position strpos btrim ltrim rtrim replace reverse left right split_part concat concat_ws format md5
        sha256 sha512 encode decode to_hex ascii chr starts_with translate regexp_replace regexp_match
        regexp_matches regexp_split_to_array regexp_split_to_table regexp_count quote_ident quote_literal
        quote_nullable string_to_array array_to_string overlay normalize is_normalized similar_to_escape
        to_char to_number to_date to_timestamp
        now clock_timestamp statement_timestamp transaction_timestamp date_trunc date_part extract age
        make_date make_time make_timestamp make_timestamptz make_interval justify_days justify_hours
        justify_interval date_bin isfinite timezone overlaps
        count sum avg min max bool_and bool_or every string_agg array_agg json_agg jsonb_agg json_object_agg
        jsonb_object_agg stddev stddev_pop stddev_samp variance var_pop var_samp corr percentile_cont
        percentile_disc mode
        row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
        to_json to_jsonb row_to_json array_to_json json_build_object jsonb_build_object json_build_array
        jsonb_build_array json_array_length jsonb_array_length json_typeof jsonb_typeof json_extract_path
        json_extract_path_text jsonb_extract_path jsonb_extract_path_text json_array_elements
        json_array_elements_text jsonb_array_elements jsonb_array_elements_text json_each json_each_text
        jsonb_each jsonb_each_text json_object_keys jsonb_object_keys jsonb_strip_nulls jsonb_pretty jsonb_set
        jsonb_path_exists jsonb_path_query jsonb_path_query_array
        array_length array_lower array_upper array_position array_positions array_append array_prepend
        array_cat array_remove array_replace cardinality unnest generate_series
        num_nonnulls num_nulls gen_random_uuid
        """
    )

    /// Types a value may be cast to (the last name of a TypeName; the grammar writes `int` as
    /// `pg_catalog.int4`). No `reg*` (name lookups), no `xml`, nothing outside `pg_catalog`.
    static let types: Set<String> = words(
        """
        bool int2 int4 int8 numeric float4 float8 text varchar bpchar char name date time timetz timestamp
        timestamptz interval uuid json jsonb bytea bit varbit inet cidr macaddr
        """
    )

    private static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }

    /// Whether `name` is an admitted function: compared as ASCII bytes (every admitted name is
    /// ASCII, and `String` equality is canonical equivalence: U+212A KELVIN SIGN equals "K").
    static func admitsFunction(_ name: String) -> Bool { isASCII(name) && functions.contains(name) }

    static func admitsType(_ name: String) -> Bool { isASCII(name) && types.contains(name) }

    /// Whether `name` after a dot could call a function (attribute notation: `t.to_jsonb` is
    /// `to_jsonb(t)` when `t` has no such column): any one-argument `pg_catalog` function but
    /// the admitted types' conversions (`t.name`, `t.date` stay columns or harmless casts).
    static func isAttributeNotationCall(_ name: String) -> Bool {
        isASCII(name) && OneArgumentFunctions.names.contains(name) && !types.contains(name)
    }

    private static func isASCII(_ name: String) -> Bool { name.utf8.allSatisfy { $0 < 0x80 } }
}
