import TambonCore
import Testing

/// Numbers from elsewhere become integers only when they are whole and carried exactly; anything else is nil, so a
/// caller refuses it instead of trapping (`Int(1e300)` kills the process).
@Suite struct JSONIntegerTests {
    @Test(arguments: [
        (JSONValue.number(0), Int64?.some(0)), (.number(-3), -3), (.number(9_007_199_254_740_991), 9_007_199_254_740_991),
        (.number(-9_007_199_254_740_991), -9_007_199_254_740_991), (.number(9_007_199_254_740_992), nil), (.number(1e300), nil),
        (.number(-1e300), nil), (.number(2.5), nil), (.string("7"), nil), (.null, nil),
    ])
    func wholeNumbersCarriedExactlyOnly(value: JSONValue, expected: Int64?) {
        #expect(value.integerValue == expected)
    }

    @Test func plainTextNeverTraps() {
        #expect(JSONValue.plainText(120) == "120")
        #expect(JSONValue.plainText(48.5) == "48.5")
        #expect(JSONValue.plainText(1e300) == "1e+300")
        #expect(JSONValue.plainText(-0.0) == "0")
    }
}
