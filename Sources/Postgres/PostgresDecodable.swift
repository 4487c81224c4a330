#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Swift value read from a column's text-format value (like postgres-nio's `PostgresDecodable`,
/// for the text format this module asks libpq for).
///
/// `init(postgresText:)` returns nil for text that is not a value of the type; `Row.decode`
/// turns that into `PostgresError(.protocolMismatch)` — never a default.
public protocol PostgresDecodable {
    init?(postgresText: String)
}

extension String: PostgresDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Bool: PostgresDecodable {
    /// `t` / `f`, PostgreSQL's text output of a boolean.
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresDecodable, PostgresEncodable {
    /// The hyphenated text form (`8-4-4-4-12` hex digits, either case). Parsed here, byte by
    /// byte, because Foundation's `UUID(uuidString:)` costs about ten times as much on Linux,
    /// and ids are decoded on every authenticated request.
    public init?(postgresText text: String) {
        var text = text
        guard let parsed = text.withUTF8({ UUID.parse($0) }) else { return nil }
        self.init(uuid: parsed)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard bytes.count == 36 else { return nil }
        var out: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &out) { raw -> Bool in
            var index = 0
            for position in 0..<16 {
                if position == 4 || position == 6 || position == 8 || position == 10 {
                    guard bytes[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else { return false }
                raw[position] = high << 4 | low
                index += 2
            }
            return true
        }
        return ok ? out : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
    /// Lower case, as PostgreSQL writes it.
    public var postgresText: String { lowercasedText }

    /// The canonical lower-case text (`xxxxxxxx-xxxx-…`), written in one allocation.
    public var lowercasedText: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        out[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    out[index] = digits.utf8Start[Int(byte >> 4)]
                    out[index + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }
}

extension Date: PostgresDecodable {
    /// `timestamptz` text output in the ISO DateStyle with UTC (`2026-11-22 16:14:34.123456+00`).
    public init?(postgresText: String) {
        let bytes = Array(postgresText.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 22, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 0x2E {
            var scale = 0.1
            index += 1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        // Only UTC ("+00") is accepted: the service's sessions run with TimeZone UTC.
        guard bytes[index...].elementsEqual("+00".utf8) else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm), then seconds.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        self.init(timeIntervalSince1970: Double(days * 86400 + hour * 3600 + minute * 60 + second) + fraction)
    }
}

extension Array: PostgresDecodable where Element == String {
    /// A one-dimensional `text[]`.
    public init?(postgresText: String) {
        guard postgresText.hasPrefix("{"), postgresText.hasSuffix("}") else { return nil }
        self = TextArray.parse(postgresText)
    }
}

extension PostgresDecodable where Self: RawRepresentable, RawValue == String {
    /// An enum stored as text: a value the type does not know is an error, never a default.
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}

extension Row {
    /// The column's value as `T`; a missing column, NULL or text that is not a `T` throws.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let text = try text(column) else {
            throw PostgresError(kind: .protocolMismatch, serverMessage: "column \(column) is null")
        }
        return try Self.decode(type, text, column)
    }

    /// The column's value as `T`, or nil for NULL; a missing column or text that is not a `T` throws.
    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T? {
        guard let text = try text(column) else { return nil }
        return try Self.decode(type, text, column)
    }

    private func text(_ column: String) throws -> String? {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(kind: .protocolMismatch, serverMessage: "no column \(column)")
        }
        return values[index]
    }

    private static func decode<T: PostgresDecodable>(_ type: T.Type, _ text: String, _ column: String) throws -> T {
        guard let value = T(postgresText: text) else {
            throw PostgresError(kind: .protocolMismatch, serverMessage: "column \(column) is not a \(T.self)")
        }
        return value
    }
}
