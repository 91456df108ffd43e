// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tambon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tambon", targets: ["tambon"]),
        .executable(name: "tambon-bench", targets: ["tambon-bench"]),
        .library(name: "TambonCore", targets: ["TambonCore"]),
        .library(name: "TambonStore", targets: ["TambonStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libsodium (Debian's libsodium-dev): Ed25519 verification, about 1.7× faster than BoringSSL's here.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // Pure domain logic: clock, identity, changes, canonical encoding, signing, merge rules.
        // No SQLite, no networking, no file system.
        .target(
            name: "TambonCore",
            dependencies: ["CSodium", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // One Stop Service, pure: identifiers (national ID, tracking codes, official numbers), Thai calendar,
        // fees, and each service's workflow as a state machine over application events. No I/O.
        .target(name: "TambonOSS", dependencies: ["TambonCore"]),
        // The replicated store: change log, materialised state, identity and clock in SQLite (GRDB).
        .target(
            name: "TambonStore",
            dependencies: [
                "TambonCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The office's work on the store: applications and their actions, official numbers, accounts.
        .target(
            name: "TambonOffice",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The hub's report index: facts per application derived from the change log, aggregated in SQL.
        .target(
            name: "TambonReports",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The sync protocol: messages, signed requests, and the node's HTTPS client and sync rounds.
        .target(
            name: "TambonSync",
            dependencies: [
                "TambonCore",
                "TambonStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The hub: HTTPS server (Hummingbird), enrolment, push and pull endpoints, its TLS material, its reports.
        .target(
            name: "TambonHub",
            dependencies: [
                "TambonCore",
                "TambonStore",
                "TambonSync",
                "TambonReports",
                "TambonWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The web apps: the node's JSON API and server-rendered pages (Mustache), staff sessions; the hub's report API and page.
        .target(
            name: "TambonWeb",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.embedInCode("Templates")]
        ),
        // The node's HTTP server (health, the web app) and its background sync loop.
        .target(
            name: "TambonServer",
            dependencies: [
                "TambonCore",
                "TambonOffice",
                "TambonWeb",
                "TambonStore",
                "TambonSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test and benchmark support: a TCP proxy that cuts, delays and throttles connections; a seeded generator;
        // generated applications.
        .target(name: "TambonTestSupport", dependencies: ["TambonCore", "TambonOSS", "TambonStore"]),
        // The one binary offices run.
        .executableTarget(
            name: "tambon",
            dependencies: [
                "TambonCore",
                "TambonOSS",
                "TambonOffice",
                "TambonStore",
                "TambonSync",
                "TambonHub",
                "TambonServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks that print figures (run with -c release).
        .executableTarget(
            name: "tambon-bench",
            dependencies: [
                "TambonCore",
                "TambonStore",
                "TambonSync",
                "TambonHub",
                "TambonOSS",
                "TambonOffice",
                "TambonReports",
                "TambonTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "TambonCoreTests", dependencies: ["TambonCore"]),
        .testTarget(name: "TambonOSSTests", dependencies: ["TambonCore", "TambonOSS", "TambonTestSupport"]),
        .testTarget(name: "TambonOfficeTests", dependencies: ["TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonReports", "TambonTestSupport"]),
        .testTarget(
            name: "TambonWebTests",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonWeb", "TambonReports",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "TambonStoreTests", dependencies: ["TambonCore", "TambonStore", "TambonTestSupport"]),
        .testTarget(
            name: "TambonSyncTests",
            dependencies: [
                "TambonCore", "TambonStore", "TambonSync", "TambonHub", "TambonServer", "TambonTestSupport", "TambonOSS", "TambonOffice",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "TambonCLITests", dependencies: ["tambon"]),
    ]
)
