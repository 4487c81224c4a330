import CQRencode

/// A QR code symbol (libqrencode), owned by this object and freed with it; rendered as SVG.
public final class QRCode {
    private let symbol: UnsafeMutablePointer<CQRencode.QRcode>

    /// Encodes `text` as 8-bit data with error correction level M; nil when it does not fit
    /// (libqrencode refuses text over a version-40 symbol's capacity) or memory ran out.
    public init?(_ text: String) {
        guard !text.utf8.contains(0), let symbol = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        self.symbol = symbol
    }

    deinit { QRcode_free(symbol) }

    /// Modules per side.
    public var width: Int { Int(symbol.pointee.width) }

    /// Whether the module at (`x`, `y`) is dark (bit 0 of libqrencode's byte per module).
    public func isDark(x: Int, y: Int) -> Bool { symbol.pointee.data[y * width + x] & 1 == 1 }

    /// The symbol as a standalone SVG document: one path of unit squares on a white
    /// background, with the four-module quiet zone the standard asks for.
    public func svg(moduleSize: Int = 4) -> String {
        let size = width + 8
        var path = ""
        for y in 0..<width {
            for x in 0..<width where isDark(x: x, y: y) { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        let pixels = size * moduleSize
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(size) \(size)\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
            + "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
