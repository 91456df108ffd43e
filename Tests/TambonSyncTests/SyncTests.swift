import Foundation
import NIOCore
import TambonCore
import TambonStore
import TambonSync
import Testing

@Suite(.serialized) struct SyncTests {
    @Test func nodesOfAnOfficeConvergeThroughTheHubAndOtherOfficesSeeNothing() async throws {
        try await withHub { hub in
            let office = try await hub.node(office: "6500101")
            let survey = try await hub.node(office: "6500101", role: .survey)
            let other = try await hub.node(office: "6500102")

            try await office.store.write(collection: "applications", record: "6500101.app-1", set: ["area": 120, "status": "submitted"])
            try await survey.store.write(
                collection: "applications", record: "6500101.app-1", add: [SetElement(field: "attachments", id: "v1", value: ["result": "pass"])])
            try await other.store.write(collection: "permits", record: "6500102.app-9", set: ["area": 80])
            for _ in 0..<2 {
                for node in [office, survey, other] { try await node.sync() }
            }
            let digest = try await hub.store.digest(scope: "6500101")
            #expect(try await office.store.digest(scope: "6500101") == digest)
            #expect(try await survey.store.digest(scope: "6500101") == digest)
            #expect(try await office.store.record(collection: "applications", id: "6500101.app-1")?.sets["attachments"]?["v1"] == ["result": "pass"])
            #expect(
                try await other.store.record(collection: "applications", id: "6500101.app-1") == nil, "office B must never receive office A's records"
            )
            #expect(try await other.store.digest(scope: "6500102") == hub.store.digest(scope: "6500102"))
            #expect(try await office.store.record(collection: "permits", id: "6500102.app-9") == nil)
            #expect(try await office.store.pendingCount() == 0)
            // A round with nothing new transfers nothing.
            let idle = try await office.sync()
            #expect(idle.pushed == 0 && idle.pulled == 0)
        }
    }

    @Test func aRecordJoiningAnOfficesScopeArrivesWhole() async throws {
        try await withHub { hub in
            let a = try await hub.node(office: "6500101")
            let b = try await hub.node(office: "6500102")
            try await a.store.write(collection: "letters", record: "6500101.l-1", set: ["subject": "ขอเชิญประชุม", "draft": true])
            try await a.store.write(collection: "letters", record: "6500101.l-1", add: [SetElement(field: "events", id: "e1", value: "drafted")])
            try await a.sync()
            try await b.sync()
            #expect(try await b.store.record(collection: "letters", id: "6500101.l-1") == nil)
            // Sending the letter adds office B to its scope: B must receive its earlier changes too.
            try await a.store.write(collection: "letters", record: "6500101.l-1", set: ["draft": false], scope: ["6500101", "6500102"])
            try await a.sync()
            try await b.sync()
            let letter = try #require(try await b.store.record(collection: "letters", id: "6500101.l-1"))
            #expect(letter.fields == ["subject": "ขอเชิญประชุม", "draft": false])
            #expect(letter.sets == ["events": ["e1": "drafted"]])
            #expect(try await b.store.digest(scope: "6500102") == hub.store.digest(scope: "6500102"))
            // Sharing gives B read access, not write access: B answers with a record of its own, shared with A.
            await #expect(throws: AuthorityRefusal.self) {
                try await b.store.write(collection: "letters", record: "6500101.l-1", add: [SetElement(field: "events", id: "e2", value: "received")])
            }
            try await b.store.write(
                collection: "receipts", record: "6500102.l-1", set: ["letter": "6500101.l-1", "received": true], scope: ["6500101", "6500102"])
            try await b.sync()
            try await a.sync()
            // A learns who wrote it (B's roster entry is shared with A) and holds it like the hub.
            #expect(try await a.store.record(collection: "receipts", id: "6500102.l-1")?.fields["received"] == true)
            #expect(try await a.store.record(collection: "letters", id: "6500101.l-1")?.sets["events"]?["e2"] == nil)
            #expect(try await a.store.digest(scope: "6500101") == hub.store.digest(scope: "6500101"))
        }
    }

    @Test func theHubsOwnChangesReachTheOfficesInTheirScope() async throws {
        try await withHub { hub in
            let a = try await hub.node(office: "6500101")
            try await hub.store.write(collection: "applications", record: "6500101.online-1", set: ["channel": "web"], scope: ["6500101"])
            try await a.sync()
            #expect(try await a.store.record(collection: "applications", id: "6500101.online-1")?.fields["channel"] == "web")
        }
    }
}

@Suite(.serialized) struct MetricsTests {
    @Test func theHubCountsPushesPullsAcceptedAndRefusedChanges() async throws {
        try await withHub { hub in
            let node = try await hub.node(office: "6500101")
            try await node.store.write(collection: "permits", record: "6500101.app-1", set: ["area": 1])
            try await node.sync()
            _ = try? await node.send("/v1/push", ["protocol": 2, "changes": "nope"])
            let text = try await hub.metricsText()
            #expect(text.contains(#"tambon_hub_requests_total{endpoint="push",outcome="ok"} 1"#))
            #expect(text.contains(#"tambon_hub_requests_total{endpoint="pull",outcome="ok"}"#))
            #expect(text.contains("tambon_hub_changes_accepted_total 1"))
            #expect(text.contains(#"tambon_hub_changes_refused_total{reason="malformed_message"} 1"#))
            #expect(text.contains("tambon_hub_request_duration_seconds_bucket"))
            #expect(text.contains("tambon_hub_writes_waiting 0"), "no push is waiting for the writer")
            // No report was asked for and the fixture runs no background refresh: the index has read nothing.
            let logged = try await hub.store.readSnapshot { try $0.lastArrival() }
            #expect(logged > 1)
            #expect(text.contains("tambon_hub_report_index_behind_changes \(Double(logged))\n"), "\(text)")
            #expect(!text.contains("6500101.app-1"), "metrics never carry record contents")
        }
    }
}

@Suite(.serialized) struct HubFixtureTests {
    struct Planned: Error {}

    @Test func aHubIsStoppedBeforeWithHubRethrowsTheBodysError() async throws {
        var address = "", ca = ""
        await #expect(throws: Planned.self) {
            try await withHub { hub in
                address = hub.url
                ca = hub.caPEM
                _ = try await hub.node(office: "6500101").sync()
                throw Planned()
            }
        }
        // The server was cancelled and awaited: nothing answers on its port any more.
        await #expect(throws: (any Error).self) {
            try await withHubClient(try HubClient(url: address, caPEM: ca, connectTimeout: .seconds(2), readTimeout: .seconds(5))) {
                try await $0.hello(deadline: .seconds(5))
            }
        }
    }
}
