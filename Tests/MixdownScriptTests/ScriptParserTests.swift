import MixdownCore
import Testing
@testable import MixdownScript

@Suite struct ScriptParserTests {
    func parse(_ text: String, _ variables: [String: String] = [:]) throws -> Script {
        try ScriptParser.parse(ScriptSource(text: text, origin: "spot.txt"), variables: variables)
    }

    func error(_ text: String, _ variables: [String: String] = [:]) -> String {
        do { _ = try parse(text, variables); return "no error" } catch let e as MixdownError { return e.message } catch { return "\(error)" }
    }

    @Test func tagSyntaxSectionsSegmentsAndItems() throws {
        let script = try parse("""
        <<soundSegment::intro>><<sectionName::first>> Hello   world.
        <break time="500ms"/> <<media::jingle>>
        <<sectionName::second>><<soundSegment::*>> Bye <<soundEffect::effect1>> now.
        """)
        #expect(script.sections.map(\.name) == ["first", "second"])
        #expect(script.sections[0].soundSegment == .named("intro"))
        #expect(script.sections[1].soundSegment == .continuePrevious)
        #expect(script.sections[0].items.map(\.kind) == [
            .speech(text: "Hello world.", voice: nil, speed: nil, part: nil), .pause(seconds: 0.5), .media(name: "jingle"),
        ])
        #expect(script.sections[1].items.map(\.kind) == [
            .speech(text: "Bye", voice: nil, speed: nil, part: nil), .effect(name: "effect1"),
            .speech(text: "now.", voice: nil, speed: nil, part: nil),
        ])
        #expect(script.sections[0].items[0].location == SourceLocation(file: "spot.txt", line: 1, column: 47))
    }

    @Test func textBeforeTheFirstSectionFormsSection1() throws {
        let script = try parse("Welcome. <<sectionName::main>> Main part.")
        #expect(script.sections.map(\.name) == ["section1", "main"])
        #expect(script.sections.map(\.isNamed) == [false, true])
        // Whitespace-only text forms no section.
        #expect(try parse("  \n <<sectionName::only>> Hi").sections.map(\.name) == ["only"])
    }

    @Test func segmentAfterContentBelongsToTheNextSection() throws {
        let script = try parse("<<sectionName::a>> One. <<soundSegment::main>> <<sectionName::b>> Two.")
        #expect(script.sections[0].soundSegment == nil)
        #expect(script.sections[1].soundSegment == .named("main"))
        #expect(try parse("<<sectionName::a>><<soundSegment::none>> One.").sections[0].soundSegment == SoundSegmentChoice.none)
    }

    @Test func personalisation() throws {
        let script = try parse("Hi {{name}}, welcome to {{city|your town}}.", ["name": "Sam"])
        #expect(script.sections[0].items[0].kind == .speech(text: "Hi Sam, welcome to your town.", voice: nil, speed: nil, part: nil))
        #expect(error("Hi {{name}}.") == "spot.txt:1:4: no value for '{{name}}': add \"name\" to audience, pass --var name=…, or write {{name|fallback}}")
        // A given variable one typo away (a batch CSV's column) is named.
        #expect(error("Hi {{name}}.", ["nmae": "Sam", "city": "Leeds"])
                == "spot.txt:1:4: no value for '{{name}}' (a variable 'nmae' is given: misspelt?): add \"name\" to audience, pass --var name=…, or write {{name|fallback}}")
    }

    @Test func breaksAreLenientAboutForm() throws {
        let script = try parse("""
        A <break time = "2s"> B <break strength="x-strong"/> C <break time="1.5s"/> D <break/> E
        """)
        let pauses = script.sections[0].items.compactMap { if case .pause(let s) = $0.kind { return s }; return nil }
        #expect(pauses == [2, 0.9, 1.5, 0.5])
    }

    @Test func xmlSyntax() throws {
        let script = try parse("""
        <as:section name="intro" soundSegment="intro">Hello <as:placeholder id="name">friend</as:placeholder>!</as:section>
        <as:section name="offer" soundsegment="main">
          Deal. <as:fx name="bang"/> <as:media name="logo"/>
          <as:sub name="legal" speed="1.2">Terms apply.</as:sub>
          <as:break time="1s"/>
        </as:section>
        """, ["name": "Ana"])
        #expect(script.sections.map(\.name) == ["intro", "offer"])
        #expect(script.sections[0].soundSegment == .named("intro"))
        #expect(script.sections[0].items[0].kind == .speech(text: "Hello Ana!", voice: nil, speed: nil, part: nil))
        #expect(script.sections[1].items.map(\.kind) == [
            .speech(text: "Deal.", voice: nil, speed: nil, part: nil), .effect(name: "bang"), .media(name: "logo"),
            .speech(text: "Terms apply.", voice: nil, speed: 1.2, part: "legal"), .pause(seconds: 1),
        ])
    }

    @Test func engineMarkupPassesThroughAcrossBreaks() throws {
        let script = try parse(#"Say <prosody rate="slow">this slowly <break time="1s"/> and this</prosody> & <say-as interpret-as="characters">ABC</say-as>."#)
        let items = script.sections[0].items
        #expect(items.map(\.kind) == [.speech(text: "Say this slowly", voice: nil, speed: nil, part: nil), .pause(seconds: 1),
                                      .speech(text: "and this & ABC.", voice: nil, speed: nil, part: nil)])
        // Open markup is closed before the break and reopened after it; text is escaped.
        #expect(items[0].markup == #"Say <prosody rate="slow">this slowly </prosody>"#.split(separator: " ").joined(separator: " "))
        #expect(items[2].markup == #"<prosody rate="slow"> and this</prosody> &amp; <say-as interpret-as="characters">ABC</say-as>."#.split(separator: " ").joined(separator: " "))
        let xml = try parse(#"<as:section name="a"><as:prosody pitch="+20%">High</as:prosody> note.</as:section>"#)
        #expect(xml.sections[0].items[0].markup == #"<prosody pitch="+20%">High</prosody> note."#)
        #expect(error("<prosody rate=\"slow\">never closed") == "spot.txt:1:1: unclosed <prosody> (no </prosody> before the end of the script)")
        #expect(try parse("Plain text.").sections[0].items[0].markup == nil)
    }

    @Test func vendorMarkupIsRemovedWithAWarning() throws {
        let script = try parse("<mstts:express-as style=\"cheerful\">Great news!</mstts:express-as>")
        #expect(script.sections[0].items[0].kind == .speech(text: "Great news!", voice: nil, speed: nil, part: nil))
        #expect(script.warnings.count == 1)
        #expect(script.warnings[0].message.contains("mstts:express-as"))
    }

    @Test("errors carry file:line:col and a suggestion", arguments: [
        ("Hi\n  <<soundSegmnt::intro>> there", "spot.txt:2:3: unknown tag '<<soundSegmnt::intro>>' (did you mean 'soundSegment'?)"),
        ("<<sectionName::intro Hello", "spot.txt:1:1: unclosed tag '<<sectionName::intro Hello' (a tag ends with '>>' on the same line)"),
        ("<<sectionName::a>> x <<sectionName::a>> y", "spot.txt:1:22: duplicate section name 'a'"),
        ("<<sectionName::a>><<sectionName::b>> y", "spot.txt:1:1: section 'a' is empty"),
        ("Hello {{name", "spot.txt:1:7: unclosed placeholder '{{name' (a placeholder ends with '}}')"),
        ("A <break time=\"soon\"/>", "spot.txt:1:3: break time 'soon' is not a duration (write 500ms or 1.5s)"),
        ("A <break strength=\"strnog\"/>", "spot.txt:1:3: unknown break strength 'strnog' (did you mean 'strong'?) (one of medium, none, strong, weak, x-strong, x-weak)"),
        ("<<sectionName::a>> x <as:fx name=\"y\"/>", "spot.txt:1:22: this script mixes <<…::…>> tags and <as:…> elements; a script uses one syntax or the other"),
        ("<as:section name=\"a\">Hi", "spot.txt:1:1: unclosed <as:section> (no </as:section> before the end of the script)"),
        ("<as:sectoin name=\"a\">Hi</as:sectoin>", "spot.txt:1:1: unknown element '<as:sectoin>' (did you mean '<as:section>'?)"),
        ("   ", "spot.txt:1:1: the script has nothing to say: no text, media or breaks"),
        ("<<media::>>", "spot.txt:1:1: tag '<<media::>>' has no value"),
        ("Hi <<soundSegment::main>>", "spot.txt:1:4: soundSegment after the last section's content applies to no section"),
    ])
    func errors(script: String, expected: String) {
        #expect(error(script) == expected)
    }
}

@Suite struct ProductionDecoderTests {
    func decode(_ json: String) throws -> Production {
        try ProductionDecoder.decode(JSONParser.parse(json, file: "spot.json"), file: "spot.json", baseDirectory: "/base")
    }

    func error(_ json: String) -> String {
        do { _ = try decode(json); return "no error" } catch let e as MixdownError { return e.message } catch { return "\(error)" }
    }

    @Test func fullProduction() throws {
        let p = try decode("""
        {"scriptText": "Hi", "voice": "en-gb", "speed": 105, "soundTemplate": "corporate",
         "sections": {"first": {"voice": "en-us", "speed": 1.1}},
         "sectionProperties": {"first": {"endAt": 5, "justify": "center", "paddingStart": 0.25}},
         "timelineProperties": {"speechStart": 0.4, "overflow": "truncate"}, "forceLength": 30,
         "audience": [{"name": "Sam"}, {"age": 41}],
         "mediaFiles": [{"jingle": "media/jingle.wav"}, {"ceo": {"path": "/abs/ceo.wav", "role": "speech"}}],
         "loudnessPreset": "podcast", "truePeak": -2, "endFormat": "wav"}
        """)
        #expect(p.speed == 1.05)
        #expect(p.sectionProperties["first"]?.justify == .centre)
        #expect(p.timeline.forceLength == 30 && p.timeline.overflow == .truncate)
        #expect(p.audience == ["name": "Sam", "age": "41"])
        #expect(p.mediaFiles["jingle"] == MediaFile(path: "/base/media/jingle.wav", role: .insert))
        #expect(p.mediaFiles["ceo"] == MediaFile(path: "/abs/ceo.wav", role: .speech))
        #expect(p.targetLoudness == -16 && p.truePeakCeiling == -2)
        #expect(p.endFormats == [.wav])
    }

    @Test("errors name the key path", arguments: [
        (#"{"scriptText": "x", "sectionProperties": {"first": {"justify": "centr"}}}"#,
         "spot.json:1:64: sectionProperties.first.justify: unknown value 'centr' (did you mean 'centre'?) (one of center, centre, end, flex-end, flex-start, left, middle, right, start)"),
        (#"{"scriptText": "x", "sectionProperty": {}}"#, "spot.json:1:40: sectionProperty: unknown key (did you mean 'sectionProperties'?)"),
        (#"{"scriptText": "x", "forceLength": "30"}"#, "spot.json:1:36: forceLength: must be a number, got a string"),
        (#"{"scriptText": "x", "forceLength": 0}"#, "spot.json:1:36: forceLength: must be greater than 0, got 0"),
        (#"{"scriptText": "x", "sectionProperties": {"a": {"endAt": -1}}}"#, "spot.json:1:58: sectionProperties.a.endAt: must be greater than 0, got -1"),
        (#"{"scriptText": "x", "sectionProperties": {"a": {"paddingEnd": -0.5}}}"#, "spot.json:1:63: sectionProperties.a.paddingEnd: must not be negative, got -0.5"),
        (#"{"scriptText": "x", "scriptFile": "y.txt"}"#, "spot.json:1:1: give exactly one of scriptText and scriptFile, not both"),
        (#"{"voice": "en-us"}"#, "spot.json:1:1: missing scriptText or scriptFile"),
        (#"{"scriptText": "x", "endFormat": ["mp3", "mp4"]}"#, "spot.json:1:42: endFormat[1]: unknown value 'mp4' (did you mean 'mp3'?) (one of flac, m4a, m4a_low, m4b, mp3, mp3_alexa, mp3_high, mp3_low, mp3_medium, mp3_very_high, mp3_very_low, ogg, opus, wav, wav_24)"),
        (#"{"scriptText": "x", "timelineProperties": {"overflow": "squash"}}"#, "spot.json:1:56: timelineProperties.overflow: unknown value 'squash' (one of extend, fail, fit, stretch, truncate)"),
        (#"{"scriptText": "x",}"#, "spot.json:1:19: invalid JSON: trailing comma before '}' (JSON allows none)"),
        (#"{"scriptText": "x", "scriptText": "y"}"#, "spot.json:1:21: duplicate key 'scriptText'"),
        (#"{"scriptFile": "missing.txt"}"#, "spot.json:1:16: scriptFile: no such file 'missing.txt'"),
        (#"{"scriptText": "x", "mediaFiles": {"a": {"file": "a.wav"}}}"#, "spot.json:1:50: mediaFiles.a.file: unknown key"),
    ])
    func errors(json: String, expected: String) {
        #expect(error(json) == expected)
    }
}
