import Foundation
import TambonOSS
import Testing

@testable import TambonCodes

/// QR codes and barcodes read back by zbar (Debian's zbar-tools), a reader we did not write: every Thai QR vector of
/// the domain facts, generated bills, and the bill-payment barcode with its control characters.
@Suite struct CodeImageTests {
    static let vectors = [
        "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802TH54073649.2263044534",
        "00020101021130550016A0000006770101120115099999999999990021211122233344453037645802TH63043EE7",
        "00020101021130620016A000000677010112011301122334455660211CUSTOMER0010306INV00153037645802TH62070703SCB6304780E",
        "00020101021129370016A000000677010111021301234567890125802TH530376463040CBD",
    ]

    @Test func crc32HasItsCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082, "the CRC every PNG ends with")
    }

    @Test func zbarReadsEveryVectorFromOurPNG() throws {
        for payload in Self.vectors {
            let png = try PNGCode.image(try QRCode.matrix(for: payload), scale: 4)
            #expect(try Self.zbar(png) == [payload])
        }
    }

    @Test func zbarReadsGeneratedBillsAndTheirBarcodes() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for _ in 0..<12 {
            let reference1 = String((0..<Int.random(in: 1...15, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let bill = try ThaiQRBillPayment(
                billerID: "099400016550100", reference1: reference1, reference2: "256910",
                amount: Money(satang: Int64.random(in: 1...99_999_999, using: &generator)))
            let qr = try PNGCode.image(try QRCode.matrix(for: bill.payload.text), scale: 4)
            #expect(try Self.zbar(qr) == [bill.payload.text])
            let barcode = try PNGCode.image(try Code128Barcode.matrix(for: bill.barcodeText), scale: 3, quietZone: 10, barHeight: 30)
            #expect(try Self.zbar(barcode) == [bill.barcodeText], "the barcode keeps its carriage returns")
        }
    }

    @Test func theSVGDrawsExactlyTheDarkModules() throws {
        let matrix = try QRCode.matrix(for: Self.vectors[0])
        let svg = SVGCode.qr(matrix, quietZone: 4, title: "ชำระค่าธรรมเนียม <ใบแจ้งหนี้>")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(matrix.width + 8) \(matrix.width + 8)\""))
        #expect(svg.contains("<title>ชำระค่าธรรมเนียม &lt;ใบแจ้งหนี้&gt;</title>"))
        // Paint the path's rectangles back into a grid: it must be the matrix, shifted by the quiet zone.
        let path = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var painted = [Bool](repeating: false, count: matrix.width * matrix.height)
        for command in path.split(separator: "z") {
            let numbers = command.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            let (x, y, length) = (numbers[0] - 4, numbers[1] - 4, numbers[2])
            for column in x..<(x + length) { painted[y * matrix.width + column] = true }
        }
        #expect(painted == matrix.dark)
    }

    @Test func badTextIsRefusedNotDrawn() {
        #expect(throws: CodeImageError.self) { try QRCode.matrix(for: "") }
        #expect(throws: CodeImageError.self) { try QRCode.matrix(for: String(repeating: "9", count: QRCode.maximumBytes + 1)) }
        #expect(throws: CodeImageError.self) { try Code128Barcode.matrix(for: "ใบแจ้งหนี้") }
        #expect(throws: CodeImageError.self) { try Code128Barcode.matrix(for: String(repeating: "1", count: 81)) }
        #expect(throws: CodeImageError.self) { try PNGCode.image(try QRCode.matrix(for: "A"), scale: 1_000) }
    }

    /// What zbarimg reads from `png`, one symbol per line (`--raw`: the data alone).
    static func zbar(_ png: [UInt8]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tambon-code-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "--quiet", "-Sbinary", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zbarimg found no code")
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return [text]
    }
}
