import Foundation
import Synchronization
import TambonCore
import TambonOSS
import TambonStore
import TambonTestSupport
import Testing

@testable import TambonOffice

@Suite struct ApplicationBookTests {
    @Test func aSubmittedApplicationGetsATrackingCodeFeesAndASubmitEvent() async throws {
        let office = try await OfficeFixture()
        let application = try await office.submit()
        #expect(TrackingCode(application.trackingCode)?.value == application.trackingCode)
        #expect(application.id == "5001." + application.trackingCode, "the record id is in the office's namespace")
        #expect(application.state.status == .submitted)
        #expect(application.fees["total"] == 26_000, "120 m², 2 storeys: 60 + 200 baht, in satang")
        #expect(application.timeline.entries.map(\.event.action) == ["submit"])
        #expect(application.office == "5001")
    }

    @Test func badInputIsRefusedFieldByFieldAndNothingIsStored() async throws {
        let office = try await OfficeFixture()
        var details = OfficeFixture.details
        details["floor_area_m2"] = 180
        var applicant = OfficeFixture.applicant
        applicant["national_id"] = "1234545678789"
        await #expect {
            try await office.book.submit(service: "building-permit", applicant: applicant, details: details)
        } throws: { error in
            guard let error = error as? OfficeError else { return false }
            return error.kind == .unprocessable && Set(error.fields.map(\.field)) == ["national_id", "floor_area_m2"]
                && error.fields.contains { $0.thai.contains("สถาปนิก") }
        }
        #expect(try await office.store.statistics().changes == 0, "nothing stored")
    }

    /// An application and its files are filed all or nothing: the files are checked, then stored, then one
    /// transaction writes the application with every reference.
    @Test func anApplicationIsFiledWithAllItsFilesOrNotAtAll() async throws {
        let office = try await OfficeFixture()
        let plans = ApplicationBook.Upload(bytes: Array("%PDF-1.7 plans".utf8), name: "plans.pdf", kind: "plan")
        let photo = ApplicationBook.Upload(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7], name: "site.png", kind: "photo")
        let book = office.book
        let submit = { @Sendable (files: [ApplicationBook.Upload]) in
            try await book.submit(service: "building-permit", applicant: OfficeFixture.applicant, details: OfficeFixture.details, attachments: files)
        }
        let storedFiles = { @Sendable () -> [String] in
            let paths = FileManager.default.subpaths(atPath: book.store.attachments.root) ?? []
            return paths.filter { AttachmentStore.isValidHash(($0 as NSString).lastPathComponent) }
        }
        // A bad second file: refused beside its field before anything, not even the first file, is stored.
        let program = ApplicationBook.Upload(bytes: Array("MZ".utf8), name: "setup.exe", kind: "document")
        await #expect {
            try await submit([plans, program])
        } throws: { error in
            (error as? OfficeError)?.fields.map(\.field) == ["file"]
        }
        #expect(try await office.store.statistics().changes == 0)
        #expect(storedFiles().isEmpty)
        // The plans are already held; a file where the store writes new files makes the photo's write fail part-way.
        try office.store.attachments.put(plans.bytes)
        let partial = office.store.attachments.root + "/partial"
        try FileManager.default.removeItem(atPath: partial)
        #expect(FileManager.default.createFile(atPath: partial, contents: Data()))
        await #expect(throws: StoreError.self) { try await submit([plans, photo]) }
        #expect(try await office.store.statistics().changes == 0, "no application")
        #expect(try await office.store.attachmentReferences().isEmpty, "no reference")
        // Once the write goes through, one change holds the application and both references.
        try FileManager.default.removeItem(atPath: partial)
        let application = try await submit([photo, plans, plans])
        #expect(try await office.store.statistics().changes == 1)
        let kinds = application.attachments.compactMap { $0["kind"]?.stringValue }
        #expect(kinds == ["plan", "photo"], "the same file twice is one reference; plans first, as on the form")
        #expect(application.attachments.allSatisfy { office.store.attachments.has($0["sha256"]?.stringValue ?? "") })
        #expect(application.attachments.allSatisfy { $0["by"] == "citizen" && $0["size"]?.numberValue ?? 0 > 0 })
        #expect(storedFiles().count == 2)
    }

    @Test func theFullPathIssuesGapFreePermitNumbersOnTheOfficeNode() async throws {
        let office = try await OfficeFixture()
        var numbers: [String] = []
        for _ in 0..<3 {
            let application = try await office.inspected()
            let approved = try await office.book.act(
                on: application.id, action: "approve", payload: ["number": "999/2569"], actor: "somsri", role: .officer)
            #expect(approved.state.status == .approved)
            numbers.append(approved.state.number?.description ?? "-")
        }
        #expect(numbers == ["1/2569", "2/2569", "3/2569"], "a number in the request is ignored; the register issues them in order")
        let register = try #require(try await office.store.record(collection: NumberRegister.collection, id: "5001.building-permit.2569"))
        #expect(register.fields["last"] == 3)
        #expect(register.sets["issued"]?.count == 3)
    }

    @Test func anInvalidActionIsA409AndWritesNothingNotEvenANumber() async throws {
        let office = try await OfficeFixture()
        let application = try await office.submit()
        try await office.book.act(on: application.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        let before = try await office.store.statistics().changes
        // Approval without an inspection: refused before any number is drawn.
        await #expect { try await office.book.act(on: application.id, action: "approve", payload: [:], actor: "somsri", role: .officer) } throws: {
            ($0 as? OfficeError)?.kind == .conflict
        }
        await #expect { try await office.book.act(on: application.id, action: "accept", payload: [:], actor: "somsri", role: .officer) } throws: {
            ($0 as? OfficeError)?.kind == .conflict
        }
        await #expect { try await office.book.act(on: application.id, action: "reject", payload: [:], actor: "somsri", role: .officer) } throws: {
            ($0 as? OfficeError)?.kind == .unprocessable
        }
        await #expect { try await office.book.act(on: application.id, action: "approve", payload: [:], actor: "citizen", role: .citizen) } throws: {
            ($0 as? OfficeError)?.kind == .forbidden
        }
        await #expect { try await office.book.act(on: "ZZZZZZZZ", action: "accept", payload: [:], actor: "somsri", role: .officer) } throws: {
            ($0 as? OfficeError)?.kind == .notFound
        }
        #expect(try await office.store.statistics().changes == before)
        #expect(try await office.store.record(collection: NumberRegister.collection, id: "5001.building-permit.2569") == nil)
    }

    @Test(arguments: ["survey", "hub"])
    func onlyTheOfficeNodeIssuesNumbers(role: String) async throws {
        let office = try await OfficeFixture()
        if role == "hub" {
            // A hub store: its own node is of office "hub" and it writes any office's records.
            let roster = try await RosterHub(clock: office.clock)
            try await roster.enrol(office.store, role: .office)
            let hub = roster.store
            let book = ApplicationBook(store: hub)
            let application = try await office.inspected()
            try await hub.apply(try await office.store.changes(after: 0).changes.map(\.change))
            await #expect { try await book.act(on: application.id, action: "approve", payload: [:], actor: "admin", role: .admin) } throws: {
                ($0 as? OfficeError)?.code == "not_office_node"
            }
            return
        }
        // A survey laptop of the office receives the application, assigned to its surveyor, from the office node.
        let survey = try Store.inMemory(configuration: office.clock.configuration)
        try await survey.initialiseNode(office: "5001", name: "laptop")
        let roster = try await RosterHub(clock: office.clock)
        try await roster.enrol(office.store, role: .office)
        try await roster.enrol(survey, role: .survey)
        let laptop = ApplicationBook(store: survey)
        let application = try await office.submit()
        try await office.book.act(on: application.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        try await office.book.act(on: application.id, action: "assign-inspection", payload: ["assignee": "chai"], actor: "somsri", role: .officer)
        try await roster.deliver(to: survey, from: [office.store])
        // Field work only: it records the inspection, as the surveyor, and refuses the decision before any number.
        let inspected = try await laptop.act(
            on: application.trackingCode, action: "record-inspection", payload: OfficeFixture.inspection, actor: "chai", role: .surveyor)
        #expect(inspected.state.status == .inspected)
        let before = try await survey.statistics().changes
        for role in [ActorRole.officer, .surveyor] {
            await #expect {
                try await laptop.act(on: application.id, action: "approve", payload: [:], actor: "somsri", role: role)
            } throws: { error in
                guard let error = error as? OfficeError else { return false }
                return error.code == "survey_not_allowed" && error.kind == .forbidden && error.thai.contains("เครื่องหลัก")
            }
        }
        // An officer's role is not a surveyor's: a survey node's events must declare "surveyor".
        await #expect {
            try await laptop.act(on: application.id, action: "record-inspection", payload: OfficeFixture.inspection, actor: "somsri", role: .officer)
        } throws: { ($0 as? OfficeError)?.code == "survey_not_allowed" }
        #expect(try await survey.statistics().changes == before, "nothing written")
        #expect(try await laptop.application(application.id).state.status == .inspected)
        #expect(try await survey.record(collection: NumberRegister.collection, id: "5001.building-permit.2569") == nil)
    }

    @Test func anApplicationIsFoundByItsCodeAsTypedOrByItsRecordID() async throws {
        let office = try await OfficeFixture()
        let application = try await office.submit()
        let code = application.trackingCode
        let typed = code.prefix(4).lowercased() + "-" + code.dropFirst(4).lowercased()
        for asked in [code, typed, application.id, "5001." + typed] {
            #expect(try await office.book.application(asked).id == application.id, "\(asked)")
        }
        for asked in ["5002." + code, "ZZZZZZZZ", "5001.ZZZZZZZZ", "5001", ""] {
            await #expect(throws: OfficeError.self, "\(asked)") { try await office.book.application(asked) }
        }
        // The citizen sees the code alone; the staff view carries the record id.
        let view = try #require(application.publicView(on: office.book.today()).objectValue)
        #expect(view["tracking_code"] == .string(code) && view["office"] == "5001" && view["id"] == nil)
        #expect(application.officeView(on: office.book.today()).objectValue?["id"] == .string(application.id))
    }

    @Test func theOfficeComesFromTheRecordIDNotFromItsOfficeField() async throws {
        let office = try await OfficeFixture()
        try await office.store.transaction { transaction in
            let submit = ApplicationEvent(id: "e1", hlc: transaction.stamp, action: .submit, actor: "citizen", role: .citizen)
            return [
                LocalEdit(
                    collection: ApplicationRecord.collection, record: "5001.K7M2Q9XA",
                    set: ["service": "building-permit", "office": "5002", "submitted_ms": 1_795_626_000_000],
                    add: [SetElement(field: "events", id: submit.id, value: submit.value)])
            ]
        }
        let application = try await office.book.application("K7M2Q9XA")
        #expect(application.office == "5001")
        #expect(application.publicView(on: office.book.today()).objectValue?["office"] == "5001")
        #expect(ApplicationRecord.owner(ofRecord: "K7M2Q9XA") == nil, "a bare code has no office part")
        #expect(ApplicationRecord.trackingCode(ofRecord: "6500101.K7M2Q9XA") == "K7M2Q9XA")
    }

    @Test func theQueuePutsOverdueFirstAndFilters() async throws {
        let office = try await OfficeFixture()
        let old = try await office.submit()
        try await office.book.act(on: old.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        office.clock.advance(days: 40)
        let recent = try await office.submit()
        try await office.book.act(on: recent.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        let fresh = try await office.submit()
        office.clock.advance(days: 10)
        let queue = try await office.book.queue(office: "5001").applications
        #expect(queue.map(\.id) == [old.id, recent.id, fresh.id])
        #expect(queue[0].state.clock.isOverdue(on: office.book.today()))
        #expect(try await office.book.queue(office: "5001", status: .submitted).applications.map(\.id) == [fresh.id])
        #expect(try await office.book.queue(office: "5002").applications.isEmpty)
    }

    @Test func thePublicViewShowsStatusAndDeadlineButNoPersonalData() async throws {
        let office = try await OfficeFixture()
        let application = try await office.submit()
        try await office.book.act(
            on: application.id, action: "return", payload: ["reason": "ขาดสำเนาโฉนดของนายสมชาย"], actor: "somsri", role: .officer)
        let view = try await office.book.application(application.id).publicView(on: office.book.today())
        let text = view.canonicalText
        #expect(view.objectValue?["status"] == "returned")
        for secret in ["สมชาย", "1234545678781", "0812345678", "แม่เหียะ", "somsri"] {
            #expect(!text.contains(secret), "\(secret) leaked into the public view")
        }
        let staff = try await office.book.application(application.id).officeView(on: office.book.today()).canonicalText
        #expect(staff.contains("สมชาย") && staff.contains("ขาดสำเนาโฉนด"))
    }
}

@Suite struct UserDirectoryTests {
    @Test func accountsAreAddedCheckedAndRefusedClearly() async throws {
        let store = try Store.inMemory()
        try await store.initialiseNode(office: "5001", name: "office")
        let users = UserDirectory(store: store, cost: 4)
        let somsri = try await users.add(name: "somsri", role: .officer, password: "correct horse battery")
        #expect(somsri.role == .officer && somsri.office == "5001")
        #expect(try await users.authenticate(name: "somsri", password: "correct horse battery")?.name == "somsri")
        #expect(try await users.authenticate(name: "somsri", password: "wrong password!") == nil)
        #expect(try await users.authenticate(name: "nobody", password: "correct horse battery") == nil)
        await #expect { try await users.add(name: "somsri", role: .admin, password: "another long one") } throws: {
            ($0 as? OfficeError)?.kind == .conflict
        }
        await #expect { try await users.add(name: "Somsri!", role: .admin, password: "another long one") } throws: {
            ($0 as? OfficeError)?.code == "invalid_name"
        }
        await #expect { try await users.add(name: "chai", role: .surveyor, password: "short") } throws: {
            ($0 as? OfficeError)?.code == "weak_password"
        }
        let stored = try #require(try await store.record(collection: UserDirectory.collection, id: "5001.somsri"))
        #expect(stored.fields["password_hash"]?.stringValue?.hasPrefix("$2") == true, "only a bcrypt hash is stored")
        #expect(!stored.jsonValue.canonicalText.contains("correct horse"))
        #expect(try await users.accounts().map(\.name) == ["somsri"])
    }
}

@Suite struct FoodCertificateBookTests {
    static let details: [String: JSONValue] = [
        "establishment_name": "ร้านข้าวแกงป้าศรี", "place_kind": "selling", "area_m2": 48, "in_market": false, "workers": 3,
        "address": "99 หมู่ 2 ต.แม่เหียะ", "location": ["lat": 18.7601, "lon": 98.9402],
    ]

    @Test func aSecondServiceRunsOnTheSameFrameWithItsOwnNumberSeries() async throws {
        let office = try await OfficeFixture()
        var applicant = OfficeFixture.applicant
        applicant["kind"] = "person"
        let filed = try await office.book.submit(service: "food-certificate", applicant: applicant, details: Self.details)
        #expect(filed.service == "food-certificate" && filed.fees["total"] == 10_000)
        try await office.book.act(on: filed.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
        let approved = try await office.book.act(on: filed.id, action: "approve", payload: [:], actor: "somsri", role: .officer)
        #expect(approved.state.number?.description == "1/2569", "its own series, independent of building permits")
        #expect(try await office.store.record(collection: NumberRegister.collection, id: "5001.food-certificate.2569")?.fields["last"] == 1)
        let renewed = try await office.book.act(on: filed.id, action: "renew", payload: ["year": 2570], actor: "somsri", role: .officer)
        #expect(renewed.state.renewedYears == [2569, 2570])

        var inMarket = Self.details
        inMarket["in_market"] = true
        await #expect { try await office.book.submit(service: "food-certificate", applicant: applicant, details: inMarket) } throws: { error in
            (error as? OfficeError)?.fields.first?.field == "in_market"
        }
    }
}
