import Crypto
import Foundation
import TambonCore

/// Files attached to records (plans, photos), content-addressed by SHA-256 and kept beside the database:
/// `attachments/<first two hex digits>/<sha256>`. A file is only ever visible whole: uploads and downloads grow a
/// file under `attachments/partial/` chunk by chunk (each chunk checked) and move it into place only once the
/// whole file's hash matches, so a dropped link resumes where it stopped and never shows half a file.
public struct AttachmentStore: Sendable {
    public let root: String
    /// The largest chunk a transfer moves at once.
    public static let maximumChunk = 1 << 20

    public init(root: String) {
        self.root = root
    }

    /// Creates the directories (mode 0700: they hold citizens' documents).
    func prepare() throws {
        for directory in [root, partialDirectory] where !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    var partialDirectory: String { root + "/partial" }

    public static func isValidHash(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    func path(of hash: String) -> String { root + "/" + hash.prefix(2) + "/" + hash }
    /// An incoming file's partial: shared by this node's own downloads (`uploader` nil), or, at the hub, one per
    /// uploading node, so no node can seed bytes that another's upload of the same hash would have to continue.
    func partialPath(of hash: String, uploader: NodeID? = nil) -> String {
        uploader.map { partialDirectory + "/" + $0.hex + "/" + hash } ?? partialDirectory + "/" + hash
    }

    /// The size of a complete file, or nil if it is not here (whole).
    public func size(of hash: String) -> Int? {
        guard Self.isValidHash(hash) else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path(of: hash))[.size] as? Int) ?? nil
    }

    public func has(_ hash: String) -> Bool { size(of: hash) != nil }

    /// How much of an incomplete file has arrived (0 if none).
    public func partialSize(of hash: String, uploader: NodeID? = nil) -> Int {
        guard Self.isValidHash(hash) else { return 0 }
        return (try? FileManager.default.attributesOfItem(atPath: partialPath(of: hash, uploader: uploader))[.size] as? Int) ?? 0
    }

    /// Removes partial files (and temporary files left by a crash) not written to since `cutoff`: an upload
    /// abandoned for that long starts again from its first chunk. Returns how many were removed.
    @discardableResult
    public func expirePartials(notWrittenSince cutoff: Date) -> Int {
        let manager = FileManager.default
        var removed = 0
        func sweep(_ directory: String, depth: Int) {
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return }
            for name in names {
                let path = directory + "/" + name
                guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
                if attributes[.type] as? FileAttributeType == .typeDirectory {
                    if depth == 0 {
                        sweep(path, depth: 1)
                        _ = rmdir(path)  // an uploader's directory goes once empty (rmdir refuses one that is not)
                    }
                    continue
                }
                if let modified = attributes[.modificationDate] as? Date, modified < cutoff, (try? manager.removeItem(atPath: path)) != nil {
                    removed += 1
                }
            }
        }
        sweep(partialDirectory, depth: 0)
        return removed
    }

    /// Stores a whole file; returns its SHA-256 (hex). Storing the same bytes twice keeps one file.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws -> String {
        let hash = Hex.encode(Array(SHA256.hash(data: bytes)))
        if has(hash) { return hash }
        try prepare()
        let temporary = partialPath(of: hash) + ".\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            try write(bytes, to: temporary)
            try finish(temporary, as: hash)
        } catch {
            // Nothing half-written stays behind.
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return hash
    }

    /// `length` bytes of a complete file from `offset` (fewer at its end).
    public func read(_ hash: String, offset: Int, length: Int) throws -> [UInt8] {
        guard Self.isValidHash(hash), let handle = FileHandle(forReadingAtPath: path(of: hash)) else {
            throw StoreError(.invalidArgument, "no attachment \(hash.prefix(12))…")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(max(0, offset)))
        return Array(try handle.read(upToCount: max(0, min(length, Self.maximumChunk))) ?? Data())
    }

    /// The whole file (for serving it to a browser).
    public func contents(of hash: String) throws -> [UInt8] {
        guard Self.isValidHash(hash), let data = FileManager.default.contents(atPath: path(of: hash)) else {
            throw StoreError(.invalidArgument, "no attachment \(hash.prefix(12))…")
        }
        return Array(data)
    }

    /// Appends a chunk at `offset` of an incoming file of `size` bytes. The chunk must continue exactly where the
    /// partial file ends (a repeated chunk is ignored) and match `chunkHash`. When the file is complete its whole
    /// hash is checked; a mismatch discards it. Returns how many bytes are held.
    ///
    /// With an `uploader` (the hub receiving a node's upload) the bytes go to that node's own partial file, and a
    /// file held already is received again in full: the upload is how an office proves it holds the file.
    public func append(_ hash: String, size: Int, offset: Int, chunk: [UInt8], chunkHash: String, uploader: NodeID? = nil) throws -> Int {
        // Every offset is checked against the size before any arithmetic on it: a node may send any Int in the path.
        guard Self.isValidHash(hash), size > 0, chunk.count <= Self.maximumChunk, offset >= 0, offset <= size else {
            throw StoreError(.invalidArgument, "malformed attachment chunk")
        }
        if uploader == nil, has(hash) { return size }
        guard Hex.encode(Array(SHA256.hash(data: chunk))) == chunkHash else {
            throw StoreError(.invalidArgument, "attachment chunk at \(offset) does not match its hash (damaged on the way)")
        }
        try prepare()
        let held = partialSize(of: hash, uploader: uploader)
        // Whole but never moved into place (the process stopped between the last chunk and the rename): finish now.
        if held == size { return try complete(hash, size: size, uploader: uploader) }
        if offset + chunk.count <= held { return held }
        guard offset == held, chunk.count <= size - offset else {
            throw StoreError(.invalidArgument, "attachment chunk at \(offset) does not continue the \(held) bytes held (of \(size))")
        }
        let partial = partialPath(of: hash, uploader: uploader)
        if let uploader, !FileManager.default.fileExists(atPath: partialDirectory + "/" + uploader.hex) {
            try FileManager.default.createDirectory(
                atPath: partialDirectory + "/" + uploader.hex, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: partial) {
            FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: partial) else { throw StoreError(.invalidArgument, "cannot write \(partial)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: chunk)
        try handle.synchronize()
        let now = held + chunk.count
        guard now == size else { return now }
        return try complete(hash, size: size, uploader: uploader)
    }

    /// A partial file that holds all `size` bytes: checked against its hash and moved into place, or discarded.
    private func complete(_ hash: String, size: Int, uploader: NodeID?) throws -> Int {
        let partial = partialPath(of: hash, uploader: uploader)
        guard let data = FileManager.default.contents(atPath: partial), Hex.encode(Array(SHA256.hash(data: data))) == hash else {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError(.invalidArgument, "attachment \(hash.prefix(12))… arrived whole but its SHA-256 does not match; discarded")
        }
        try finish(partial, as: hash)
        return size
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw StoreError(.invalidArgument, "cannot write \(path)") }
        defer { try? handle.close() }
        try handle.write(contentsOf: bytes)
        try handle.synchronize()
    }

    /// Moves a complete, checked file into place (rename: atomic on one file system).
    private func finish(_ source: String, as hash: String) throws {
        let directory = root + "/" + hash.prefix(2)
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard rename(source, path(of: hash)) == 0 else { throw StoreError(.invalidArgument, "cannot move \(source) into place") }
        // The rename is on disk only once the directory is: a power cut must not undo a file already reported whole.
        Self.synchronizeDirectory(directory)
        Self.synchronizeDirectory((source as NSString).deletingLastPathComponent)
    }

    private static func synchronizeDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
