extension String {
    /// Without leading and trailing ASCII spaces and tabs (no Foundation bridging: hot path).
    public var trimmingSpaces: String {
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let end = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return String(self[start...end])
    }
}
