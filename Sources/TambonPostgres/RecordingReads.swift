import Synchronization
import TambonCore
import TambonStore

/// The reads of a read-decide-write body's rehearsal (``PostgresStore/readWrite(_:)``): answered by `base` and
/// noted, so the real run can have them read ahead under the lock.
final class RecordingReads: LocalReads, Sendable {
    let base: PostgresLocalReads
    private let noted = Mutex(PostgresReadSet())

    init(base: PostgresLocalReads) { self.base = base }

    var node: NodeInfo { base.node }
    var stamp: HLC { base.stamp }
    /// What the body asked for so far.
    var readSet: PostgresReadSet { noted.withLock { $0 } }

    func role() throws -> NodeRole { try base.role() }

    func record(collection: String, id: String) throws -> RecordSnapshot? {
        noted.withLock { _ = $0.records.insert(.init(collection: collection, id: id)) }
        return try base.record(collection: collection, id: id)
    }

    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String] {
        noted.withLock { _ = $0.links.insert(.init(collection: collection, link: link, reference: reference, office: office)) }
        return try base.recordIDs(collection: collection, link, reference, office: office)
    }
}
