import QRCode
import Testing

@Suite("QRCode: libqrencode symbols as SVG")
struct QRCodeTests {
    @Test("an otpauth URI becomes a square symbol with its three finder patterns, drawn as SVG")
    func symbol() throws {
        let code = try #require(QRCode("otpauth://totp/Orgplane:ana@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Orgplane"))
        let width = code.width
        #expect(width >= 21 && (width - 17) % 4 == 0)  // version v is 17 + 4v modules wide
        // The finder patterns' dark corners: top left, top right, bottom left; the centre of
        // each 7x7 pattern is dark, the ring around the centre's 3x3 is light.
        for (x, y) in [(0, 0), (width - 7, 0), (0, width - 7)] {
            #expect(code.isDark(x: x, y: y))
            #expect(code.isDark(x: x + 3, y: y + 3))
            #expect(!code.isDark(x: x + 1, y: y + 1))
        }
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width + 8) \(width + 8)\""))
        #expect(svg.contains("M4 4h1v1h-1z"))  // the top-left module, inside the quiet zone
        #expect(svg.hasSuffix("</svg>"))
    }

    @Test("text no symbol can hold is refused, not truncated")
    func tooLong() {
        #expect(QRCode(String(repeating: "x", count: 4000)) == nil)
    }
}
