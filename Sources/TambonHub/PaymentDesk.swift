import Logging
import Synchronization
import TambonCore
import TambonOSS
import TambonStore

/// The hub's side of fee payments: a bank's confirmation becomes a payment record written by the hub in the office's
/// scope (`payments/<office>.p-<bank>-<transaction>`), matched against the bill its ref 1 names, and reaches the
/// office node on its next sync. Everything about one confirmation happens in one store transaction: the check that
/// the transaction id is new (a retry gets the stored answer and writes nothing), the bill and its ledger, the
/// decision and the write.
///
/// A confirmation whose bill has not reached the hub waits (`awaiting` names its reference); when an office pushes
/// bills, ``billsArrived(office:references:)`` matches what waited for them.
public struct PaymentDesk: Sendable {
    public let store: any HubLog
    public let banks: BankRegistry
    let logger: Logger
    private let billers: BillerDirectory
    private let batches: GroupCommit<Pending, Recorded>
    /// Confirmations written in one transaction at most.
    static let maximumBatch = 64

    public init(store: any HubLog, banks: BankRegistry, logger: Logger) {
        self.store = store
        self.banks = banks
        self.logger = logger
        billers = BillerDirectory(store: store)
        batches = GroupCommit(maximumBatch: Self.maximumBatch) { batch in try await Self.write(batch, store: store, logger: logger) }
    }

    /// What became of a confirmation.
    public struct Recorded: Sendable, Equatable {
        public let id: String
        public let match: String
        /// The transaction id was already recorded: nothing was written.
        public let replayed: Bool
    }

    /// Records a bank's confirmation (or finds it recorded): concurrent confirmations are written together, one
    /// store transaction for a batch (``GroupCommit``), each answered once its batch committed.
    public func record(_ confirmation: BankConfirmation, bank: String) async throws -> Recorded {
        let office = try await billers.office(of: confirmation.billerID)
        let local = BankPayment.localID(bank: bank, transaction: confirmation.transactionID)
        // Two confirmations of one payment, or of one bill, never share a batch: the later reads what the earlier wrote.
        let keys = ["payment:" + local, "bill:" + (office ?? Store.hubOffice) + "." + confirmation.reference1]
        let recorded = try await batches.submit(Pending(confirmation: confirmation, bank: bank, office: office), keys: keys)
        if !recorded.replayed {
            logger.info("bank payment recorded", metadata: ["payment": "\(recorded.id)", "match": "\(recorded.match)"])
        }
        return recorded
    }

    /// A confirmation waiting for its batch, with the office its biller ID names (nil: none yet).
    struct Pending: Sendable {
        let confirmation: BankConfirmation
        let bank: String
        let office: String?
    }

    /// One batch of confirmations in one store transaction. The body may run twice (a rehearsal on PostgreSQL,
    /// ``TambonStore/HubLog/readWrite(_:)``), so it only decides: what to log is logged once it committed.
    static func write(_ batch: [Pending], store: any HubLog, logger: Logger) async throws -> [Recorded] {
        let outcomes = Mutex<[(recorded: Recorded, differs: Bool)]>([])
        try await store.readWrite { transaction -> [LocalEdit] in
            var edits: [LocalEdit] = []
            var decided: [(recorded: Recorded, differs: Bool)] = []
            for pending in batch {
                let (more, outcome, differs) = try recordOne(pending, in: transaction)
                edits += more
                decided.append((outcome, differs))
            }
            outcomes.withLock { $0 = decided }
            return edits
        }
        let decided = outcomes.withLock { $0 }
        for (recorded, differs) in decided where differs {
            logger.warning("a bank resent a transaction id with different content; the first stays", metadata: ["payment": "\(recorded.id)"])
        }
        return decided.map(\.recorded)
    }

    /// The edits one confirmation makes (none for a retry), its answer, and whether it resent a recorded
    /// transaction id with different content (the first stays).
    static func recordOne(_ pending: Pending, in transaction: any LocalReads) throws -> ([LocalEdit], Recorded, differs: Bool) {
        let (confirmation, bank, office) = (pending.confirmation, pending.bank, pending.office)
        let local = BankPayment.localID(bank: bank, transaction: confirmation.transactionID)
        let parked = Authority.recordID(office: Store.hubOffice, local: local)
        let id = office.map { Authority.recordID(office: $0, local: local) } ?? parked
        func replay(_ id: String, _ held: RecordSnapshot) -> ([LocalEdit], Recorded, differs: Bool) {
            let stored = BankPayment(fields: held.fields)
            return ([], Recorded(id: id, match: stored?.match ?? "damaged", replayed: true), stored?.confirmation != confirmation)
        }
        if let held = try transaction.record(collection: BankPayment.collection, id: id) { return replay(id, held) }
        if let held = try transaction.record(collection: BankPayment.collection, id: parked) {
            // Recorded before its office's settings reached the hub: moved to the office now that they have.
            if let moved = held.fields["moved_to"]?.stringValue, let target = try transaction.record(collection: BankPayment.collection, id: moved) {
                return replay(moved, target)
            }
            guard let office, let stored = BankPayment(fields: held.fields) else { return replay(parked, held) }
            let move = try Self.move(stored, from: parked, to: office, local: local, in: transaction)
            return (move.edits, Recorded(id: id, match: move.match, replayed: true), false)
        }
        guard let office else {
            let payment = BankPayment(bank: bank, confirmation: confirmation, match: .review(.unknownBiller), bill: nil)
            return (
                [LocalEdit(collection: BankPayment.collection, record: id, set: payment.fields, scope: [Store.hubOffice])],
                Recorded(id: id, match: payment.match, replayed: false), false
            )
        }
        let payment = try Self.decide(confirmation, bank: bank, office: office, in: transaction)
        return (
            [LocalEdit(collection: BankPayment.collection, record: id, set: payment.fields, scope: [office])],
            Recorded(id: id, match: payment.match, replayed: false), false
        )
    }

    /// The edits that move a payment parked in the hub's scope (its biller ID then unknown) into `office`'s scope,
    /// decided against the office's bills: the office's record, and the parked one marked with where it went (it is
    /// never deleted).
    static func move(
        _ payment: BankPayment, from parked: String, to office: String, local: String, in transaction: any LocalReads
    ) throws -> (edits: [LocalEdit], match: String) {
        let target = Authority.recordID(office: office, local: local)
        let decided = try decide(payment.confirmation, bank: payment.bank, office: office, in: transaction)
        return (
            [
                LocalEdit(collection: BankPayment.collection, record: target, set: decided.fields, scope: [office]),
                LocalEdit(collection: BankPayment.collection, record: parked, set: ["moved_to": .string(target)]),
            ], decided.match
        )
    }

    /// Called when offices' settings arrive: forgets the biller directory, and moves the payments parked for a
    /// biller ID nobody had into the office that now has it. Returns how many moved.
    @discardableResult
    public func settingsArrived() async throws -> Int {
        billers.forget()
        var moved = 0
        for record in try await store.records(collection: BankPayment.collection, office: Store.hubOffice) {
            guard record.fields["moved_to"] == nil || record.fields["moved_to"] == .null, let payment = BankPayment(fields: record.fields),
                let office = try await billers.office(of: payment.confirmation.billerID)
            else { continue }
            let local = String(record.id.dropFirst(Store.hubOffice.count + 1))
            let written = try await store.readWrite { transaction -> [LocalEdit] in
                guard let held = try transaction.record(collection: BankPayment.collection, id: record.id),
                    held.fields["moved_to"] == nil || held.fields["moved_to"] == .null
                else { return [] }
                return try Self.move(payment, from: record.id, to: office, local: local, in: transaction).edits
            }
            if !written.isEmpty {
                moved += 1
                logger.info("bank payment moved to its office", metadata: ["payment": "\(record.id)", "office": "\(office)"])
            }
        }
        return moved
    }

    /// Matches the payments that waited for any of `references`, now that `office` pushed those bills. Returns how
    /// many were matched (or sent to review).
    @discardableResult
    public func billsArrived(office: String, references: some Sequence<String>) async throws -> Int {
        var count = 0
        for reference in Set(references) {
            let waiting = try await store.recordIDs(collection: BankPayment.collection, .awaiting, reference, office: office)
            for id in waiting {
                let written = try await store.readWrite { transaction -> [LocalEdit] in
                    guard let held = try transaction.record(collection: BankPayment.collection, id: id),
                        let stored = BankPayment(fields: held.fields),
                        stored.match == PaymentMatch.waiting.code
                    else { return [] }
                    let payment = try Self.decide(stored.confirmation, bank: stored.bank, office: office, in: transaction)
                    guard payment.match != PaymentMatch.waiting.code else { return [] }
                    return [LocalEdit(collection: BankPayment.collection, record: id, set: payment.fields)]
                }
                if !written.isEmpty {
                    count += 1
                    logger.info("waiting bank payment matched on its bill's arrival", metadata: ["payment": "\(id)"])
                }
            }
        }
        return count
    }

    /// The payment `confirmation` makes against `office`'s bill, decided on the bill's ledger as the hub holds it:
    /// the bill, the older bills it carries, and the receipts and payments that name any of them.
    static func decide(_ confirmation: BankConfirmation, bank: String, office: String, in transaction: any LocalReads) throws -> BankPayment {
        let billID = Authority.recordID(office: office, local: confirmation.reference1)
        guard let held = try transaction.record(collection: Bill.collection, id: billID), let bill = Bill(fields: held.fields) else {
            return BankPayment(bank: bank, confirmation: confirmation, match: .waiting, bill: nil)
        }
        var bills = [bill]
        for reference in bill.carried.prefix(240) {
            if let record = try transaction.record(collection: Bill.collection, id: Authority.recordID(office: office, local: reference)),
                let carried = Bill(fields: record.fields)
            {
                bills.append(carried)
            }
        }
        var settlements: [Settlement] = []
        for reference in bills.map(\.reference) {
            for id in try transaction.recordIDs(collection: Receipt.collection, .bill, reference, office: office) {
                if let settlement = try transaction.record(collection: Receipt.collection, id: id).flatMap({ Receipt(fields: $0.fields) })?
                    .settlement(id: id)
                {
                    settlements.append(settlement)
                }
            }
            for id in try transaction.recordIDs(collection: BankPayment.collection, .bill, reference, office: office) {
                if let settlement = try transaction.record(collection: BankPayment.collection, id: id).flatMap({ BankPayment(fields: $0.fields) })?
                    .settlement(id: id)
                {
                    settlements.append(settlement)
                }
            }
        }
        let match = PaymentMatch.decide(confirmation, bill: bill, ledger: BillLedger(bills: bills, settlements: settlements))
        return BankPayment(bank: bank, confirmation: confirmation, match: match, bill: bill.reference)
    }
}

/// Which office a biller ID belongs to, from the offices' settings (`billing.tax_id` and `billing.biller_suffix` in
/// `office_settings/<office>`). Rebuilt from the store when asked for an ID it does not know, at most every 5 s; a
/// biller ID two offices claim belongs to neither, so a mistyped setting never diverts another office's money.
final class BillerDirectory: Sendable {
    let store: any HubLog
    private let state = Mutex<(builtMillis: Int64, offices: [String: String])>((Int64.min / 2, [:]))
    static let rebuildEvery: Int64 = 5_000

    init(store: any HubLog) { self.store = store }

    /// Rebuilds on the next question (an office's settings changed).
    func forget() { state.withLock { $0 = (Int64.min / 2, [:]) } }

    func office(of billerID: String) async throws -> String? {
        let now = store.configuration.wallClock()
        let (known, stale) = state.withLock { ($0.offices[billerID], now - $0.builtMillis >= Self.rebuildEvery) }
        if let known { return known }
        guard stale else { return nil }
        var claims: [String: [String]] = [:]
        for record in try await store.records(collection: "office_settings") {
            guard let billing = record.fields["settings"]?.objectValue?["billing"]?.objectValue,
                let taxID = billing["tax_id"]?.stringValue, taxID.count == 13
            else { continue }
            let suffix = billing["biller_suffix"]?.stringValue ?? "00"
            claims[taxID + suffix, default: []].append(record.id)
        }
        let offices = claims.compactMapValues { $0.count == 1 ? $0[0] : nil }
        state.withLock { $0 = (now, offices) }
        return offices[billerID]
    }
}
