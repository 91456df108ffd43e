// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tambon",
    platforms: [.macOS(.v14)],
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
        // The replicated store: change log, materialised state, identity and clock in SQLite (GRDB).
        .target(
            name: "TambonStore",
            dependencies: [
                "TambonCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The one binary offices run.
        .executableTarget(
            name: "tambon",
            dependencies: [
                "TambonCore",
                "TambonStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks that print figures (run with -c release).
        .executableTarget(
            name: "tambon-bench",
            dependencies: [
                "TambonCore",
                "TambonStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "TambonCoreTests", dependencies: ["TambonCore"]),
        .testTarget(name: "TambonStoreTests", dependencies: ["TambonCore", "TambonStore"]),
        .testTarget(name: "TambonCLITests", dependencies: ["tambon"]),
    ]
)
