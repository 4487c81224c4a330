/// Names of the PostgreSQL 15 `pg_catalog` functions callable with one argument, which
/// attribute notation reaches: `t.f` and `(expr).f` call `f(t)` / `f(expr)` when `f` is not a
/// column or field, with no FuncCall in the parse tree (`(x.i).nextval` and `(x.s).pg_read_file`
/// both resolve). Generated from the catalog:
///
///     select distinct proname from pg_proc where pronamespace = 'pg_catalog'::regnamespace
///       and prokind in ('f', 'a', 'w') and pronargs >= 1
///       and (pronargs - pronargdefaults <= 1 or provariadic <> 0)
///
/// `AgentSQLCatalogTests` compares it with the live catalog.
enum OneArgumentFunctions {
    static let names: Set<String> = Set(
        """
        abbrev abs aclexplode aclitemin aclitemout acos acosd acosh age amvalidate any_in any_out anyarray_in
        anyarray_out anyarray_recv anyarray_send anycompatible_in anycompatible_out anycompatiblearray_in
        anycompatiblearray_out anycompatiblearray_recv anycompatiblearray_send anycompatiblemultirange_out
        anycompatiblenonarray_in anycompatiblenonarray_out anycompatiblerange_out anyelement_in anyelement_out
        anyenum_in anyenum_out anymultirange_out anynonarray_in anynonarray_out anyrange_out area array_agg
        array_dims array_ndims array_out array_send array_subscript_handler array_to_json array_to_tsvector
        array_typanalyze array_unnest_support ascii asin asind asinh atan atand atanh avg bernoulli
        binary_upgrade_set_next_array_pg_type_oid binary_upgrade_set_next_heap_pg_class_oid
        binary_upgrade_set_next_heap_relfilenode binary_upgrade_set_next_index_pg_class_oid
        binary_upgrade_set_next_index_relfilenode binary_upgrade_set_next_multirange_array_pg_type_oid
        binary_upgrade_set_next_multirange_pg_type_oid binary_upgrade_set_next_pg_authid_oid
        binary_upgrade_set_next_pg_enum_oid binary_upgrade_set_next_pg_tablespace_oid
        binary_upgrade_set_next_pg_type_oid binary_upgrade_set_next_toast_pg_class_oid
        binary_upgrade_set_next_toast_relfilenode binary_upgrade_set_record_init_privs bit_and bit_count
        bit_length bit_or bit_out bit_send bit_xor bitnot bittypmodin bittypmodout bool bool_alltrue bool_and
        bool_anytrue bool_or boolin boolout boolrecv boolsend box box_center box_in box_out box_recv box_send
        bpchar bpchar_sortsupport bpcharout bpcharsend bpchartypmodin bpchartypmodout brin_bloom_opcinfo
        brin_bloom_options brin_bloom_summary_in brin_bloom_summary_out brin_bloom_summary_recv
        brin_bloom_summary_send brin_inclusion_opcinfo brin_minmax_multi_opcinfo brin_minmax_multi_options
        brin_minmax_multi_summary_in brin_minmax_multi_summary_out brin_minmax_multi_summary_recv
        brin_minmax_multi_summary_send brin_minmax_opcinfo brin_summarize_new_values brinhandler broadcast
        btbpchar_pattern_sortsupport btequalimage btfloat4sortsupport btfloat8sortsupport bthandler
        btint2sortsupport btint4sortsupport btint8sortsupport btnamesortsupport btoidsortsupport btrim
        bttext_pattern_sortsupport bttextsortsupport btvarstrequalimage bytea_sortsupport
        bytea_string_agg_finalfn byteain byteaout bytearecv byteasend cardinality cash_in cash_out cash_recv
        cash_send cash_words cbrt ceil ceiling center char char_length character_length charin charout
        charrecv charsend chr cidin cidout cidr cidr_in cidr_out cidr_recv cidr_send cidrecv cidsend circle
        circle_center circle_in circle_out circle_recv circle_send concat concat_ws cos cosd cosh cot cotd
        count cstring_in cstring_out cstring_recv cstring_send cume_dist cume_dist_final current_schemas
        current_setting currval date date_in date_out date_recv date_send date_sortsupport datemultirange
        daterange_canonical dcbrt degrees dense_rank dense_rank_final dexp diagonal diameter dispell_init
        dlog1 dlog10 dround dsimple_init dsnowball_init dsqrt dsynonym_init dtrunc enum_first enum_last
        enum_out enum_range enum_send event_trigger_in event_trigger_out every exp factorial family
        fdw_handler_in fdw_handler_out first_value float4 float4abs float4in float4out float4recv float4send
        float4um float4up float8 float8_avg float8_corr float8_covar_pop float8_covar_samp float8_regr_avgx
        float8_regr_avgy float8_regr_intercept float8_regr_r2 float8_regr_slope float8_regr_sxx
        float8_regr_sxy float8_regr_syy float8_stddev_pop float8_stddev_samp float8_var_pop float8_var_samp
        float8abs float8in float8out float8recv float8send float8um float8up floor fmgr_c_validator
        fmgr_internal_validator fmgr_sql_validator format generate_series_int4_support
        generate_series_int8_support gin_clean_pending_list ginhandler gist_circle_compress
        gist_point_compress gist_point_fetch gist_point_sortsupport gist_poly_compress gisthandler
        gtsquery_compress gtsvector_compress gtsvector_decompress gtsvector_options gtsvectorin gtsvectorout
        hash_aclitem hash_array hash_multirange hash_numeric hash_range hash_record hashbpchar hashchar
        hashenum hashfloat4 hashfloat8 hashhandler hashinet hashint2 hashint4 hashint8 hashmacaddr
        hashmacaddr8 hashname hashoid hashoidvector hashtext hashtid hashvarlena heap_tableam_handler height
        host hostmask index_am_handler_in index_am_handler_out inet_gist_compress inet_gist_fetch inet_in
        inet_out inet_recv inet_send inetnot initcap int2 int2abs int2in int2int4_sum int2not int2out int2recv
        int2send int2um int2up int2vectorin int2vectorout int2vectorrecv int2vectorsend int4 int4abs int4in
        int4inc int4multirange int4not int4out int4range_canonical int4recv int4send int4um int4up int8
        int8_avg int8_avg_serialize int8abs int8dec int8in int8inc int8inc_support int8multirange int8not
        int8out int8range_canonical int8recv int8send int8um int8up internal_in internal_out interval
        interval_avg interval_hash interval_out interval_send interval_support interval_um intervaltypmodin
        intervaltypmodout is_normalized isclosed isempty isfinite ishorizontal isopen isvertical json_agg
        json_agg_finalfn json_array_elements json_array_elements_text json_array_length json_build_array
        json_build_object json_each json_each_text json_extract_path json_extract_path_text json_in
        json_object json_object_agg_finalfn json_object_keys json_out json_recv json_send json_strip_nulls
        json_to_record json_to_recordset json_typeof jsonb_agg jsonb_agg_finalfn jsonb_array_elements
        jsonb_array_elements_text jsonb_array_length jsonb_build_array jsonb_build_object jsonb_delete
        jsonb_each jsonb_each_text jsonb_extract_path jsonb_extract_path_text jsonb_hash jsonb_in jsonb_object
        jsonb_object_agg_finalfn jsonb_object_keys jsonb_out jsonb_pretty jsonb_recv jsonb_send
        jsonb_strip_nulls jsonb_subscript_handler jsonb_to_record jsonb_to_recordset jsonb_typeof jsonpath_in
        jsonpath_out jsonpath_recv jsonpath_send justify_days justify_hours justify_interval lag
        language_handler_in language_handler_out last_value lead length line_horizontal line_in line_out
        line_recv line_send line_vertical ln lo_close lo_creat lo_create lo_get lo_import lo_tell lo_tell64
        lo_unlink log log10 lower lower_inc lower_inf lseg lseg_center lseg_horizontal lseg_in lseg_length
        lseg_out lseg_recv lseg_send lseg_vertical ltrim macaddr macaddr8 macaddr8_in macaddr8_not
        macaddr8_out macaddr8_recv macaddr8_send macaddr8_set7bit macaddr_in macaddr_not macaddr_out
        macaddr_recv macaddr_send macaddr_sortsupport make_interval masklen max md5 min min_scale mode money
        multirange multirange_gist_compress multirange_out multirange_send multirange_typanalyze mxid_age name
        namein nameout namerecv namesend netmask network network_sortsupport network_subset_support nextval
        normalize npoints ntile num_nonnulls num_nulls numeric numeric_abs numeric_avg numeric_avg_serialize
        numeric_exp numeric_inc numeric_ln numeric_out numeric_poly_avg numeric_poly_serialize
        numeric_poly_stddev_pop numeric_poly_stddev_samp numeric_poly_sum numeric_poly_var_pop
        numeric_poly_var_samp numeric_send numeric_serialize numeric_sortsupport numeric_sqrt
        numeric_stddev_pop numeric_stddev_samp numeric_sum numeric_support numeric_uminus numeric_uplus
        numeric_var_pop numeric_var_samp numerictypmodin numerictypmodout nummultirange numnode
        obj_description octet_length oid oidin oidout oidrecv oidsend oidvectorin oidvectorout oidvectorrecv
        oidvectorsend oidvectortypes ordered_set_transition_multi parse_ident path path_in path_length
        path_npoints path_out path_recv path_send pclose percent_rank percent_rank_final pg_advisory_lock
        pg_advisory_lock_shared pg_advisory_unlock pg_advisory_unlock_shared pg_advisory_xact_lock
        pg_advisory_xact_lock_shared pg_backup_start pg_backup_stop pg_blocking_pids pg_cancel_backend
        pg_char_to_encoding pg_collation_actual_version pg_collation_for pg_collation_is_visible
        pg_column_compression pg_column_size pg_conversion_is_visible pg_create_physical_replication_slot
        pg_create_restore_point pg_current_logfile pg_database_collation_actual_version pg_database_size
        pg_ddl_command_in pg_ddl_command_out pg_ddl_command_recv pg_ddl_command_send pg_dependencies_in
        pg_dependencies_out pg_dependencies_recv pg_dependencies_send pg_drop_replication_slot
        pg_encoding_max_length pg_encoding_to_char pg_extension_update_paths pg_function_is_visible
        pg_get_constraintdef pg_get_function_arguments pg_get_function_identity_arguments
        pg_get_function_result pg_get_function_sqlbody pg_get_functiondef pg_get_indexdef
        pg_get_multixact_members pg_get_partition_constraintdef pg_get_partkeydef pg_get_publication_tables
        pg_get_replica_identity_index pg_get_ruledef pg_get_statisticsobjdef pg_get_statisticsobjdef_columns
        pg_get_statisticsobjdef_expressions pg_get_triggerdef pg_get_userbyid pg_get_viewdef
        pg_import_system_collations pg_indexes_size pg_is_other_temp_schema pg_log_backend_memory_contexts
        pg_logical_slot_get_binary_changes pg_logical_slot_get_changes pg_logical_slot_peek_binary_changes
        pg_logical_slot_peek_changes pg_ls_dir pg_ls_replslotdir pg_ls_tmpdir pg_lsn pg_lsn_hash pg_lsn_in
        pg_lsn_out pg_lsn_recv pg_lsn_send pg_mcv_list_in pg_mcv_list_items pg_mcv_list_out pg_mcv_list_recv
        pg_mcv_list_send pg_ndistinct_in pg_ndistinct_out pg_ndistinct_recv pg_ndistinct_send pg_node_tree_in
        pg_node_tree_out pg_node_tree_recv pg_node_tree_send pg_opclass_is_visible pg_operator_is_visible
        pg_opfamily_is_visible pg_options_to_table pg_partition_ancestors pg_partition_root pg_partition_tree
        pg_promote pg_read_binary_file pg_read_file pg_relation_filenode pg_relation_filepath
        pg_relation_is_publishable pg_relation_size pg_replication_origin_create pg_replication_origin_drop
        pg_replication_origin_oid pg_replication_origin_session_progress pg_replication_origin_session_setup
        pg_safe_snapshot_blocking_pids pg_sequence_last_value pg_sequence_parameters pg_settings_get_flags
        pg_size_bytes pg_size_pretty pg_sleep pg_sleep_for pg_sleep_until pg_snapshot_in pg_snapshot_out
        pg_snapshot_recv pg_snapshot_send pg_snapshot_xip pg_snapshot_xmax pg_snapshot_xmin pg_stat_file
        pg_stat_get_activity pg_stat_get_analyze_count pg_stat_get_autoanalyze_count
        pg_stat_get_autovacuum_count pg_stat_get_backend_activity pg_stat_get_backend_activity_start
        pg_stat_get_backend_client_addr pg_stat_get_backend_client_port pg_stat_get_backend_dbid
        pg_stat_get_backend_pid pg_stat_get_backend_start pg_stat_get_backend_userid
        pg_stat_get_backend_wait_event pg_stat_get_backend_wait_event_type pg_stat_get_backend_xact_start
        pg_stat_get_blocks_fetched pg_stat_get_blocks_hit pg_stat_get_db_active_time
        pg_stat_get_db_blk_read_time pg_stat_get_db_blk_write_time pg_stat_get_db_blocks_fetched
        pg_stat_get_db_blocks_hit pg_stat_get_db_checksum_failures pg_stat_get_db_checksum_last_failure
        pg_stat_get_db_conflict_all pg_stat_get_db_conflict_bufferpin pg_stat_get_db_conflict_lock
        pg_stat_get_db_conflict_snapshot pg_stat_get_db_conflict_startup_deadlock
        pg_stat_get_db_conflict_tablespace pg_stat_get_db_deadlocks pg_stat_get_db_idle_in_transaction_time
        pg_stat_get_db_numbackends pg_stat_get_db_session_time pg_stat_get_db_sessions
        pg_stat_get_db_sessions_abandoned pg_stat_get_db_sessions_fatal pg_stat_get_db_sessions_killed
        pg_stat_get_db_stat_reset_time pg_stat_get_db_temp_bytes pg_stat_get_db_temp_files
        pg_stat_get_db_tuples_deleted pg_stat_get_db_tuples_fetched pg_stat_get_db_tuples_inserted
        pg_stat_get_db_tuples_returned pg_stat_get_db_tuples_updated pg_stat_get_db_xact_commit
        pg_stat_get_db_xact_rollback pg_stat_get_dead_tuples pg_stat_get_function_calls
        pg_stat_get_function_self_time pg_stat_get_function_total_time pg_stat_get_ins_since_vacuum
        pg_stat_get_last_analyze_time pg_stat_get_last_autoanalyze_time pg_stat_get_last_autovacuum_time
        pg_stat_get_last_vacuum_time pg_stat_get_live_tuples pg_stat_get_mod_since_analyze
        pg_stat_get_numscans pg_stat_get_progress_info pg_stat_get_replication_slot pg_stat_get_subscription
        pg_stat_get_subscription_stats pg_stat_get_tuples_deleted pg_stat_get_tuples_fetched
        pg_stat_get_tuples_hot_updated pg_stat_get_tuples_inserted pg_stat_get_tuples_returned
        pg_stat_get_tuples_updated pg_stat_get_vacuum_count pg_stat_get_xact_blocks_fetched
        pg_stat_get_xact_blocks_hit pg_stat_get_xact_function_calls pg_stat_get_xact_function_self_time
        pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans pg_stat_get_xact_tuples_deleted
        pg_stat_get_xact_tuples_fetched pg_stat_get_xact_tuples_hot_updated pg_stat_get_xact_tuples_inserted
        pg_stat_get_xact_tuples_returned pg_stat_get_xact_tuples_updated pg_stat_reset_replication_slot
        pg_stat_reset_shared pg_stat_reset_single_function_counters pg_stat_reset_single_table_counters
        pg_stat_reset_slru pg_stat_reset_subscription_stats pg_statistics_obj_is_visible pg_table_is_visible
        pg_table_size pg_tablespace_databases pg_tablespace_location pg_tablespace_size pg_terminate_backend
        pg_total_relation_size pg_try_advisory_lock pg_try_advisory_lock_shared pg_try_advisory_xact_lock
        pg_try_advisory_xact_lock_shared pg_ts_config_is_visible pg_ts_dict_is_visible pg_ts_parser_is_visible
        pg_ts_template_is_visible pg_type_is_visible pg_typeof pg_walfile_name pg_walfile_name_offset
        pg_xact_commit_timestamp pg_xact_commit_timestamp_origin pg_xact_status phraseto_tsquery
        plainto_tsquery plpgsql_inline_handler plpgsql_validator point point_in point_out point_recv
        point_send poly_center poly_in poly_npoints poly_out poly_recv poly_send polygon popen prsd_end
        prsd_lextype querytree quote_ident quote_literal quote_nullable radians radius range_agg
        range_intersect_agg range_merge range_out range_send range_typanalyze rank rank_final
        raw_array_subscript_handler record_out record_send regclass regclassin regclassout regclassrecv
        regclasssend regcollationin regcollationout regcollationrecv regcollationsend regconfigin regconfigout
        regconfigrecv regconfigsend regdictionaryin regdictionaryout regdictionaryrecv regdictionarysend
        regnamespacein regnamespaceout regnamespacerecv regnamespacesend regoperatorin regoperatorout
        regoperatorrecv regoperatorsend regoperin regoperout regoperrecv regopersend regprocedurein
        regprocedureout regprocedurerecv regproceduresend regprocin regprocout regprocrecv regprocsend
        regrolein regroleout regrolerecv regrolesend regtypein regtypeout regtyperecv regtypesend reverse
        round row_security_active row_to_json rtrim satisfies_hash_partition scale setseed sha224 sha256
        sha384 sha512 shell_in shell_out sign similar_to_escape sin sind sinh spg_poly_quad_compress
        spghandler sqrt stddev stddev_pop stddev_samp string_agg_finalfn strip sum system table_am_handler_in
        table_am_handler_out tan tand tanh text text_starts_with_support texticlike_support
        texticregexeq_support textin textlen textlike_support textout textrecv textregexeq_support textsend
        thesaurus_init tidin tidout tidrecv tidsend time time_hash time_out time_send time_support timestamp
        timestamp_hash timestamp_out timestamp_send timestamp_sortsupport timestamp_support timestamptypmodin
        timestamptypmodout timestamptz timestamptz_out timestamptz_send timestamptztypmodin
        timestamptztypmodout timetypmodin timetypmodout timetz timetz_hash timetz_out timetz_send
        timetztypmodin timetztypmodout to_ascii to_hex to_json to_jsonb to_regclass to_regcollation
        to_regnamespace to_regoper to_regoperator to_regproc to_regprocedure to_regrole to_regtype
        to_timestamp to_tsquery to_tsvector trigger_in trigger_out trim_scale trunc ts_debug ts_stat
        ts_token_type ts_typanalyze tsm_handler_in tsm_handler_out tsmultirange tsquery_not tsqueryin
        tsqueryout tsqueryrecv tsquerysend tstzmultirange tsvector_to_array tsvectorin tsvectorout
        tsvectorrecv tsvectorsend txid_snapshot_in txid_snapshot_out txid_snapshot_recv txid_snapshot_send
        txid_snapshot_xip txid_snapshot_xmax txid_snapshot_xmin txid_status unistr unknownin unknownout
        unknownrecv unknownsend unnest upper upper_inc upper_inf uuid_hash uuid_in uuid_out uuid_recv
        uuid_send uuid_sortsupport var_pop var_samp varbit_out varbit_send varbit_support varbittypmodin
        varbittypmodout varchar varchar_support varcharout varcharsend varchartypmodin varchartypmodout
        variance void_in void_out void_recv void_send websearch_to_tsquery width window_dense_rank_support
        window_rank_support window_row_number_support xid xid8in xid8out xid8recv xid8send xidin xidout
        xidrecv xidsend xml xml_in xml_is_well_formed xml_is_well_formed_content xml_is_well_formed_document
        xml_out xml_recv xml_send xmlagg xmlcomment
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    )
}
