extension Application {
    /// The release: what `orgplane version` prints and `GET /api/version` answers.
    public static let version = "0.1.0"
}
