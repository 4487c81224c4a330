/// The closed world agent SQL lives in: every parse-tree node type admitted and, for each, every
/// key it may carry and what that key holds. A node type or key missing here is refused
/// (`SQLRule.node`), so a construct PostgreSQL adds later is refused until it is reviewed.
///
/// libpg_query writes a `Node *` field wrapped (`{"RangeVar":{…}}`) and a typed field bare
/// (`"withClause":{"ctes":…}`, `"typeName":{…}`), so each key says which it is; `SelectStmt`'s
/// `intoClause` and `lockingClause` are absent, as is every statement but `SelectStmt`.
enum SQLGrammar {
    enum Field {
        /// A string, integer or boolean (enum values, flags, names, locations).
        case scalar
        /// One wrapped node.
        case node
        /// A list of wrapped nodes (`{}` is a NIL element, as in `DISTINCT`'s list).
        case nodes
        /// One unwrapped struct of the named type.
        case bare(String)
    }

    static let nodes: [String: [String: Field]] = [
        "SelectStmt": [
            "distinctClause": .nodes, "targetList": .nodes, "fromClause": .nodes, "whereClause": .node,
            "groupClause": .nodes, "groupDistinct": .scalar, "havingClause": .node, "windowClause": .nodes,
            "valuesLists": .nodes, "sortClause": .nodes, "limitOffset": .node, "limitCount": .node,
            "limitOption": .scalar, "withClause": .bare("WithClause"), "op": .scalar, "all": .scalar,
            "larg": .bare("SelectStmt"), "rarg": .bare("SelectStmt"),
        ],
        "WithClause": ["ctes": .nodes, "recursive": .scalar, "location": .scalar],
        "CommonTableExpr": [
            "ctename": .scalar, "aliascolnames": .nodes, "ctematerialized": .scalar, "ctequery": .node, "location": .scalar,
        ],
        "ResTarget": ["name": .scalar, "val": .node, "location": .scalar],
        "ColumnRef": ["fields": .nodes, "location": .scalar],
        "A_Star": [:],
        "String": ["sval": .scalar],
        "Integer": ["ival": .scalar],
        "Float": ["fval": .scalar],
        "Boolean": ["boolval": .scalar],
        "BitString": ["bsval": .scalar],
        "A_Const": [
            "ival": .bare("Integer"), "fval": .bare("Float"), "boolval": .bare("Boolean"), "sval": .bare("String"),
            "bsval": .bare("BitString"), "isnull": .scalar, "location": .scalar,
        ],
        "ParamRef": ["number": .scalar, "location": .scalar],
        "A_Expr": ["kind": .scalar, "name": .nodes, "lexpr": .node, "rexpr": .node, "location": .scalar],
        "BoolExpr": ["boolop": .scalar, "args": .nodes, "location": .scalar],
        "NullTest": ["arg": .node, "nulltesttype": .scalar, "argisrow": .scalar, "location": .scalar],
        "BooleanTest": ["arg": .node, "booltesttype": .scalar, "location": .scalar],
        "FuncCall": [
            "funcname": .nodes, "args": .nodes, "agg_order": .nodes, "agg_filter": .node, "over": .bare("WindowDef"),
            "agg_within_group": .scalar, "agg_star": .scalar, "agg_distinct": .scalar, "func_variadic": .scalar,
            "funcformat": .scalar, "location": .scalar,
        ],
        "NamedArgExpr": ["arg": .node, "name": .scalar, "argnumber": .scalar, "location": .scalar],
        "WindowDef": [
            "name": .scalar, "refname": .scalar, "partitionClause": .nodes, "orderClause": .nodes, "frameOptions": .scalar,
            "startOffset": .node, "endOffset": .node, "location": .scalar,
        ],
        "SortBy": ["node": .node, "sortby_dir": .scalar, "sortby_nulls": .scalar, "useOp": .nodes, "location": .scalar],
        "TypeCast": ["arg": .node, "typeName": .bare("TypeName"), "location": .scalar],
        "TypeName": ["names": .nodes, "typmods": .nodes, "typemod": .scalar, "arrayBounds": .nodes, "location": .scalar],
        "CollateClause": ["arg": .node, "collname": .nodes, "location": .scalar],
        "RangeVar": [
            "catalogname": .scalar, "schemaname": .scalar, "relname": .scalar, "inh": .scalar, "relpersistence": .scalar,
            "alias": .bare("Alias"), "location": .scalar,
        ],
        "Alias": ["aliasname": .scalar, "colnames": .nodes],
        "JoinExpr": [
            "jointype": .scalar, "isNatural": .scalar, "larg": .node, "rarg": .node, "usingClause": .nodes,
            "join_using_alias": .bare("Alias"), "quals": .node, "alias": .bare("Alias"), "rtindex": .scalar,
        ],
        "RangeSubselect": ["lateral": .scalar, "subquery": .node, "alias": .bare("Alias")],
        "RangeFunction": [
            "lateral": .scalar, "ordinality": .scalar, "is_rowsfrom": .scalar, "functions": .nodes, "alias": .bare("Alias"),
        ],
        "List": ["items": .nodes],
        "SubLink": [
            "subLinkType": .scalar, "subLinkId": .scalar, "testexpr": .node, "operName": .nodes, "subselect": .node,
            "location": .scalar,
        ],
        "CaseExpr": ["arg": .node, "args": .nodes, "defresult": .node, "location": .scalar],
        "CaseWhen": ["expr": .node, "result": .node, "location": .scalar],
        "CoalesceExpr": ["args": .nodes, "location": .scalar],
        "MinMaxExpr": ["op": .scalar, "args": .nodes, "location": .scalar],
        "SQLValueFunction": ["op": .scalar, "typmod": .scalar, "location": .scalar],
        "A_ArrayExpr": ["elements": .nodes, "location": .scalar],
        "A_Indirection": ["arg": .node, "indirection": .nodes],
        "A_Indices": ["is_slice": .scalar, "lidx": .node, "uidx": .node],
        "RowExpr": ["args": .nodes, "row_format": .scalar, "colnames": .nodes, "location": .scalar],
        "GroupingSet": ["kind": .scalar, "content": .nodes, "location": .scalar],
        "GroupingFunc": ["args": .nodes, "location": .scalar],
    ]

    /// Node types refused with their own rule rather than `node`.
    static let xmlNodes: Set<String> = ["XmlExpr", "XmlSerialize", "RangeTableFunc", "RangeTableFuncCol"]
}
