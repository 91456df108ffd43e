import TambonCore
import TambonOSS
import TambonStore

/// Generated applications as a hub holds them after their offices synced, for the report tests and benchmark:
/// two thirds of the first service (building permits by default), one third the second (food certificates),
/// submitted within `withinDays` days before `now`, then accepted, returned, inspected (where the service's workflow
/// inspects), approved or rejected — or not yet — with a pin (one in seven has none). Each service gives its own
/// details (`ApplicationService.syntheticDetails`).
public enum SyntheticApplication {
    public static let defaultServices: [any ApplicationService.Type] = [BuildingPermitService.self, FoodCertificateService.self]

    public static func edit(
        collection: String, office: String, index: Int, now: Int64, withinDays: Int64, random: inout SeededGenerator,
        services: [any ApplicationService.Type] = defaultServices
    ) -> LocalEdit {
        let day: Int64 = 86_400_000
        let service = services.count > 1 && index % 3 == 0 ? services[1] : services[0]
        let permit = service.defaultWorkflow.actions.contains("assign-inspection")
        let submitted = now - Int64.random(in: 1...withinDays, using: &random) * day
        var at = submitted
        var events: [SetElement] = []
        func event(_ action: ActionName, role: ActorRole = .officer, after days: ClosedRange<Int64>, _ payload: [String: JSONValue] = [:]) {
            at = min(now, at + Int64.random(in: days, using: &random) * day + 60_000)
            let value = ApplicationEvent(
                id: "\(at)-\(events.count)", hlc: HLC(millis: UInt64(at), counter: 0), action: action, actor: "synthetic",
                role: role, payload: payload)
            events.append(SetElement(field: "events", id: value.id, value: value.value))
        }
        event("submit", role: .citizen, after: 0...0)
        let lat = 13.0 + Double.random(in: -5...5, using: &random)
        let lon = 101.0 + Double.random(in: -3...3, using: &random)
        let stage = Int.random(in: 0..<10, using: &random)
        if stage >= 1 { event("accept", after: 0...5) }
        if stage == 2 { event("return", after: 1...10, ["reason": "เอกสารไม่ครบ"]) }
        if permit && stage >= 3 {
            event("assign-inspection", after: 1...5, ["assignee": "surveyor"])
            event(
                "record-inspection", after: 1...20,
                ["inspection": ["result": "pass", "lat": .number(lat), "lon": .number(lon), "accuracy_m": 5, "notes": ""]])
        }
        if stage >= 5 {
            if stage == 9 {
                event("reject", after: 1...40, ["reason": "ไม่เป็นไปตามผังเมือง"])
            } else {
                event("approve", after: 1...(permit ? 50 : 10), ["number": .string("\(index + 1)/2569")])
            }
        }
        let location: JSONValue = index % 7 == 0 ? .null : ["lat": .number(lat), "lon": .number(lon)]
        let details = service.syntheticDetails(location: location)
        return LocalEdit(
            collection: collection, record: Authority.recordID(office: office, local: "S\(index)"),
            set: [
                "service": .string(service.id.rawValue), "office": .string(office),
                "applicant": ["name": "-", "national_id": "1234545678781", "phone": "0800000000", "address": "-"], "details": .object(details),
                "submitted_ms": .number(Double(submitted)), "fees": ["total": 0],
            ],
            add: events, scope: [office])
    }
}
