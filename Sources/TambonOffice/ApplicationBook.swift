import TambonCore
import TambonOSS
import TambonStore

/// The office's applications on top of the replicated store: submitting, acting on them through their service's
/// workflow, issuing official numbers, the officer queue and the public tracking view.
public struct ApplicationBook: Sendable {
    public let store: Store
    public let catalog: ServiceCatalog
    /// Where applications that cannot be read are noted (and logged once).
    public let damaged: DamagedRecords
    /// Today's date in Thailand (injected so deadlines are tested without a real clock).
    public let today: @Sendable () -> CivilDate

    public init(
        store: Store, catalog: ServiceCatalog = ServiceCatalog(), today: (@Sendable () -> CivilDate)? = nil,
        damaged: DamagedRecords = DamagedRecords()
    ) {
        self.damaged = damaged
        self.store = store
        self.catalog = catalog
        let clock = store.configuration.wallClock
        self.today = today ?? { CivilDate(thaiDayOf: clock()) }
    }

    /// Keys an action's JSON may carry; anything else (an official number above all) is never taken from a request.
    static let payloadKeys: Set<String> = ["reason", "assignee", "inspection", "year", "receipt"]

    /// A file filed with a new application: its bytes, the name it came with and its kind (`plan`, `photo`, `document`).
    public struct Upload: Sendable {
        public let bytes: [UInt8]
        public let name: String
        public let kind: String

        public init(bytes: [UInt8], name: String, kind: String) {
            self.bytes = bytes
            self.name = name
            self.kind = kind
        }
    }

    /// A new application with its files (`attachments`), all or nothing. Every field and file is checked before
    /// anything is stored; the fees are computed from the office's table on the day. The files are stored first
    /// (by their SHA-256: a file nothing refers to is harmless), then one transaction writes the application with
    /// its references, so a failure part-way leaves no application behind, nor half of one. Returns the stored
    /// application: its id is `<office>.<tracking code>` in the node's office's namespace (the only ids the authority
    /// rules let the office write); the citizen is given the code alone (``ApplicationRecord/trackingCode``).
    public func submit(
        service: ServiceID, applicant: [String: JSONValue], details: [String: JSONValue], attachments: [Upload] = [],
        actor: String = "citizen", role: ActorRole = .citizen
    ) async throws -> ApplicationRecord {
        var problems: [FieldError] = []
        var person: Applicant?
        do throws(ValidationErrors) { person = try Applicant(applicant) } catch { problems += error.errors }
        var checked: ServiceFiling?
        if catalog.service(service) == nil {
            // A service this office does not offer is a wrong value in the `service` field, named like any other.
            problems.append(
                FieldError(
                    "service", th: "ไม่มีบริการ \"\(String(service.rawValue.prefix(64)))\" ที่สำนักงานนี้",
                    en: "this office offers no service \"\(String(service.rawValue.prefix(64)))\""))
        } else {
            do {
                checked = try catalog.file(service, details, on: today())
            } catch let error as ValidationErrors {
                problems += error.errors
            }
        }
        var types: [String] = []
        for upload in attachments {
            do throws(FieldError) {
                types.append(try AttachmentPolicy.check(upload.bytes, name: upload.name, kind: upload.kind))
            } catch { problems.append(error) }
        }
        guard problems.isEmpty, let person, let checked else { throw OfficeError.invalid(ValidationErrors(problems)) }
        // The files first; the same bytes sent twice are one file and one reference.
        var stored: [(hash: String, upload: Upload, type: String)] = []
        for (upload, type) in zip(attachments, types) {
            let hash = try store.attachments.put(upload.bytes)
            if !stored.contains(where: { $0.hash == hash }) { stored.append((hash, upload, type)) }
        }
        let files = stored
        let millis = store.configuration.wallClock()
        let changes = try await store.transaction { transaction in
            let office = transaction.node.office
            var code = TrackingCode()
            var attempts = 0
            // A code is taken if the office has it, or an older version filed it under the bare code.
            while try transaction.record(collection: ApplicationRecord.collection, id: Authority.recordID(office: office, local: code.value)) != nil
                || transaction.record(collection: ApplicationRecord.collection, id: code.value) != nil
            {
                attempts += 1
                guard attempts < 8 else {
                    throw OfficeError(.internal, code: "tracking_code", th: "สร้างรหัสติดตามไม่สำเร็จ", en: "could not draw a free tracking code")
                }
                code = TrackingCode()
            }
            let event = ApplicationEvent(id: Self.eventID(transaction), hlc: transaction.stamp, action: .submit, actor: actor, role: role)
            let references = files.map { file in
                Self.reference(
                    file.hash, size: file.upload.bytes.count, type: file.type, name: file.upload.name, kind: file.upload.kind,
                    by: actor, at: transaction.stamp)
            }
            return [
                // `office` is kept for readers of older versions; this version takes the office from the id.
                LocalEdit(
                    collection: ApplicationRecord.collection, record: Authority.recordID(office: office, local: code.value),
                    set: [
                        "service": .string(service.rawValue), "office": .string(office), "applicant": .object(person.value),
                        "details": .object(checked.details), "submitted_ms": .number(Double(millis)), "fees": .object(checked.fees),
                    ],
                    add: [SetElement(field: "events", id: event.id, value: event.value)] + references)
            ]
        }
        return try await application(changes[0].record)
    }

    /// Takes `action` on an application as `actor`. The action is checked against the application's state in the
    /// same transaction that stores it, so two officers acting at once on one node cannot both succeed wrongly;
    /// an approval issues the next official number in that transaction too, once it is otherwise valid.
    @discardableResult
    public func act(on id: String, action: ActionName, payload: [String: JSONValue], actor: String, role: ActorRole) async throws -> ApplicationRecord
    {
        let catalog = self.catalog
        var cleaned = payload.filter { Self.payloadKeys.contains($0.key) }
        if action == "record-inspection", let inspection = try? SiteInspection(payload: payload) {
            cleaned["inspection"] = .object(inspection.value)
        }
        let requested = cleaned
        let changes = try await store.transaction { transaction in
            let application = try Self.application(id, in: transaction, catalog: catalog)
            try Self.requireWritable(application)
            // A survey node records field work only, declared by a surveyor (the authority rules refuse the rest).
            if try transaction.role() == .survey {
                guard catalog.isFieldAction(action, service: application.service), role == .surveyor else {
                    throw OfficeError(
                        .forbidden, code: "survey_not_allowed",
                        th: "เครื่องสำรวจบันทึกได้เฉพาะงานภาคสนาม (ผลการตรวจสถานที่) ในฐานะผู้ตรวจ การดำเนินการอื่นทำที่เครื่องหลักของสำนักงาน",
                        en: "a survey node records field work only, as a surveyor; \"\(action)\" needs the office node")
                }
            }
            guard let workflow = catalog.workflow(application.service) else { throw OfficeError.notFound }
            var payload = requested
            var number: OfficialNumber?
            if catalog.issuesNumber(service: application.service, action: action) {
                let year = CivilDate(thaiDayOf: Int64(transaction.stamp.millis)).buddhistYear
                number = try NumberRegister.next(in: transaction, series: application.service.rawValue, year: year)
                payload["number"] = .string(number!.description)
            }
            let event = ApplicationEvent(
                id: Self.eventID(transaction), hlc: transaction.stamp, action: action, actor: actor, role: role, payload: payload)
            let next: ApplicationState
            do throws(ActionRefusal) {
                next = try application.timeline.trying(event, workflow: workflow)
            } catch { throw OfficeError.refused(error) }
            // Only a valid decision reaches the register, and only on the office node; a refusal writes nothing.
            let register = try number.map {
                try NumberRegister.issue($0, in: transaction, series: application.service.rawValue, application: application.id)
            }
            let stored = LocalEdit(
                collection: ApplicationRecord.collection, record: application.id, add: [SetElement(field: "events", id: event.id, value: event.value)]
            )
            // The office node keeps each officer's list of inspections to do, which the hub serves to their phone.
            let assignments =
                try transaction.role() == .office
                ? try SurveyAssignments.edits(application: application.id, before: application.timeline.state, after: next, in: transaction) : []
            return [stored] + (register.map { [$0] } ?? []) + assignments
        }
        return try await application(changes[0].record)
    }

    /// Attaches a file (plan, photo, document) to an application: checked (type by content, size), stored by its
    /// SHA-256 beside the database, and referenced from the record's `attachments` set (the reference is returned) — the reference syncs with
    /// the record, the file follows in chunks. Staff of the office may attach at any time before the decision; a
    /// citizen (`role: .citizen`) only while the application is submitted or returned.
    @discardableResult
    public func attach(
        to id: String, bytes: [UInt8], name: String, kind: String, actor: String, role: ActorRole
    ) async throws -> [String: JSONValue] {
        let type: String
        do throws(FieldError) {
            type = try AttachmentPolicy.check(bytes, name: name, kind: kind)
        } catch {
            throw OfficeError.invalid(ValidationErrors([error]))
        }
        let application = try await self.application(id)
        try Self.requireWritable(application)
        if application.isClosed {
            throw OfficeError(.conflict, code: "invalid_for_status", th: "คำขอนี้สิ้นสุดแล้ว แนบไฟล์เพิ่มไม่ได้", en: "the application is closed")
        }
        if role == .citizen && application.state.status != .submitted && application.state.status != .returned {
            throw OfficeError(
                .conflict, code: "invalid_for_status", th: "แนบเอกสารเพิ่มได้เมื่อคำขอรอตรวจหรือถูกส่งคืนเท่านั้น",
                en: "a citizen may add documents only while the application is submitted or returned")
        }
        let hash = try store.attachments.put(bytes)
        let changes = try await store.transaction { transaction in
            [
                LocalEdit(
                    collection: ApplicationRecord.collection, record: application.id,
                    add: [
                        Self.reference(hash, size: bytes.count, type: type, name: name, kind: kind, by: actor, at: transaction.stamp)
                    ])
            ]
        }
        guard case .add(_, _, .object(let reference))? = changes.first?.operations.first else { preconditionFailure("an attach writes one element") }
        return reference
    }

    /// An element of a record's `attachments` set: the stored file `hash` and what it is, who attached it and when.
    static func reference(_ hash: String, size: Int, type: String, name: String, kind: String, by actor: String, at stamp: HLC) -> SetElement {
        SetElement(
            field: AttachmentReference.field, id: hash,
            value: [
                "sha256": .string(hash), "size": .number(Double(size)), "type": .string(type), "name": .string(name),
                "kind": .string(kind), "by": .string(actor), "at": .string(stamp.hex),
            ])
    }

    /// One application, or 404: `id` is the citizen's tracking code (typed leniently: case, spaces, dashes), which
    /// names `<this node's office>.<code>`, or a full record id `<office>.<code>`. For a code of the node's office,
    /// an older version's application filed under the bare code is read when there is no `<office>.<code>` (it is
    /// not writable).
    public func application(_ id: String) async throws -> ApplicationRecord {
        guard let office = try await store.node()?.office, let candidates = Self.recordIDs(for: id, office: office) else {
            throw OfficeError.notFound
        }
        for candidate in candidates {
            guard let record = try await store.record(collection: ApplicationRecord.collection, id: candidate) else { continue }
            let application: ApplicationRecord
            do throws(DamagedRecord) { application = try ApplicationRecord(record, catalog: catalog) } catch {
                damaged.note(error)
                throw error.error
            }
            if application.office != nil || application.scope.contains(office) { return application }
        }
        throw OfficeError.notFound
    }

    /// ``application(_:)`` inside a transaction.
    static func application(_ id: String, in transaction: LocalTransaction, catalog: ServiceCatalog) throws -> ApplicationRecord {
        let office = transaction.node.office
        for candidate in recordIDs(for: id, office: office) ?? [] {
            guard let record = try transaction.record(collection: ApplicationRecord.collection, id: candidate) else { continue }
            let application: ApplicationRecord
            do throws(DamagedRecord) { application = try ApplicationRecord(record, catalog: catalog) } catch { throw error.error }
            if application.office != nil || application.scope.contains(office) { return application }
        }
        throw OfficeError.notFound
    }

    /// The record ids a typed code or a full id may name on a node of `office`, preferred first: `<office>.<code>`,
    /// then (for the node's own office) the bare code of an older version. Nil when `text` is neither.
    static func recordIDs(for text: String, office: String) -> [String]? {
        var owner = office
        var typed = Substring(text)
        if let dot = text.firstIndex(of: ".") {
            owner = String(text[..<dot])
            typed = text[text.index(after: dot)...]
            guard Names.isValidOffice(owner) else { return nil }
        }
        guard let code = TrackingCode(String(typed)) else { return nil }
        let id = Authority.recordID(office: owner, local: code.value)
        return owner == office ? [id, code.value] : [id]
    }

    /// Refuses to write an older version's application (its id the bare code): the authority rules let no node
    /// write it; the office node's copy in its namespace is the one to act on.
    static func requireWritable(_ application: ApplicationRecord) throws {
        guard application.office == nil else { return }
        throw OfficeError(
            .conflict, code: "legacy_application",
            th: "คำขอนี้บันทึกด้วยรุ่นเดิม แก้ไขไม่ได้จนกว่าเครื่องหลักของสำนักงานจะย้ายคำขอ (เริ่มระบบเครื่องหลักใหม่)",
            en: "application \(application.id) was filed by an older version under its bare tracking code, which no node may write; "
                + "the office node copies it to <office>.\(application.trackingCode) when it starts")
    }

    /// The officer queue: the office's applications, filtered, overdue first. An older version's application
    /// already copied into the office's namespace is listed once, as the copy. Applications that cannot be read
    /// are left out of the list and named in the queue's `damaged` (and logged once).
    public func queue(
        office: String, service: ServiceID? = nil, status: ApplicationStatus? = nil, assignee: String? = nil
    ) async throws -> ApplicationQueue {
        let day = today()
        var unreadable: [DamagedRecord] = []
        var held: [ApplicationRecord] = []
        for record in try await store.records(collection: ApplicationRecord.collection, office: office) {
            do throws(DamagedRecord) {
                let application = try ApplicationRecord(record, catalog: catalog)
                if application.belongs(to: office) { held.append(application) }
            } catch {
                damaged.note(error)
                unreadable.append(error)
            }
        }
        let copied = Set(held.filter { $0.office != nil }.map(\.trackingCode))
        let applications = held.filter { application in
            (application.office != nil || !copied.contains(application.trackingCode))
                && (service == nil || application.service == service) && (status == nil || application.state.status == status)
                && (assignee == nil || application.state.assignee == assignee)
        }
        let byID = Dictionary(uniqueKeysWithValues: applications.map { ($0.id, $0) })
        let items = applications.map { QueueOrder.Item(id: $0.id, state: $0.state, submittedMillis: $0.submittedMillis, on: day) }
        return ApplicationQueue(applications: QueueOrder.sorted(items).compactMap { byID[$0.id] }, damaged: unreadable)
    }

    /// Copies the applications an older version filed under their bare tracking code into the office's namespace
    /// (`<office>.<code>`), on the office node only (elsewhere it does nothing and returns 0): after the upgrade no
    /// node may write a bare id, since its owner would be the code, not an office. Each copy is one change of the
    /// one local write: every register field as it is and every set element with its id and value, so the events
    /// keep their ids and stamps and the timeline is the same. Readers prefer the copy; the original stays, as
    /// history. Idempotent: an application already copied gets only the set elements and fields its copy lacks
    /// (elements that merged into the original later), never a field written over. Returns how many applications
    /// it wrote to.
    @discardableResult
    public func migrateLegacyApplications() async throws -> Int {
        guard let office = try await store.node()?.office else { return 0 }
        let legacy = try await store.records(collection: ApplicationRecord.collection, office: office).map(\.id).filter {
            ApplicationRecord.owner(ofRecord: $0) == nil
        }
        guard !legacy.isEmpty else { return 0 }
        let changes = try await store.transaction { transaction -> [LocalEdit] in
            guard try transaction.role() == .office else { return [] }
            return try legacy.compactMap { id -> LocalEdit? in
                guard let original = try transaction.record(collection: ApplicationRecord.collection, id: id), original.scope.contains(office) else {
                    return nil
                }
                let target = Authority.recordID(office: office, local: id)
                let copy = try transaction.record(collection: ApplicationRecord.collection, id: target)
                let fields = original.fields.filter { copy?.fields[$0.key] == nil }
                let elements = original.sets.keys.sorted().flatMap { field in
                    original.sets[field]!.keys.sorted().compactMap { element in
                        copy?.sets[field]?[element] == nil ? SetElement(field: field, id: element, value: original.sets[field]![element]!) : nil
                    }
                }
                guard !fields.isEmpty || !elements.isEmpty else { return nil }
                return LocalEdit(collection: ApplicationRecord.collection, record: target, set: fields, add: elements)
            }
        }
        return changes.count
    }

    /// A unique, well-formed event id: the transaction's stamp and the writing node.
    static func eventID(_ transaction: LocalTransaction) -> String {
        transaction.stamp.hex + "-" + transaction.node.id.short
    }
}
