import Synchronization
import TambonCore
import TambonStore

/// The reads of a read-decide-write body's rehearsal (``PostgresStore/readWrite(_:)``), answered from memory only:
/// what was read in an earlier round is answered so, anything else is noted as missing and answered as absent (no
/// record, no id), a state the log may well be in, so the body goes on and asks for what else it needs in this
/// round. The store reads what was missing in one go and runs the body again, until a round misses nothing.
final class RehearsalReads: LocalReads, Sendable {
    let node: NodeInfo
    let stamp: HLC
    private let known: PostgresReadSet.Answers
    private let noted = Mutex((asked: PostgresReadSet(), missing: PostgresReadSet()))

    init(node: NodeInfo, known: PostgresReadSet.Answers) {
        self.node = node
        stamp = node.clock
        self.known = known
    }

    /// Everything the body asked for in this round, and what of it was not known.
    var asked: PostgresReadSet { noted.withLock { $0.asked } }
    var missing: PostgresReadSet { noted.withLock { $0.missing } }

    func role() throws -> NodeRole { .hub }

    func record(collection: String, id: String) throws -> RecordSnapshot? {
        let key = PostgresReadSet.RecordKey(collection: collection, id: id)
        return noted.withLock { noted in
            noted.asked.records.insert(key)
            if let answer = known.records[key] { return answer }
            noted.missing.records.insert(key)
            return nil
        }
    }

    func recordIDs(collection: String, _ link: Store.BillLink, _ reference: String, office: String) throws -> [String] {
        let key = PostgresReadSet.LinkKey(collection: collection, link: link, reference: reference, office: office)
        return noted.withLock { noted in
            noted.asked.links.insert(key)
            if let answer = known.links[key] { return answer }
            noted.missing.links.insert(key)
            return []
        }
    }
}
