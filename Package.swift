// swift-tools-version:6.0
import PackageDescription

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

        // Thin wrappers: each owns its C handles in classes that free them.
        .target(name: "HTTP"),
        // Log lines with write(2): the one writer of the supervisor, the workers and the request log.
        .target(name: "Log"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "HTTP"]),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "JWT", dependencies: ["CJWT"]),
        .target(name: "Secrets", dependencies: ["CSodium"]),
        .target(name: "HTTPClient", dependencies: ["CCurl"]),

        // The application: routes, policy, storage. No C imports.
        .target(name: "Orgplane", dependencies: ["HTTP", "Log", "Postgres", "JWT", "Secrets", "HTTPClient"]),
        .executableTarget(name: "OrgplaneCLI", dependencies: ["Orgplane", "FastCGI", "Log", "Postgres"]),

        .testTarget(name: "OrgplaneTests", dependencies: ["Orgplane", "HTTP", "Log", "Postgres", "JWT", "Secrets", "CJWT"]),
    ]
)
