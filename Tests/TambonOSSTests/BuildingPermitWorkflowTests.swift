import TambonCore
import TambonTestSupport
import Testing

@testable import TambonOSS

@Suite struct BuildingPermitWorkflowTests {
    static let workflow = BuildingPermitWorkflow()
    /// 2026-11-26 00:00 in Thailand.
    static let dayZero: UInt64 = 1_795_626_000_000

    /// An event on day `day` (counted from 26 Nov 2026), `tick` ordering events within the day.
    static func event(
        _ action: ActionName, day: Int, tick: UInt16 = 0, by actor: String = "officer-1", role: ActorRole = .officer,
        _ payload: [String: JSONValue] = [:], id: String? = nil
    ) -> ApplicationEvent {
        ApplicationEvent(
            id: id ?? "\(action)-\(day)-\(tick)", hlc: HLC(millis: dayZero + UInt64(day) * 86_400_000 + 3_600_000, counter: tick),
            action: action, actor: actor, role: role, payload: payload)
    }

    static let submitted = [event("submit", day: 0, by: "citizen", role: .citizen)]
    static let inspection: [String: JSONValue] = ["inspection": ["lat": 18.79, "lon": 98.98, "accuracy_m": 6, "result": "pass", "notes": "ok"]]

    static func date(_ day: Int) -> CivilDate { CivilDate(thaiDayOf: Int64(dayZero)).adding(days: day) }

    @Test func theHappyPathIssuesThePermitAndStopsTheClock() throws {
        let events =
            Self.submitted + [
                Self.event("accept", day: 1),
                Self.event("assign-inspection", day: 2, ["assignee": "surveyor-1"]),
                Self.event("record-inspection", day: 5, by: "surveyor-1", role: .surveyor, Self.inspection),
                Self.event("approve", day: 9, ["number": "12/2569"]),
            ]
        let timeline = Timeline(events: events.reversed(), workflow: Self.workflow)
        #expect(timeline.entries.allSatisfy { $0.applied }, "\(timeline.entries.compactMap { $0.refusal })")
        let state = timeline.state
        #expect(state.status == .approved)
        #expect(state.number == OfficialNumber(sequence: 12, year: 2569))
        #expect(state.assignee == "surveyor-1" && state.inspection?["result"] == "pass")
        #expect(state.clock.startedOn == Self.date(1) && state.clock.stoppedOn == Self.date(9))
        #expect(state.clock.daysToDecision == 8)
        #expect(state.clock.daysLeft(on: Self.date(100)) == nil, "a decided application has no deadline")
    }

    @Test func theClockStartsAtAcceptanceAndShowsDaysLeftAndOverdue() throws {
        let state = Timeline(events: Self.submitted + [Self.event("accept", day: 3)], workflow: Self.workflow).state
        #expect(state.clock.dueDate(on: Self.date(3)) == Self.date(48))
        #expect(state.clock.daysLeft(on: Self.date(10)) == 38)
        #expect(!state.clock.isOverdue(on: Self.date(48)))
        #expect(state.clock.isOverdue(on: Self.date(49)))
        let notAccepted = Timeline(events: Self.submitted, workflow: Self.workflow).state
        #expect(notAccepted.clock.daysLeft(on: Self.date(100)) == nil, "the clock has not started")
    }

    @Test func aReturnPausesTheClockUntilTheOfficeAcceptsAgain() throws {
        let events =
            Self.submitted + [
                Self.event("accept", day: 0, tick: 1),
                Self.event("assign-inspection", day: 1, ["assignee": "surveyor-1"]),
                Self.event("return", day: 10, ["reason": "ขาดสำเนาโฉนด"]),
            ]
        let paused = Timeline(events: events, workflow: Self.workflow).state
        #expect(paused.status == .returned && paused.reason == "ขาดสำเนาโฉนด")
        #expect(paused.clock.dueDate(on: Self.date(10)) == Self.date(45))
        #expect(paused.clock.dueDate(on: Self.date(30)) == Self.date(65), "each paused day moves the due date")
        let resumed = Timeline(events: events + [Self.event("accept", day: 30)], workflow: Self.workflow).state
        #expect(resumed.status == .inspectionAssigned, "back to where it was")
        #expect(resumed.clock.pausedDays == 20)
        #expect(resumed.clock.dueDate(on: Self.date(60)) == Self.date(65))
    }

    @Test func atMostTwoExtensionsEachWithAReasonAndBeforeThePeriodEnds() throws {
        var events = Self.submitted + [Self.event("accept", day: 0, tick: 1)]
        events.append(Self.event("extend", day: 40, ["reason": "รอความเห็นวิศวกร"]))
        events.append(Self.event("extend", day: 80, ["reason": "รอผลตรวจซ้ำ"]))
        events.append(Self.event("extend", day: 120, ["reason": "อีกครั้ง"]))
        let timeline = Timeline(events: events, workflow: Self.workflow)
        #expect(timeline.entries.map(\.applied) == [true, true, true, true, false])
        #expect(timeline.entries.last?.refusal?.english.contains("already been extended 2 times") == true)
        #expect(timeline.state.clock.dueDate(on: Self.date(0)) == Self.date(135))

        let late = Timeline(
            events: Self.submitted + [Self.event("accept", day: 0, tick: 1), Self.event("extend", day: 46, ["reason": "late"])],
            workflow: Self.workflow)
        #expect(late.entries.last?.refusal?.code == .invalidForStatus, "the period had already ended")
        let noReason = Timeline(
            events: Self.submitted + [Self.event("accept", day: 0, tick: 1), Self.event("extend", day: 5, ["reason": " "])],
            workflow: Self.workflow)
        #expect(noReason.entries.last?.refusal?.code == .invalidPayload)
    }

    @Test func approvalNeedsAPassedInspectionUnlessTheOfficeWaivesIt() throws {
        let accepted = Self.submitted + [Self.event("accept", day: 1)]
        let approve = Self.event("approve", day: 2, ["number": "1/2569"])
        let strict = Timeline(events: accepted, workflow: Self.workflow)
        #expect(throws: ActionRefusal.self) { try strict.trying(approve, workflow: Self.workflow) }

        var settings = BuildingPermitSettings()
        settings.inspectionWaived = true
        let lenient = BuildingPermitWorkflow(settings: settings)
        #expect(try Timeline(events: accepted, workflow: lenient).trying(approve, workflow: lenient).status == .approved)

        var failed = Self.inspection
        failed["inspection"] = ["lat": 18.79, "lon": 98.98, "accuracy_m": 6, "result": "fail", "notes": "รุกล้ำที่สาธารณะ"]
        let inspectedFail = Timeline(
            events: accepted + [
                Self.event("assign-inspection", day: 2, ["assignee": "surveyor-1"]),
                Self.event("record-inspection", day: 3, by: "surveyor-1", role: .surveyor, failed),
            ], workflow: Self.workflow)
        #expect(throws: ActionRefusal.self) { try inspectedFail.trying(Self.event("approve", day: 4, ["number": "1/2569"]), workflow: Self.workflow) }
        #expect(try inspectedFail.trying(Self.event("reject", day: 4, ["reason": "รุกล้ำที่สาธารณะ"]), workflow: Self.workflow).status == .rejected)
    }

    @Test func rolesAndPayloadsAreEnforced() throws {
        let assigned = Timeline(
            events: Self.submitted + [
                Self.event("accept", day: 1), Self.event("assign-inspection", day: 2, ["assignee": "surveyor-1"]),
            ], workflow: Self.workflow)
        func refusal(_ event: ApplicationEvent) -> ActionRefusal? {
            do {
                _ = try assigned.trying(event, workflow: Self.workflow)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal(Self.event("approve", day: 3, by: "citizen", role: .citizen, ["number": "1/2569"]))?.code == .forbidden)
        #expect(
            refusal(Self.event("record-inspection", day: 3, by: "surveyor-2", role: .surveyor, Self.inspection))?.code == .forbidden,
            "only the assigned surveyor")
        #expect(
            refusal(Self.event("record-inspection", day: 3, by: "surveyor-1", role: .surveyor, ["inspection": ["lat": 1, "lon": 2]]))?.code
                == .invalidPayload)
        #expect(refusal(Self.event("reject", day: 3))?.code == .invalidPayload, "a rejection needs a reason")
        #expect(refusal(Self.event("accept", day: 3))?.code == .invalidForStatus)
        #expect(refusal(Self.event("fly", day: 3))?.code == .unknownAction)
        #expect(refusal(Self.event("withdraw", day: 3, by: "citizen", role: .citizen)) == nil)
    }

    @Test func concurrentApprovalAndWithdrawalConvergeWhateverTheArrivalOrder() throws {
        let base = Self.submitted + [Self.event("accept", day: 1)]
        var settings = BuildingPermitSettings()
        settings.inspectionWaived = true
        let workflow = BuildingPermitWorkflow(settings: settings)
        // Made on two replicas without seeing each other: same day, the clocks decide.
        let approve = Self.event("approve", day: 5, tick: 3, ["number": "7/2569"], id: "office-approve")
        let withdraw = Self.event("withdraw", day: 5, tick: 3, by: "citizen", role: .citizen, id: "hub-withdraw")
        var generator = SeededGenerator(seed: 42)
        var outcomes = Set<String>()
        for _ in 0..<50 {
            let timeline = Timeline(events: (base + [approve, withdraw]).shuffled(using: &generator), workflow: workflow)
            outcomes.insert("\(timeline.state.status!.rawValue) \(timeline.entries.map(\.applied))")
            // Nothing silently lost: both actions are on the timeline, one of them marked not applied with a reason.
            #expect(timeline.entries.count == 4)
            #expect(timeline.entries.filter { !$0.applied }.count == 1)
            #expect(timeline.entries.last?.refusal?.thai.contains("สิ้นสุดแล้ว") == true)
        }
        #expect(outcomes.count == 1, "every order of arrival gives the same status: \(outcomes)")
        // Same stamp on both: the event id breaks the tie ("hub-withdraw" < "office-approve").
        #expect(outcomes.first?.hasPrefix("withdrawn") == true)
    }

    @Test func eventsRoundTripThroughTheirStoredForm() throws {
        let event = Self.event("record-inspection", day: 3, by: "surveyor-1", role: .surveyor, Self.inspection)
        #expect(ApplicationEvent(id: event.id, value: event.value) == event)
        #expect(ApplicationEvent(id: "x", value: ["action": "accept"]) == nil)
    }
}

@Suite struct QueueOrderTests {
    typealias T = BuildingPermitWorkflowTests

    @Test func overdueFirstThenByDaysLeftThenNotStartedPausedAndDecided() throws {
        let today = T.date(60)
        func item(_ id: String, _ events: [ApplicationEvent], submittedDay: Int) -> QueueOrder.Item<String> {
            var settings = BuildingPermitSettings()
            settings.inspectionWaived = true
            let state = Timeline(events: events, workflow: BuildingPermitWorkflow(settings: settings)).state
            return QueueOrder.Item(id: id, state: state, submittedMillis: Int64(T.dayZero) + Int64(submittedDay) * 86_400_000, on: today)
        }
        let submit = T.submitted
        let items = [
            item("decided", submit + [T.event("accept", day: 1), T.event("approve", day: 3, ["number": "1/2569"])], submittedDay: 0),
            item("new-late", submit, submittedDay: 50),
            item("new-early", submit, submittedDay: 0),
            item("paused", submit + [T.event("accept", day: 40), T.event("return", day: 41, ["reason": "x"])], submittedDay: 0),
            item("on-track", submit + [T.event("accept", day: 30)], submittedDay: 0),
            item("due-soon", submit + [T.event("accept", day: 20)], submittedDay: 0),
            item("very-overdue", submit + [T.event("accept", day: 1)], submittedDay: 0),
            item("overdue", submit + [T.event("accept", day: 10)], submittedDay: 0),
        ]
        let order = QueueOrder.sorted(items.shuffled())
        #expect(order.map(\.id) == ["very-overdue", "overdue", "due-soon", "on-track", "paused", "new-early", "new-late", "decided"])
        #expect(order.map(\.urgency.cssClass) == ["overdue", "overdue", "due-soon", "on-track", "paused", "not-started", "not-started", "decided"])
        #expect(order.first?.daysLeft == -14, "accepted on day 1, due day 46, today day 60")
    }
}
