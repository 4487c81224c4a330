// swift-tools-version:6.0
import PackageDescription

/// Upcoming language features on for every target, as Hummingbird does (its third,
/// `InternalImportsByDefault`, is not on: every `public` signature would need `public import`).
let swiftSettings: [SwiftSetting] = [
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
    .enableUpcomingFeature("ExistentialAny"),
    // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
    // (a module used in a file must be imported there, and declared as a dependency).
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Layers, one direction: C system libraries → thin wrappers (the only importers of C) →
/// `Orgplane` (the application, no C imports) → `OrgplaneCLI` (the `orgplane` executable).
let package = Package(
    name: "orgplane",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "orgplane", targets: ["OrgplaneCLI"]),
        .library(name: "Orgplane", targets: ["Orgplane"]),
    ],
    targets: [
        // C libraries from Debian, found through pkg-config.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CJWT", pkgConfig: "libjwt", providers: [.apt(["libjwt-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libpg_query ships no pkg-config file: the module map links `pg_query` itself.
        .systemLibrary(name: "CPgQuery", providers: [.apt(["libpg-query-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Header-only: atomic operations on shared memory (the compiler's builtins).
        .systemLibrary(name: "CAtomics"),

        // Thin wrappers: each owns its C handles in classes that free them.
        .target(name: "HTTP", dependencies: ["Secrets"], swiftSettings: swiftSettings),
        // Log lines with write(2): the one writer of the supervisor, the workers and the request log.
        .target(name: "Log", swiftSettings: swiftSettings),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "HTTP", "Log"], swiftSettings: swiftSettings),
        .target(name: "Postgres", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),
        .target(name: "JWT", dependencies: ["CJWT"], swiftSettings: swiftSettings),
        .target(name: "Secrets", dependencies: ["CSodium"], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        // PostgreSQL's parser on a thread with a large stack: parse tree, scan, fingerprint.
        .target(name: "SQLParser", dependencies: ["CPgQuery"], swiftSettings: swiftSettings),
        // Mail over libcurl's SMTP (STARTTLS, implicit TLS): one message per call.
        .target(name: "SMTPClient", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        // QR codes as SVG (libqrencode), for two-factor enrollment.
        .target(name: "QRCode", dependencies: ["CQRencode"], swiftSettings: swiftSettings),
        // Prometheus counters in memory shared by every pre-forked worker process.
        .target(name: "Metrics", dependencies: ["CAtomics"], swiftSettings: swiftSettings),

        // The application: routes, policy, storage. No C imports.
        .target(
            name: "Orgplane",
            dependencies: ["HTTP", "Log", "Postgres", "JWT", "Secrets", "HTTPClient", "SQLParser", "SMTPClient", "QRCode", "Metrics"],
            swiftSettings: swiftSettings
        ),
        // bench/sql-validator: the agent SQL validator's p50/p99 (built in release).
        .executableTarget(name: "SQLValidatorBench", dependencies: ["Orgplane"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "OrgplaneCLI",
            dependencies: ["Orgplane", "FastCGI", "HTTP", "Log", "Postgres", "Secrets"],
            swiftSettings: swiftSettings
        ),

        // Tests, one target per module (as swift-nio and postgres-nio lay them out). Every target
        // but the last runs without a database; `OrgplaneIntegrationTests` holds the stories
        // against real PostgreSQL and is skipped, saying so, without ORGPLANE_TEST_DATABASE_URL.
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: swiftSettings),
        .testTarget(name: "LogTests", dependencies: ["Log"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"], swiftSettings: swiftSettings),
        // The only target that may import a C module: it checks tokens against libjwt directly.
        .testTarget(name: "JWTTests", dependencies: ["JWT", "CJWT", "Secrets"], swiftSettings: swiftSettings),
        .testTarget(name: "SecretsTests", dependencies: ["Secrets"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLParserTests", dependencies: ["SQLParser"], swiftSettings: swiftSettings),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"], swiftSettings: swiftSettings),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], swiftSettings: swiftSettings),
        .testTarget(name: "OrgplaneTests", dependencies: ["Orgplane", "HTTP", "Postgres", "SQLParser"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OrgplaneIntegrationTests",
            dependencies: ["Orgplane", "HTTP", "Postgres", "Secrets", "SQLParser"],
            swiftSettings: swiftSettings
        ),
    ]
)
