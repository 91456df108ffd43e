import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
@testable import TambonWeb

/// A node's web app over an in-memory store, tested through Hummingbird's router test client (no sockets).
struct WebFixture {
    let store: Store
    let web: OfficeWeb
    let application: Application<RouterResponder<BasicRequestContext>>

    init(role: String? = nil) async throws {
        store = try Store.inMemory()
        let node = try await store.initialiseNode(office: "5001", name: "อบต.แม่เหียะ")
        if let role {
            try await store.saveHubLink(url: "https://hub.example:8443", caPEM: "-", hubID: NodeIdentity().id, role: role)
        }
        web = OfficeWeb(store: store, node: node, bcryptCost: 4)
        try await web.users.add(name: "somsri", role: .officer, password: "officer password 1")
        try await web.users.add(name: "chai", role: .surveyor, password: "surveyor password 1")
        let router = Router(context: BasicRequestContext.self)
        web.addRoutes(to: router)
        application = Application(router: router)
    }

    static let applicant: JSONValue = [
        "name": "นายสมชาย ใจดี", "national_id": "1234545678781", "phone": "0812345678", "address": "12 หมู่ 3 ต.แม่เหียะ",
    ]
    static let details: JSONValue = [
        "land_title": ["type": "chanote", "number": "4521"], "building_use": "residence", "storeys": 2, "floor_area_m2": 120,
        "location": ["lat": 18.7605, "lon": 98.9360],
    ]

    static var jsonHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return headers
    }

    static func json(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: CanonicalJSON.encode(value)) }

    static func object(_ response: TestResponse) throws -> [String: JSONValue] {
        try JSONValue(parsing: Array(buffer: response.body)).objectValue ?? [:]
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A multipart/form-data body with text fields and files, and its Content-Type.
    static func multipart(_ fields: [(String, String)], files: [(field: String, name: String, type: String, bytes: [UInt8])]) -> (String, ByteBuffer) {
        let boundary = "tambon-test-boundary-7d2a"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: body))
    }
}

/// A logged-in staff member: the session cookie and the CSRF token to echo.
struct StaffSession {
    let cookie: String
    let csrf: String

    static func login(_ client: some TestClientProtocol, name: String, password: String) async throws -> StaffSession {
        try await client.execute(uri: "/api/v1/session", method: .post, headers: WebFixture.jsonHeaders, body: WebFixture.json(["username": .string(name), "password": .string(password)])) { response in
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let token = String(cookie.split(separator: ";")[0])
            return StaffSession(cookie: token, csrf: try #require(try WebFixture.object(response)["csrf_token"]?.stringValue))
        }
    }

    func headers(csrf: Bool = true) -> HTTPFields {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        headers[.contentType] = "application/json"
        if csrf { headers[HTTPField.Name("X-CSRF-Token")!] = self.csrf }
        return headers
    }
}

import Testing
