import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebKit

/// The JSON API (`/api/v1/…`): sessions, applications and their actions, public tracking, fee quotes.
struct APIController: Sendable {
    let web: OfficeWeb

    func addRoutes(to router: Router<TambonRequestContext>) {
        let api = router.group("api/v1")
        web.sessionEndpoints.addRoutes(to: api)
        api.post("applications") { request, _ in try await self.submit(request) }
        api.get("applications") { request, _ in try await self.queue(request) }
        api.get("applications/:id") { request, context in try await self.show(request, id: try context.parameters.require("id")) }
        api.post("applications/:id/actions") { request, context in try await self.act(request, id: try context.parameters.require("id")) }
        api.post("applications/:id/attachments") { request, context in try await self.attach(request, id: try context.parameters.require("id")) }
        api.get("attachments/:sha256") { request, context in try await self.file(request, hash: try context.parameters.require("sha256")) }
        api.get("track/:code") { _, context in try await self.track(code: try context.parameters.require("code")) }
        // Each service's own endpoints (the building permit's fee quote).
        for service in ServicePagesCatalog.all { service.addAPIRoutes(to: api, web: web) }
    }

    // MARK: - Applications

    func submit(_ request: Request) async throws -> Response {
        let body = try await Self.object(request)
        let session = await web.session(of: request)
        guard let service = body["service"]?.stringValue else {
            throw WebError(
                .unprocessable, "invalid_input", th: "ต้องระบุบริการ (service)", en: "\"service\" is required",
                fields: [FieldError("service", th: "ต้องระบุบริการ (service)", en: "\"service\" is required")])
        }
        do {
            let application = try await web.book.submit(
                service: ServiceID(rawValue: service), applicant: body["applicant"]?.objectValue ?? [:], details: body["details"]?.objectValue ?? [:],
                actor: session?.user ?? "citizen", role: session?.role ?? .citizen)
            guard case .object(var members) = application.publicView(on: web.book.today()) else {
                throw WebError(.internal, "internal", th: "", en: "")
            }
            members["id"] = .string(application.id)
            members["fees"] = .object(application.fees)
            return JSONResponse.make(.object(members), status: .created)
        } catch let error as OfficeError {
            throw WebError(error)
        }
    }

    func queue(_ request: Request) async throws -> Response {
        let session = try await web.apiStaff(request)
        let query = request.uri.queryParameters
        let queue = try await web.book.queue(
            office: session.office, service: query["service"].map { ServiceID(rawValue: String($0)) },
            status: query["status"].map { ApplicationStatus(rawValue: String($0)) },
            assignee: query["assignee"].map(String.init) ?? (session.role == .surveyor ? session.user : nil))
        let today = web.book.today()
        return JSONResponse.make([
            "applications": .array(queue.applications.map { $0.officeView(on: today) }),
            // Those that cannot be read, so a client can say so rather than silently miss them.
            "damaged": .array(queue.damaged.map { ["id": .string($0.id), "code": .string($0.code), "message": .string($0.english)] }),
        ])
    }

    func show(_ request: Request, id: String) async throws -> Response {
        let session = try await web.apiStaff(request)
        return JSONResponse.make(try await web.application(id, for: session).officeView(on: web.book.today()))
    }

    /// Staff act with their session. A citizen may only withdraw, proving it is theirs with the applicant's
    /// national ID.
    func act(_ request: Request, id: String) async throws -> Response {
        let body = try await Self.object(request)
        guard let action = body["action"]?.stringValue else {
            throw WebError(.invalid, "invalid_input", th: "ต้องระบุการดำเนินการ (action)", en: "\"action\" is required")
        }
        do {
            if await web.session(of: request) == nil, action == "withdraw" {
                let application = try await web.book.application(id)
                guard let presented = body["national_id"]?.stringValue, let id = try? NationalID(presented),
                    application.applicant["national_id"]?.stringValue == id.digits
                else {
                    throw WebError(
                        .forbidden, "not_applicant", th: "เลขประจำตัวประชาชนไม่ตรงกับผู้ยื่นคำขอ", en: "the national ID does not match the applicant's")
                }
                let updated = try await web.book.act(on: application.id, action: "withdraw", payload: body, actor: "citizen", role: .citizen)
                return JSONResponse.make(updated.publicView(on: web.book.today()))
            }
            let session = try await web.apiStaff(request)
            let application = try await web.application(id, for: session)
            let role = try await web.actingRole(of: session)
            let updated = try await web.book.act(
                on: application.id, action: ActionName(rawValue: action), payload: body, actor: session.user, role: role)
            return JSONResponse.make(updated.officeView(on: web.book.today()))
        } catch let error as OfficeError {
            throw WebError(error)
        }
    }

    /// Uploads one file (`multipart/form-data`; optional text fields `kind` = plan|photo|document and `name`).
    /// Officers and surveyors use their session; the applicant proves it is theirs with `X-National-ID`.
    func attach(_ request: Request, id: String) async throws -> Response {
        do {
            // Who uploads, and to which application, is settled before a byte of the body is read: an anonymous
            // client cannot make the node receive 20 MiB.
            let actor: (String, ActorRole)
            let applicationID: String
            if let presented = request.headers[HTTPField.Name("X-National-ID")!], await web.session(of: request) == nil {
                let application = try await web.book.application(id)
                guard let nationalID = try? NationalID(presented), application.applicant["national_id"]?.stringValue == nationalID.digits else {
                    throw WebError(
                        .forbidden, "not_applicant", th: "เลขประจำตัวประชาชนไม่ตรงกับผู้ยื่นคำขอ", en: "the national ID does not match the applicant's")
                }
                actor = ("citizen", .citizen)
                applicationID = application.id
            } else {
                let session = try await web.apiStaff(request)
                actor = (session.user, session.role)
                applicationID = try await web.application(id, for: session).id
            }
            guard request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true else {
                throw WebError(
                    .unsupportedMediaType, "multipart_only", th: "ต้องส่งไฟล์แบบ multipart/form-data", en: "send the file as multipart/form-data")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await BodyReader.collect(request, upTo: AttachmentPolicy.maximumBytes + 64 * 1024)
            } catch let error as WebError where error.kind != .tooLarge {
                throw error
            } catch {
                throw WebError(
                    .tooLarge, "too_large", th: "ไฟล์ใหญ่เกิน 20 MB", en: "the file is larger than 20 MiB",
                    fields: [FieldError("file", th: "ไฟล์ใหญ่เกิน 20 MB", en: "the file is larger than 20 MiB")])
            }
            let form = try FormBody(contentType: request.headers[.contentType], bytes: Array(buffer: buffer))
            guard form.files.count == 1, let file = form.files.first else {
                throw WebError(
                    .unprocessable, "invalid_input", th: "ส่งไฟล์ครั้งละหนึ่งไฟล์", en: "send exactly one file",
                    fields: [FieldError("file", th: "ส่งไฟล์ครั้งละหนึ่งไฟล์", en: "send exactly one file")])
            }
            let kind = form["kind"] ?? "document"
            let name = form["name"].flatMap { $0.isEmpty ? nil : $0 } ?? file.name
            let stored = try await web.book.attach(to: applicationID, bytes: file.bytes, name: name, kind: kind, actor: actor.0, role: actor.1)
            return JSONResponse.make(
                [
                    "sha256": stored["sha256"] ?? .null, "size": stored["size"] ?? .null, "name": stored["name"] ?? .null,
                    "content_type": stored["type"] ?? .null, "kind": stored["kind"] ?? .null,
                ], status: .created)
        } catch let error as OfficeError {
            throw WebError(error)
        }
    }

    /// A file, to staff of an office whose records refer to it; 409 while it has not fully arrived on this node.
    /// A letter's files are not served here: the letter's pages serve them under the secrecy rule (``LetterAccess``).
    func file(_ request: Request, hash: String) async throws -> Response {
        let session = try await web.apiStaff(request)
        guard try await web.store.attachmentReference(hash, office: session.office, excluding: [LetterRecords.copies]) != nil else {
            throw WebError(.notFound, "not_found", th: "ไม่พบไฟล์แนบนี้", en: "no such attachment")
        }
        guard web.store.attachments.has(hash) else {
            throw WebError(.conflict, "not_here_yet", th: "ไฟล์ยังมาไม่ครบ กำลังรับจากศูนย์กลาง", en: "the file has not fully arrived on this node yet")
        }
        return FileResponse.make(try web.store.attachments.contents(of: hash), hash: hash)
    }

    func track(code: String) async throws -> Response {
        do {
            return JSONResponse.make(try await web.book.application(code).publicView(on: web.book.today()))
        } catch let error as OfficeError {
            throw WebError(error)
        }
    }

    static func object(_ request: Request) async throws -> [String: JSONValue] {
        try await JSONRequest.object(request, maximumBytes: OfficeWeb.maximumBodyBytes)
    }
}
