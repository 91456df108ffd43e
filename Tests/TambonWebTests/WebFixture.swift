import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebTestSupport

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

    // The HTTP helpers live in TambonWebTestSupport (shared with the hub's report tests).
    static var jsonHeaders: HTTPFields { HTTPTesting.jsonHeaders }
    static func json(_ value: JSONValue) -> ByteBuffer { HTTPTesting.json(value) }
    static func object(_ response: TestResponse) throws -> [String: JSONValue] { try HTTPTesting.object(response) }
    static func text(_ response: TestResponse) -> String { HTTPTesting.text(response) }
    static func multipart(_ fields: [(String, String)], files: [(field: String, name: String, type: String, bytes: [UInt8])]) -> (String, ByteBuffer)
    {
        HTTPTesting.multipart(fields, files: files)
    }
}
