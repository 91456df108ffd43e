/// A Thai QR bill payment (the Bank of Thailand's Thai QR Payment, EMVCo tag 30): what a bank app reads to pay a
/// bill to the office and report it back with its references. See the domain facts (Thai QR) for the fields.
public struct ThaiQRBillPayment: Sendable, Equatable {
    /// The application id of Thai QR bill payment (tag 30, sub 00).
    public static let applicationID = "A000000677010112"

    /// The biller ID: the organisation's 13-digit tax ID and a 2-digit suffix (15 digits; validated by the office's
    /// settings, since a payload may carry another length).
    public let billerID: String
    /// Reference 1: the bill reference, A–Z and 0–9, at most 15 characters.
    public let reference1: String
    /// Reference 2 (the period), at most 20 characters.
    public let reference2: String?
    /// Reference 3 (tag 62, sub 07), at most 20 characters.
    public let reference3: String?
    /// The amount; nil for a static code the payer types the amount into.
    public let amount: Money?

    public enum Problem: Error, Equatable {
        case billerID, reference1, reference2, reference3, amount
    }

    public init(billerID: String, reference1: String, reference2: String? = nil, reference3: String? = nil, amount: Money? = nil) throws(Problem) {
        guard (1...15).contains(billerID.count), billerID.allSatisfy({ ("0"..."9").contains($0) }) else { throw .billerID }
        guard Self.isReference(reference1, maximum: 15) else { throw .reference1 }
        if let reference2, !Self.isReference(reference2, maximum: 20) { throw .reference2 }
        if let reference3, !Self.isReference(reference3, maximum: 20) { throw .reference3 }
        // At most 13 characters with two decimals: under 10^10 baht, and more than nothing.
        if let amount, !(1...999_999_999_999).contains(amount.satang) { throw .amount }
        self.billerID = billerID
        self.reference1 = reference1
        self.reference2 = reference2
        self.reference3 = reference3
        self.amount = amount
    }

    /// A reference as bank apps take it: upper-case A–Z and 0–9.
    public static func isReference(_ text: String, maximum: Int) -> Bool {
        (1...maximum).contains(text.count) && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The amount as tag 54 writes it: baht with two decimals, no separators (`3649.22`).
    static func amountText(_ amount: Money) -> String {
        let satang = amount.satang % 100
        return "\(amount.satang / 100)." + (satang < 10 ? "0" : "") + "\(satang)"
    }

    /// The payload: 00, 01 (11 static, 12 with an amount), 30, 53 (THB), 58 (TH), 54, 62, then the CRC.
    public var payload: EMVPayload {
        var merchant = [EMVPayload.Field("00", Self.applicationID), .init("01", billerID), .init("02", reference1)]
        if let reference2 { merchant.append(.init("03", reference2)) }
        var fields: [EMVPayload.Field] = [
            .init("00", "01"), .init("01", amount == nil ? "11" : "12"), .init("30", EMVPayload.encode(merchant)), .init("53", "764"),
            .init("58", "TH"),
        ]
        if let amount { fields.append(.init("54", Self.amountText(amount))) }
        if let reference3 { fields.append(.init("62", EMVPayload.encode([.init("07", reference3)]))) }
        return EMVPayload(fields: fields)
    }

    /// The text of the BOT bill-payment barcode printed on a bill (Code 128): `|`, the biller ID, CR, reference 1,
    /// CR, reference 2, CR, the amount in satang (`0` lets the cashier key it in).
    public var barcodeText: String {
        "|" + billerID + "\r" + reference1 + "\r" + (reference2 ?? "") + "\r" + String(amount?.satang ?? 0)
    }

    /// Reads a bill payment from a payload: nil if it is not one (no tag 30 with the bill-payment AID, a currency
    /// other than THB, references or an amount out of range).
    public init?(_ payload: EMVPayload) {
        guard let template = payload.value("30"), let merchant = EMVPayload.decode(Substring(template)),
            merchant.first(where: { $0.tag == "00" })?.value == Self.applicationID,
            let biller = merchant.first(where: { $0.tag == "01" })?.value, let reference1 = merchant.first(where: { $0.tag == "02" })?.value,
            payload.value("53") ?? "764" == "764"
        else { return nil }
        var amount: Money?
        if let text = payload.value("54") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let baht = Int64(parts[0]), baht >= 0, baht < 10_000_000_000 else { return nil }
            var satang: Int64 = 0
            if parts.count == 2 {
                guard (1...2).contains(parts[1].count), let fraction = Int64(parts[1]) else { return nil }
                satang = parts[1].count == 1 ? fraction * 10 : fraction
            }
            amount = Money(satang: baht * 100 + satang)
        }
        let reference3 = payload.value("62").flatMap { EMVPayload.decode(Substring($0)) }?.first { $0.tag == "07" }?.value
        guard
            let parsed = try? ThaiQRBillPayment(
                billerID: biller, reference1: reference1, reference2: merchant.first(where: { $0.tag == "03" })?.value,
                reference3: reference3, amount: amount)
        else { return nil }
        self = parsed
    }
}
