import TambonCodes
import TambonOSS

/// A bill's Thai QR and its bill-payment barcode, drawn for pages: SVG inline in the printed bill and the phone page,
/// PNG for saving to a phone's gallery (bank apps scan from it). Nil when the office has no biller ID yet or the
/// bill owes nothing.
enum BillImages {
    static func payment(_ bill: Bill, settings: BillingSettings) -> ThaiQRBillPayment? {
        guard let billerID = settings.billerID, bill.amount.satang > 0 else { return nil }
        return try? bill.thaiQR(billerID: billerID)
    }

    static func qrSVG(_ bill: Bill, settings: BillingSettings, pixels: Int = 240) -> String? {
        guard let payment = payment(bill, settings: settings), let matrix = try? QRCode.matrix(for: payment.payload.text) else { return nil }
        return SVGCode.qr(matrix, pixels: pixels, title: "Thai QR ใบแจ้งหนี้ \(bill.reference)")
    }

    static func qrPNG(_ bill: Bill, settings: BillingSettings) -> [UInt8]? {
        guard let payment = payment(bill, settings: settings), let matrix = try? QRCode.matrix(for: payment.payload.text) else { return nil }
        return try? PNGCode.image(matrix, scale: 8)
    }

    static func barcodeSVG(_ bill: Bill, settings: BillingSettings) -> String? {
        guard let payment = payment(bill, settings: settings), let matrix = try? Code128Barcode.matrix(for: payment.barcodeText) else { return nil }
        return SVGCode.barcode(matrix, barHeight: 40, moduleWidth: 1, title: "บาร์โค้ดชำระเงิน \(bill.reference)")
    }
}
