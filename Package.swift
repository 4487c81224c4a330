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

        // Thin wrappers: each owns its C handles in classes that free them.
        .target(name: "HTTP", dependencies: ["Secrets"], swiftSettings: swiftSettings),
        // Log lines with write(2): the one writer of the supervisor, the workers and the request log.
        .target(name: "Log", swiftSettings: swiftSettings),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "HTTP", "Log"], swiftSettings: swiftSettings),
        .target(name: "Postgres", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),
        .target(name: "JWT", dependencies: ["CJWT"], swiftSettings: swiftSettings),
        .target(name: "Secrets", dependencies: ["CSodium"], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: swiftSettings),

        // The application: routes, policy, storage. No C imports.
        .target(
            name: "Orgplane", dependencies: ["HTTP", "Log", "Postgres", "JWT", "Secrets", "HTTPClient"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "OrgplaneCLI", dependencies: ["Orgplane", "FastCGI", "HTTP", "Log", "Postgres", "Secrets"], swiftSettings: swiftSettings),

        .testTarget(
            name: "OrgplaneTests", dependencies: ["Orgplane", "HTTP", "Log", "Postgres", "JWT", "Secrets", "CJWT"],
            swiftSettings: swiftSettings),
    ]
)
