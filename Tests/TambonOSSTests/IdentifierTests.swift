import TambonCore
import TambonTestSupport
import Testing

@testable import TambonOSS

@Suite struct IdentifierTests {
    @Test(arguments: ["3100600445635", "1234545678781", "0994000617721", "0105536112014", "1-2345-45678-78-1", "3 1006 00445 63 5"])
    func validNationalIDsFromTheDomainFactsAreAccepted(text: String) throws {
        let id = try NationalID(text)
        #expect(id.digits.count == 13 && id.digits.allSatisfy(\.isNumber))
    }

    @Test(arguments: ["1234545678789", "1111111111111", "123454567878", "12345456787812", "123454567878a", ""])
    func invalidNationalIDsAreRefusedWithAThaiMessage(text: String) {
        #expect(throws: FieldError.self) { try NationalID(text) }
        do {
            _ = try NationalID(text)
        } catch {
            #expect(error.field == "national_id")
            #expect(error.thai.contains("เลขประจำตัวประชาชน"))
        }
    }

    @Test func nationalIDKindsFormattingAndMasking() throws {
        let person = try NationalID("1234545678781")
        #expect(person.kind == .person && person.isPersonal)
        #expect(person.formatted == "1-2345-45678-78-1")
        #expect(person.masked == "x-xxxx-xxxxx-78-1")
        #expect("\(person)" == person.masked, "string interpolation never shows the whole number")
        let juristic = try NationalID("0105536112014")
        #expect(juristic.kind == .juristic && !juristic.isPersonal)
    }

    @Test func everyCheckDigitIsTheOneTheFormulaGives() throws {
        // For one prefix, exactly one of the ten possible last digits is accepted.
        let prefix = "310060044563"
        let accepted = (0...9).filter { (try? NationalID(prefix + String($0))) != nil }
        #expect(accepted == [5])
    }

    @Test func trackingCodesAvoidLookAlikesAndReadLeniently() {
        #expect(!TrackingCode.alphabet.contains { "0O1IL".contains($0) })
        #expect(TrackingCode.alphabet.count == 31)
        var generator = SeededGenerator(seed: 7)
        var seen = Set<String>()
        for _ in 0..<2000 {
            let code = TrackingCode(using: &generator)
            #expect(code.value.count == 8 && code.value.allSatisfy(TrackingCode.alphabet.contains))
            seen.insert(code.value)
        }
        #expect(seen.count == 2000, "no repeats in 2,000 codes")
        #expect(TrackingCode("ab2c-3d4e")?.value == "AB2C3D4E")
        #expect(TrackingCode("AB2C3D4") == nil, "too short")
        #expect(TrackingCode("AB2C3D40") == nil, "0 is not in the alphabet")
        #expect(TrackingCode("AB2C3DIL") == nil)
    }

    @Test func officialNumbersReadAndWriteNOverYear() {
        #expect(OfficialNumber(sequence: 12, year: 2569).description == "12/2569")
        #expect(OfficialNumber("12/2569") == OfficialNumber(sequence: 12, year: 2569))
        for bad in ["012/2569", "0/2569", "12/69", "12-2569", "12/2569/1", "x/2569", "12/1999"] {
            #expect(OfficialNumber(bad) == nil, "\(bad)")
        }
        #expect(OfficialNumber(sequence: 2, year: 2569) < OfficialNumber(sequence: 1, year: 2570))
    }

    @Test func pinsMustLieInsideThailand() throws {
        #expect(throws: Never.self) { try GeoPoint(latitude: 18.7883, longitude: 98.9853) }
        for (lat, lon) in [(98.98, 18.78), (0.0, 0.0), (13.7, 110.0), (.nan, 100.0)] {
            #expect(throws: FieldError.self) { try GeoPoint(latitude: lat, longitude: lon) }
        }
    }

    @Test func applicantsAreCheckedFieldByField() throws {
        let good: [String: JSONValue] = [
            "name": "  นายสมชาย   ใจดี ", "national_id": "1-2345-45678-78-1", "phone": "081-234-5678", "address": "12 หมู่ 3 ต.แม่เหียะ",
        ]
        let applicant = try Applicant(good)
        #expect(applicant.name == "นายสมชาย ใจดี" && applicant.phone == "0812345678" && applicant.kind == .person)
        do {
            _ = try Applicant(["name": "", "national_id": "1234545678789", "phone": "12", "address": " "])
            Issue.record("accepted")
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["name", "national_id", "phone", "address"])
            #expect(error.errors.allSatisfy { !$0.thai.isEmpty })
        }
        var juristicAsPerson = good
        juristicAsPerson["national_id"] = "0105536112014"
        juristicAsPerson["kind"] = "person"
        #expect(throws: ValidationErrors.self) { try Applicant(juristicAsPerson) }
        juristicAsPerson["kind"] = "juristic"
        #expect(try Applicant(juristicAsPerson).kind == .juristic)
    }
}
