/// A text array parameter (`text[]`), quoted element by element.
public struct TextArray: PostgresEncodable, Sendable {
    public var elements: [String]
    public init(_ elements: [String]) { self.elements = elements }
    public var postgresText: String {
        let quoted = elements.map { element -> String in
            var out = "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { out.append("\\") }
                out.unicodeScalars.append(character)
            }
            return out + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    /// Parses PostgreSQL's text output of a one-dimensional `text[]`.
    public static func parse(_ text: String) -> [String] {
        var scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return [] }
        scalars = Array(scalars.dropFirst().dropLast())
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        var wasQuoted = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\\", index + 1 < scalars.count {
                    index += 1
                    current.append(scalars[index])
                } else if scalar == "\"" {
                    inQuotes = false
                } else {
                    current.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
                wasQuoted = true
            } else if scalar == "," {
                result.append(String(current))
                current = String.UnicodeScalarView()
                wasQuoted = false
            } else {
                current.append(scalar)
            }
            index += 1
        }
        if !current.isEmpty || wasQuoted { result.append(String(current)) }
        return result
    }
}
