import TambonCore

/// One row of the applications report: an office, a service, a status, and how many applications stand there.
public struct ReportRow: Sendable, Equatable {
    public let office: String
    public let service: String
    public let status: String
    public var count: Int
    /// Past the legal deadline (see `ReportFact.isOverdue`).
    public var overdue: Int
    /// The median of the decided applications' days from submission to decision; nil if none is decided.
    public var medianDaysToDecision: Double?
    /// When the office last synced with the hub (ms since the epoch); nil if it never has.
    public var dataAsOfMillis: Int64?

    public init(office: String, service: String, status: String, count: Int, overdue: Int, medianDaysToDecision: Double?, dataAsOfMillis: Int64?) {
        self.office = office
        self.service = service
        self.status = status
        self.count = count
        self.overdue = overdue
        self.medianDaysToDecision = medianDaysToDecision
        self.dataAsOfMillis = dataAsOfMillis
    }

    /// The contract's keys: office, service, status, count, overdue, median_days_to_decision, data_as_of.
    public static let keys = ["office", "service", "status", "count", "overdue", "median_days_to_decision", "data_as_of"]

    public var json: JSONValue {
        .object([
            "office": .string(office), "service": .string(service), "status": .string(status), "count": .number(Double(count)),
            "overdue": .number(Double(overdue)), "median_days_to_decision": medianDaysToDecision.map(JSONValue.number) ?? .null,
            "data_as_of": dataAsOfMillis.map { .string(Self.timestamp($0)) } ?? .null,
        ])
    }

    /// `{"rows": [...]}` as canonical JSON bytes, written straight out (a national report has tens of thousands of
    /// rows; the same bytes as encoding `json` of each). An office's rows are adjacent, so its `data_as_of` is
    /// formatted once.
    public static func encoded(_ rows: [ReportRow]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(rows.count * 170)
        output.append(contentsOf: #"{"rows":["#.utf8)
        var stamp: (millis: Int64?, bytes: [UInt8]) = (nil, Array("null".utf8))
        for (index, row) in rows.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"count":"#.utf8)
            CanonicalJSON.appendNumber(Double(row.count), to: &output)
            output.append(contentsOf: #","data_as_of":"#.utf8)
            if row.dataAsOfMillis != stamp.millis {
                stamp.millis = row.dataAsOfMillis
                stamp.bytes = []
                if let millis = row.dataAsOfMillis {
                    CanonicalJSON.appendString(timestamp(millis), to: &stamp.bytes)
                } else {
                    stamp.bytes.append(contentsOf: "null".utf8)
                }
            }
            output.append(contentsOf: stamp.bytes)
            output.append(contentsOf: #","median_days_to_decision":"#.utf8)
            if let median = row.medianDaysToDecision {
                CanonicalJSON.appendNumber(median, to: &output)
            } else {
                output.append(contentsOf: "null".utf8)
            }
            output.append(contentsOf: #","office":"#.utf8)
            CanonicalJSON.appendString(row.office, to: &output)
            output.append(contentsOf: #","overdue":"#.utf8)
            CanonicalJSON.appendNumber(Double(row.overdue), to: &output)
            output.append(contentsOf: #","service":"#.utf8)
            CanonicalJSON.appendString(row.service, to: &output)
            output.append(contentsOf: #","status":"#.utf8)
            CanonicalJSON.appendString(row.status, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "]}".utf8)
        return output
    }

    /// The row's cells in `keys` order, as text (empty for none).
    public var cells: [String] {
        [
            office, service, status, String(count), String(overdue), medianDaysToDecision.map(Self.number) ?? "",
            dataAsOfMillis.map(Self.timestamp) ?? "",
        ]
    }

    /// A median as written: whole numbers without a decimal point.
    static func number(_ value: Double) -> String {
        JSONValue.plainText(value)
    }

    /// An instant as ISO 8601 in Thai time (`2026-11-26T09:30:00+07:00`).
    public static func timestamp(_ millis: Int64) -> String {
        let local = millis + CivilDate.thaiOffsetMillis
        let seconds = Int((local % 86_400_000 + 86_400_000) % 86_400_000 / 1000)
        let day = CivilDate(thaiDayOf: millis)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day.iso)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))+07:00"
    }
}
