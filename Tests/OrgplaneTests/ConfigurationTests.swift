import Foundation
import Testing

@testable import Orgplane

@Suite("Configuration")
struct ConfigurationTests {
    let good = ["DATABASE_URL": "postgresql://orgplane_service@/orgplane?host=/tmp", "JWT_SECRET": String(repeating: "k", count: 32)]

    @Test("a valid environment gives the documented defaults")
    func defaults() throws {
        let config = try Configuration.fromEnvironment(good).get()
        #expect(config.orgCreationPolicy == .directSignupOnly)
        #expect(config.accessTokenTTL == 900)
        #expect(config.dataplaneOrgHeader == "X-Org-Id")
        #expect(!config.secureCookies)
        #expect(config.databasePreparedStatements)
    }

    @Test("prepared statements are on unless turned off (behind a pooler that cannot carry them)")
    func preparedStatements() throws {
        for (raw, expected) in [
            ("off", false), ("OFF", false), ("false", false), ("0", false), ("on", true), ("true", true), ("1", true), ("", true),
        ] {
            #expect(
                try Configuration.fromEnvironment(good.merging(["DATABASE_PREPARED_STATEMENTS": raw]) { $1 }).get().databasePreparedStatements
                    == expected
            )
        }
    }

    @Test(
        "every problem is listed in plain words",
        arguments: [
            (["JWT_SECRET": ""], "JWT_SECRET is not set"),
            (["JWT_SECRET": "short"], "JWT_SECRET is too short"),
            (["ORG_CREATION_POLICY": "sometimes"], "ORG_CREATION_POLICY must be"),
            (["DATABASE_URL": "mysql://x"], "DATABASE_URL must start with postgresql://"),
            (["DATABASE_URL": ""], "DATABASE_URL is not set"),
            (["WORKER_THREADS": "0"], "WORKER_THREADS must be a whole number"),
            (["PUBLIC_URL": "not a url"], "PUBLIC_URL must be"),
            (["PASSWORD_MEMLIMIT_KIB": "1024"], "PASSWORD_MEMLIMIT_KIB must be"),
            (["DATABASE_PREPARED_STATEMENTS": "sometimes"], "DATABASE_PREPARED_STATEMENTS must be on or off"),
            (["FCGI_LISTEN": "0.0.0.0:9000"], "set FCGI_WEB_SERVER_ADDRS"),
            (["FCGI_LISTEN": "[::1]:9000"], "FCGI_LISTEN must be an IPv4 address and a port"),
            (["FCGI_LISTEN": "10.0.0.5"], "FCGI_LISTEN must be an IPv4 address and a port"),
            (["FCGI_LISTEN": "10.0.0.5:9000", "FCGI_WEB_SERVER_ADDRS": "10.0.0.2,nginx"], "FCGI_WEB_SERVER_ADDRS must list IPv4"),
            (["METRICS_TOKEN": "short"], "METRICS_TOKEN must be at least 16"),
            (["MAIL_URL": "http://mail.example.com"], "MAIL_URL must be smtp://"),
            (["MAIL_URL": "file://"], "MAIL_URL must be smtp://"),
            (["MAIL_URL": "smtp://mail.example.com", "MAIL_FROM": "nobody"], "MAIL_FROM must be an address"),
        ]
    )
    func problems(overrides: [String: String], message: String) {
        let env = good.merging(overrides) { $1 }
        guard case .failure(let errors) = Configuration.fromEnvironment(env) else {
            Issue.record("accepted a bad configuration")
            return
        }
        #expect(errors.description.contains(message))
    }

    @Test("FastCGI over TCP: an IPv4 address and port, with its allowed peers")
    func tcp() throws {
        let config = try Configuration.fromEnvironment(
            good.merging(["FCGI_LISTEN": "10.0.0.5:9000", "FCGI_WEB_SERVER_ADDRS": "10.0.0.2, 10.0.0.3"]) { $1 }
        ).get()
        #expect(config.fcgiListen?.host == "10.0.0.5" && config.fcgiListen?.port == 9000)
        #expect(config.fcgiWebServerAddresses == ["10.0.0.2", "10.0.0.3"])
        #expect(try Configuration.fromEnvironment(good.merging(["FCGI_LISTEN": "127.0.0.1:9000"]) { $1 }).get().fcgiListen?.port == 9000)
    }

    @Test("https or a public host means Secure cookies")
    func secure() throws {
        #expect(try Configuration.fromEnvironment(good.merging(["PUBLIC_URL": "https://teams.example.com"]) { $1 }).get().secureCookies)
        #expect(try Configuration.fromEnvironment(good.merging(["PUBLIC_URL": "http://teams.example.com"]) { $1 }).get().secureCookies)
    }

    @Test("MAIL_URL: smtp and smtps keep the URL, file:// a directory; none means no mailer")
    func mail() throws {
        #expect(try Configuration.fromEnvironment(good).get().mail == nil)
        let smtp = try #require(try Configuration.fromEnvironment(good.merging(["MAIL_URL": "smtp://u:p@mail.example.com:587"]) { $1 }).get().mail)
        #expect(smtp.transport == .smtp(url: "smtp://u:p@mail.example.com:587"))
        #expect(smtp.from == MailAddress("Orgplane <no-reply@127.0.0.1>"))
        let file = try #require(
            try Configuration.fromEnvironment(good.merging(["MAIL_URL": "file://var/mail", "MAIL_FROM": "\"Team, Inc.\" <team@example.com>"]) { $1 })
                .get().mail
        )
        #expect(file.transport == .file(directory: "var/mail"))
        #expect(file.from.address == "team@example.com" && file.from.name == "Team, Inc.")
    }

    @Test("a bad MAIL_URL is refused without echoing it (it may hold a password)")
    func mailSecret() {
        guard case .failure(let errors) = Configuration.fromEnvironment(good.merging(["MAIL_URL": "ftp://user:hunter2@x"]) { $1 }) else {
            Issue.record("accepted ftp://")
            return
        }
        #expect(!errors.description.contains("hunter2"))
    }
}
