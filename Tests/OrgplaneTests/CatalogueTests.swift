import Foundation
import HTTP
import Testing

@testable import Orgplane

/// A catalogue from a list of `(name, method, path, class)` entries.
private func catalogue(_ entries: [(String, String, String, String)]) throws -> OperationCatalogue {
    let operations = entries.map { name, method, path, kind in
        JSON.object([("name", .string(name)), ("method", .string(method)), ("path", .string(path)), ("class", .string(kind))])
    }
    return try OperationCatalogue.parse(JSON.object([("operations", .array(operations))]).bytes)
}

/// Why `text` is refused as a catalogue (nil when it is accepted).
private func refusal(_ text: String) -> String? {
    do {
        _ = try OperationCatalogue.parse(Array(text.utf8))
        return nil
    } catch {
        return String(describing: error)
    }
}

@Suite("Operation catalogue: a bad file is refused with the reason")
struct CatalogueValidationTests {
    @Test("a well-formed catalogue parses into named operations with their class and resource position")
    func parses() throws {
        let parsed = try catalogue([
            ("recall", "POST", "/v1/default/banks/{resource}/memories/recall", "read"),
            ("list_banks", "GET", "/v1/default/banks", "read"),
        ])
        let recall = try #require(parsed.operation(named: "recall"))
        #expect(recall.method == "POST")
        #expect(recall.kind == .read)
        #expect(recall.segments == ["v1", "default", "banks", "{resource}", "memories", "recall"])
        #expect(recall.resourceIndex == 3)
        #expect(parsed.operation(named: "list_banks")?.resourceIndex == nil)
        #expect(parsed.operation(named: "retain") == nil)
    }

    @Test(
        "each kind of mistake is refused, and the message says what is wrong",
        arguments: [
            (#"not json"#, "JSON object with an \"operations\" array"),
            (#"{"operations": {}}"#, "JSON object with an \"operations\" array"),
            (#"[{"name": "a", "method": "GET", "path": "/a", "class": "read"}]"#, "JSON object with an \"operations\" array"),
            (#"{"operations": [{"method": "GET", "path": "/a", "class": "read"}]}"#, "operation 1 needs a name"),
            (#"{"operations": [{"name": "read all", "method": "GET", "path": "/a", "class": "read"}]}"#, "operation 1 needs a name"),
            (#"{"operations": [{"name": "a", "method": "get", "path": "/a", "class": "read"}]}"#, "operation a needs an HTTP method in upper case"),
            (#"{"operations": [{"name": "a", "method": "FETCH", "path": "/a", "class": "read"}]}"#, "operation a needs an HTTP method in upper case"),
            (#"{"operations": [{"name": "a", "path": "/a", "class": "read"}]}"#, "operation a needs an HTTP method in upper case"),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "a/b", "class": "read"}]}"#, "operation a needs a path starting with /"),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/a", "class": "admin"}]}"#, "operation a needs class read or write"),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/a"}]}"#, "operation a needs class read or write"),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource}/x/{resource}", "class": "read"}]}"#,
                "operation a has more than one {resource}"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource", "class": "read"}]}"#,
                "neither plain text nor a whole {name}"
            ),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/banks/x{id}", "class": "read"}]}"#, "neither plain text nor a whole {name}"),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/banks/%2F/x", "class": "read"}]}"#, "neither plain text nor a whole {name}"),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/banks/../x", "class": "read"}]}"#, "neither plain text nor a whole {name}"),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{id:int}", "class": "read"}]}"#,
                "neither plain text nor a whole {name}"
            ),
            (#"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{a-b}", "class": "read"}]}"#, "neither plain text nor a whole {name}"),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{:path}", "class": "read"}]}"#,
                "neither plain text nor a whole {name}"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource:path}", "class": "read"}]}"#,
                "{resource} is exactly one segment"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource}/d/{x:path}/e/{y:path}", "class": "read"}]}"#,
                "more than one {name:path}"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource}/d/{x:path}/{y}", "class": "read"}]}"#,
                "only plain segments may follow {x:path}"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/d/{x:path}/{resource}", "class": "read"}]}"#,
                "only plain segments may follow {x:path}"
            ),
            (
                #"{"operations": [{"name": "a", "method": "GET", "path": "/a", "class": "read", "cross_resource": "yes"}]}"#,
                "needs cross_resource true or false"
            ),
        ]
    )
    func refused(text: String, reason: String) throws {
        let message = try #require(refusal(text), "accepted: \(text)")
        #expect(message.contains(reason), "\(message)")
    }

    @Test("the same name twice is refused, even with another method and path")
    func duplicateNames() throws {
        let message = refusal(
            #"""
            {"operations": [{"name": "recall", "method": "POST", "path": "/a", "class": "read"},
                            {"name": "recall", "method": "GET", "path": "/b", "class": "read"}]}
            """#
        )
        #expect(message?.contains("operation recall is listed twice") == true, "\(message ?? "accepted")")
    }

    @Test("an entry that an earlier one always wins over is refused: duplicates, and a template listed before a literal")
    func unreachableEntries() throws {
        let duplicate = refusal(
            #"""
            {"operations": [{"name": "a", "method": "GET", "path": "/banks/{resource}", "class": "read"},
                            {"name": "b", "method": "GET", "path": "/banks/{resource}", "class": "write"}]}
            """#
        )
        #expect(duplicate?.contains("operation b can never match: a, listed before it") == true, "\(duplicate ?? "accepted")")
        let shadowed = refusal(
            #"""
            {"operations": [{"name": "get_memory", "method": "GET", "path": "/banks/{resource}/memories/{memory_id}", "class": "read"},
                            {"name": "list_memories", "method": "GET", "path": "/banks/{resource}/memories/list", "class": "read"}]}
            """#
        )
        #expect(shadowed?.contains("operation list_memories can never match: get_memory") == true, "\(shadowed ?? "accepted")")
        // A tail takes every longer path too: /chunks after the bare tail would be the document's.
        let swallowed = refusal(
            #"""
            {"operations": [{"name": "get_document", "method": "GET", "path": "/banks/{resource}/documents/{document_id:path}", "class": "read"},
                            {"name": "list_chunks", "method": "GET", "path": "/banks/{resource}/documents/{document_id:path}/chunks", "class": "read"},
                            {"name": "one_segment", "method": "GET", "path": "/banks/{resource}/documents/{document_id}", "class": "read"},
                            {"name": "three_segments", "method": "GET", "path": "/banks/{resource}/documents/a/b/c", "class": "read"}]}
            """#
        )
        #expect(swallowed?.contains("operation list_chunks can never match: get_document") == true, "\(swallowed ?? "accepted")")
        for later in [
            #"{"name": "x", "method": "GET", "path": "/banks/{resource}/documents/{document_id}", "class": "read"}"#,
            #"{"name": "x", "method": "GET", "path": "/banks/{resource}/documents/a/b/c", "class": "read"}"#,
            #"{"name": "x", "method": "GET", "path": "/banks/{resource}/documents/{id:path}/x/y", "class": "read"}"#,
        ] {
            let message = refusal(
                #"{"operations": [{"name": "get_document", "method": "GET", "path": "/banks/{resource}/documents/{document_id:path}", "class": "read"}, "#
                    + later + "]}"
            )
            #expect(message?.contains("operation x can never match: get_document") == true, "\(later): \(message ?? "accepted")")
        }
        // The other way round both are reachable, and so are the same paths with other methods.
        _ = try catalogue([
            ("list_memories", "GET", "/banks/{resource}/memories/list", "read"),
            ("get_memory", "GET", "/banks/{resource}/memories/{memory_id}", "read"),
            ("update_memory", "PATCH", "/banks/{resource}/memories/{memory_id}", "write"),
            ("list_chunks", "GET", "/banks/{resource}/documents/{document_id:path}/chunks", "read"),
            ("get_document", "GET", "/banks/{resource}/documents/{document_id:path}", "read"),
            ("delete_document", "DELETE", "/banks/{resource}/documents/{document_id:path}", "write"),
        ])
        // Literals are bytes: another case is another path, as in Hindsight's router.
        _ = try catalogue([
            ("get_memory", "GET", "/banks/{resource}/memories/{memory_id}", "read"),
            ("list_memories", "GET", "/BANKS/{resource}/memories/list", "read"),
        ])
    }

    @Test("a missing file is named in the error; no path at all means an empty catalogue")
    func load() throws {
        let path = NSTemporaryDirectory() + "missing-\(UUID().uuidString).json"
        let error = #expect(throws: CatalogueError.self) { try OperationCatalogue.load(path: path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("DATAPLANE_CATALOGUE") == true)
        #expect(try OperationCatalogue.load(path: "").operations.isEmpty)
    }

    @Test("the service refuses to start on a bad catalogue, naming the file")
    func failFast() throws {
        let path = NSTemporaryDirectory() + "bad-catalogue-\(UUID().uuidString).json"
        try Data(#"{"operations": [{"name": "a", "method": "get", "path": "/a", "class": "read"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: CatalogueError.self) {
            try Application.services(configuration: TestApp.configuration { $0.dataplaneCatalogue = path })
        }
        #expect(error?.description.hasPrefix(path + ": operation a needs an HTTP method") == true)
    }
}

@Suite("Operation catalogue: which operation a request is")
struct CatalogueMatchingTests {
    static let sample = try! catalogue([
        ("list_banks", "GET", "/v1/default/banks", "read"),
        ("create_bank", "PUT", "/v1/default/banks/{resource}", "write"),
        ("retain", "POST", "/v1/default/banks/{resource}/memories", "write"),
        ("recall", "POST", "/v1/default/banks/{resource}/memories/recall", "read"),
        ("list_memory_units", "GET", "/v1/default/banks/{resource}/memories/list", "read"),
        ("get_memory_unit", "GET", "/v1/default/banks/{resource}/memories/{memory_id}", "read"),
        ("get_chunk", "GET", "/v1/default/chunks/{chunk_id}", "read"),
        ("list_document_chunks", "GET", "/v1/default/banks/{resource}/documents/{document_id:path}/chunks", "read"),
        ("get_document", "GET", "/v1/default/banks/{resource}/documents/{document_id:path}", "read"),
        ("delete_document", "DELETE", "/v1/default/banks/{resource}/documents/{document_id:path}", "write"),
        ("download_file", "GET", "/v1/default/files/download/{key:path}", "read"),
    ])

    @Test(
        "method and template give the operation and its resource",
        arguments: [
            ("GET", "v1/default/banks", "list_banks", nil),
            ("PUT", "v1/default/banks/bank-a", "create_bank", "bank-a"),
            ("POST", "v1/default/banks/bank-a/memories", "retain", "bank-a"),
            ("POST", "v1/default/banks/bank-a/memories/recall", "recall", "bank-a"),
            ("GET", "v1/default/banks/bank-b/memories/list", "list_memory_units", "bank-b"),
            ("GET", "v1/default/banks/bank-b/memories/m-1", "get_memory_unit", "bank-b"),
            ("HEAD", "v1/default/banks/bank-b/memories/m-1", "get_memory_unit", "bank-b"),
            ("GET", "v1/default/chunks/c-1", "get_chunk", nil),
            ("GET", "v1/default/banks/Bank-A/memories/list", "list_memory_units", "Bank-A"),
            ("GET", "v1/default/banks/bank-a/documents/d-1", "get_document", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/a/b/c", "get_document", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/a/b/c/chunks", "list_document_chunks", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/1/2/3/4/5/6/7/8/9/10/11/12", "get_document", "bank-a"),
            ("HEAD", "v1/default/banks/bank-a/documents/1/2/3/4/5/6/7/8/9/10/11/chunks", "list_document_chunks", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/chunks", "get_document", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/chunks/chunks", "list_document_chunks", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/a/CHUNKS", "get_document", "bank-a"),
            ("GET", "v1/default/banks/bank-a/documents/banks/bank-b", "get_document", "bank-a"),
            ("HEAD", "v1/default/banks/bank-a/documents/a/b/chunks", "list_document_chunks", "bank-a"),
            ("DELETE", "v1/default/banks/bank-a/documents/a/b/chunks", "delete_document", "bank-a"),
            ("GET", "v1/default/files/download/banks/bank-a/x.zip", "download_file", nil),
        ] as [(String, String, String, String?)]
    )
    func matches(method: String, path: String, name: String, resource: String?) throws {
        let matched = try #require(Self.sample.match(method: method, segments: path.split(separator: "/").map(String.init)))
        #expect(matched.operation.name == name)
        #expect(matched.resource == resource)
    }

    @Test(
        "another method, another length or another literal matches nothing",
        arguments: [
            ("GET", "v1/default/banks/bank-a/memories/recall/extra"),
            ("DELETE", "v1/default/banks/bank-a/memories"),
            ("GET", "v1/default/banks/bank-a/memories"),
            ("POST", "v1/default/banks"),
            ("HEAD", "v1/default/banks/bank-a"),
            ("GET", "v2/default/banks"),
            ("GET", ""),
            // Literal segments are compared byte for byte, as Hindsight's router does.
            ("GET", "V1/Default/BANKS/Bank-A/MEMORIES/LIST"),
            ("GET", "v1/default/banks/bank-a/Memories/list"),
            // A tail is at least one segment; the literals before it must be there.
            ("GET", "v1/default/banks/bank-a/documents"),
            ("DELETE", "v1/default/banks/bank-a/documents"),
            ("GET", "v1/default/banks/bank-a/docs/a/b"),
            ("GET", "v1/default/files/download"),
            ("POST", "v1/default/banks/bank-a/documents/a/b"),
        ]
    )
    func noMatch(method: String, path: String) {
        #expect(Self.sample.match(method: method, segments: path.split(separator: "/").map(String.init)) == nil)
    }
}

@Suite("The shipped Hindsight catalogue")
struct HindsightCatalogueTests {
    static let shipped: OperationCatalogue = try! OperationCatalogue.load(path: TestApp.repositoryRoot + "/dataplane/hindsight.json")

    @Test("dataplane/hindsight.json loads, and the service built by the factory uses it")
    func loads() {
        #expect(Self.shipped.operations.count == 97)
        #expect(TestApp.services.catalogue.operations.count == Self.shipped.operations.count)
        #expect(Set(Self.shipped.operations.map(\.name)).count == Self.shipped.operations.count)
    }

    @Test(
        "the core memory operations have the right method, template and class",
        arguments: [
            ("list_banks", "GET", "/v1/default/banks", OperationCatalogue.Kind.read),
            ("create_bank", "PUT", "/v1/default/banks/{resource}", .write),
            ("update_bank", "PATCH", "/v1/default/banks/{resource}", .write),
            ("delete_bank", "DELETE", "/v1/default/banks/{resource}", .write),
            ("get_bank_profile", "GET", "/v1/default/banks/{resource}/profile", .read),
            ("retain", "POST", "/v1/default/banks/{resource}/memories", .write),
            ("recall", "POST", "/v1/default/banks/{resource}/memories/recall", .read),
            ("reflect", "POST", "/v1/default/banks/{resource}/reflect", .read),
            ("list_memory_units", "GET", "/v1/default/banks/{resource}/memories/list", .read),
            ("get_memory_unit", "GET", "/v1/default/banks/{resource}/memories/{memory_id}", .read),
            ("list_documents", "GET", "/v1/default/banks/{resource}/documents", .read),
            ("delete_document", "DELETE", "/v1/default/banks/{resource}/documents/{document_id:path}", .write),
            ("list_entities", "GET", "/v1/default/banks/{resource}/entities", .read),
            ("get_entity", "GET", "/v1/default/banks/{resource}/entities/{entity_id}", .read),
            ("list_mental_models", "GET", "/v1/default/banks/{resource}/mental-models", .read),
            ("create_mental_model", "POST", "/v1/default/banks/{resource}/mental-models", .write),
            ("mental_model_refresh", "POST", "/v1/default/banks/{resource}/mental-models/{mental_model_id}/refresh", .write),
            ("list_directives", "GET", "/v1/default/banks/{resource}/directives", .read),
            ("list_operations", "GET", "/v1/default/banks/{resource}/operations", .read),
            ("create_webhook", "POST", "/v1/default/banks/{resource}/webhooks", .write),
            ("get_document", "GET", "/v1/default/banks/{resource}/documents/{document_id:path}", .read),
            ("get_document_history", "GET", "/v1/default/banks/{resource}/documents/{document_id:path}/history", .read),
            ("reprocess_document", "POST", "/v1/default/banks/{resource}/documents/{document_id:path}/reprocess", .write),
            ("get_chunk", "GET", "/v1/default/chunks/{chunk_id:path}", .read),
            ("download_file", "GET", "/v1/default/files/download/{key:path}", .read),
            ("list_bank_aliases", "GET", "/v1/default/banks/{resource}/aliases", .read),
            ("create_bank_alias", "POST", "/v1/default/banks/{resource}/aliases", .write),
            ("set_bank_alias_primary", "PATCH", "/v1/default/banks/{resource}/aliases/{alias}", .write),
            ("delete_bank_alias", "DELETE", "/v1/default/banks/{resource}/aliases/{alias}", .write),
            ("get_knowledge_base_tree", "GET", "/v1/default/banks/{resource}/knowledge-base/tree", .read),
            ("search_knowledge_base", "GET", "/v1/default/banks/{resource}/knowledge-base/search", .read),
            ("create_knowledge_page", "POST", "/v1/default/banks/{resource}/knowledge-base/pages", .write),
            ("update_knowledge_node", "PATCH", "/v1/default/banks/{resource}/knowledge-base/nodes/{node_id}", .write),
            ("delete_knowledge_node", "DELETE", "/v1/default/banks/{resource}/knowledge-base/nodes/{node_id}", .write),
            ("clone_bank", "POST", "/v1/default/banks/{resource}/clone", .write),
            ("export_bank_transfer", "POST", "/v1/default/banks/{resource}/transfer/export", .read),
            ("import_bank_transfer", "POST", "/v1/default/banks/{resource}/transfer/import", .write),
            ("export_documents", "POST", "/v1/default/banks/{resource}/document-transfer/export", .read),
            ("import_documents", "POST", "/v1/default/banks/{resource}/document-transfer", .write),
            ("preview_prompt", "POST", "/v1/default/banks/{resource}/prompts/preview", .read),
            ("preview_consolidation_strategies", "POST", "/v1/default/banks/{resource}/consolidation-strategies/preview", .read),
            ("dry_run_refresh_mental_model", "POST", "/v1/default/banks/{resource}/mental-models/{mental_model_id}/dry-run-refresh", .read),
            ("delete_operation", "DELETE", "/v1/default/banks/{resource}/operations/{operation_id}/delete", .write),
            ("get_audit_log", "GET", "/v1/default/banks/{resource}/audit-logs/{log_id}", .read),
            ("get_version", "GET", "/v1/version", .read),
        ]
    )
    func core(name: String, method: String, path: String, kind: OperationCatalogue.Kind) throws {
        let operation = try #require(Self.shipped.operation(named: name))
        #expect(operation.method == method)
        #expect("/" + operation.segments.joined(separator: "/") == path)
        #expect(operation.kind == kind)
    }

    @Test("every bank operation names its bank as the resource; the others have none")
    func resources() {
        let bankless: Set = ["list_banks", "get_chunk", "get_bank_template_schema", "download_file", "get_version"]
        for operation in Self.shipped.operations {
            if bankless.contains(operation.name) {
                #expect(operation.resourceIndex == nil, "\(operation.name)")
            } else {
                #expect(Array(operation.segments.prefix(4)) == ["v1", "default", "banks", "{resource}"], "\(operation.name)")
                #expect(operation.resourceIndex == 3, "\(operation.name)")
            }
        }
    }

    @Test("only the operations Hindsight declares with {name:path} have a tail, always after the bank")
    func tails() {
        let tails = Self.shipped.operations.filter { $0.tailIndex != nil }.map(\.name).sorted()
        #expect(
            tails == [
                "delete_document", "download_file", "get_chunk", "get_document", "get_document_history",
                "list_document_chunks", "reprocess_document", "update_document",
            ]
        )
        for operation in Self.shipped.operations {
            if let tail = operation.tailIndex, let resource = operation.resourceIndex { #expect(resource < tail, "\(operation.name)") }
        }
    }

    @Test("only clone and transfer import can create a bank the path does not name")
    func crossResource() {
        #expect(Self.shipped.operations.filter(\.crossResource).map(\.name).sorted() == ["clone_bank", "import_bank_transfer"])
    }

    @Test("literal routes win over templated ones next to them")
    func specificRoutes() throws {
        func name(_ method: String, _ path: String) -> String? {
            Self.shipped.match(method: method, segments: path.split(separator: "/").map(String.init))?.operation.name
        }
        #expect(name("GET", "v1/default/banks/b/memories/list") == "list_memory_units")
        #expect(name("GET", "v1/default/banks/b/memories/m1") == "get_memory_unit")
        #expect(name("GET", "v1/default/banks/b/entities/graph") == "get_entity_graph")
        #expect(name("GET", "v1/default/banks/b/entities/e1") == "get_entity")
        #expect(name("GET", "v1/default/banks/b/observations/scopes") == "list_observation_scopes")
        #expect(name("GET", "v1/default/banks/b/stats/memories-timeseries") == "get_memories_timeseries")
        #expect(name("GET", "v1/default/banks/b/audit-logs/stats") == "audit_log_stats")
        #expect(name("GET", "v1/default/banks/b/audit-logs/l1") == "get_audit_log")
        #expect(name("GET", "v1/default/banks/b/documents/a/b/chunks") == "list_document_chunks")
        #expect(name("GET", "v1/default/banks/b/documents/a/b/history") == "get_document_history")
        #expect(name("GET", "v1/default/banks/b/documents/a/b/reprocess") == "get_document")
        #expect(name("POST", "v1/default/banks/b/documents/a/b/reprocess") == "reprocess_document")
        #expect(name("GET", "v1/default/banks/b/document-transfer") == "export_documents_sync_removed")
        #expect(name("DELETE", "v1/default/banks/b/operations/o1/delete") == "delete_operation")
        #expect(name("DELETE", "v1/default/banks/b/operations/o1") == "cancel_operation")
    }
}

@Suite("Dataplane paths are normalised before any decision")
struct DataplanePathTests {
    @Test(
        "decoding, dot segments and empty segments",
        arguments: [
            ("v1/default/banks/bank-a/memories", ["v1", "default", "banks", "bank-a", "memories"]),
            ("v1//default///banks/bank-a/", ["v1", "default", "banks", "bank-a"]),
            ("v1/./default/banks/./bank-a/.", ["v1", "default", "banks", "bank-a"]),
            ("v1/default/banks/bank-a/../bank-b/memories", ["v1", "default", "banks", "bank-b", "memories"]),
            ("v1/default/banks/bank-a/%2e%2e/bank-b", ["v1", "default", "banks", "bank-b"]),
            ("v1/default/banks/bank-a/%2E%2E/bank-b", ["v1", "default", "banks", "bank-b"]),
            ("v1/default/banks/bank-a%2F..%2Fbank-b", ["v1", "default", "banks", "bank-b"]),
            ("v1/default/banks/bank-a%2fmemories", ["v1", "default", "banks", "bank-a", "memories"]),
            ("v1/default/banks/bank-a%2F%2F%2Fmemories", ["v1", "default", "banks", "bank-a", "memories"]),
            ("%76%31/%64efault", ["v1", "default"]),
            ("v1/default/banks/caf%C3%A9", ["v1", "default", "banks", "café"]),
            ("v1/default/banks/bank%20a", ["v1", "default", "banks", "bank a"]),
            ("a/b/../../c", ["c"]),
            ("", []),
            ("/", []),
        ]
    )
    func normalises(raw: String, segments: [String]) throws {
        #expect(try DataplanePath.segments(raw) == segments)
    }

    @Test(
        "NUL and other controls, backslashes, bad escapes, ..; and climbing above the root are 400 invalid_path",
        arguments: [
            "..", "../v1", "v1/../..", "v1/default/../../../etc/passwd", "%2e%2e/x", "%2E%2e", "a%2F..%2F..%2Fb",
            "a/%00/b", "a%00", "bank-a%00.json", "a/%0d%0aX-Injected:%20yes", "a/%09", "a/%7f",
            "a\\b", "a/%5Cb", "a/%5c..%5cb", "a/%zz", "a/%", "a/%4", "a/%ff", "a/%C3",
            "a/..;/b", "a/..;jsessionid=1/b", "a/.;x/b", "a/..%3B/b",
        ]
    )
    func refused(raw: String) {
        #expect(throws: APIError(.invalidPath, "The path is not valid.")) { try DataplanePath.segments(raw) }
    }

    @Test("the upstream path is rebuilt from the checked segments, re-encoded")
    func encodes() {
        #expect(DataplanePath.encode([]) == "/")
        #expect(DataplanePath.encode(["v1", "default", "banks", "bank-a"]) == "/v1/default/banks/bank-a")
        #expect(
            DataplanePath.encode(["bank a", "café", "x/y", "50%", "q?x#y", "semi;colon", "a:b@c", "t~_-.()*"])
                == "/bank%20a/caf%C3%A9/x%2Fy/50%25/q%3Fx%23y/semi%3Bcolon/a:b@c/t~_-.()*"
        )
        #expect(DataplanePath.encode(["ünïcödé", "日本", "Ω"]).allSatisfy { $0.isASCII })
    }

    @Test(
        "what is checked is what is forwarded: normalising the forwarded path changes nothing",
        arguments: [
            "v1/default/banks/bank-a/../bank-b/memories", "v1/default/banks/bank%20a%3Bx/memories", "a%2F..%2Fb/c%25d",
            "v1/default/banks/caf%C3%A9/%2e/x", "v1/default/banks/%3F%23/reflect", "a/b%2Fc//d",
        ]
    )
    func idempotent(raw: String) throws {
        let checked = try DataplanePath.segments(raw)
        #expect(try DataplanePath.segments(DataplanePath.encode(checked)) == checked)
    }
}
