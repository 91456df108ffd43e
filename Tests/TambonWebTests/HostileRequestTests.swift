import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TambonCore
import TambonOSS
import TambonTestSupport
import TambonWebKit
import TambonWebTestSupport
import Testing

@testable import TambonWeb

/// Requests schemathesis found to crash or mislead the node (issue 13's fuzzing): each now gets a clear 4xx.
@Suite struct HostileRequestTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["TAMBON_SEED"].flatMap(UInt64.init) ?? 13

    /// The request that stopped the node (MultipartKit traps on a byte above 0x7F in a header name), and 3,000
    /// seeded mutations of a valid multipart body: every one is parsed or refused as `malformed_form`, none traps.
    @Test func malformedMultipartBodiesAreRefusedNeverFatal() throws {
        #expect {
            try FormBody(contentType: "multipart/form-data; boundary=b", bytes: Array("--b\r\n".utf8) + [0xC3])
        } throws: { ($0 as? WebError)?.code == "malformed_form" }
        let valid = Array(
            "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nplan\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"แบบ.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 x\r\n--b--\r\n"
                .utf8)
        let parsed = try FormBody(contentType: "multipart/form-data; boundary=b", bytes: valid)
        #expect(parsed["kind"] == "plan" && parsed.files.first?.name == "แบบ.pdf", "a Thai file name in a header value is fine")
        var generator = SeededGenerator(seed: Self.seed)
        for _ in 0..<3_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.insert(UInt8.random(in: 0x80...0xFF, using: &generator), at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...20, using: &generator)))
                default: bytes = Array(bytes.prefix(at))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            do {
                _ = try FormBody(contentType: "multipart/form-data; boundary=b", bytes: bytes)
            } catch let error as WebError {
                #expect(error.code == "malformed_form")
            }
        }
    }

    @Test func theFeeQuoteRefusesAreasNoBuildingHas() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            for area in ["1e300", "-1", "0", "nan", "inf", "1000001"] {
                try await client.execute(uri: "/api/v1/fees/building-permit?floor_area_m2=\(area)&storeys=1", method: .get) { response in
                    #expect(response.status == .badRequest, "\(area)")
                }
            }
            try await client.execute(uri: "/api/v1/fees/building-permit?floor_area_m2=64.1&storeys=1", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(BuildingPermitFees.defaults.quote(area: 1e300, storeys: 1).planCheckFee.satang == 0, "never a trap")
    }

    @Test func anAreaWithTwoDecimalsIsTwoDecimalsWhateverBinaryMakesOfIt() throws {
        var details = WebFixture.details.objectValue!
        for area in [64.1, 9.28, 1.1, 0.07, 149.99, 150] {
            details["floor_area_m2"] = .number(area)
            #expect(try BuildingPermitDetails(details).floorArea == area)
        }
        details["floor_area_m2"] = .number(64.125)
        #expect(throws: ValidationErrors.self) { try BuildingPermitDetails(details) }
    }

    @Test func aMissingServiceIsA422NamingTheField() async throws {
        let fixture = try await WebFixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/applications", method: .post, headers: WebFixture.jsonHeaders, body: WebFixture.json(["applicant": [:]])
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try WebFixture.object(response)
                #expect(body["field"] == "service")
            }
            // A body over the route's cap is 413 with a JSON body saying so.
            try await client.execute(
                uri: "/api/v1/session", method: .post, headers: WebFixture.jsonHeaders,
                body: ByteBuffer(bytes: Array(repeating: UInt8(ascii: " "), count: 70_000))
            ) { response in
                #expect(response.status == .contentTooLarge)
                let body = try WebFixture.object(response)
                #expect(body["error"] == "body_too_large")
            }
        }
        #expect(CivilDate(iso: "2026-+1-+5") == nil && CivilDate(iso: "2026-01-05") != nil)
    }
}
