import GRDB
import GRDBSQLite

/// A thin binder over a cached GRDB statement for the apply path, where building `StatementArguments` for every
/// row would cost more than the insert itself (and for scans of many rows, such as the hub's reports, where
/// building a `Row` for each would). Text is bound straight from canonical UTF-8 bytes.
public struct RawStatement {
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    public func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// An integer, or NULL.
    public func bind(_ index: Int32, _ value: Int64?) throws {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// A real, or NULL.
    public func bind(_ index: Int32, _ value: Double?) throws {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ index: Int32, text: String) throws {
        var text = text
        try text.withUTF8 { buffer in
            try check(sqlite3_bind_text(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient))
        }
    }

    public func bind(_ index: Int32, text bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { buffer in
            // An empty slice has no base address; SQLite needs a non-null pointer for an empty (not NULL) text.
            let empty: StaticString = ""
            let pointer = (buffer.baseAddress ?? UnsafeRawPointer(empty.utf8Start)).assumingMemoryBound(to: CChar.self)
            try check(sqlite3_bind_text(handle, index, pointer, Int32(buffer.count), Self.transient))
        }
    }

    public func bind(_ index: Int32, blob bytes: [UInt8]?) throws {
        guard let bytes else {
            try check(sqlite3_bind_null(handle, index))
            return
        }
        try bytes.withUnsafeBytes { buffer in
            try check(sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient))
        }
    }

    /// A failed bind (out of memory, too big, bad index) must not leave the previous row's value in place.
    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// Runs the statement to completion (for writes) and resets it for the next row.
    public func run() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// Steps once; calls `row` for each result row, then resets.
    public func query(_ row: (RawStatement) -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
            }
            row(self)
        }
    }

    /// Whether a column of the current row is NULL.
    public func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    public func double(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    public func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    public func blob(_ column: Int32) -> [UInt8]? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
