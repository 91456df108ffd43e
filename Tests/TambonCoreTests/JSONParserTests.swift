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
        // After an ASCII start, and as a key.
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: [0x22, 0x61, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: [0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    @Test func nestedAndSiblingObjectsKeepTheirOwnMembers() throws {
        let text = #"{"a":{"b":1,"c":{"d":2,"e":[{"f":3},{"f":4,"g":{}}]}},"h":{"b":5},"i":{},"j":[{"k":6}]}"#
        let value = try JSONValue(parsing: text)
        #expect(value == ["a": ["b": 1, "c": ["d": 2, "e": [["f": 3], ["f": 4, "g": [:]]]]], "h": ["b": 5], "i": [:], "j": [["k": 6]]])
        // A duplicate inside a nested object is found there, at its own offset; its sibling's same key is no duplicate.
        #expect {
            _ = try JSONValue(parsing: #"{"a":{"d":1},"c":{"d":1,"d":2}}"#)
        } throws: { error in
            (error as? JSONParseError)?.offset == 24
        }
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

    @Test func stringsWithAndWithoutEscapesDecodeAlike() throws {
        #expect(try JSONValue(parsing: #""ภาษาไทย""#) == "ภาษาไทย")
        #expect(try JSONValue(parsing: #""ภาษา\"ไทย\u0e01\ud83d\ude00 ok""#) == "ภาษา\"ไทยก\u{1F600} ok")
        #expect(try JSONValue(parsing: #""\t""#) == "\t")
        // Invalid UTF-8 is refused after an escape as well as before one.
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: Array(#""\n"#.utf8) + [0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: Array(#""\n"#.utf8)) }
    }

    @Test func integersOnBothSidesOfTheFastPathParseExactly() throws {
        let texts = ["0", "-0", "7", "-42", "999999999999999", "-999999999999999", "1000000000000000", "9007199254740993", "12.5", "1e3"]
        for text in texts {
            #expect(try JSONValue(parsing: text) == .number(Double(text)!), "\(text)")
        }
        #expect(try JSONValue(parsing: "-0").numberValue?.sign == .minus)
    }

    @Test func canonicalTextOfRandomStringsParsesBack() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\u{01}", "ก", "€", "\u{1F600}", "\u{FB33}", "/", " "]
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let value: JSONValue = [text: .string(text)]
            #expect(try JSONValue(parsing: value.canonicalText) == value)
        }
    }
}
