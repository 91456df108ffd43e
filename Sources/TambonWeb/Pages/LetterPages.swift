import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The staff's e-Saraban pages (`/office/letters…`): the inbox and the office's own letters, composing a draft,
/// approving it with a typed name and sending it, receiving a letter (its incoming number), accepting or rejecting
/// it, and the registers with their CSV. A letter marked ลับ or ลับมาก shows its content only to a records officer
/// (`records-officer`, who holds the office's secret correspondence), and each such reading is recorded; others see
/// that it exists, its number and sender, and nothing of its content.
struct LetterPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }
    var letters: LetterBook { web.letters }

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/office/letters") { request, _ in try await self.list(request) }
        router.get("/office/letters/new") { request, _ in try await self.compose(request, entered: [:], errors: []) }
        router.post("/office/letters") { request, _ in try await self.create(request) }
        router.get("/office/letters/registers") { request, _ in try await self.registers(request) }
        router.get("/office/letters/out/:letter") { request, context in
            try await self.outgoing(request, letter: try context.parameters.require("letter"), error: nil)
        }
        router.post("/office/letters/out/:letter/approve") { request, context in
            try await self.approve(request, letter: try context.parameters.require("letter"))
        }
        router.post("/office/letters/out/:letter/send") { request, context in
            try await self.send(request, letter: try context.parameters.require("letter"))
        }
        router.post("/office/letters/out/:letter/correct") { request, context in
            try await self.correct(request, letter: try context.parameters.require("letter"))
        }
        router.get("/office/letters/out/:letter/files/:sha256") { request, context in
            try await self.outgoingFile(request, letter: try context.parameters.require("letter"), hash: try context.parameters.require("sha256"))
        }
        router.get("/office/letters/in/:sender/:letter/files/:sha256") { request, context in
            try await self.incomingFile(
                request, sender: try context.parameters.require("sender"), letter: try context.parameters.require("letter"),
                hash: try context.parameters.require("sha256"))
        }
        router.get("/office/letters/in/:sender/:letter") { request, context in
            try await self.incoming(
                request, sender: try context.parameters.require("sender"), letter: try context.parameters.require("letter"), error: nil)
        }
        router.post("/office/letters/in/:sender/:letter/receive") { request, context in
            try await self.receive(request, sender: try context.parameters.require("sender"), letter: try context.parameters.require("letter"))
        }
        router.post("/office/letters/in/:sender/:letter/answer") { request, context in
            try await self.answer(request, sender: try context.parameters.require("sender"), letter: try context.parameters.require("letter"))
        }
        router.post("/office/letters/in/:sender/:letter/minutes") { request, context in
            try await self.minute(request, sender: try context.parameters.require("sender"), letter: try context.parameters.require("letter"))
        }
    }

    /// Who the session's person is, for the secrecy rule (``LetterAccess``).
    static func access(_ session: SessionStore.Session) -> LetterAccess { LetterAccess(account: session.user, role: session.role) }

    /// The subject as one who may (or may not) read the letter sees it.
    static func subject(_ draft: LetterDraft, readable: Bool) -> String {
        readable ? draft.subject : "(หนังสือ\(draft.secrecy.thai) — เฉพาะผู้มีสิทธิ์)"
    }

    func list(_ request: Request) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        let inbox = try await letters.inbox().map { item -> [String: Any] in
            [
                "sender": item.sender, "from": item.from, "letter": item.letter, "number": item.number,
                "subject": Self.subject(item.draft, readable: item.mayBeRead(by: Self.access(session))),
                "urgency": item.draft.urgency.thai, "secrecy": item.draft.secrecy.thai, "sent": PageRenderer.thaiTime(item.sentMillis),
                "register": item.register.map(String.init) ?? "ยังไม่ลงรับ",
                "answer": item.answer == "accepted" ? "รับแล้ว" : item.answer == "rejected" ? "ไม่รับ" : "",
            ]
        }
        let outgoing = try await letters.outgoing().map { item -> [String: Any] in
            [
                "letter": item.letter, "subject": Self.subject(item.draft, readable: item.mayBeRead(by: Self.access(session))),
                "state": Self.stateText(item.state), "number": item.number ?? "",
                "receivers": item.draft.receivers.count,
            ]
        }
        var values: [String: Any] = ["inbox": inbox, "outgoing": outgoing]
        // Search by number, subject or party and a date range (offline: the node's own index).
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let from = query["from"].flatMap { CivilDate(iso: String($0)) }
        let to = query["to"].flatMap { CivilDate(iso: String($0)) }
        values["q"] = text
        values["from"] = from?.iso ?? ""
        values["to"] = to?.iso ?? ""
        if !text.isEmpty || from != nil || to != nil {
            guard let index = web.letterIndex else {
                throw WebError(.internal, "search_unavailable", th: "ค้นหาไม่ได้ในขณะนี้", en: "the letters' search index could not be opened")
            }
            let hits = try await index.search(text, from: from, to: to, includeRestricted: Self.access(session).holdsSecrets)
            values["hits"] = hits.map { hit -> [String: Any] in
                let parts = hit.key.split(separator: "/", maxSplits: 1).last.map { $0.split(separator: ".") } ?? []
                let link =
                    hit.direction == "out"
                    ? "/office/letters/out/" + (parts.count > 1 ? String(parts[1]) : "")
                    : "/office/letters/in/" + (parts.first.map(String.init) ?? "") + "/" + (parts.count > 1 ? String(parts[1]) : "")
                return [
                    "link": link, "number": hit.number, "subject": hit.restricted && hit.subject.isEmpty ? "(หนังสือลับ)" : hit.subject,
                    "party": hit.party, "date": hit.date.thaiShortText, "direction": hit.direction == "out" ? "ส่ง" : "รับ",
                ]
            }
            values["searched"] = true
        }
        return try await pages.page("letters", title: "หนังสือราชการ", request: request, values)
    }

    /// A letter's parts as a correction names them.
    static let partNames: [String: String] = [
        "subject": "เรื่อง", "salutation": "คำขึ้นต้น", "receivers": "ผู้รับ", "references": "อ้างถึง", "main_document": "ต้นฉบับ",
        "enclosures": "สิ่งที่ส่งมาด้วย", "urgency": "ชั้นความเร็ว", "secrecy": "ชั้นความลับ", "signatory_name": "ผู้ลงนาม",
        "signatory_title": "ตำแหน่งผู้ลงนาม", "contact_unit": "ส่วนราชการเจ้าของเรื่อง", "kind": "ชนิดหนังสือ", "circular": "หนังสือเวียน",
    ]

    static func stateText(_ state: String) -> String {
        switch state {
        case "draft": "ร่าง"
        case "approved": "อนุมัติแล้ว รอส่ง"
        case "sent": "ส่งแล้ว"
        default: state
        }
    }

    func compose(_ request: Request, entered: [String: String], errors: [FieldError], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        // The agency directory as this node last fetched it from the hub (cached under the collection's name).
        let directory = try await web.store.cachedDirectory(Agency.collection)?.body.arrayValue ?? []
        let agencies = directory.compactMap { $0.objectValue.flatMap(Agency.init(fields:)) }.filter { $0.code != session.office }
        return try await pages.page(
            "letter_compose", title: "ร่างหนังสือ", request: request, status: status,
            [
                "csrf": session.csrf, "fields": entered, "errors": errors.map { ["field": $0.field, "message": $0.thai] },
                "hasErrors": !errors.isEmpty,
                "agencies": agencies.map { ["code": $0.code, "name": $0.name, "letterCode": $0.letterCode ?? ""] }, "hasAgencies": !agencies.isEmpty,
                "kinds": LetterKind.allCases.map { ["value": $0.rawValue, "label": $0.thai, "selected": entered["kind"] == $0.rawValue] },
                "urgencies": Urgency.allCases.map {
                    ["value": $0.rawValue, "label": $0.thai.isEmpty ? "ปกติ" : $0.thai, "selected": entered["urgency"] == $0.rawValue]
                },
                "secrecies": Secrecy.allCases.map {
                    ["value": $0.rawValue, "label": $0.thai.isEmpty ? "ปกติ" : $0.thai, "selected": entered["secrecy"] == $0.rawValue]
                },
            ])
    }

    func create(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request, maximumBytes: PageRenderer.maximumFormBytes)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        var entered: [String: String] = [:]
        for key in ["kind", "subject", "salutation", "receivers", "urgency", "secrecy", "signatory_name", "signatory_title", "contact_unit"] {
            entered[key] = form[key] ?? ""
        }
        let receivers = (form["receivers"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\r" }).map {
            JSONValue.string(String($0))
        }
        var json: [String: JSONValue] = ["receivers": .array(receivers)]
        for key in ["kind", "subject", "salutation", "urgency", "secrecy", "signatory_name", "signatory_title", "contact_unit"] {
            json[key] = .string(form[key] ?? "")
        }
        // The main document (PDF) and enclosures (PDF or images), checked by content, stored by their SHA-256.
        var fileErrors: [FieldError] = []
        var enclosures: [JSONValue] = []
        for file in form.files where file.field == "main_document" || file.field == "enclosures" {
            let type: String
            do throws(FieldError) {
                type = try AttachmentPolicy.check(file.bytes, name: file.name, kind: "document")
            } catch {
                fileErrors.append(FieldError(file.field, th: error.thai, en: error.english))
                continue
            }
            let stored: JSONValue = [
                "sha256": .string(try web.store.attachments.put(file.bytes)), "name": .string(String(file.name.prefix(200))), "type": .string(type),
            ]
            if file.field == "main_document" { json["main_document"] = stored } else { enclosures.append(stored) }
        }
        json["enclosures"] = .array(enclosures)
        let draft: LetterDraft
        do {
            guard fileErrors.isEmpty else { throw ValidationErrors(fileErrors) }
            draft = try LetterDraft(json: .object(json), sender: session.office)
        } catch let error as ValidationErrors {
            return try await compose(request, entered: entered, errors: error.errors, status: .unprocessableContent)
        }
        let letter = try await letters.draft(draft, by: session.user)
        return PageRenderer.redirect("/office/letters/out/\(letter)")
    }

    func outgoing(_ request: Request, letter: String, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        guard let item = try await letters.outgoing().first(where: { $0.letter == letter }) else { throw WebError(OfficeError.notFound) }
        let readable = item.mayBeRead(by: Self.access(session))
        var values = Self.content(item.draft, readable: readable, files: "/office/letters/out/\(letter)/files/")
        values["csrf"] = session.csrf
        values["letter"] = letter
        values["state"] = Self.stateText(item.state)
        values["number"] = item.number.flatMap(DocumentNumber.init)?.thaiText ?? ""
        values["canApprove"] = item.state == "draft" && session.role == .admin
        values["canCorrect"] = item.state == "sent" && readable
        values["currentSubject"] = readable ? item.draft.subject : ""
        values["currentSalutation"] = readable ? item.draft.salutation : ""
        values["canSend"] = item.state == "approved"
        if let error { values["error"] = error }
        if item.state == "sent" {
            values["receivers"] = try await letters.status(of: letter).map { row -> [String: Any] in
                [
                    "receiver": row.receiver, "state": Self.deliveryText(row.state), "register": row.register.map(String.init) ?? "",
                    "at": row.at.map(PageRenderer.thaiTime) ?? "",
                ]
            }
        }
        return try await pages.page("letter", title: "หนังสือ \(values["number"] as? String ?? letter)", request: request, status: status, values)
    }

    static func deliveryText(_ state: String) -> String {
        switch state {
        case "waiting": "รอซิงก์ไปศูนย์กลาง"
        case "delivered": "ส่งถึงแล้ว (รอลงรับ)"
        case "received": "ลงรับแล้ว"
        case "accepted": "รับแล้ว"
        case "rejected": "ไม่รับ"
        default: "ยังไม่ส่ง"
        }
    }

    /// A letter's parts for a page, its content (and links to its files under `files`) only for those who may read
    /// it.
    static func content(_ draft: LetterDraft, readable: Bool, files: String) -> [String: Any] {
        var values: [String: Any] = [
            "kind": draft.kind.thai, "urgency": draft.urgency.thai, "secrecy": draft.secrecy.thai, "restricted": draft.secrecy.isRestricted,
            "readable": readable, "subject": subject(draft, readable: readable),
        ]
        if readable {
            values["salutation"] = draft.salutation
            values["references"] = draft.references.map { ["number": $0.number, "date": $0.date.thaiText, "subject": $0.subject] }
            values["signatory"] = "\(draft.signatoryName) \(draft.signatoryTitle)"
            values["contactUnit"] = draft.contactUnit
            values["files"] = ([draft.mainDocument].compactMap { $0 } + draft.enclosures).map {
                ["name": $0.name, "link": files + $0.sha256, "main": $0 == draft.mainDocument]
            }
            values["to"] = draft.receivers.joined(separator: ", ")
        }
        return values
    }

    /// One of the office's own letter's files, to those who may read the letter.
    func outgoingFile(_ request: Request, letter: String, hash: String) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        guard let item = try await letters.outgoing().first(where: { $0.letter == letter }), item.mayBeRead(by: Self.access(session)) else {
            throw WebError(OfficeError.notFound)
        }
        return try file(hash, of: item.draft)
    }

    /// A received letter's file, to those who may read the letter; reading a restricted one is recorded.
    func incomingFile(_ request: Request, sender: String, letter: String, hash: String) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        guard let item = try await letters.received(sender: sender, letter: letter), item.mayBeRead(by: Self.access(session)) else {
            throw WebError(OfficeError.notFound)
        }
        let response = try file(hash, of: item.draft)
        if item.draft.secrecy.isRestricted { try await letters.recordRead(sender: sender, letter: letter, by: session.user) }
        return response
    }

    /// The bytes of `hash` if it is the letter's main document or an enclosure (404 otherwise, the same as for a
    /// letter the session may not read); 409 while the file is still on its way from the hub.
    func file(_ hash: String, of draft: LetterDraft) throws -> Response {
        guard ([draft.mainDocument].compactMap { $0 } + draft.enclosures).contains(where: { $0.sha256 == hash }) else {
            throw WebError(OfficeError.notFound)
        }
        guard web.store.attachments.has(hash) else {
            throw WebError(.conflict, "not_here_yet", th: "ไฟล์ยังมาไม่ครบ กำลังรับจากศูนย์กลาง", en: "the file has not fully arrived on this node yet")
        }
        return FileResponse.make(try web.store.attachments.contents(of: hash), hash: hash)
    }

    func approve(_ request: Request, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        do {
            try await letters.approve(letter, by: session.user, role: session.role, typedName: form["typed_name"] ?? "")
        } catch let error as OfficeError {
            return try await outgoing(request, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/out/\(letter)")
    }

    func send(_ request: Request, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") != nil else { return PageRenderer.redirect("/login") }
        do {
            try await letters.send(letter)
        } catch let error as OfficeError {
            return try await outgoing(request, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/out/\(letter)")
    }

    /// A correction of a sent letter's subject or salutation: a new version to every receiver (``LetterBook/correct``).
    func correct(_ request: Request, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        guard let item = try await letters.outgoing().first(where: { $0.letter == letter }), item.mayBeRead(by: Self.access(session)) else {
            throw WebError(OfficeError.notFound)
        }
        guard case .object(var json) = item.draft.json else { throw WebError(OfficeError.notFound) }
        json["subject"] = .string(form["subject"] ?? "")
        json["salutation"] = .string(form["salutation"] ?? "")
        do {
            let corrected = try LetterDraft(json: .object(json), sender: session.office)
            try await letters.correct(letter, to: corrected, by: session.user, note: form["note"] ?? "")
        } catch let error as ValidationErrors {
            return try await outgoing(
                request, letter: letter, error: error.errors.map(\.thai).joined(separator: " · "), status: .unprocessableContent)
        } catch let error as OfficeError {
            return try await outgoing(request, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/out/\(letter)")
    }

    func incoming(_ request: Request, sender: String, letter: String, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        guard let item = try await letters.received(sender: sender, letter: letter) else { throw WebError(OfficeError.notFound) }
        let readable = item.mayBeRead(by: Self.access(session))
        var values = Self.content(item.draft, readable: readable, files: "/office/letters/in/\(sender)/\(letter)/files/")
        if item.draft.secrecy.isRestricted && readable {
            try await letters.recordRead(sender: sender, letter: letter, by: session.user)
        }
        values["csrf"] = session.csrf
        values["sender"] = sender
        values["letter"] = letter
        values["number"] = DocumentNumber(item.number)?.thaiText ?? item.number
        values["register"] = item.register.map(String.init) ?? ""
        values["from"] = item.from
        values["date"] = item.date?.thaiText ?? ""
        values["receivedAt"] = item.receivedMillis.map(PageRenderer.thaiTime) ?? ""
        values["canReceive"] = item.register == nil
        values["canAnswer"] = item.register != nil && item.answer == nil
        values["answer"] = item.answer == "accepted" ? "รับแล้ว" : item.answer == "rejected" ? "ไม่รับ" : ""
        if item.version > 1 {
            var correction: [String: Any] = [
                "version": item.version, "changed": item.changed.map { Self.partNames[$0] ?? $0 }.joined(separator: ", "),
            ]
            // A section renders for any value but nil and false: the note is absent unless there is one to show.
            if readable, !item.correctionNote.isEmpty { correction["note"] = item.correctionNote }
            values["correction"] = correction
        }
        let today = letters.today()
        let minutes = try await letters.minutes(sender: sender, letter: letter)
        values["minutes"] = minutes.map { minute -> [String: Any] in
            [
                "id": minute.id, "to": minute.to, "instruction": readable ? minute.instruction : "(หนังสือลับ)",
                "due": minute.due.thaiShortText, "by": minute.by, "done": minute.done != nil, "overdue": minute.isOverdue(on: today),
                "doneText": minute.done.map { "เสร็จแล้วโดย \($0.by) \(PageRenderer.thaiTime($0.atMillis)) \($0.note)" } ?? "",
            ]
        }
        values["hasMinutes"] = !minutes.isEmpty
        values["canMinute"] = item.register != nil
        values["defaultDue"] = today.adding(days: 7).iso
        if let error { values["error"] = error }
        return try await pages.page("letter_in", title: "หนังสือรับ", request: request, status: status, values)
    }

    func receive(_ request: Request, sender: String, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        do {
            try await letters.receive(sender: sender, letter: letter, by: session.user)
        } catch let error as OfficeError {
            return try await incoming(request, sender: sender, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/in/\(sender)/\(letter)")
    }

    func answer(_ request: Request, sender: String, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        do {
            try await letters.answer(sender: sender, letter: letter, accept: form["accept"] == "1", reason: form["reason"], by: session.user)
        } catch let error as OfficeError {
            return try await incoming(request, sender: sender, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/in/\(sender)/\(letter)")
    }

    /// A minute routing a received letter (`to`, `instruction`, `due`), or marking one done (`done`, `note`).
    func minute(_ request: Request, sender: String, letter: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        do {
            if let done = form["done"], !done.isEmpty {
                try await letters.completeMinute(sender: sender, letter: letter, minute: done, note: form["note"] ?? "", by: session.user)
            } else {
                guard let due = CivilDate(iso: form["due"] ?? "") else {
                    return try await incoming(request, sender: sender, letter: letter, error: "กำหนดเสร็จไม่ถูกต้อง", status: .unprocessableContent)
                }
                try await letters.addMinute(
                    sender: sender, letter: letter, to: form["to"] ?? "", instruction: form["instruction"] ?? "", due: due, by: session.user)
            }
        } catch let error as OfficeError {
            return try await incoming(request, sender: sender, letter: letter, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/letters/in/\(sender)/\(letter)")
    }

    func registers(_ request: Request) async throws -> Response {
        guard let session = await web.session(of: request) else { return PageRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        let year = query["year"].flatMap { Int($0) }.flatMap { (2500...3000).contains($0) ? $0 : nil } ?? letters.today().buddhistYear
        // Subjects of restricted letters are masked for those who may not read them, in the page and the CSV alike.
        let (outgoing, incoming) = try await letters.registers(year: year, access: Self.access(session))
        // Parties by name where the agency directory this node holds knows the code: "name (code)".
        let directory = try await web.store.cachedDirectory(Agency.collection)?.body.arrayValue ?? []
        var names: [String: String] = [:]
        for agency in directory.compactMap({ $0.objectValue.flatMap(Agency.init(fields:)) }) { names[agency.code] = agency.name }
        func named(_ parties: String) -> String {
            parties.split(separator: ", ").map { code in names[String(code)].map { "\($0) (\(code))" } ?? String(code) }.joined(separator: ", ")
        }
        func withNames(_ row: RegisterRow) -> RegisterRow {
            RegisterRow(
                register: row.register, year: row.year, number: row.number, date: row.date, from: named(row.from), to: named(row.to),
                subject: row.subject, action: row.action, remarks: row.remarks)
        }
        if query["format"] == "csv" {
            let rows = (query["kind"] == "in" ? incoming : outgoing).map(withNames)
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"register-\(query["kind"] == "in" ? "in" : "out")-\(year).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: RegisterRow.csv(rows))))
        }
        func rows(_ list: [RegisterRow]) -> [[String: Any]] {
            list.map(withNames).map {
                [
                    "register": $0.register, "number": $0.number, "date": $0.date.thaiShortText, "from": $0.from, "to": $0.to, "subject": $0.subject,
                    "action": $0.action, "remarks": $0.remarks,
                ]
            }
        }
        return try await pages.page(
            "registers", title: "ทะเบียนหนังสือ \(year)", request: request, ["year": year, "outgoing": rows(outgoing), "incoming": rows(incoming)])
    }
}
