import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonTestSupport
import TambonWebKit
import TambonWebTestSupport

@testable import TambonWeb

/// A node's web app over an in-memory store, tested through Hummingbird's router test client (no sockets).
struct WebFixture {
    let store: Store
    let web: OfficeWeb
    let application: Application<RouterResponder<TambonRequestContext>>
    /// For a node enrolled with a hub (`role` given): the hub, which publishes the roster.
    let hub: RosterHub?
    /// For a survey node: its office's office node, where accounts are added and applications filed.
    let office: Store?

    init(role: Peer.Role? = nil, catalog: ServiceCatalog = ServiceCatalog()) async throws {
        let clock = ManualClock(StoreConfiguration.systemMillis())
        store = try Store.inMemory(configuration: clock.configuration)
        let node = try await store.initialiseNode(office: "5001", name: "อบต.แม่เหียะ")
        web = OfficeWeb(store: store, node: node, catalog: catalog, bcryptCost: 4)
        guard let role else {
            hub = nil
            office = nil
            try await Self.addStaff(web.users)
            application = Self.application(web)
            return
        }
        let hub = try await RosterHub(clock: clock)
        self.hub = hub
        if role == .survey {
            // Accounts are the office node's to write: they reach the survey laptop as the office's records.
            let office = try Store.inMemory(configuration: clock.configuration)
            try await office.initialiseNode(office: "5001", name: "office node")
            try await hub.enrol(office, role: .office)
            try await Self.addStaff(UserDirectory(store: office, cost: 4))
            try await hub.enrol(store, role: .survey)
            try await hub.deliver(to: store, from: [office])
            self.office = office
        } else {
            try await hub.enrol(store, role: role)
            try await hub.deliver(to: store, from: [])  // its roster entry, as its first pull brings it
            try await Self.addStaff(web.users)
            office = nil
        }
        application = Self.application(web)
    }

    private static func addStaff(_ users: UserDirectory) async throws {
        try await users.add(name: "somsri", role: .officer, password: "officer password 1")
        try await users.add(name: "chai", role: .surveyor, password: "surveyor password 1")
    }

    private static func application(_ web: OfficeWeb) -> Application<RouterResponder<TambonRequestContext>> {
        let router = Router(context: TambonRequestContext.self)
        web.addRoutes(to: router)
        return Application(router: router)
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
