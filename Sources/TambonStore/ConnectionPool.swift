/// The pools of connections a hub's database is reached through (PostgreSQL): the log's writers wait for their
/// turn on connections of their own, so that a queue of writers never holds the readers' connections.
public enum ConnectionPool: String, Sendable, CaseIterable {
    case read, write
}
