import TambonCore

/// Which applications a report covers: one office, one service, submitted within a date range (inclusive).
public struct ReportFilter: Sendable, Equatable {
    public var office: String?
    public var service: String?
    public var from: CivilDate?
    public var to: CivilDate?

    public init(office: String? = nil, service: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) {
        self.office = office
        self.service = service
        self.from = from
        self.to = to
    }

    /// The filter from a request's query parameters (`office`, `service`, `from`, `to` as YYYY-MM-DD); every
    /// problem is reported at once, in Thai and English. `services`: the services that exist.
    public init(query: [String: String], services: [String]) throws(ValidationErrors) {
        var problems: [FieldError] = []
        if let office = query["office"], !office.isEmpty {
            if office.count <= 32, office.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                self.office = office
            } else {
                problems.append(FieldError("office", th: "รหัสสำนักงานไม่ถูกต้อง", en: "invalid office code"))
            }
        }
        if let service = query["service"], !service.isEmpty {
            if services.contains(service) {
                self.service = service
            } else {
                problems.append(
                    FieldError(
                        "service", th: "ไม่มีบริการนี้ (มี \(services.joined(separator: ", ")))",
                        en: "unknown service (one of \(services.joined(separator: ", ")))"))
            }
        }
        for key in ["from", "to"] {
            guard let text = query[key], !text.isEmpty else { continue }
            guard let date = CivilDate(iso: text) else {
                problems.append(FieldError(key, th: "วันที่ต้องอยู่ในรูป ปปปป-ดด-วว (ค.ศ.)", en: "a date is YYYY-MM-DD"))
                continue
            }
            if key == "from" { from = date } else { to = date }
        }
        if let from, let to, from > to {
            problems.append(FieldError("to", th: "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น", en: "\"to\" is before \"from\""))
        }
        guard problems.isEmpty else { throw ValidationErrors(problems) }
    }

    public func includes(_ fact: ReportFact) -> Bool {
        (office == nil || fact.office == office) && (service == nil || fact.service == service)
            && (from.map { fact.submittedOn >= $0 } ?? true) && (to.map { fact.submittedOn <= $0 } ?? true)
    }
}
