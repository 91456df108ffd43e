import Synchronization
import TambonCore
import TambonOSS
import TambonStore

/// The office's fees on the replicated store: the payer register, the monthly billing run, counter receipts and
/// their voiding, each bill's ledger, and the review queue of bank payments. Payers, bills and receipts are written
/// by the office node only (SPEC §15); payments are the hub's.
public struct FeeBook: Sendable {
    public let store: Store
    public let catalog: ServiceCatalog
    public let today: @Sendable () -> CivilDate
    /// Payers written per transaction in a billing run: bounds how long the store's write lock is held.
    public static let billingBatch = 500

    public init(store: Store, catalog: ServiceCatalog = ServiceCatalog(), today: (@Sendable () -> CivilDate)? = nil) {
        self.store = store
        self.catalog = catalog
        let clock = store.configuration.wallClock
        self.today = today ?? { CivilDate(thaiDayOf: clock()) }
    }

    var settings: BillingSettings { catalog.billing }

    // MARK: Payers

    public struct ImportSummary: Sendable, Equatable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0

        public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0) {
            self.added = added
            self.updated = updated
            self.unchanged = unchanged
        }
    }

    /// Stores `payers` (new codes added, known codes updated) in one transaction: all of them or, on any failure,
    /// none. `dryRun` counts what would change and writes nothing.
    @discardableResult
    public func importPayers(_ payers: [Payer], dryRun: Bool = false) async throws -> ImportSummary {
        let counted = Mutex(ImportSummary())
        try await store.transaction { transaction -> [LocalEdit] in
            try Self.requireOfficeNode(transaction, "the payer register is")
            var summary = ImportSummary()
            var edits: [LocalEdit] = []
            for payer in payers {
                let id = Authority.recordID(office: transaction.node.office, local: payer.code)
                let held = try transaction.record(collection: Payer.collection, id: id)
                if held?.fields.filter({ $0.value != .null }) == payer.fields.filter({ $0.value != .null }) {
                    summary.unchanged += 1
                    continue
                }
                if held == nil { summary.added += 1 } else { summary.updated += 1 }
                edits.append(LocalEdit(collection: Payer.collection, record: id, set: payer.fields))
            }
            counted.withLock { $0 = summary }
            return dryRun ? [] : edits
        }
        return counted.withLock { $0 }
    }

    /// The payer register, by code; damaged records are counted, not returned.
    public func payers() async throws -> (payers: [Payer], damaged: Int) {
        let records = try await store.records(collection: Payer.collection, office: try await office())
        let payers = records.compactMap { Payer(fields: $0.fields) }
        return (payers.sorted { $0.code < $1.code }, records.count - payers.count)
    }

    public func payer(code: String) async throws -> Payer? {
        try await store.record(collection: Payer.collection, id: Authority.recordID(office: try await office(), local: code)).flatMap {
            Payer(fields: $0.fields)
        }
    }

    // MARK: The billing run

    public struct BillingSummary: Sendable, Equatable {
        public var period: BillingPeriod
        /// Bills written by this run.
        public var issued = 0
        /// Payers whose bill for the period was already there (a second run, or a concurrent one).
        public var existing = 0
        /// Payers not billed in the period (started later, ended earlier).
        public var notBilled = 0
        public var skipped: [BillingRun.Skip] = []
        public var billed = Money.zero
    }

    /// Issues the bill of every payer for `period`: idempotent, since each bill's record id comes from payer and
    /// period and is written only if absent, checked inside the transaction that writes it (so two runs at once make
    /// one bill each). `readings`: the period's water-meter readings (m³) by payer code, for metered classes.
    public func runBilling(period: BillingPeriod, readings: [String: Int64] = [:]) async throws -> BillingSummary {
        try await store.transaction { transaction in
            try Self.requireOfficeNode(transaction, "bills are")
            return []
        }
        let office = try await office()
        let payers = try await self.payers().payers
        let ledgers = try await payerLedgers(office: office)
        let issued = today()
        let settings = self.settings
        var summary = BillingSummary(period: period)
        var start = 0
        while start < payers.count {
            let batch = payers[start..<min(start + Self.billingBatch, payers.count)]
            start += Self.billingBatch
            let counted = Mutex(BillingSummary(period: period))
            try await store.transaction { transaction -> [LocalEdit] in
                try Self.requireOfficeNode(transaction, "bills are")
                var part = BillingSummary(period: period)
                var edits: [LocalEdit] = []
                for payer in batch {
                    let reference = BillingRun.reference(period: period, payer: payer.code)
                    let id = Authority.recordID(office: office, local: reference)
                    if try transaction.record(collection: Bill.collection, id: id) != nil {
                        part.existing += 1
                        continue
                    }
                    let ledger = ledgers[payer.code] ?? BillLedger(bills: [], settlements: [])
                    do throws(BillingRun.Skip) {
                        guard
                            let bill = try BillingRun.bill(
                                for: payer, period: period, settings: settings, ledger: ledger, cubicMetres: readings[payer.code], issued: issued,
                                check: Self.newCheck())
                        else {
                            part.notBilled += 1
                            continue
                        }
                        part.issued += 1
                        part.billed = part.billed + bill.amount
                        edits.append(LocalEdit(collection: Bill.collection, record: id, set: bill.fields))
                    } catch {
                        part.skipped.append(error)
                    }
                }
                counted.withLock { [part] in $0 = part }
                return edits
            }
            let part = counted.withLock { $0 }
            summary.issued += part.issued
            summary.existing += part.existing
            summary.notBilled += part.notBilled
            summary.skipped += part.skipped
            summary.billed = summary.billed + part.billed
        }
        return summary
    }

    /// A six-character random check (A–Z, 2–9 without look-alikes) for a bill's public link.
    static func newCheck() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(TrackingCode(using: &generator).value.prefix(6))
    }

    // MARK: Bills and their ledgers

    /// The office's bills, settlements and their ledgers by payer code (and by application for service fees).
    func payerLedgers(office: String) async throws -> [String: BillLedger] {
        let (bills, settlements) = try await billsAndSettlements(office: office)
        var billsByPayer: [String: [Bill]] = [:]
        var payerOfBill: [String: String] = [:]
        for bill in bills {
            let owner = bill.payer ?? bill.application ?? bill.reference
            billsByPayer[owner, default: []].append(bill)
            payerOfBill[bill.reference] = owner
        }
        var settlementsByPayer: [String: [Settlement]] = [:]
        for settlement in settlements {
            guard let owner = payerOfBill[settlement.bill] else { continue }
            settlementsByPayer[owner, default: []].append(settlement)
        }
        return billsByPayer.mapValues { _ in BillLedger(bills: [], settlements: []) }.merging(
            billsByPayer.map { ($0.key, BillLedger(bills: $0.value, settlements: settlementsByPayer[$0.key] ?? [])) }, uniquingKeysWith: { $1 })
    }

    func billsAndSettlements(office: String) async throws -> (bills: [Bill], settlements: [Settlement]) {
        let bills = try await store.records(collection: Bill.collection, office: office).compactMap { Bill(fields: $0.fields) }
        var settlements: [Settlement] = []
        for record in try await store.records(collection: Receipt.collection, office: office) {
            if let settlement = Receipt(fields: record.fields)?.settlement(id: record.id) { settlements.append(settlement) }
        }
        for record in try await store.records(collection: BankPayment.collection, office: office) {
            if let settlement = BankPayment(fields: record.fields)?.settlement(id: record.id) { settlements.append(settlement) }
        }
        return (bills, settlements)
    }

    /// The bill `reference` with the ledger of its payer (or application); nil if there is none.
    public func bill(_ reference: String) async throws -> (bill: Bill, ledger: BillLedger)? {
        let office = try await office()
        guard ThaiQRBillPayment.isReference(reference, maximum: 15),
            let record = try await store.record(collection: Bill.collection, id: Authority.recordID(office: office, local: reference)),
            let bill = Bill(fields: record.fields)
        else { return nil }
        let owner = bill.payer ?? bill.application ?? bill.reference
        let ledger = try await payerLedgers(office: office)[owner] ?? BillLedger(bills: [bill], settlements: [])
        return (bill, ledger)
    }

    /// The bills of a payer with their ledger, newest first.
    public func bills(payer code: String) async throws -> (bills: [Bill], ledger: BillLedger) {
        let ledger = try await payerLedgers(office: try await office())[code] ?? BillLedger(bills: [], settlements: [])
        return (ledger.bills.values.sorted { $0.issued != $1.issued ? $0.issued > $1.issued : $0.reference > $1.reference }, ledger)
    }

    // MARK: The fees of applications

    /// One fee of an application with its bill, if issued, and the bill's state.
    public struct ApplicationFee: Sendable {
        public let fee: BillableFee
        public let reference: String
        public let bill: Bill?
        public let status: BillLedger.Status?
        public let outstanding: Money?
    }

    /// The reference of an application's fee bill: `A`, the tracking code, the fee's key (`AK7M2Q9XAP`).
    public static func reference(application: ApplicationRecord, fee: BillableFee) -> String { "A" + application.trackingCode + fee.key }

    /// The application's billable fees (its service's rule, with the office's settings) and their bills.
    public func fees(of application: ApplicationRecord) async throws -> [ApplicationFee] {
        guard let service = catalog.service(application.service) else { return [] }
        let billable = service.billableFees(
            state: application.state, fees: application.fees, submittedOn: CivilDate(thaiDayOf: application.submittedMillis), on: today())
        var result: [ApplicationFee] = []
        for fee in billable {
            let reference = Self.reference(application: application, fee: fee)
            let held = try await bill(reference)
            result.append(
                ApplicationFee(
                    fee: fee, reference: reference, bill: held?.bill, status: held.map { $0.ledger.status(of: reference) },
                    outstanding: held.map { $0.ledger.outstanding(reference) }))
        }
        return result
    }

    /// Issues a bill for each of the application's fees that has none and is not recorded paid, in one transaction
    /// (office node only; a second call issues nothing). Returns how many were issued.
    @discardableResult
    public func billFees(of application: ApplicationRecord) async throws -> Int {
        let open = try await fees(of: application).filter { $0.bill == nil && !$0.fee.recordedPaid }
        guard !open.isEmpty else { return 0 }
        let issued = today()
        let dueDays = settings.dueDays
        let changes = try await store.transaction { transaction -> [LocalEdit] in
            try Self.requireOfficeNode(transaction, "bills are")
            var edits: [LocalEdit] = []
            for item in open {
                let id = Authority.recordID(office: transaction.node.office, local: item.reference)
                guard try transaction.record(collection: Bill.collection, id: id) == nil else { continue }
                let bill = Bill(
                    reference: item.reference, reference2: String(item.fee.year), payer: nil, application: application.id, period: nil,
                    lines: [Bill.Line(kind: application.service.rawValue, label: item.fee.label, amount: item.fee.amount)], arrears: .zero,
                    carried: [], issued: issued, due: issued.adding(days: dueDays), check: Self.newCheck())
                edits.append(LocalEdit(collection: Bill.collection, record: id, set: bill.fields))
            }
            return edits
        }
        return changes.count
    }

    // MARK: Cash at the counter

    /// Takes `amount` in cash against `reference` and issues the next receipt of the fiscal year, in the transaction
    /// that writes it (gap-free; office node only). The amount may be part of what is owed (settled oldest first)
    /// or more (the rest is a credit).
    @discardableResult
    public func receiveCash(bill reference: String, amount: Money, staff: String) async throws -> (id: String, receipt: Receipt) {
        guard (1...Bill.maximumSatang).contains(amount.satang) else {
            throw OfficeError(.unprocessable, code: "invalid_amount", th: "จำนวนเงินต้องมากกว่า 0", en: "the amount must be more than 0")
        }
        let office = try await office()
        let billID = Authority.recordID(office: office, local: reference)
        let day = today()
        let result = Mutex<(id: String, receipt: Receipt)?>(nil)
        let clock = store.configuration.wallClock
        try await store.transaction { transaction -> [LocalEdit] in
            guard ThaiQRBillPayment.isReference(reference, maximum: 15), try transaction.record(collection: Bill.collection, id: billID) != nil else {
                throw OfficeError(
                    .notFound, code: "unknown_bill", th: "ไม่พบใบแจ้งหนี้เลขที่ \(reference.prefix(15))", en: "no bill \(reference.prefix(15))")
            }
            try Self.requireOfficeNode(transaction, "receipts are")
            let number = try NumberRegister.next(in: transaction, series: Receipt.series, year: day.fiscalYear)
            let local = Receipt.localID(number)
            let receipt = Receipt(number: number, bill: reference, amount: amount, at: clock(), staff: staff)
            result.withLock { $0 = (Authority.recordID(office: office, local: local), receipt) }
            return [
                try NumberRegister.issue(
                    number, in: transaction, series: Receipt.series, application: Authority.recordID(office: office, local: local)),
                LocalEdit(collection: Receipt.collection, record: Authority.recordID(office: office, local: local), set: receipt.fields),
            ]
        }
        return result.withLock { $0! }
    }

    /// Voids receipt `id` with `reason`: it stays, marked, and its money leaves the ledger. Voiding twice is refused.
    public func voidReceipt(_ id: String, reason: String, staff: String) async throws {
        let reason = reason.trimmingWhitespace
        guard (3...500).contains(reason.count) else {
            throw OfficeError(
                .unprocessable, code: "reason_required", th: "ต้องระบุเหตุผลการยกเลิก (3–500 ตัวอักษร)", en: "a reason of 3 to 500 characters is required",
                fields: [FieldError("reason", th: "ต้องระบุเหตุผลการยกเลิก", en: "a reason is required")])
        }
        let clock = store.configuration.wallClock
        try await store.transaction { transaction -> [LocalEdit] in
            try Self.requireOfficeNode(transaction, "receipts are")
            guard let held = try transaction.record(collection: Receipt.collection, id: id), let receipt = Receipt(fields: held.fields),
                Authority.isOwned(record: id, by: transaction.node.office)
            else {
                throw OfficeError(.notFound, code: "unknown_receipt", th: "ไม่พบใบเสร็จ", en: "no such receipt")
            }
            guard receipt.voided == nil else {
                throw OfficeError(.conflict, code: "already_voided", th: "ใบเสร็จนี้ถูกยกเลิกแล้ว", en: "the receipt is already voided")
            }
            return [LocalEdit(collection: Receipt.collection, record: id, set: Receipt.voidFields(reason: reason, by: staff, at: clock()))]
        }
    }

    /// The receipts of the office, newest first, with their record ids.
    public func receipts() async throws -> [(id: String, receipt: Receipt)] {
        try await store.records(collection: Receipt.collection, office: try await office()).compactMap { record in
            Receipt(fields: record.fields).map { (record.id, $0) }
        }.sorted { $0.receipt.at > $1.receipt.at }
    }

    // MARK: Bank payments to review

    public struct ReviewItem: Sendable {
        public let id: String
        public let payment: BankPayment
        /// What paying beyond the bill left (a bill paid twice, an overpayment), from the ledger.
        public let credit: Money
        public var reason: String { payment.match }
    }

    /// Bank payments an officer must look at: those the hub did not match cleanly (waiting for their bill, an amount
    /// or reference that differs, a bill already paid) and those the office's ledger finds paid beyond what was owed
    /// (cash at the counter offline, then the bank).
    public func reviewQueue() async throws -> [ReviewItem] {
        let office = try await office()
        let ledgers = try await payerLedgers(office: office)
        var credits: [String: Money] = [:]
        for ledger in ledgers.values {
            for applied in ledger.credits where applied.settlement.source == .bank { credits[applied.settlement.id] = applied.credit }
        }
        return try await store.records(collection: BankPayment.collection, office: office).compactMap { record -> ReviewItem? in
            guard let payment = BankPayment(fields: record.fields) else { return nil }
            let credit = credits[record.id] ?? .zero
            guard payment.match != PaymentMatch.matched.code || credit.satang > 0 else { return nil }
            return ReviewItem(id: record.id, payment: payment, credit: credit)
        }.sorted { $0.payment.confirmation.paidAt > $1.payment.confirmation.paidAt }
    }

    // MARK: Reconciliation

    /// The bank's daily statement (``Reconciliation/parse(_:)``) set against the bank payments this node holds.
    public func reconcile(_ statement: [Reconciliation.Line]) async throws -> Reconciliation {
        let confirmed = try await store.records(collection: BankPayment.collection, office: try await office()).compactMap { record in
            BankPayment(fields: record.fields).map { Reconciliation.Confirmed(id: record.id, confirmation: $0.confirmation) }
        }
        return Reconciliation(statement: statement, confirmations: confirmed)
    }

    // MARK: Reports

    /// Billed against collected per month, the arrears list and the collection rate per village.
    public func report() async throws -> FeeReport {
        let office = try await office()
        return FeeReport(payers: try await payers().payers, ledgers: try await payerLedgers(office: office), on: today())
    }

    // MARK: Helpers

    func office() async throws -> String {
        guard let office = try await store.node()?.office else { throw StoreError.notInitialised }
        return office
    }

    static func requireOfficeNode(_ transaction: LocalTransaction, _ what: String) throws {
        guard try transaction.role() != .office else { return }
        throw OfficeError(
            .conflict, code: "not_office_node", th: "งานนี้ทำได้เฉพาะที่เครื่องหลักของสำนักงาน (office node)",
            en: "\(what) written by the office's office node only")
    }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
