import Logging
import Synchronization

/// The records this node holds but cannot read (a number no integer holds, a service it does not know): a newer
/// version's data, or a hostile node's, relayed by the hub before anything refused it. A reader skips such a record
/// (the queue lists the others, a page says it is damaged) and notes it here, which logs it once per process, never
/// once per request. The memory of what was logged is bounded: past ``remembered`` ids it starts afresh, so a flood
/// of damaged records costs at most a log line per record per ``remembered``.
public final class DamagedRecords: Sendable {
    /// How many record ids are remembered as logged.
    public static let remembered = 10_000
    let logger: Logger
    private let logged = Mutex<Set<String>>([])

    public init(logger: Logger = Logger(label: "tambon.records")) {
        self.logger = logger
    }

    /// Notes that `record` could not be read, logging it the first time. The reason names the record and the field,
    /// never a value (which may be personal data).
    public func note(_ record: DamagedRecord) {
        let first = logged.withLock { ids in
            if ids.count >= Self.remembered { ids.removeAll(keepingCapacity: true) }
            return ids.insert(record.collection + "/" + record.id).inserted
        }
        guard first else { return }
        logger.warning(
            "damaged record skipped", metadata: ["collection": "\(record.collection)", "record": "\(record.id)", "reason": "\(record.code)"])
    }

    /// Whether `record` was logged (for tests).
    public func wasLogged(collection: String, id: String) -> Bool {
        logged.withLock { $0.contains(collection + "/" + id) }
    }
}
