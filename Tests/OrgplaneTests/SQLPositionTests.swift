import Testing

@testable import Orgplane

@Suite("Agent SQL error positions count in the text as sent, not in the text with the schema inserted")
struct SQLPositionTests {
    // Sent: `select x from a join b on true`; run: `select x from "s".a join "s".b on true`
    // (4 characters inserted before positions 15 and 22).
    @Test(
        "each position of the statement as run maps back to the text as sent",
        arguments: [(8, 8), (15, 15), (17, 15), (19, 15), (21, 17), (26, 22), (29, 22), (30, 22), (32, 24)]
    )
    func mapsBack(run: Int, sent: Int) {
        #expect(SQLCheck.originalPosition(run, qualifiedAt: [15, 22], inserted: 4) == sent)
    }

    @Test("nothing inserted: positions are unchanged")
    func unchanged() {
        #expect(SQLCheck.originalPosition(42, qualifiedAt: [], inserted: 37) == 42)
    }
}
