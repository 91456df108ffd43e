// swift-tools-version:6.1
import PackageDescription

/// Every target: `any` spelled out for existentials, and members visible only through modules a file imports.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The products several targets use, named once.
enum Product {
    static let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
    static let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
    static let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
    static let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
    static let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
    static let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
    static let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
    static let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")
    static let hummingbirdTLS: Target.Dependency = .product(name: "HummingbirdTLS", package: "hummingbird")
    static let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
}

let package = Package(
    name: "Tambon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tambon", targets: ["tambon"]),
        .executable(name: "tambon-bench", targets: ["tambon-bench"]),
        .library(name: "TambonCore", targets: ["TambonCore"]),
        .library(name: "TambonStore", targets: ["TambonStore"]),
        .library(name: "TambonProtocol", targets: ["TambonProtocol"]),
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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libsodium (Debian's libsodium-dev): Ed25519 verification, about 1.7× faster than BoringSSL's here.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // libqrencode (Debian's libqrencode-dev): the Thai QR codes on bills. libzint (libzint-dev, no pkg-config
        // file): the Code 128 bill-payment barcode.
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZint", providers: [.apt(["libzint-dev"])]),
        // libxml2 (libxml2-dev): parsing and XML Schema validation of e-CMS letter envelopes.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // MARK: The pure core (no I/O)

        // Clock, identity, changes, canonical encoding, signing, merge rules. No SQLite, no network, no files.
        .target(
            name: "TambonCore",
            dependencies: ["CSodium", Product.crypto],
            swiftSettings: strict
        ),
        // The services, pure: identifiers (national ID, tracking codes, official numbers), Thai calendar, fees,
        // each service's workflow as a state machine over application events, report facts. No I/O.
        .target(name: "TambonOSS", dependencies: ["TambonCore"], swiftSettings: strict),
        // The sync protocol both roles speak, pure: wire constants, messages and their refusals, the request-signing
        // message, gzip framing, the batch writer and the export file. Neither role's code.
        .target(
            name: "TambonProtocol",
            dependencies: [
                "TambonCore",
                Product.crypto,
                .product(name: "CompressNIO", package: "compress-nio"),
                Product.nioCore,
            ],
            swiftSettings: strict
        ),

        // QR codes and barcodes as SVG and PNG, from libqrencode and libzint: no I/O, no knowledge of bills.
        .target(
            name: "TambonCodes",
            dependencies: ["CQREncode", "CZint", "TambonCore", .product(name: "CompressNIO", package: "compress-nio"), Product.nioCore],
            swiftSettings: strict
        ),

        // The e-CMS exchange of letters with agencies not on Tambon: the envelope's XML written, and read through
        // libxml2 with its schema validated first. No I/O beyond the bytes given.
        .target(name: "TambonECMS", dependencies: ["CLibXML2", "TambonCore", "TambonOSS"], swiftSettings: strict),

        // MARK: Storage

        // A thin statement binder over GRDB for hot paths (the store's apply, the report index's scans).
        .target(
            name: "TambonSQLite",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The replicated store: change log, materialised state, identity and clock in SQLite. No GRDB type in its
        // public API; read models derive from it through `StoreSnapshot` into databases of their own.
        .target(
            name: "TambonStore",
            dependencies: [
                "TambonCore", "TambonSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                Product.crypto,
            ],
            swiftSettings: strict
        ),
        // The hub's log on PostgreSQL (issue 17): the same `HubLog` as the SQLite store, written set-wise through
        // postgres-nio, with versioned migrations and a schema ready for Citus (distributed by office code).
        .target(
            name: "TambonPostgres",
            dependencies: [
                "TambonCore", "TambonStore", Product.logging, Product.nioCore, Product.nioSSL,
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // The office's work on the store: applications and their actions, official numbers, accounts.
        .target(
            name: "TambonOffice",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonSQLite", Product.logging,
                // The letters' search index, a read model in a database of its own (as the hub's report index).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict
        ),

        // MARK: Shared edges

        // Certificate making for both roles: the hub's CA and server certificate, an office node's own.
        .target(
            name: "TambonTLS",
            dependencies: [
                Product.crypto,
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                Product.nioSSL,
            ],
            swiftSettings: strict
        ),
        // What the node's web app and the hub's report pages share: staff and operator sessions, JSON bodies and
        // responses, the web's refusal.
        .target(
            name: "TambonWebKit",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonOffice", "TambonProtocol",
                Product.hummingbird,
                Product.httpTypes,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),

        // MARK: The node

        // The node's web app: the JSON API and server-rendered pages (Mustache) for citizens and staff.
        .target(
            name: "TambonWeb",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonWebKit", "TambonCodes", "TambonSurveyApp",
                Product.hummingbird,
                Product.mustache,
                Product.httpTypes,
                Product.nioCore,
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.embedInCode("Templates")],
            swiftSettings: strict
        ),
        // The survey officers' web app (plain ES modules and a service worker, embedded) and its routes.
        .target(
            name: "TambonSurveyApp",
            dependencies: [Product.hummingbird, Product.httpTypes, Product.nioCore],
            resources: [.embedInCode("app")],
            swiftSettings: strict
        ),
        // The node's side of sync: its HTTPS client, enrolment, sync rounds, attachment transfer, export.
        .target(
            name: "TambonSync",
            dependencies: [
                "TambonCore", "TambonProtocol", "TambonStore",
                Product.asyncHTTPClient,
                Product.nioSSL,
                Product.nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                Product.logging,
                Product.crypto,
            ],
            swiftSettings: strict
        ),
        // The node's HTTP server (health, the web app) and its background sync loop.
        .target(
            name: "TambonServer",
            dependencies: [
                "TambonCore", "TambonOffice", "TambonWeb", "TambonWebKit", "TambonStore", "TambonSync",
                Product.hummingbird,
                Product.hummingbirdTLS,
                Product.nioCore,
                Product.nioSSL,
                Product.serviceLifecycle,
                Product.logging,
            ],
            swiftSettings: strict
        ),

        // MARK: The hub

        // The hub's report index (its own database, fed by the store's change feed), report API and page, and
        // their background refresh.
        .target(
            name: "TambonReports",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonSQLite", "TambonOffice", "TambonWebKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                Product.hummingbird,
                Product.httpTypes,
                Product.nioCore,
                Product.mustache,
                Product.serviceLifecycle,
                Product.logging,
            ],
            swiftSettings: strict
        ),
        // The hub: HTTPS server (Hummingbird), enrolment, push and pull intake, attachments, metrics, reports.
        .target(
            name: "TambonHub",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonProtocol", "TambonStore", "TambonReports", "TambonWebKit", "TambonSurveyApp", "TambonOffice",
                Product.hummingbird,
                Product.hummingbirdTLS,
                Product.serviceLifecycle,
                Product.httpTypes,
                .product(name: "Prometheus", package: "swift-prometheus"),
                Product.crypto,
                Product.nioCore,
                Product.nioSSL,
                Product.logging,
            ],
            swiftSettings: strict
        ),

        // MARK: Executables and test support

        // Test and benchmark support: a TCP proxy that cuts, delays and throttles connections; a seeded generator;
        // generated applications.
        .target(name: "TambonTestSupport", dependencies: ["TambonCore", "TambonOSS", "TambonStore", "TambonOffice"], swiftSettings: strict),
        // Test support for sync: a transport into the hub's own router in the same process (no TLS, no sockets).
        .target(
            name: "TambonSyncTestSupport",
            dependencies: [
                "TambonCore", "TambonProtocol", "TambonStore", "TambonSync", "TambonHub", "TambonReports", "TambonWebKit",
                Product.hummingbird,
                Product.httpTypes,
                Product.nioCore,
                .product(name: "NIOEmbedded", package: "swift-nio"),
                Product.logging,
            ],
            swiftSettings: strict
        ),
        // Test support for the web apps: requests, responses and staff sessions through Hummingbird's test client.
        .target(
            name: "TambonWebTestSupport",
            dependencies: [
                "TambonCore",
                Product.hummingbird,
                Product.hummingbirdTesting,
                Product.httpTypes,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),
        // The one binary offices and the hub run.
        .executableTarget(
            name: "tambon",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonOffice", "TambonStore", "TambonProtocol", "TambonTLS", "TambonSync",
                "TambonHub", "TambonServer", "TambonECMS", "TambonPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                Product.hummingbird,
                Product.logging,
                Product.nioCore,
                Product.nioSSL,
            ],
            swiftSettings: strict
        ),
        // Benchmarks that print figures (run with -c release).
        .executableTarget(
            name: "tambon-bench",
            dependencies: [
                "TambonCore", "TambonStore", "TambonProtocol", "TambonTLS", "TambonSync", "TambonHub", "TambonOSS",
                "TambonOffice", "TambonReports", "TambonSQLite", "TambonTestSupport", "TambonCodes", "TambonPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                Product.asyncHTTPClient,
                Product.nioSSL,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                Product.hummingbird,
                Product.logging,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),

        // MARK: Tests, one target per target they test

        .testTarget(name: "TambonCoreTests", dependencies: ["TambonCore"], swiftSettings: strict),
        .testTarget(name: "TambonECMSTests", dependencies: ["TambonECMS", "TambonCore", "TambonOSS"], swiftSettings: strict),
        .testTarget(name: "TambonCodesTests", dependencies: ["TambonCodes", "TambonCore", "TambonOSS"], swiftSettings: strict),
        .testTarget(name: "TambonProtocolTests", dependencies: ["TambonCore", "TambonProtocol"], swiftSettings: strict),
        .testTarget(
            name: "TambonOSSTests", dependencies: ["TambonCore", "TambonOSS", "TambonTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TambonStoreTests",
            dependencies: ["TambonCore", "TambonStore", "TambonTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // One suite for both hub backends: SQLite always, PostgreSQL at TAMBON_TEST_POSTGRES (scripts/test starts one).
        .testTarget(
            name: "TambonHubLogTests",
            dependencies: [
                "TambonCore", "TambonStore", "TambonPostgres", "TambonTestSupport", "TambonOSS", "TambonOffice", "TambonReports", Product.logging,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonOfficeTests",
            // TambonReports for the third service's run through the hub's report index.
            dependencies: ["TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonReports", "TambonTestSupport", "TambonECMS"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonHubTests",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonProtocol", "TambonStore", "TambonHub", "TambonWebKit", "TambonSurveyApp",
                Product.hummingbird,
                Product.hummingbirdTesting,
                Product.httpTypes,
                Product.logging,
                Product.nioCore,
                Product.serviceLifecycle,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonReportsTests",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonReports", "TambonWebKit", "TambonTestSupport",
                "TambonWebTestSupport",
                Product.hummingbird,
                Product.hummingbirdTesting,
                Product.httpTypes,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonWebTests",
            dependencies: [
                "TambonCore", "TambonOSS", "TambonStore", "TambonOffice", "TambonWeb", "TambonWebKit", "TambonWebTestSupport", "TambonTestSupport",
                Product.hummingbird,
                Product.hummingbirdTesting,
                Product.httpTypes,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonSyncTests",
            dependencies: [
                "TambonCore", "TambonProtocol", "TambonTLS", "TambonStore", "TambonSync", "TambonHub", "TambonServer",
                "TambonTestSupport", "TambonSyncTestSupport", "TambonOSS", "TambonOffice",
                Product.asyncHTTPClient,
                Product.hummingbird,
                Product.logging,
                Product.nioCore,
                Product.nioSSL,
            ],
            swiftSettings: strict
        ),
        // The node's side of sync with no TLS and no sockets: rounds against the hub's router in process, the schedule.
        .testTarget(
            name: "TambonNodeTests",
            dependencies: [
                "TambonCore", "TambonProtocol", "TambonStore", "TambonSync", "TambonSyncTestSupport", "TambonTestSupport", "TambonWebKit",
                "TambonOSS", "TambonOffice",
                Product.hummingbird,
                Product.nioCore,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TambonCLITests",
            dependencies: [
                "tambon", "TambonTestSupport", "TambonCore", "TambonStore", "TambonOSS", "TambonOffice", "TambonHub", "TambonPostgres",
                Product.logging,
            ],
            swiftSettings: strict),
    ]
)
