import GRDB

/// A read model's own database (the hub's report index, a node's letter index): a WAL pool at `path` beside the
/// store, in memory when the store is. Derived data, so `synchronous = NORMAL`: a power cut loses at most the last
/// steps, which the next refresh from the store's change feed redoes.
public enum ProjectionDatabase {
    public static func open(path: String?) throws -> any DatabaseWriter {
        guard let path else { return try DatabaseQueue() }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return try DatabasePool(path: path, configuration: configuration)
    }
}
