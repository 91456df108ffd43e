import Synchronization
import TambonCore
import TambonOSS
import TambonStore

/// The office's official letters on the replicated store: drafting, approval with the typed-name signature the
/// 2564 amendment allows in an identity-checked system, sending (the outgoing register number, one copy per
/// receiver), and receiving (the incoming register number, acceptance or rejection back to the sender). Numbers
/// are issued only by the office node, in the transaction that uses them (``NumberRegister``).
public struct LetterBook: Sendable {
    public let store: Store
    public let today: @Sendable () -> CivilDate
    /// The office's letter code and unit (`มท 0808.2`), printed before each outgoing number; nil until the office
    /// sets it (`letter_code` in its settings), and then nothing is sent.
    public let letterCode: String?

    public init(store: Store, letterCode: String?, today: (@Sendable () -> CivilDate)? = nil) {
        self.store = store
        self.letterCode = letterCode
        let clock = store.configuration.wallClock
        self.today = today ?? { CivilDate(thaiDayOf: clock()) }
    }

    /// A new draft; returns its letter id (the local part of `letters/<office>.<id>`).
    public func draft(_ draft: LetterDraft, by clerk: String) async throws -> String {
        let letter = "L" + TrackingCode().value
        try await store.transaction { transaction in
            [
                LocalEdit(
                    collection: LetterRecords.letters, record: LetterRecords.letterID(sender: transaction.node.office, letter: letter),
                    set: ["draft": draft.json, "state": "draft", "drafted_by": .string(clerk)])
            ]
        }
        return letter
    }

    /// Approves a draft: the signatory's typed name, account and time are recorded with it. Only an admin signs.
    public func approve(_ letter: String, by account: String, role: ActorRole, typedName: String) async throws {
        guard role == .admin else {
            throw OfficeError(
                .conflict, code: "not_signatory", th: "ผู้ลงนามอนุมัติหนังสือต้องเป็นผู้มีอำนาจลงนาม (admin)", en: "only a signatory (admin) approves a letter")
        }
        let name = String(typedName.drop { $0.isWhitespace })
        guard (2...200).contains(name.count) else {
            throw OfficeError(.unprocessable, code: "typed_name_required", th: "พิมพ์ชื่อผู้ลงนาม", en: "the signatory's typed name is required")
        }
        let clock = store.configuration.wallClock
        try await store.transaction { transaction in
            let id = LetterRecords.letterID(sender: transaction.node.office, letter: letter)
            guard let held = try transaction.record(collection: LetterRecords.letters, id: id) else { throw OfficeError.notFound }
            guard held.fields["state"] == "draft" else {
                throw OfficeError(.conflict, code: "not_a_draft", th: "หนังสือนี้อนุมัติหรือส่งแล้ว", en: "the letter is no longer a draft")
            }
            return [
                LocalEdit(
                    collection: LetterRecords.letters, record: id,
                    set: [
                        "state": "approved",
                        "approval": ["account": .string(account), "typed_name": .string(name), "at_ms": .number(Double(clock()))],
                    ])
            ]
        }
    }

    /// Sends an approved letter: the next outgoing number of the calendar year, and one copy per receiver, all in
    /// one transaction. Sending again writes the same copies (same ids, same number): a letter re-sent after a cut
    /// link is the same letter.
    @discardableResult
    public func send(_ letter: String) async throws -> DocumentNumber {
        let day = today()
        guard let code = letterCode else {
            throw OfficeError(
                .conflict, code: "no_letter_code", th: "ยังไม่ได้ตั้งรหัสหนังสือของสำนักงาน (letter_code ในค่าตั้ง เช่น มท 0808.2)",
                en: "the office has no letter code yet: set letter_code in its settings (tambon node settings)")
        }
        let clock = store.configuration.wallClock
        let issued = Mutex<DocumentNumber?>(nil)
        try await store.transaction { transaction in
            let office = transaction.node.office
            let id = LetterRecords.letterID(sender: office, letter: letter)
            guard let held = try transaction.record(collection: LetterRecords.letters, id: id), let draftValue = held.fields["draft"] else {
                throw OfficeError.notFound
            }
            let draft: LetterDraft
            do throws(ValidationErrors) { draft = try LetterDraft(json: draftValue, sender: office) } catch { throw OfficeError.invalid(error) }
            var edits: [LocalEdit] = []
            let number: DocumentNumber
            if held.fields["state"] == "sent", let text = held.fields["number"]?.stringValue, let stored = DocumentNumber(text) {
                number = stored
            } else {
                guard held.fields["state"] == "approved" else {
                    throw OfficeError(.conflict, code: "not_approved", th: "หนังสือต้องได้รับอนุมัติก่อนส่ง", en: "a letter is approved before it is sent")
                }
                guard try transaction.role() == .office else {
                    throw OfficeError(
                        .conflict, code: "not_office_node", th: "ออกเลขหนังสือส่งได้เฉพาะที่เครื่องหลักของสำนักงาน", en: "only the office node numbers letters")
                }
                let register = try NumberRegister.next(in: transaction, series: LetterRecords.outgoingSeries, year: day.buddhistYear)
                do throws(FieldError) {
                    number = try DocumentNumber(letterCode: code, sequence: register.sequence, isCircular: draft.isCircular)
                } catch {
                    throw OfficeError.invalid(ValidationErrors([error]))
                }
                edits.append(try NumberRegister.issue(register, in: transaction, series: LetterRecords.outgoingSeries, application: id))
                edits.append(
                    LocalEdit(
                        collection: LetterRecords.letters, record: id,
                        set: ["state": "sent", "number": .string(number.description), "date": .string(day.iso), "sent_ms": .number(Double(clock()))]))
            }
            let date = held.fields["date"]?.stringValue ?? day.iso
            let sentMillis = held.fields["sent_ms"] ?? .number(Double(clock()))
            // The files travel with each copy as attachment references, so attachment sync carries them and the hub
            // serves them to that receiver through the sender's copy (SPEC §14); a file must be on this node to go.
            var references: [SetElement] = []
            for file in [draft.mainDocument].compactMap({ $0 }) + draft.enclosures {
                guard let size = store.attachments.size(of: file.sha256) else {
                    throw OfficeError(
                        .conflict, code: "file_not_here", th: "ไม่พบไฟล์ \(file.name) ในเครื่องนี้ แนบไฟล์ใหม่ก่อนส่ง",
                        en: "the file \(file.name) is not on this node; attach it again before sending")
                }
                references.append(
                    ApplicationBook.reference(
                        file.sha256, size: size, type: file.type, name: file.name, kind: "document", by: "saraban", at: transaction.stamp))
            }
            for receiver in draft.receivers {
                edits.append(
                    Self.copy(
                        office: office, letter: letter, receiver: receiver, content: draft.json, number: .string(number.description),
                        date: .string(date), sentMillis: sentMillis, add: references))
            }
            issued.withLock { $0 = number }
            return edits
        }
        return issued.withLock { $0! }
    }

    /// The edit writing one receiver's copy of a letter (scope: the sender and that receiver), as sending and
    /// correcting write it.
    static func copy(
        office: String, letter: String, receiver: String, content: JSONValue, number: JSONValue, date: JSONValue, sentMillis: JSONValue,
        extra: [String: JSONValue] = [:], add references: [SetElement] = []
    ) -> LocalEdit {
        var fields: [String: JSONValue] = [
            "letter": .string(letter), "sender": .string(office), "receiver": .string(receiver), "content": content, "number": number,
            "date": date, "sent_ms": sentMillis,
        ]
        fields.merge(extra) { _, new in new }
        return LocalEdit(
            collection: LetterRecords.copies, record: LetterRecords.copyID(sender: office, letter: letter, receiver: receiver), set: fields,
            add: references, scope: [office, receiver].sorted())
    }

    /// Corrects a sent letter: a new version of its content, not a delete and resend. The number, the date and the
    /// receivers' register entries stay; the earlier version is kept in the letter's `versions`, and each receiver's
    /// copy is rewritten with the new content, its version and the parts that changed. A correction may add
    /// receivers (they get the letter as corrected) but not drop one: a letter once sent to an office stays sent.
    @discardableResult
    public func correct(_ letter: String, to corrected: LetterDraft, by account: String, note: String) async throws -> Int {
        let clock = store.configuration.wallClock
        let version = Mutex(0)
        try await store.transaction { transaction in
            let office = transaction.node.office
            let id = LetterRecords.letterID(sender: office, letter: letter)
            guard let held = try transaction.record(collection: LetterRecords.letters, id: id), held.fields["state"] == "sent",
                let previous = held.fields["draft"], let number = held.fields["number"], let date = held.fields["date"]
            else {
                throw OfficeError(.conflict, code: "not_sent", th: "แก้ไขได้เฉพาะหนังสือที่ส่งแล้ว (ร่างแก้ได้โดยตรง)", en: "only a sent letter is corrected")
            }
            let before: LetterDraft
            do throws(ValidationErrors) { before = try LetterDraft(json: previous, sender: office) } catch { throw OfficeError.invalid(error) }
            guard Set(before.receivers).isSubset(of: Set(corrected.receivers)) else {
                throw OfficeError(
                    .unprocessable, code: "receiver_dropped", th: "การแก้ไขตัดผู้รับเดิมออกไม่ได้ หนังสือที่ส่งแล้วถือว่าส่งแล้ว",
                    en: "a correction cannot drop a receiver the letter was sent to")
            }
            let changed = Self.changedParts(before, corrected)
            guard !changed.isEmpty else {
                throw OfficeError(.unprocessable, code: "nothing_changed", th: "ไม่มีส่วนใดเปลี่ยน", en: "the correction changes nothing")
            }
            let next = Int(held.fields["version"]?.integerValue ?? 1) + 1
            version.withLock { $0 = next }
            let millis = clock()
            var edits = [
                LocalEdit(
                    collection: LetterRecords.letters, record: id, set: ["draft": corrected.json, "version": .number(Double(next))],
                    add: [
                        SetElement(
                            field: "versions", id: String(next - 1),
                            value: [
                                "draft": previous, "replaced_ms": .number(Double(millis)), "by": .string(account),
                                "note": .string(String(note.prefix(500))),
                            ])
                    ])
            ]
            for receiver in corrected.receivers {
                edits.append(
                    Self.copy(
                        office: office, letter: letter, receiver: receiver, content: corrected.json, number: number, date: date,
                        sentMillis: held.fields["sent_ms"] ?? .number(Double(millis)),
                        extra: [
                            "version": .number(Double(next)), "changed": .array(changed.map { .string($0) }),
                            "correction_note": .string(String(note.prefix(500))),
                        ]))
            }
            return edits
        }
        return version.withLock { $0 }
    }

    /// The parts of a letter that differ between two versions, by their field names.
    static func changedParts(_ before: LetterDraft, _ after: LetterDraft) -> [String] {
        guard case .object(let old) = before.json, case .object(let new) = after.json else { return [] }
        return Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
    }

    /// Files a letter that came from an agency not on Tambon (an e-CMS envelope read by `TambonECMS`, mapped to a
    /// draft with its number and date): a copy in this office's own namespace (`letter_copies/<office>.<id>.<office>`,
    /// scope the office), with the agency's name and code kept, to be received, answered and routed like any other.
    /// The same envelope imported twice is one letter (its id comes from the agency, number and date).
    @discardableResult
    public func importExternal(
        _ draft: LetterDraft, number: String, date: CivilDate, agencyCode: String, agencyName: String,
        main: (name: String, type: String, bytes: [UInt8])?, enclosures: [(name: String, type: String, bytes: [UInt8])]
    ) async throws -> String {
        var draft = draft
        if let main { draft.mainDocument = LetterDraft.Enclosure(sha256: try store.attachments.put(main.bytes), name: main.name, type: main.type) }
        draft.enclosures = try enclosures.prefix(LetterDraft.maximumEnclosures).map {
            LetterDraft.Enclosure(sha256: try store.attachments.put($0.bytes), name: $0.name, type: $0.type)
        }
        let key = Array("\(agencyCode)|\(number)|\(date.iso)".utf8)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let letter = "X" + String(hash, radix: 36).uppercased()
        let clock = store.configuration.wallClock
        let content = draft.json
        try await store.transaction { transaction in
            let office = transaction.node.office
            let id = LetterRecords.copyID(sender: office, letter: letter, receiver: office)
            guard try transaction.record(collection: LetterRecords.copies, id: id) == nil else { return [] }
            return [
                LocalEdit(
                    collection: LetterRecords.copies, record: id,
                    set: [
                        "letter": .string(letter), "sender": .string(office), "receiver": .string(office), "content": content,
                        "number": .string(String(number.prefix(100))), "date": .string(date.iso), "sent_ms": .number(Double(clock())),
                        "external_sender": .string(String(agencyCode.prefix(64))), "external_name": .string(String(agencyName.prefix(200))),
                    ], scope: [office])
            ]
        }
        return letter
    }

    /// Receives a copy addressed to this office: stamps it with the next incoming number of the calendar year, the
    /// date and the time. Receiving twice gives the first number back (one register entry per letter).
    @discardableResult
    public func receive(sender: String, letter: String, by clerk: String) async throws -> OfficialNumber {
        let day = today()
        let clock = store.configuration.wallClock
        let stamped = Mutex<OfficialNumber?>(nil)
        try await store.transaction { transaction in
            let office = transaction.node.office
            guard
                try transaction.record(collection: LetterRecords.copies, id: LetterRecords.copyID(sender: sender, letter: letter, receiver: office))
                    != nil
            else { throw OfficeError.notFound }
            let id = LetterRecords.receiptID(receiver: office, sender: sender, letter: letter)
            if let held = try transaction.record(collection: LetterRecords.receipts, id: id), let sequence = held.fields["register"]?.integerValue,
                let year = held.fields["register_year"]?.integerValue
            {
                stamped.withLock { $0 = OfficialNumber(sequence: Int(sequence), year: Int(year)) }
                return []
            }
            guard try transaction.role() == .office else {
                throw OfficeError(
                    .conflict, code: "not_office_node", th: "ลงทะเบียนรับได้เฉพาะที่เครื่องหลักของสำนักงาน",
                    en: "only the office node registers letters received")
            }
            let number = try NumberRegister.next(in: transaction, series: LetterRecords.incomingSeries, year: day.buddhistYear)
            stamped.withLock { $0 = number }
            return [
                try NumberRegister.issue(number, in: transaction, series: LetterRecords.incomingSeries, application: id),
                LocalEdit(
                    collection: LetterRecords.receipts, record: id,
                    set: [
                        "sender": .string(sender), "letter": .string(letter), "register": .number(Double(number.sequence)),
                        "register_year": .number(Double(number.year)), "received_ms": .number(Double(clock())), "received_by": .string(clerk),
                        "answer": .null,
                    ], scope: [office, sender].sorted()),
            ]
        }
        return stamped.withLock { $0! }
    }

    /// Accepts a received letter (the sender learns the receiver's register number from the receipt) or rejects it
    /// with a reason.
    public func answer(sender: String, letter: String, accept: Bool, reason: String?, by clerk: String) async throws {
        let clock = store.configuration.wallClock
        if !accept, (reason ?? "").count < 3 {
            throw OfficeError(.unprocessable, code: "reason_required", th: "ระบุเหตุผลที่ไม่รับหนังสือ", en: "a rejection needs a reason")
        }
        try await store.transaction { transaction in
            let id = LetterRecords.receiptID(receiver: transaction.node.office, sender: sender, letter: letter)
            guard let held = try transaction.record(collection: LetterRecords.receipts, id: id) else {
                throw OfficeError(.conflict, code: "not_received", th: "ลงทะเบียนรับหนังสือก่อน", en: "register the letter as received first")
            }
            guard held.fields["answer"] == nil || held.fields["answer"] == .null else {
                throw OfficeError(.conflict, code: "already_answered", th: "ตอบรับหรือปฏิเสธหนังสือนี้แล้ว", en: "the letter is already answered")
            }
            var answer: [String: JSONValue] = ["accepted": .bool(accept), "by": .string(clerk), "at_ms": .number(Double(clock()))]
            if let reason, !accept { answer["reason"] = .string(String(reason.prefix(500))) }
            return [LocalEdit(collection: LetterRecords.receipts, record: id, set: ["answer": .object(answer)])]
        }
    }

    // MARK: Minutes (เกษียนหนังสือ)

    /// A minute on a received letter: to a unit or an officer, with an instruction and a due date, open until done.
    public struct Minute: Sendable, Equatable {
        public let id: String
        public let to: String
        public let instruction: String
        public let due: CivilDate
        public let by: String
        public let atMillis: Int64
        public let done: (by: String, atMillis: Int64, note: String)?

        public static func == (lhs: Minute, rhs: Minute) -> Bool { lhs.id == rhs.id && (lhs.done == nil) == (rhs.done == nil) }

        public func isOverdue(on day: CivilDate) -> Bool { done == nil && due < day }
    }

    /// Routes a received letter inside the office: a minute to `to` (a unit or an officer) with an instruction and a
    /// due date, on this office's receipt of the letter (it must be registered first).
    @discardableResult
    public func addMinute(sender: String, letter: String, to: String, instruction: String, due: CivilDate, by account: String) async throws -> String
    {
        let to = String(to.drop { $0.isWhitespace }.prefix(200))
        let instruction = String(instruction.drop { $0.isWhitespace }.prefix(1_000))
        guard !to.isEmpty, instruction.count >= 2 else {
            throw OfficeError(
                .unprocessable, code: "invalid_minute", th: "ระบุผู้รับเกษียนและข้อสั่งการ", en: "a minute needs a unit or officer and an instruction")
        }
        let clock = store.configuration.wallClock
        let id = Mutex("")
        try await store.transaction { transaction in
            let receipt = LetterRecords.receiptID(receiver: transaction.node.office, sender: sender, letter: letter)
            guard try transaction.record(collection: LetterRecords.receipts, id: receipt) != nil else {
                throw OfficeError(.conflict, code: "not_received", th: "ลงทะเบียนรับหนังสือก่อน", en: "register the letter as received first")
            }
            let millis = clock()
            let minute = "m\(millis)-\(transaction.node.id.short)"
            id.withLock { $0 = minute }
            return [
                LocalEdit(
                    collection: LetterRecords.minutes, record: receipt,
                    add: [
                        SetElement(
                            field: "minutes", id: minute,
                            value: [
                                "to": .string(to), "instruction": .string(instruction), "due": .string(due.iso), "by": .string(account),
                                "at_ms": .number(Double(millis)),
                            ])
                    ], scope: [transaction.node.office])
            ]
        }
        return id.withLock { $0 }
    }

    /// Marks a minute done, with a note of what was done.
    public func completeMinute(sender: String, letter: String, minute: String, note: String, by account: String) async throws {
        let clock = store.configuration.wallClock
        try await store.transaction { transaction in
            let receipt = LetterRecords.receiptID(receiver: transaction.node.office, sender: sender, letter: letter)
            guard let held = try transaction.record(collection: LetterRecords.minutes, id: receipt), held.sets["minutes"]?[minute] != nil else {
                throw OfficeError.notFound
            }
            guard held.sets["minutes_done"]?[minute] == nil else {
                throw OfficeError(.conflict, code: "already_done", th: "ดำเนินการตามเกษียนนี้แล้ว", en: "the minute is already done")
            }
            return [
                LocalEdit(
                    collection: LetterRecords.minutes, record: receipt,
                    add: [
                        SetElement(
                            field: "minutes_done", id: minute,
                            value: ["by": .string(account), "at_ms": .number(Double(clock())), "note": .string(String(note.prefix(1_000)))])
                    ])
            ]
        }
    }

    /// The minutes on a received letter, oldest first.
    public func minutes(sender: String, letter: String) async throws -> [Minute] {
        guard let office = try await store.node()?.office,
            let held = try await store.record(
                collection: LetterRecords.minutes, id: LetterRecords.receiptID(receiver: office, sender: sender, letter: letter))
        else { return [] }
        let done = held.sets["minutes_done"] ?? [:]
        return (held.sets["minutes"] ?? [:]).compactMap { id, value -> Minute? in
            guard let object = value.objectValue, let to = object["to"]?.stringValue, let instruction = object["instruction"]?.stringValue,
                let due = object["due"]?.stringValue.flatMap(CivilDate.init(iso:)), let by = object["by"]?.stringValue,
                let at = object["at_ms"]?.integerValue
            else { return nil }
            let finished = done[id]?.objectValue.flatMap { item -> (by: String, atMillis: Int64, note: String)? in
                guard let by = item["by"]?.stringValue, let at = item["at_ms"]?.integerValue else { return nil }
                return (by, at, item["note"]?.stringValue ?? "")
            }
            return Minute(id: id, to: to, instruction: instruction, due: due, by: by, atMillis: at, done: finished)
        }.sorted { $0.atMillis != $1.atMillis ? $0.atMillis < $1.atMillis : $0.id < $1.id }
    }

    /// Where each receiver stands with a sent letter: waiting (its copy not yet at the hub), delivered (at the hub,
    /// for the receiver's next pull), received (with the
    /// receiver's register number and time), accepted or rejected (and when).
    public func status(of letter: String) async throws -> [(receiver: String, state: String, register: Int?, at: Int64?)] {
        guard let office = try await store.node()?.office,
            let held = try await store.record(collection: LetterRecords.letters, id: LetterRecords.letterID(sender: office, letter: letter)),
            let draftValue = held.fields["draft"], let draft = try? LetterDraft(json: draftValue, sender: office)
        else { throw OfficeError.notFound }
        var result: [(receiver: String, state: String, register: Int?, at: Int64?)] = []
        for receiver in draft.receivers {
            let receipt = try await store.record(
                collection: LetterRecords.receipts, id: LetterRecords.receiptID(receiver: receiver, sender: office, letter: letter))
            let register = receipt?.fields["register"]?.integerValue.map(Int.init)
            if let answer = receipt?.fields["answer"]?.objectValue {
                let accepted = answer["accepted"] == .bool(true)
                result.append((receiver, accepted ? "accepted" : "rejected", register, answer["at_ms"]?.integerValue))
            } else if let receipt {
                result.append((receiver, "received", register, receipt.fields["received_ms"]?.integerValue))
            } else if held.fields["state"] != "sent" {
                result.append((receiver, "not_sent", nil, nil))
            } else {
                // Delivered once the copy is at the hub (the receiver's next pull brings it); until then it waits here.
                let atHub = try await store.hubHasLatestChange(
                    collection: LetterRecords.copies, record: LetterRecords.copyID(sender: office, letter: letter, receiver: receiver))
                result.append((receiver, atHub ? "delivered" : "waiting", nil, nil))
            }
        }
        return result
    }

    // MARK: The inbox and the registers

    /// A letter addressed to this office, as its inbox lists it.
    public struct Received: Sendable {
        public let sender: String
        public let letter: String
        public let number: String
        public let draft: LetterDraft
        public let sentMillis: Int64
        /// The letter's date (ลงวันที่), as its sender numbered it.
        public let date: CivilDate?
        /// This office's incoming register number, once received, and when it was stamped.
        public let register: Int?
        public let receivedMillis: Int64?
        public let answer: String?
        /// The version received (1 for the letter as first sent) and, for a correction, the parts it changed.
        public let version: Int
        public let changed: [String]
        public let correctionNote: String
        /// Who it is from, as pages name it: the sending office's code, or an outside agency's name and code.
        public let from: String
        /// For a restricted letter, the accounts this office's minutes route it to (its named recipients).
        public let named: Set<String>

        /// Whether `access` may read its content (``LetterAccess``).
        public func mayBeRead(by access: LetterAccess) -> Bool { access.mayRead(draft.secrecy, named: named) }
    }

    /// The letters addressed to this office, the most urgent first, then the earliest sent.
    public func inbox() async throws -> [Received] {
        guard let office = try await store.node()?.office else { throw StoreError.notInitialised }
        var byID: [String: Received] = [:]
        for record in try await store.records(collection: LetterRecords.copies, office: office) where record.fields["receiver"] == .string(office) {
            guard let sender = record.fields["sender"]?.stringValue, let letter = record.fields["letter"]?.stringValue,
                let content = record.fields["content"],
                let draft = try? LetterDraft(json: content, sender: record.fields["external_sender"]?.stringValue ?? sender)
            else { continue }
            let receipt = try await store.record(
                collection: LetterRecords.receipts, id: LetterRecords.receiptID(receiver: office, sender: sender, letter: letter))
            let answer = receipt?.fields["answer"]?.objectValue.map { $0["accepted"] == .bool(true) ? "accepted" : "rejected" }
            var named = Set<String>()
            if draft.secrecy.isRestricted,
                let minutes = try await store.record(
                    collection: LetterRecords.minutes, id: LetterRecords.receiptID(receiver: office, sender: sender, letter: letter))
            {
                named = Set((minutes.sets["minutes"] ?? [:]).values.compactMap { $0.objectValue?["to"]?.stringValue })
            }
            byID[record.id] = Received(
                sender: sender, letter: letter, number: record.fields["number"]?.stringValue ?? "", draft: draft,
                sentMillis: record.fields["sent_ms"]?.integerValue ?? 0, date: record.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:)),
                register: receipt?.fields["register"]?.integerValue.map(Int.init), receivedMillis: receipt?.fields["received_ms"]?.integerValue,
                answer: answer, version: Int(record.fields["version"]?.integerValue ?? 1),
                changed: record.fields["changed"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                correctionNote: record.fields["correction_note"]?.stringValue ?? "",
                from: record.fields["external_name"]?.stringValue.map { "\($0) (\(record.fields["external_sender"]?.stringValue ?? ""))" } ?? sender,
                named: named)
        }
        let order = InboxOrder.sorted(byID.map { InboxOrder.Item(id: $0.key, urgency: $0.value.draft.urgency, arrivedMillis: $0.value.sentMillis) })
        return order.compactMap { byID[$0.id] }
    }

    /// The subject a register shows for a restricted letter to those who may not read it.
    public static let maskedSubject = "(หนังสือลับ)"

    /// The outgoing and incoming registers of `year` (Buddhist Era, calendar year), from the number registers and
    /// the letters and receipts they name. With `access`, a restricted letter's subject is masked unless that person
    /// may read it (``LetterAccess``); without, it is shown (the office's own machinery).
    public func registers(year: Int, access: LetterAccess? = nil) async throws -> (outgoing: [RegisterRow], incoming: [RegisterRow]) {
        guard let office = try await store.node()?.office else { throw StoreError.notInitialised }
        func issued(_ series: String) async throws -> [(Int, String)] {
            let register = try await store.record(
                collection: NumberRegister.collection, id: NumberRegister.recordID(office: office, series: series, year: year))
            return (register?.sets["issued"] ?? [:]).compactMap { key, value in
                guard let sequence = Int(key), let id = value.objectValue?["application"]?.stringValue else { return nil }
                return (sequence, id)
            }.sorted { $0.0 < $1.0 }
        }
        var outgoing: [RegisterRow] = []
        for (sequence, id) in try await issued(LetterRecords.outgoingSeries) {
            guard let letter = try await store.record(collection: LetterRecords.letters, id: id), let content = letter.fields["draft"],
                let draft = try? LetterDraft(json: content, sender: office)
            else { continue }
            let readable =
                access?.mayRead(
                    own: draft.secrecy, draftedBy: letter.fields["drafted_by"]?.stringValue,
                    approvedBy: letter.fields["approval"]?.objectValue?["account"]?.stringValue, isDraft: false) ?? true
            outgoing.append(
                RegisterRow(
                    register: sequence, year: year, number: letter.fields["number"]?.stringValue ?? "",
                    date: letter.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:)) ?? CivilDate(iso: "2000-01-01")!, from: office,
                    to: draft.receivers.joined(separator: ", "), subject: readable ? draft.subject : Self.maskedSubject, action: draft.kind.thai,
                    remarks: draft.urgency.thai))
        }
        var incoming: [RegisterRow] = []
        for (sequence, id) in try await issued(LetterRecords.incomingSeries) {
            guard let receipt = try await store.record(collection: LetterRecords.receipts, id: id),
                let sender = receipt.fields["sender"]?.stringValue, let letter = receipt.fields["letter"]?.stringValue,
                let copy = try await store.record(
                    collection: LetterRecords.copies, id: LetterRecords.copyID(sender: sender, letter: letter, receiver: office)),
                let content = copy.fields["content"],
                let draft = try? LetterDraft(json: content, sender: copy.fields["external_sender"]?.stringValue ?? sender)
            else { continue }
            let answer = receipt.fields["answer"]?.objectValue
            let accepted = answer.map { $0["accepted"] == .bool(true) }
            var readable = true
            if let access, draft.secrecy.isRestricted {
                let minutes = try await store.record(collection: LetterRecords.minutes, id: id)
                readable = access.mayRead(
                    draft.secrecy, named: Set((minutes?.sets["minutes"] ?? [:]).values.compactMap { $0.objectValue?["to"]?.stringValue }))
            }
            incoming.append(
                RegisterRow(
                    register: sequence, year: year, number: copy.fields["number"]?.stringValue ?? "",
                    date: copy.fields["date"]?.stringValue.flatMap(CivilDate.init(iso:)) ?? CivilDate(iso: "2000-01-01")!,
                    from: copy.fields["external_name"]?.stringValue ?? sender,
                    to: office, subject: readable ? draft.subject : Self.maskedSubject, action: accepted.map { $0 ? "รับ" : "ไม่รับ" } ?? "ลงรับแล้ว",
                    remarks: answer?["reason"]?.stringValue ?? ""))
        }
        return (outgoing, incoming)
    }

    // MARK: Reading

    /// One of this office's own letters, as its pages list it.
    public struct Outgoing: Sendable {
        public let letter: String
        public let draft: LetterDraft
        /// `draft`, `approved` or `sent`.
        public let state: String
        public let number: String?
        public let draftedBy: String?
        public let approvedBy: String?

        /// Whether `access` may read its content (``LetterAccess``).
        public func mayBeRead(by access: LetterAccess) -> Bool {
            access.mayRead(own: draft.secrecy, draftedBy: draftedBy, approvedBy: approvedBy, isDraft: state == "draft")
        }
    }

    /// This office's own letters (drafts, approved, sent), newest first.
    public func outgoing() async throws -> [Outgoing] {
        guard let office = try await store.node()?.office else { throw StoreError.notInitialised }
        return try await store.records(collection: LetterRecords.letters, office: office).compactMap { record in
            guard let content = record.fields["draft"], let draft = try? LetterDraft(json: content, sender: office) else { return nil }
            return Outgoing(
                letter: String(record.id.dropFirst(office.count + 1)), draft: draft, state: record.fields["state"]?.stringValue ?? "draft",
                number: record.fields["number"]?.stringValue, draftedBy: record.fields["drafted_by"]?.stringValue,
                approvedBy: record.fields["approval"]?.objectValue?["account"]?.stringValue)
        }.reversed()
    }

    /// A received letter's copy, if this office holds it.
    public func received(sender: String, letter: String) async throws -> Received? {
        try await inbox().first { $0.sender == sender && $0.letter == letter }
    }

    /// Records that `account` read the content of a restricted (ลับ, ลับมาก) letter, in a record of this office's own.
    public func recordRead(sender: String, letter: String, by account: String) async throws {
        let clock = store.configuration.wallClock
        try await store.transaction { transaction in
            let millis = clock()
            return [
                LocalEdit(
                    collection: LetterRecords.reads, record: "\(transaction.node.office).\(sender).\(letter)",
                    add: [
                        // Keyed by the change's stamp, unique on this node: two readings in one millisecond are two.
                        SetElement(
                            field: "reads", id: "\(transaction.stamp.hex)-\(account)",
                            value: ["by": .string(account), "at_ms": .number(Double(millis))])
                    ])
            ]
        }
    }
}
