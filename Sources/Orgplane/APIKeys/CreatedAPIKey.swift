import HTTP

/// The answer to creating a key: the key as listed, with its secret (shown this once).
struct CreatedAPIKey {
    let key: APIKey
    let secret: String

    var json: JSON { .object(key.fields(secret: secret)) }
}
