// swift-tools-version:6.0
import PackageDescription

/// One settings list for every target (STYLE §1): imports are internal unless marked `public import`,
/// and existential types are spelled `any`.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "RosterSync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rostersync", targets: ["rostersync"]),
        .executable(name: "RosterBench", targets: ["RosterBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // Pure domain: template, catalog, CSV reader/writer, validator. No dependencies.
        .target(name: "RosterCore", swiftSettings: settings),
        // The one YAML reader of config, connector and mapping files: size and alias limits, located diagnostics.
        .target(name: "RosterYAML", dependencies: ["RosterCore", .product(name: "Yams", package: "Yams")], swiftSettings: settings),
        // Declarative mapping files: source record -> template row.
        .target(
            name: "RosterMapping",
            dependencies: ["RosterCore", "RosterYAML", .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"],
            swiftSettings: settings
        ),
        // Declarative connectors; owns the HTTPClient port.
        .target(
            name: "RosterConnectors",
            dependencies: [
                "RosterCore", "RosterYAML", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: settings
        ),
        // Pipeline, config, runs, reports; owns the UserStore port.
        .target(
            name: "RosterEngine",
            dependencies: [
                "RosterCore", "RosterYAML", "RosterMapping", "RosterConnectors", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // Adapters at the edge.
        .target(
            name: "RosterStoreSQLite",
            dependencies: [
                "RosterEngine", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // PostgreSQL adapter of the UserStore port; the only library that depends on PostgresNIO.
        .target(
            name: "RosterStorePostgres",
            dependencies: [
                "RosterEngine", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "RosterConnectors"], exclude: ["README.md"], swiftSettings: settings),
        // In-memory twins and test helpers; only tests and the benchmark depend on it.
        .target(
            name: "RosterTesting",
            dependencies: [
                "RosterEngine", "RosterConnectors", .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        // HTTP API and web console over the engine; the only library that depends on Hummingbird.
        .target(
            name: "RosterServer",
            dependencies: [
                "RosterCore", "RosterMapping", "RosterEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Assets")],
            swiftSettings: settings
        ),
        // Wiring only.
        .executableTarget(
            name: "rostersync",
            dependencies: [
                "RosterEngine", "RosterStoreSQLite", "RosterStorePostgres", "CurlHTTP", "RosterServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "RosterBench",
            dependencies: ["RosterCore", "RosterMapping", "RosterConnectors", "RosterEngine", "RosterStoreSQLite", "RosterStorePostgres", "CurlHTTP", "RosterTesting"],
            swiftSettings: settings
        ),

        .testTarget(name: "RosterCoreTests", dependencies: ["RosterCore"], swiftSettings: settings),
        .testTarget(name: "RosterMappingTests", dependencies: ["RosterMapping"], swiftSettings: settings),
        .testTarget(name: "RosterConnectorsTests", dependencies: ["RosterConnectors", "RosterTesting"], swiftSettings: settings),
        .testTarget(name: "RosterEngineTests", dependencies: ["RosterEngine", "RosterTesting"], exclude: ["Fixtures"], swiftSettings: settings),
        .testTarget(
            name: "RosterStoreSQLiteTests",
            dependencies: ["RosterStoreSQLite", "RosterStorePostgres", "RosterTesting"],
            swiftSettings: settings
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "RosterTesting"], swiftSettings: settings),
        .testTarget(
            name: "RosterServerTests",
            dependencies: [
                "RosterServer", "RosterTesting", .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: settings
        ),
        .testTarget(name: "RosterSyncCLITests", dependencies: ["rostersync", "RosterStorePostgres", "RosterTesting"], swiftSettings: settings),
    ]
)
