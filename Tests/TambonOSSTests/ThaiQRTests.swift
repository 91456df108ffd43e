import TambonOSS
import TambonTestSupport
import Testing

/// Thai QR bill payments against the test vectors of the domain facts (re-computed from maythiwat/promptparse and
/// dtinth/promptpay-qr), and a round trip over generated bills.
@Suite struct ThaiQRTests {
    @Test func theCRCIsCCITTFalseWithItsCheckValueZeroPadded() {
        #expect(CRC16.ccittFalse(Array("123456789".utf8)) == 0x29B1)
        #expect(CRC16.hex(0x0CBD) == "0CBD" && CRC16.hex(0x000F) == "000F")
    }

    @Test func billPaymentsMatchTheVectors() throws {
        let withAmount = try ThaiQRBillPayment(
            billerID: "099400016550100", reference1: "123456789012", reference2: "670429", amount: Money(satang: 364_922))
        #expect(
            withAmount.payload.text
                == "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802TH54073649.2263044534")
        let staticCode = try ThaiQRBillPayment(billerID: "099999999999990", reference1: "111222333444")
        #expect(staticCode.payload.text == "00020101021130550016A0000006770101120115099999999999990021211122233344453037645802TH63043EE7")
        let withReference3 = try ThaiQRBillPayment(billerID: "0112233445566", reference1: "CUSTOMER001", reference2: "INV001", reference3: "SCB")
        #expect(
            withReference3.payload.text
                == "00020101021130620016A000000677010112011301122334455660211CUSTOMER0010306INV00153037645802TH62070703SCB6304780E")
        #expect(withAmount.barcodeText == "|099400016550100\r123456789012\r670429\r364922")
        #expect(staticCode.barcodeText == "|099999999999990\r111222333444\r\r0", "no amount: the cashier keys it")
        // Each vector reads back as the bill it was made from.
        for bill in [withAmount, staticCode, withReference3] {
            #expect(EMVPayload(parsing: bill.payload.text).flatMap(ThaiQRBillPayment.init) == bill)
        }
        // The PromptPay vector (tag 29) is a valid payload, with a CRC under 0x1000, but not a bill payment.
        let promptPay = try #require(EMVPayload(parsing: "00020101021129370016A000000677010111021301234567890125802TH530376463040CBD"))
        #expect(ThaiQRBillPayment(promptPay) == nil)
        #expect(EMVPayload(parsing: "00020101021129370016A000000677010111021301234567890125802TH530376463040CBE") == nil, "a wrong CRC")
    }

    @Test func referencesAndAmountsAreCheckedBeforeAnythingIsEncoded() {
        #expect(throws: ThaiQRBillPayment.Problem.reference1) { try ThaiQRBillPayment(billerID: "099400016550100", reference1: "bill-1") }
        #expect(throws: ThaiQRBillPayment.Problem.reference1) {
            try ThaiQRBillPayment(billerID: "099400016550100", reference1: String(repeating: "A", count: 16))
        }
        #expect(throws: ThaiQRBillPayment.Problem.billerID) { try ThaiQRBillPayment(billerID: "09940001655010X", reference1: "A1") }
        #expect(throws: ThaiQRBillPayment.Problem.amount) {
            try ThaiQRBillPayment(billerID: "099400016550100", reference1: "A1", amount: Money(satang: 0))
        }
        for text in ["", "0002", "00020101021130", "99990101", "63041234"] { #expect(EMVPayload(parsing: text) == nil) }
    }

    /// Parsing a built payload gives its fields back, over 2,000 generated bills.
    @Test func aBuiltPayloadParsesBackToItsBill() throws {
        var generator = SeededGenerator(seed: 14)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        func reference(_ maximum: Int) -> String {
            String((0..<Int.random(in: 1...maximum, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for _ in 0..<2_000 {
            let biller = String((0..<15).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let bill = try ThaiQRBillPayment(
                billerID: biller, reference1: reference(15), reference2: Bool.random(using: &generator) ? reference(20) : nil,
                reference3: Bool.random(using: &generator) ? reference(20) : nil,
                amount: Bool.random(using: &generator) ? Money(satang: Int64.random(in: 1...999_999_999_999, using: &generator)) : nil)
            let text = bill.payload.text
            #expect(EMVPayload(parsing: text).flatMap(ThaiQRBillPayment.init) == bill, "\(text)")
        }
    }
}
