import Foundation

/// A node's data directory: the SQLite database (and, in later issues, attachments) under one folder that only
/// its owner can read, since the database holds the node's private key and citizens' personal data.
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var databasePath: String { (path as NSString).appendingPathComponent(Store.databaseFileName) }

    /// Creates the directory (mode 0700) and a store in it, for `node init`. Refuses if a database is already there.
    public func create(configuration: StoreConfiguration) throws -> Store {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError(.invalidArgument, "\(path) exists and is not a directory")
            }
            if files.fileExists(atPath: databasePath) {
                throw StoreError(
                    .alreadyInitialised, "\(path) already holds a Tambon node",
                    hint: "choose another --data directory; an existing node is never overwritten")
            }
            try restrict(path, to: 0o700)
        } else {
            do {
                try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.invalidArgument, "cannot create \(path): \(error.localizedDescription)")
            }
        }
        // The database file exists, 0600, before SQLite opens it: SQLite gives the write-ahead log and shared-memory
        // files it makes the database file's mode, and they hold the private key and personal data too.
        guard files.createFile(atPath: databasePath, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.invalidArgument, "cannot create \(databasePath)")
        }
        return try Store.open(path: databasePath, configuration: configuration)
    }

    /// Tightens `path` to `mode` if it is looser (a directory made by hand, a file from an older version).
    private func restrict(_ path: String, to mode: Int) throws {
        let current = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? mode
        guard current & ~mode != 0 else { return }
        do {
            try FileManager.default.setAttributes([.posixPermissions: current & mode], ofItemAtPath: path)
        } catch {
            throw StoreError(.invalidArgument, "cannot make \(path) private (mode \(String(mode, radix: 8))): \(error.localizedDescription)")
        }
    }

    /// Opens the store of an initialised node. Creates nothing: a wrong path is an error, not a new empty node.
    public func open(configuration: StoreConfiguration) throws -> Store {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(
                .notInitialised, "no such data directory: \(path)",
                hint: "tambon node init --data \(path) --office CODE")
        }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw StoreError(.notInitialised, "\(path) holds no Tambon node", hint: "tambon node init --data \(path) --office CODE")
        }
        // Only its owner may read it: the directory, the database and SQLite's files beside it.
        try restrict(path, to: 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: databasePath + suffix) {
            try restrict(databasePath + suffix, to: 0o600)
        }
        return try Store.open(path: databasePath, configuration: configuration)
    }
}
