import HTTP
import Secrets

/// Names and shapes of the cookies this service sets.
enum Cookies {
    static let access = "orgplane_access"
    static let refresh = "orgplane_refresh"
    static let organization = "orgplane_org"
    static let csrf = "orgplane_csrf"

    /// The cookies of a fresh or refreshed session.
    static func session(accessToken: String, refreshToken: String, configuration: Configuration) -> [SetCookie] {
        let secure = configuration.secureCookies
        return [
            SetCookie(
                name: access,
                value: accessToken,
                path: "/",
                maxAge: configuration.accessTokenTTL,
                httpOnly: true,
                secure: secure,
                sameSite: .lax
            ),
            SetCookie(
                name: refresh,
                value: refreshToken,
                path: "/api/auth",
                maxAge: configuration.refreshTokenTTL,
                httpOnly: true,
                secure: secure,
                sameSite: .strict
            ),
            SetCookie(
                name: csrf,
                value: Secrets.randomToken(bytes: 24),
                path: "/",
                maxAge: configuration.refreshTokenTTL,
                httpOnly: false,
                secure: secure,
                sameSite: .strict
            ),
        ]
    }

    static func organization(_ id: OrganizationID, configuration: Configuration) -> SetCookie {
        SetCookie(
            name: organization,
            value: id.description,
            path: "/",
            maxAge: configuration.refreshTokenTTL,
            httpOnly: true,
            secure: configuration.secureCookies,
            sameSite: .lax
        )
    }

    /// Cookies that make the browser forget the session.
    static func cleared(configuration: Configuration) -> [SetCookie] {
        let secure = configuration.secureCookies
        return [
            .clearing(access, path: "/", secure: secure, sameSite: .lax),
            .clearing(refresh, path: "/api/auth", secure: secure, sameSite: .strict),
            .clearing(csrf, path: "/", httpOnly: false, secure: secure, sameSite: .strict),
            .clearing(organization, path: "/", secure: secure, sameSite: .lax),
        ]
    }
}
