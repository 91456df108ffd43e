import HTTPTypes
import Hummingbird
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The staff's pages: logging in and out, the office's queue, an application's page and the actions taken on it.
/// Every page but the login page needs a staff session (without one it sends to the login page); every form
/// that changes something carries the session's CSRF token.
struct StaffPages: Sendable {
    let pages: PageRenderer
    var web: OfficeWeb { pages.web }

    func addRoutes(to router: Router<TambonRequestContext>) {
        router.get("/login") { request, _ in try await pages.page("login", title: "เข้าสู่ระบบ", request: request) }
        router.post("/login") { request, context in try await self.login(request, client: context.client) }
        router.post("/logout") { request, _ in try await self.logout(request) }
        router.get("/office") { request, _ in try await self.queue(request) }
        router.get("/office/applications/:id") { request, context in
            guard let session = try await pages.staffOrLogin(request) else { return PageRenderer.redirect("/login") }
            return try await self.application(request, session: session, id: try context.parameters.require("id"), error: nil)
        }
        router.post("/office/applications/:id/actions") { request, context in
            try await self.act(request, id: try context.parameters.require("id"))
        }
        router.post("/office/applications/:id/bill-fees") { request, context in
            try await self.billFees(request, id: try context.parameters.require("id"))
        }
    }

    func login(_ request: Request, client: String?) async throws -> Response {
        let form = try await PageRenderer.form(request)
        try pages.checkFormToken(request, form)
        let name = form["name"] ?? ""
        let attempt: UserAccount?
        do {
            attempt = try await web.sessionEndpoints.authenticate(name: name, password: form["password"] ?? "", client: client)
        } catch let error as WebError where error.kind == .tooManyRequests {
            var response = try await pages.page(
                "login", title: "เข้าสู่ระบบ", request: request, status: .tooManyRequests, ["error": error.thai, "name": name])
            response.headers[.retryAfter] = error.retryAfterSeconds.map(String.init)
            return response
        }
        guard let account = attempt else {
            return try await pages.page(
                "login", title: "เข้าสู่ระบบ", request: request, status: .unauthorized,
                ["error": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "name": name])
        }
        let session = await web.sessions.start(for: account)
        return PageRenderer.redirect("/office", cookie: web.cookie(OfficeWeb.sessionCookie, session.token))
    }

    func logout(_ request: Request) async throws -> Response {
        let form = try await PageRenderer.form(request)
        let session = try await web.staff(request, csrf: form["csrf"] ?? "")
        await web.sessions.end(session.token)
        return PageRenderer.redirect("/", cookie: web.cookie(OfficeWeb.sessionCookie, "", maxAge: 0))
    }

    static let queueStatuses: [ApplicationStatus] = [
        .submitted, .accepted, .returned, .inspectionAssigned, .inspected, .approved, .rejected, .withdrawn, .revoked, .closed,
    ]

    /// How many unreadable applications the queue names (it counts them all).
    static let damagedShown = 20

    func queue(_ request: Request) async throws -> Response {
        guard let session = try await pages.staffOrLogin(request) else { return PageRenderer.redirect("/login") }
        let query = request.uri.queryParameters
        let status = query["status"].map(String.init).flatMap { $0.isEmpty ? nil : ApplicationStatus(rawValue: $0) }
        // A surveyor sees the inspections assigned to them unless they ask otherwise.
        let assignee = query["assignee"].map(String.init).map { $0.isEmpty ? nil : $0 } ?? (session.role == .surveyor ? session.user : nil)
        let today = web.book.today()
        let service = query["service"].map(String.init).flatMap { $0.isEmpty ? nil : ServiceID(rawValue: $0) }
        let queue = try await web.book.queue(office: session.office, service: service, status: status, assignee: assignee)
        let rows: [[String: Any]] = queue.applications.map { application in
            let state = application.state
            return [
                "id": application.id, "code": application.trackingCode, "service": application.service.rawValue, "status": state.status?.thai ?? "-",
                "assignee": state.assignee ?? "", "urgency": DeadlineUrgency(clock: state.clock, status: state.status, on: today).cssClass,
                "daysLeft": state.clock.daysLeft(on: today).map(String.init) ?? "–",
            ]
        }
        // This node's changes the hub refused (SPEC §15): the office must see them, with the record and the reason.
        let refused = try await web.store.refusedChanges(limit: 20).map(Self.refusalRow)
        return try await pages.page(
            "queue", title: "คำขอของสำนักงาน", request: request,
            [
                "rows": rows, "assignee": assignee ?? "", "refused": refused, "hasRefused": !refused.isEmpty,
                "damaged": queue.damaged.prefix(Self.damagedShown).map { ["id": $0.id, "reason": $0.thai, "code": $0.code] },
                "damagedCount": queue.damaged.count, "hasDamaged": !queue.damaged.isEmpty,
                "services": ServiceCatalog.services.map {
                    ["value": $0.rawValue, "label": ServiceCatalog.names[$0] ?? $0.rawValue, "selected": $0 == service]
                },
                "statuses": Self.queueStatuses.map { ["value": $0.rawValue, "label": $0.thai, "selected": $0 == status] },
            ])
    }

    func application(
        _ request: Request, session: SessionStore.Session, id: String, error: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let application = try await web.application(id, for: session)
        let today = web.book.today()
        guard case .object(let view) = application.officeView(on: today) else {
            throw WebError(.internal, "internal", th: "", en: "")
        }
        var values = PageRenderer.plain(view)
        if let error { values["actionError"] = error }
        values["status_th"] = application.state.status?.thai ?? "-"
        if let due = application.deadline(on: today) { values["due"] = due.thaiText }
        if let number = application.state.number { values["number"] = number.description }
        values["nationalID"] = (try? NationalID(application.applicant["national_id"]?.stringValue ?? ""))?.formatted ?? ""
        values["feeTotal"] = Money(satang: application.fees["total"]?.integerValue ?? 0).thaiText
        // The service's own panel (its details, its fees) and printed document.
        if let service = ServicePagesCatalog.pages(application.service) {
            values["printPath"] = service.printPath
            values["printName"] = service.printName
            values.merge(service.panelValues(application, catalog: web.book.catalog, on: today)) { $1 }
            values["panel"] = pages.render(service.panelTemplate, values)
        }
        values["attachments"] = application.attachments.map { item -> [String: Any] in
            let hash = item["sha256"]?.stringValue ?? ""
            return [
                "name": item["name"]?.stringValue ?? hash, "kind": AttachmentPolicy.kinds[item["kind"]?.stringValue ?? ""] ?? "",
                "size": String(((item["size"]?.integerValue ?? 0) + 1023) / 1024), "sha256": hash,
                "here": web.store.attachments.has(hash), "id": application.id,
            ]
        }
        values["canAttach"] = !application.isClosed
        values["csrf"] = session.csrf
        values["atHub"] = try await web.store.hubHasLatestChange(collection: ApplicationRecord.collection, record: application.id)
        // Which node wrote each event (its id ends with the node's short id), named from the roster.
        let nodes = try await Self.nodeNames(web.store, office: session.office)
        values["timeline"] = application.timeline.entries.map { entry in
            let writer = entry.event.id.split(separator: "-").last.map(String.init) ?? ""
            var item: [String: Any] = [
                "on": entry.event.date.thaiShortText, "action": PageRenderer.actionLabels[entry.event.action.rawValue] ?? entry.event.action.rawValue,
                "actor": entry.event.actor, "applied": entry.applied, "not_applied_reason": entry.refusal?.thai ?? "",
                "node": nodes[writer] ?? writer,
            ]
            if let reason = entry.event.payload["reason"]?.stringValue { item["eventReason"] = reason }
            return item
        }
        // The application's fees as bills of the fee service: paid by Thai QR or at the counter.
        let fees = try await web.fees.fees(of: application)
        values["feeBills"] = fees.map { item -> [String: Any] in
            [
                "label": item.fee.label, "amount": item.fee.amount.thaiText, "reference": item.reference, "issued": item.bill != nil,
                "status": item.fee.recordedPaid ? "บันทึกชำระแล้ว" : item.status.map(FeePages.statusText) ?? "ยังไม่ออกใบแจ้งหนี้",
            ]
        }
        values["hasFeeBills"] = !fees.isEmpty
        values["canBill"] = session.role.isOfficial && fees.contains { $0.bill == nil && !$0.fee.recordedPaid }
        // A fee paid through its bill but not yet recorded on the application: its receipt or bank payment, offered.
        let receiptSuggestion = try await suggestedReceipt(fees)
        let nodeRole = try await web.nodeRole()
        values["actions"] = actions(on: application, for: session, role: nodeRole, on: today).map { actions in
            actions.map { action in
                var action = action
                action["receiptSuggestion"] = receiptSuggestion
                return action
            }
        }
        let refused = try await web.store.refusedChanges(limit: 100).filter { $0.record == application.id }.map(Self.refusalRow)
        values["refused"] = refused
        values["hasRefused"] = !refused.isEmpty
        return try await pages.page("application", title: "คำขอ \(application.trackingCode)", request: request, status: status, values)
    }

    /// One of this node's refused changes, for the pages: which change, which record, why (Thai, then the code).
    static func refusalRow(_ change: RefusedChange) -> [String: Any] {
        [
            "seq": String(change.seq), "record": "\(change.collection)/\(change.record)", "reason": change.refusal.thai,
            "code": change.refusal.code,
        ]
    }

    /// The office's nodes by short id (the suffix of the event ids they write): "name (role)", from the roster.
    static func nodeNames(_ store: Store, office: String) async throws -> [String: String] {
        var names: [String: String] = [:]
        for record in try await store.records(collection: AuthorityRules.rosterCollection, office: office) {
            guard let entry = RosterEntry(recordID: record.id, fields: record.fields) else { continue }
            let role = entry.enrolment.role == .survey ? "เครื่องสำรวจ" : "เครื่องหลัก"
            names[entry.enrolment.node.short] = "\(entry.name) (\(role))"
        }
        return names
    }

    /// The actions `session` may take on `application` now on a node of `role`, each a form with the fields it
    /// needs. A survey node offers only its field work, as a surveyor (it cannot sign the rest); an older version's
    /// application (its id the bare code) offers none, since no node may write it.
    func actions(on application: ApplicationRecord, for session: SessionStore.Session, role: NodeRole, on today: CivilDate) -> [[String: Any]]? {
        guard let workflow = web.book.catalog.workflow(application.service), application.office != nil else { return nil }
        let probe = ApplicationEvent.Probe(hlc: HLC(millis: UInt64(max(0, web.store.configuration.wallClock())), counter: 0))
        let survey = role == .survey
        let available = workflow.available(to: survey ? .surveyor : session.role, actor: session.user, in: application.state, probe: probe)
        return available.filter { !survey || web.book.catalog.isFieldAction($0, service: application.service) }.map { action in
            [
                "action": action.rawValue, "label": PageRenderer.actionLabels[action.rawValue] ?? action.rawValue, "id": application.id,
                "csrf": session.csrf,
                "needsReason": ["return", "reject", "extend", "revoke"].contains(action), "needsAssignee": action == "assign-inspection",
                "needsYear": action == "renew" || action == "record-payment", "needsReceipt": action == "record-payment",
                "year": today.buddhistYear,
                "needsInspection": action == "record-inspection",
            ] as [String: Any]
        }
    }

    /// `ใบเสร็จ 1/2570` or `ธนาคาร scb T1`: how the first fee paid through its bill (and not yet recorded) was paid.
    func suggestedReceipt(_ fees: [FeeBook.ApplicationFee]) async throws -> String {
        guard let paid = fees.first(where: { !$0.fee.recordedPaid && $0.status == .paid }) else { return "" }
        if let receipt = try await web.fees.receipts().first(where: { $0.receipt.bill == paid.reference && $0.receipt.voided == nil }) {
            return "ใบเสร็จ \(receipt.receipt.number)"
        }
        guard let (_, ledger) = try await web.fees.bill(paid.reference),
            let bank = ledger.applied.first(where: { $0.settlement.bill == paid.reference && $0.settlement.source == .bank })
        else { return "" }
        return "ธนาคาร \(bank.settlement.id.split(separator: ".").last.map(String.init) ?? bank.settlement.id)"
    }

    func billFees(_ request: Request, id: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        guard session.role.isOfficial else {
            throw WebError(.forbidden, "forbidden", th: "เฉพาะเจ้าหน้าที่หรือผู้ดูแลระบบ", en: "only an officer or admin may do this")
        }
        let application = try await web.application(id, for: session)
        do {
            try await web.fees.billFees(of: application)
        } catch let error as OfficeError {
            return try await self.application(request, session: session, id: id, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/applications/\(application.id)")
    }

    func act(_ request: Request, id: String) async throws -> Response {
        let form = try await PageRenderer.form(request)
        guard let session = try await pages.staffOrLogin(request, csrf: form["csrf"] ?? "") else { return PageRenderer.redirect("/login") }
        let action = form["action"] ?? ""
        var payload: [String: JSONValue] = [:]
        if let reason = form["reason"] { payload["reason"] = .string(reason) }
        if let assignee = form["assignee"] { payload["assignee"] = .string(assignee) }
        if let year = form["year"].flatMap(Int.init) { payload["year"] = .number(Double(year)) }
        if let receipt = form["receipt"] { payload["receipt"] = .string(receipt) }
        if action == "record-inspection" {
            var inspection: [String: JSONValue] = ["result": .string(form["result"] ?? ""), "notes": .string(form["notes"] ?? "")]
            for key in ["lat", "lon", "accuracy_m"] { if let number = form[key].flatMap(Double.init) { inspection[key] = .number(number) } }
            payload["inspection"] = .object(inspection)
        }
        let application = try await web.application(id, for: session)
        let role = try await web.actingRole(of: session)
        do {
            try await web.book.act(on: application.id, action: ActionName(rawValue: action), payload: payload, actor: session.user, role: role)
        } catch let error as OfficeError {
            return try await self.application(request, session: session, id: id, error: error.thai, status: HTTPResponse.Status(code: error.status))
        }
        return PageRenderer.redirect("/office/applications/\(application.id)")
    }
}
