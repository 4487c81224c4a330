import HTTP
import Testing

@Suite("JSON reading and writing")
struct JSONTests {
    @Test("objects, arrays, escapes and surrogate pairs parse")
    func parses() throws {
        let json = try #require(JSON.parse(Array(#"{"a":[1,2.5,-3e2,true,false,null],"b":"\u00e9\ud83d\ude00\n","c":{}}"#.utf8)))
        #expect(json["a"] == .array([1, .number(2.5), .number(-300), true, false, .null]))
        #expect(json["b"]?.stringValue == "é😀\n")
        #expect(json["c"] == .object([]))
    }

    @Test(
        "invalid documents are refused",
        arguments: [
            "", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "nul", "{} {}", "\"\\ud83d\"", "\"\\ude00\"",
        ]
    )
    func refuses(text: String) {
        #expect(JSON.parse(Array(text.utf8)) == nil)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(JSON.parse([0x22, 0xff, 0xfe, 0x22]) == nil)
        #expect(JSON.parse([0x22, 0xc0, 0xaf, 0x22]) == nil)  // overlong "/"
        #expect(JSON.parse([0x22, 0xed, 0xa0, 0x80, 0x22]) == nil)  // encoded surrogate
    }

    @Test("nesting deeper than 64 levels is refused, 64 is fine")
    func depth() {
        #expect(JSON.parse(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8)) != nil)
        #expect(JSON.parse(Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)) == nil)
    }

    @Test("the first of duplicate keys wins")
    func duplicates() {
        #expect(JSON.parse(Array(#"{"role":"viewer","role":"owner"}"#.utf8))?["role"]?.stringValue == "viewer")
    }

    @Test("writing escapes quotes, controls and HTML-significant characters, and round-trips")
    func writes() {
        let value = JSON.object([("s", .string("a\"b\\c\n\u{1}<script>&")), ("n", 42), ("f", .number(1.5))])
        #expect(value.text == #"{"s":"a\"b\\c\n\u0001\u003cscript\u003e\u0026","n":42,"f":1.5}"#)
        #expect(JSON.parse(value.bytes) == value)
    }
}
