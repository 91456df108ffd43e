import Foundation
import Testing

@testable import TambonCore

@Suite struct CanonicalJSONTests {
    @Test func numbersMatchRFC8785AndECMAScript() throws {
        let vectors = try TestVectors.load("canonical-json.json")
        let numbers = try unwrap(vectors["numbers"]?.arrayValue)
        #expect(numbers.count >= 20)
        for entry in numbers {
            let bits = try unwrap(UInt64(try unwrap(entry["ieee754"]?.stringValue), radix: 16))
            var output: [UInt8] = []
            CanonicalJSON.appendNumber(Double(bitPattern: bits), to: &output)
            #expect(String(decoding: output, as: UTF8.self) == entry["canonical"]?.stringValue, "bits \(String(bits, radix: 16))")
        }
    }

    @Test func documentsMatchTheIndependentImplementation() throws {
        let vectors = try TestVectors.load("canonical-json.json")
        for document in try unwrap(vectors["documents"]?.arrayValue) {
            let input = try unwrap(document["input"]?.stringValue)
            let value = try JSONValue(parsing: input)
            #expect(value.canonicalText == document["canonical"]?.stringValue)
        }
    }

    @Test func keysSortByUTF16CodeUnitsNotScalars() {
        // U+1F600 is a surrogate pair (D83D DE00), so it sorts before U+FB33 in UTF-16 though after it as a scalar.
        let value: JSONValue = ["\u{FB33}": 1, "\u{1F600}": 2, "a": 3]
        #expect(value.canonicalText == "{\"a\":3,\"\u{1F600}\":2,\"\u{FB33}\":1}")
    }

    @Test func stringsEscapeOnlyWhatJSONStringifyEscapes() {
        let value: JSONValue = .string("ก\"\\/\u{01}\u{1F}\t\n\r\u{08}\u{0C}€")
        #expect(value.canonicalText == #""ก\"\\/\u0001\u001f\t\n\r\b\f€""#)
    }

    @Test func negativeZeroAndIntegersPrintAsECMAScriptDoes() {
        #expect(JSONValue.number(-0.0).canonicalText == "0")
        #expect(JSONValue.number(120).canonicalText == "120")
        #expect(JSONValue.number(-3).canonicalText == "-3")
        #expect(JSONValue.number(1e21).canonicalText == "1e+21")
        #expect(JSONValue.number(1e20).canonicalText == "100000000000000000000")
        #expect(JSONValue.number(0.1 + 0.2).canonicalText == "0.30000000000000004")
    }

    @Test func parseThenEncodeIsStableForWhateverTheParserAccepts() throws {
        let inputs = [#"{"b":[1,2.50,{"d":null,"c":true}],"a":"x"}"#, "[]", "{}", #""\ud83d\ude00""#, "-1.5e-10"]
        for input in inputs {
            let once = try JSONValue(parsing: input).canonicalText
            #expect(try JSONValue(parsing: once).canonicalText == once)
        }
    }
}
