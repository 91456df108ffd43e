import TambonCore

/// A bank's confirmation that a Thai QR bill payment succeeded, as the bank POSTs it to the biller (the hub). The
/// members are those of SCB's published payment confirmation, the one bank whose format is public: other banks
/// are mapped onto it. Read strictly: every member checked for type, length and range, so nothing a bank (or
/// anyone holding its secret) sends can crash the hub or reach a record unchecked.
///
/// ```json
/// {"transactionId": "202612020001", "amount": "3649.22", "transactionDateandTime": "2026-12-02T10:15:30+07:00",
///  "currencyCode": "764", "payeeProxyId": "099400016550100", "billPaymentRef1": "6910A0001234",
///  "billPaymentRef2": "256910", "billPaymentRef3": "", "payerName": "…", "payerAccountNumber": "xxx-x-x1234-x",
///  "sendingBankCode": "014", "receivingBankCode": "014"}
/// ```
public struct BankConfirmation: Sendable, Equatable {
    public let transactionID: String
    public let amount: Money
    /// When the bank says it was paid (milliseconds since 1970), and the text it sent.
    public let paidAt: Int64
    public let paidAtText: String
    public let billerID: String
    public let reference1: String
    public let reference2: String?
    public let reference3: String?
    public let payerName: String?
    public let payerAccount: String?
    public let sendingBank: String?
    public let receivingBank: String?

    public static let maximumBytes = 16 * 1024

    public struct Refusal: Error, Sendable, Equatable {
        public let member: String
        public let english: String
    }

    public init(json value: JSONValue) throws(Refusal) {
        guard case .object(let object) = value else { throw Refusal(member: "", english: "the body must be a JSON object") }
        func text(_ name: String, required: Bool = true, maximum: Int, allowed: (Unicode.Scalar) -> Bool = { _ in true }) throws(Refusal) -> String? {
            switch object[name] {
            case nil, .null?:
                if required { throw Refusal(member: name, english: "\(name) is required") }
                return nil
            case .string(let text)?:
                if text.isEmpty && !required { return nil }
                guard (1...maximum).contains(text.count), text.unicodeScalars.allSatisfy({ allowed($0) && $0.value >= 0x20 }) else {
                    throw Refusal(member: name, english: "\(name) must be 1 to \(maximum) allowed characters")
                }
                return text
            default:
                throw Refusal(member: name, english: "\(name) must be a string")
            }
        }
        let identifier: (Unicode.Scalar) -> Bool = {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
        let reference: (Unicode.Scalar) -> Bool = { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        let digits: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        transactionID = try text("transactionId", maximum: 64, allowed: identifier)!
        billerID = try text("payeeProxyId", maximum: 15, allowed: digits)!
        guard billerID.count == 15 else { throw Refusal(member: "payeeProxyId", english: "payeeProxyId must be the 15-digit biller ID") }
        reference1 = try text("billPaymentRef1", maximum: 20, allowed: reference)!
        reference2 = try text("billPaymentRef2", required: false, maximum: 20, allowed: reference)
        reference3 = try text("billPaymentRef3", required: false, maximum: 20, allowed: reference)
        payerName = try text("payerName", required: false, maximum: 200)
        payerAccount = try text("payerAccountNumber", required: false, maximum: 40)
        sendingBank = try text("sendingBankCode", required: false, maximum: 3, allowed: digits)
        receivingBank = try text("receivingBankCode", required: false, maximum: 3, allowed: digits)
        if let currency = try text("currencyCode", required: false, maximum: 3, allowed: digits), currency != "764" {
            throw Refusal(member: "currencyCode", english: "only Thai baht (764) is billed")
        }
        let amountText: String
        switch object["amount"] {
        case .string(let text)?: amountText = text
        case .number(let number)? where number.isFinite && number >= 0 && number < 1e10:
            // A JSON number: read through its shortest text so 40.1 stays 40.10, never 40.0999….
            amountText = "\(number)"
        default: throw Refusal(member: "amount", english: "amount must be a string such as \"40.00\"")
        }
        guard let satang = Self.satang(amountText), satang > 0 else {
            throw Refusal(member: "amount", english: "amount must be more than 0 with at most two decimals, under 10,000,000,000")
        }
        amount = Money(satang: satang)
        paidAtText = try text("transactionDateandTime", maximum: 40)!
        guard let millis = Self.millis(paidAtText) else {
            throw Refusal(member: "transactionDateandTime", english: "transactionDateandTime must be ISO 8601, such as 2026-12-02T10:15:30+07:00")
        }
        paidAt = millis
    }

    /// `40`, `40.1`, `40.10` → 4010; nil for anything else (signs, exponents, three decimals, ten or more digits).
    static func satang(_ text: String) -> Int64? { Money(decimal: text, maximumBahtDigits: 10)?.satang }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]` with `Z` or `±HH:MM`; without a zone, Thai time (GMT+7, as SCB sends it).
    static func millis(_ text: String) -> Int64? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 19, scalars.allSatisfy(\.isASCII) else { return nil }
        let head = String(String.UnicodeScalarView(scalars[0..<19]))
        guard let date = CivilDate(iso: String(head.prefix(10))), scalars[10] == "T" || scalars[10] == " ", scalars[13] == ":", scalars[16] == ":",
            let hour = Int(head.dropFirst(11).prefix(2)), let minute = Int(head.dropFirst(14).prefix(2)),
            let second = Int(head.dropFirst(17).prefix(2)), hour < 24, minute < 60, second < 61
        else { return nil }
        var rest = Substring(String(String.UnicodeScalarView(scalars[19...])))
        var millis = 0
        if rest.first == "." {
            rest.removeFirst()
            let digits = rest.prefix { $0.isNumber }
            guard (1...9).contains(digits.count), let value = Int(digits.prefix(3).padding(toLength: 3)) else { return nil }
            millis = value
            rest = rest.dropFirst(digits.count)
        }
        var offsetMinutes = 7 * 60
        if rest == "Z" {
            offsetMinutes = 0
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            let zone = rest.dropFirst().split(separator: ":")
            guard zone.count == 2, zone[0].count == 2, zone[1].count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]), hours < 15,
                minutes < 60
            else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (sign == "-" ? -1 : 1)
        } else if !rest.isEmpty {
            return nil
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1_000 + Int64(millis)
    }

    /// The stored fields of the confirmation, as the bank sent them (the payment record keeps them whole).
    public var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "transaction_id": .string(transactionID), "amount_satang": .number(Double(amount.satang)), "paid_at": .string(paidAtText),
            "paid_ms": .number(Double(paidAt)), "biller_id": .string(billerID), "reference1": .string(reference1),
        ]
        for (name, value) in [
            ("reference2", reference2), ("reference3", reference3), ("payer_name", payerName), ("payer_account", payerAccount),
            ("sending_bank", sendingBank), ("receiving_bank", receivingBank),
        ] {
            if let value { fields[name] = .string(value) }
        }
        return fields
    }
}

extension Substring {
    fileprivate func padding(toLength length: Int) -> String {
        String(self) + String(repeating: "0", count: Swift.max(0, length - count))
    }
}
