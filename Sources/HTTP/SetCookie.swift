/// A `Set-Cookie` value with the attributes this service uses.
public struct SetCookie: Sendable, Equatable {
    public enum SameSite: String, Sendable {
        case strict = "Strict"
        case lax = "Lax"
    }

    public var name: String
    public var value: String
    public var path: String
    public var maxAge: Int?
    public var httpOnly: Bool
    public var secure: Bool
    public var sameSite: SameSite

    public init(
        name: String,
        value: String,
        path: String = "/",
        maxAge: Int? = nil,
        httpOnly: Bool = true,
        secure: Bool,
        sameSite: SameSite
    ) {
        self.name = name
        self.value = value
        self.path = path
        self.maxAge = maxAge
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }

    /// A cookie that tells the browser to forget `name` at `path`.
    public static func clearing(_ name: String, path: String = "/", httpOnly: Bool = true, secure: Bool, sameSite: SameSite) -> SetCookie {
        SetCookie(name: name, value: "", path: path, maxAge: 0, httpOnly: httpOnly, secure: secure, sameSite: sameSite)
    }

    /// The header value, e.g. `a=b; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax`.
    public var headerValue: String {
        var parts = ["\(name)=\(value)", "Path=\(path)"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        parts.append("SameSite=\(sameSite.rawValue)")
        return parts.joined(separator: "; ")
    }
}
