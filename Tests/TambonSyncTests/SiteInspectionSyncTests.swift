import Foundation
import TambonCore
import TambonOSS
import TambonOffice
import TambonStore
import TambonSync
import Testing

/// The building-permit path across nodes: the office assigns, the survey laptop inspects with no link, the office
/// sees the inspection after both sync and issues the permit number.
@Suite(.serialized) struct SiteInspectionSyncTests {
    @Test func aSurveyNodeInspectsOfflineAndTheOfficeNodeApprovesAfterSync() async throws {
        try await withHub { hub in
            let office = try await hub.node(office: "6500101")
            let survey = try await hub.node(office: "6500101", role: .survey)
            let officeBook = ApplicationBook(store: office.store)
            let surveyBook = ApplicationBook(store: survey.store)
            try await UserDirectory(store: office.store, cost: 4).add(name: "chai", role: .surveyor, password: "surveyor password 1")

            let submitted = try await officeBook.submit(
                service: "building-permit",
                applicant: ["name": "นายสมชาย ใจดี", "national_id": "1234545678781", "phone": "0812345678", "address": "12 หมู่ 3"],
                details: [
                    "land_title": "โฉนดที่ดิน เลขที่ 4521", "building_use": "residence", "storeys": 2, "floor_area_m2": 120,
                    "location": ["lat": 18.7605, "lon": 98.9360],
                ])
            try await officeBook.act(on: submitted.id, action: "accept", payload: [:], actor: "somsri", role: .officer)
            try await officeBook.act(on: submitted.id, action: "assign-inspection", payload: ["assignee": "chai"], actor: "somsri", role: .officer)
            try await office.sync()
            try await survey.sync()

            // In the field, no link: the surveyor's account came with the office's records; the assignment is listed.
            #expect(
                try await UserDirectory(store: survey.store, cost: 4).authenticate(name: "chai", password: "surveyor password 1")?.role == .surveyor)
            #expect(try await surveyBook.queue(office: "6500101", assignee: "chai").applications.map(\.id) == [submitted.id])
            try await surveyBook.act(
                on: submitted.id, action: "record-inspection",
                payload: [
                    "inspection": ["lat": 18.76061, "lon": 98.93604, "accuracy_m": 4.5, "result": "pass", "notes": "ตรงตามแบบ ไม่รุกล้ำ"]
                ], actor: "chai", role: .surveyor)
            await #expect { try await surveyBook.act(on: submitted.id, action: "approve", payload: [:], actor: "chai", role: .officer) } throws: {
                ($0 as? OfficeError)?.code == "survey_not_allowed"
            }
            #expect(try await survey.store.pendingCount() > 0, "the inspection waits for coverage")

            // Back in coverage.
            try await survey.sync()
            try await office.sync()
            let inspected = try await officeBook.application(submitted.id)
            #expect(inspected.state.status == .inspected)
            #expect(inspected.state.inspection?["notes"] == "ตรงตามแบบ ไม่รุกล้ำ")
            let approved = try await officeBook.act(on: submitted.id, action: "approve", payload: [:], actor: "somsri", role: .officer)
            #expect(approved.state.number?.description == "1/\(CivilDate(thaiDayOf: office.store.configuration.wallClock()).buddhistYear)")
            try await office.sync()
            try await survey.sync()
            let digest = try await hub.store.digest(scope: "6500101")
            #expect(try await office.store.digest(scope: "6500101") == digest)
            #expect(try await survey.store.digest(scope: "6500101") == digest)
            #expect(try await surveyBook.application(submitted.id).state.status == .approved)
        }
    }
}
