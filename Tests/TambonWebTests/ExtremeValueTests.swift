import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonWebTestSupport
import Testing

@testable import TambonWeb

/// Extreme values in every part of every record a page, the API or a workflow reads: any node of the office (or a
/// stolen one, before its changes are refused) can write them, and the hub relays them. Nothing may crash, no
/// answer may be a 5xx, the readable applications stay listed beside the damaged ones, and a damaged one is shown
/// as damaged.
@Suite struct ExtremeValueTests {
    /// What JSON can carry that a reader does not expect: magnitudes no integer holds, negative zero, 2^63, a
    /// fraction, huge and odd strings, the deepest nesting the parser admits, and every wrong type.
    static let hostile: [JSONValue] = [
        .number(1e300), .number(-1e300), .number(-0.0), .number(9_223_372_036_854_775_808), .number(-9_223_372_036_854_775_808),
        .number(0.5), .number(.greatestFiniteMagnitude), .number(5e-324), .string(String(repeating: "ก", count: 100_000)),
        .string(""), .string("\u{0}<script>"), nested(30), .null, .bool(true), .array([.number(1e300)]), .object(["x": .number(-1e300)]),
    ]

    static let foodDetails: [String: JSONValue] = [
        "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "selling", "area_m2": 48, "in_market": false, "workers": 3,
        "address": "99 หมู่ 2 ต.แม่เหียะ", "location": ["lat": 18.7601, "lon": 98.9402],
    ]

    static func nested(_ depth: Int) -> JSONValue {
        (0..<depth).reduce(JSONValue.number(1e300)) { inner, _ in .array([inner]) }
    }

    /// One part of an application record to overwrite: a top-level field, a member of an object field, or an
    /// element of a set.
    enum Part: CustomStringConvertible {
        case field(String)
        case member(String, String)
        case location(String)
        case event(payload: String?)
        case eventStamp
        case attachment(member: String?)

        var description: String {
            switch self {
            case .field(let name): name
            case .member(let field, let name): "\(field).\(name)"
            case .location(let axis): "details.location.\(axis)"
            case .event(let payload): "events[\(payload ?? "whole")]"
            case .eventStamp: "events[at]"
            case .attachment(let member): "attachments[\(member ?? "whole")]"
            }
        }
    }

    static let parts: [Part] =
        ["service", "submitted_ms", "applicant", "details", "fees", "office"].map(Part.field)
        + [
            "floor_area_m2", "storeys", "location", "land_title", "building_use", "area_m2", "workers", "place_kind", "establishment_name", "address",
            "in_market",
        ]
        .map { .member("details", $0) }
        + ["name", "national_id", "kind", "phone", "address"].map { .member("applicant", $0) }
        + ["total", "plan_check", "permit", "annual", "currency"].map { .member("fees", $0) }
        + [.location("lat"), .location("lon"), .event(payload: nil), .eventStamp]
        + ["assignee", "inspection", "number", "reason", "receipt", "year"].map { .event(payload: $0) }
        + [.attachment(member: nil)] + ["sha256", "size", "type", "name"].map { .attachment(member: $0) }

    /// Writes `value` into `part` of the application `id` as this office node would (a plain local write).
    static func damage(_ store: Store, id: String, part: Part, with value: JSONValue) async throws {
        let record = try #require(try await store.record(collection: ApplicationRecord.collection, id: id))
        switch part {
        case .field(let name):
            try await store.write(collection: ApplicationRecord.collection, record: id, set: [name: value])
        case .member(let field, let name):
            var members = record.fields[field]?.objectValue ?? [:]
            members[name] = value
            try await store.write(collection: ApplicationRecord.collection, record: id, set: [field: .object(members)])
        case .location(let axis):
            var details = record.fields["details"]?.objectValue ?? [:]
            var location = details["location"]?.objectValue ?? [:]
            location[axis] = value
            details["location"] = .object(location)
            try await store.write(collection: ApplicationRecord.collection, record: id, set: ["details": .object(details)])
        case .event(let payload):
            let event: JSONValue =
                payload.map { key in
                    ["action": "accept", "actor": "somsri", "role": "officer", "at": "0000018f00000000", "payload": .object([key: value])]
                } ?? value
            try await store.write(
                collection: ApplicationRecord.collection, record: id, add: [SetElement(field: "events", id: "hostile", value: event)])
        case .eventStamp:
            let event: JSONValue = ["action": "accept", "actor": "somsri", "role": "officer", "at": value]
            try await store.write(
                collection: ApplicationRecord.collection, record: id, add: [SetElement(field: "events", id: "hostile", value: event)])
        case .attachment(let member):
            var attachment: JSONValue = ["sha256": .string(String(repeating: "a", count: 64)), "size": 10, "type": "image/png", "name": "a.png"]
            if let member { attachment = .object(attachment.objectValue!.merging([member: value]) { $1 }) } else { attachment = value }
            try await store.write(
                collection: ApplicationRecord.collection, record: id,
                add: [SetElement(field: AttachmentReference.field, id: "hostile", value: attachment)])
        }
    }

    @Test func extremeValuesInApplicationsCrashNothingAndAnswerNo5xx() async throws {
        let fixture = try await WebFixture()
        let book = fixture.web.book
        let good = try await book.submit(
            service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
        var damaged: [(id: String, what: String, unreadable: Bool)] = []
        for (index, part) in Self.parts.enumerated() {
            for (valueIndex, value) in Self.hostile.enumerated() {
                // Alternate the services, so both workflows and both detail readers meet every value.
                let filed =
                    (index + valueIndex) % 2 == 0
                    ? try await book.submit(
                        service: "building-permit", applicant: WebFixture.applicant.objectValue!, details: WebFixture.details.objectValue!)
                    : try await book.submit(
                        service: "food-certificate", applicant: WebFixture.applicant.objectValue!, details: Self.foodDetails)
                try await Self.damage(fixture.store, id: filed.id, part: part, with: value)
                // Only a service this node does not know and a submission time no integer holds make an application
                // unreadable; every other value is read leniently (shown as it is, or as missing).
                let unreadable =
                    switch part {
                    case .field("service"): true
                    case .field("submitted_ms"): value.integerValue == nil
                    default: false
                    }
                damaged.append((filed.id, "\(part) = \(String(decoding: CanonicalJSON.encode(value).prefix(40), as: UTF8.self))", unreadable))
            }
        }
        let written = damaged
        try await fixture.application.test(.router) { client in
            let staff = try await StaffSession.login(client, name: "somsri", password: "officer password 1")
            let unreadable = Set(written.filter(\.unreadable).map(\.id))
            try await client.execute(uri: "/office", method: .get, headers: staff.headers()) { response in
                #expect(response.status == .ok)
                let html = WebFixture.text(response)
                // (Booleans, so that a failure does not print the whole page.)
                let listsGood = html.contains(good.trackingCode)
                let listsDamaged = unreadable.contains { html.contains("\($0)\">") }
                let countsDamaged = html.contains("อ่านข้อมูลคำขอ \(unreadable.count) รายการไม่ได้")
                #expect(listsGood, "the readable application is still listed")
                #expect(!listsDamaged, "the damaged ones are not listed as applications")
                #expect(countsDamaged, "the damaged ones are counted")
            }
            try await client.execute(uri: "/api/v1/applications", method: .get, headers: staff.headers()) { response in
                #expect(response.status == .ok)
                let body = try WebFixture.object(response)
                let listed = Set(body["applications"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [])
                let damaged = Set(body["damaged"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [])
                #expect(listed.contains(good.id) && listed.count == written.count + 1 - unreadable.count)
                #expect(damaged == unreadable)
            }
            for id in unreadable {
                #expect(fixture.web.book.damaged.wasLogged(collection: ApplicationRecord.collection, id: id))
                try await client.execute(uri: "/office/applications/\(id)", method: .get, headers: staff.headers()) { response in
                    #expect(response.status == .conflict)
                    #expect(WebFixture.text(response).contains("ข้อมูลของรายการนี้เสียหาย"))
                }
            }
            for (id, what, _) in written {
                let code = ApplicationRecord.trackingCode(ofRecord: id)
                for uri in [
                    "/office/applications/\(id)", "/office/applications/\(id)/permit", "/office/applications/\(id)/certificate",
                    "/api/v1/applications/\(id)", "/api/v1/track/\(code)", "/track?code=\(code)",
                ] {
                    try await client.execute(uri: uri, method: .get, headers: staff.headers()) { response in
                        #expect(response.status.code < 500, "\(uri) with \(what): \(response.status)")
                    }
                }
                for action in ["accept", "approve", "reject", "record-inspection"] {
                    try await client.execute(
                        uri: "/api/v1/applications/\(id)/actions", method: .post, headers: staff.headers(),
                        body: WebFixture.json(["action": .string(action), "payload": ["reason": "x"]])
                    ) { response in
                        #expect(response.status.code < 500, "\(action) on \(what): \(response.status)")
                    }
                }
            }
        }
    }

    /// Accounts and the office's settings: a login against an account whose fields are extreme is refused (never a
    /// crash, never a 5xx); settings no version can read are refused with a clear error and the node serves with
    /// the standard ones.
    @Test func extremeValuesInAccountsAndSettingsAreRefusedNotFatal() async throws {
        let fixture = try await WebFixture()
        let office = "5001"
        for (index, value) in Self.hostile.enumerated() {
            for field in ["password_hash", "role", "name", "disabled"] {
                let name = "user\(index)\(field.prefix(2))"
                try await fixture.web.users.add(name: name, role: .officer, password: "a long password 1")
                try await fixture.store.write(collection: UserDirectory.collection, record: "\(office).\(name)", set: [field: value])
            }
        }
        try await fixture.application.test(.router) { client in
            for (index, _) in Self.hostile.enumerated() {
                for field in ["password_hash", "role", "name", "disabled"] {
                    try await client.execute(
                        uri: "/api/v1/session", method: .post, headers: WebFixture.jsonHeaders,
                        body: WebFixture.json(["username": .string("user\(index)\(field.prefix(2))"), "password": "a long password 1"])
                    ) { response in
                        #expect(response.status.code < 500, "\(field) = #\(index): \(response.status)")
                    }
                }
            }
        }
        for value in Self.hostile + Self.hostile.map({ ["building_permit": ["period_days": $0, "plan_check_rate": $0]] }) {
            try await fixture.store.write(collection: OfficeSettings.collection, record: office, set: ["settings": value])
            // Read or refused with the settings' own error; any other outcome (a trap, another error) fails.
            do { _ = try await OfficeSettings.load(from: fixture.store) } catch let error as OfficeError {
                #expect(error.code == "invalid_settings")
            }
        }
    }
}
