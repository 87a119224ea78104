import MixdownCore
import Testing

/// The JSON reader names the usual causes of invalid JSON where it finds them.
@Suite struct JSONErrorTests {
    func error(_ json: String) -> String {
        do { _ = try JSONParser.parse(json, file: "spot.json"); return "no error" } catch let e as MixdownError { return e.message } catch { return "\(error)" }
    }

    @Test(arguments: [
        ("{\n  \"scriptText\": \"x\",\n  \"voice\": \"en-us\",\n}", "spot.json:3:19: invalid JSON: trailing comma before '}' (JSON allows none)"),
        (#"{"endFormat": ["wav", "mp3",]}"#, "spot.json:1:28: invalid JSON: trailing comma before ']' (JSON allows none)"),
        (#"{'scriptText': "x"}"#, "spot.json:1:2: invalid JSON: single quotes (JSON strings and keys take double quotes)"),
        (#"{"scriptText": 'x'}"#, "spot.json:1:16: invalid JSON: single quotes (JSON strings and keys take double quotes)"),
        ("{\n  // the spot\n  \"scriptText\": \"x\"\n}", "spot.json:2:3: invalid JSON: comment '//' (JSON allows none)"),
        (#"{"scriptText": "x" /* the spot */}"#, "spot.json:1:20: invalid JSON: comment '/*' (JSON allows none)"),
        (#"{"scriptText": /* the spot */ "x"}"#, "spot.json:1:16: invalid JSON: comment '/*' (JSON allows none)"),
        ("{\"scriptText\": \"x\"} // done", "spot.json:1:21: invalid JSON: comment '//' (JSON allows none)"),
        (#"{scriptText: "x"}"#, "spot.json:1:2: invalid JSON: unquoted key 'scriptText' (JSON keys take double quotes)"),
        (#"{"speed": NaN}"#, "spot.json:1:11: invalid JSON: NaN is not a number JSON allows (write a number, or leave the key out)"),
        (#"{"speed": Infinity}"#, "spot.json:1:11: invalid JSON: Infinity is not a number JSON allows (write a number, or leave the key out)"),
        (#"{"truePeak": -Infinity}"#, "spot.json:1:14: invalid JSON: Infinity is not a number JSON allows (write a number, or leave the key out)"),
        (#"{"strict": True}"#, "spot.json:1:12: invalid JSON: 'True' (JSON writes true, false and null in lower case)"),
        (#"{"voice": en-us}"#, "spot.json:1:11: invalid JSON: unquoted text 'en' (JSON strings take double quotes; its only bare words are true, false and null)"),
        (#"{"scriptText": "x" "voice": "en-us"}"#, "spot.json:1:20: invalid JSON: expected ',' or '}' (a comma missing before this key?)"),
        (#"{"voice": }"#, "spot.json:1:11: invalid JSON: unexpected character '}'"),
    ])
    func namesTheCause(json: String, expected: String) {
        #expect(error(json) == expected)
    }

    @Test func validJSONStillReads() throws {
        let node = try JSONParser.parse(#"{"a": [true, false, null, -1.5e2, "x,}"], "b": {}, "c": []}"#, file: "ok.json")
        guard case .array(let items)? = node[member: "a"]?.value else { Issue.record("no list at a"); return }
        #expect(items.count == 5)
        #expect(node[member: "b"] != nil && node[member: "c"] != nil)
    }
}
