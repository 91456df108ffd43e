import Testing
@testable import TambonCore

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "duplicate key"),
        (#""\ud800""#, "lone high surrogate"),
        (#""\udc00""#, "lone low surrogate"),
        ("[1,]", "unexpected character"),
        ("01", "unexpected content after the value"),
        ("1e400", "number out of range"),
        ("\"a\u{01}\"", "control character"),
        ("nul", "unexpected end of input"),
        ("[1] x", "unexpected content after the value"),
        ("", "unexpected end of input"),
        (#"{"a" 1}"#, "expected ':'"),
        ("1.", "digit expected after '.'"),
    ])
    func refusesInvalidInput(input: String, reason: String) {
        #expect {
            _ = try JSONValue(parsing: input)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains(reason) == true
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func refusesHostileNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { _ = try JSONValue(parsing: fine) }
    }

    @Test func parsesEverythingJSONHas() throws {
        let value = try JSONValue(parsing: #" { "s" : "ก\u0e01\n" , "n" : -12.5e1, "t": true, "f": false, "z": null, "a": [ ] } "#)
        #expect(value == ["s": "กก\n", "n": -125, "t": true, "f": false, "z": nil, "a": []])
    }
}
