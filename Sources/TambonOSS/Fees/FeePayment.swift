/// A fee paid at the office: the receipt's reference (ใบเสร็จรับเงิน เล่มที่/เลขที่) and the day.
public struct FeePayment: Sendable, Equatable {
    public let receipt: String
    public let paidOn: CivilDate

    public init(receipt: String, paidOn: CivilDate) {
        self.receipt = receipt
        self.paidOn = paidOn
    }
}
