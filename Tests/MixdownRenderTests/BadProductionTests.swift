import Foundation
import MixdownCore
import MixdownIO
import MixdownRender
import MixdownScript
import MixdownSpeech
import MixdownTestSupport
import Testing

/// Malformed scripts and productions: one clear line on stderr, exit 1, and nothing written
/// (no output, no report, no stems, no temporary file).
@Suite struct BadProductionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The error as data, as an embedding program or the service sees it: its code, and
        /// where (`MixdownError.path`: the key path, else file:line:col; files relative to the
        /// test's folder).
        var code: MixdownError.Code
        var at: String?
        var script: String
        /// The production; SCRIPT is replaced by the script file's name.
        var production: String
        /// What the error line must say.
        var says: String
        var setup: (@Sendable (TemporaryFolder) throws -> Void)? = nil
        /// Where the engine does not yet give the documented code or path: what is wrong.
        var knownIssue: String? = nil
        var testDescription: String { name }
    }

    static let template = #""soundTemplate": "corporate""#

    static let cases: [Case] = [
        Case(name: "unknown tag", code: .invalidScript, at: "s.txt:2:1", script: "<<sectionName::a>> Hi\n<<soundSegmnt::intro>> there", production: #"{"scriptFile": "SCRIPT"}"#,
             says: "s.txt:2:1: unknown tag '<<soundSegmnt::intro>>' (did you mean 'soundSegment'?)"),
        Case(name: "unclosed tag", code: .invalidScript, at: "s.txt:1:1", script: "<<sectionName::a Hi", production: #"{"scriptFile": "SCRIPT"}"#, says: "s.txt:1:1: unclosed tag"),
        Case(name: "duplicate section", code: .invalidScript, at: "s.txt:1:23", script: "<<sectionName::a>> Hi <<sectionName::a>> again", production: #"{"scriptFile": "SCRIPT"}"#,
             says: "duplicate section name 'a'"),
        Case(name: "unknown segment", code: .unknownName, at: "s.txt:1:23", script: "<<soundSegment::mian>><<sectionName::a>> Hi", production: #"{"scriptFile": "SCRIPT", \#(template)}"#,
             says: "unknown sound segment 'mian' (did you mean 'main'?) in template 'corporate' (segments: button, intro, main, main2, outro)"),
        // Strict delivery (docs/strict-delivery.md): each kind of warning refused, nothing written.
        Case(name: "strict: segment without a template", code: .noSoundTemplate, at: nil, script: "<<soundSegment::main>><<sectionName::a>> Hi",
             production: #"{"scriptFile": "SCRIPT", "strict": true}"#,
             says: "strict: the script asks for sound segment 'main' but the production has no soundTemplate: rendered without music"),
        Case(name: "strict: unused variable", code: .unusedVariable, at: nil, script: "Hi {{name|friend}}",
             production: #"{"scriptFile": "SCRIPT", "strict": true, "audience": {"nmae": "Sam"}}"#,
             says: "strict: audience 'nmae' is never used by the script (did you mean 'name'?)"),
        Case(name: "strict: markup removed", code: .markupRemoved, at: nil, script: #"<mstts:express-as style="cheerful">Hi</mstts:express-as>"#,
             production: #"{"scriptFile": "SCRIPT", "strict": true}"#, says: "s.txt:1:1: removed unsupported markup '<mstts:express-as>'"),
        Case(name: "strict: overflow", code: .sectionOverflow, at: "sectionProperties.a", script: "<<sectionName::a>> This line is far too long for half a second.",
             production: #"{"scriptFile": "SCRIPT", "strict": true, "sectionProperties": {"a": {"endAt": 0.5}}}"#, says: "ms too long for its span"),
        Case(name: "overflow: fail", code: .sectionOverflow, at: "sectionProperties.a", script: "<<sectionName::a>> This line is far too long for half a second.",
             production: #"{"scriptFile": "SCRIPT", "timelineProperties": {"overflow": "fail"}, "sectionProperties": {"a": {"endAt": 0.5}}}"#,
             says: "ms too long for its span (overflow: fail)"),
        Case(name: "strict: heavy limiting", code: .heavyLimiting, at: nil, script: "Hello there, and welcome to the show. We have a lot to talk about today.",
             production: #"{"scriptFile": "SCRIPT", "strict": true, \#(template), "loudnessTarget": -10, "truePeak": -1}"#, says: "strict: reaching -10.0 LUFS took up to"),
        Case(name: "strict: loudness target missed", code: .loudnessTargetMissed, at: nil, script: "Hi there.",
             production: #"{"scriptFile": "SCRIPT", "strict": true, "loudnessTarget": -2, "truePeak": -10}"#, says: "strict: "),
        Case(name: "unknown effect", code: .unknownName, at: "s.txt:1:23", script: "<<sectionName::a>> Hi <<soundEffect::bang>>", production: #"{"scriptFile": "SCRIPT", \#(template)}"#,
             says: "unknown sound effect 'bang' in template 'corporate' (effects: chime, whoosh)"),
        Case(name: "unknown media", code: .unknownName, at: "s.txt:1:20", script: "<<sectionName::a>> <<media::jingel>>", production: #"{"scriptFile": "SCRIPT", "mediaFiles": {"jingle": "j.wav"}}"#,
             says: "unknown media 'jingel' (did you mean 'jingle'?)"),
        Case(name: "missing media file", code: .invalidAudio, at: "s.txt:1:20", script: "<<sectionName::a>> <<media::jingle>>", production: #"{"scriptFile": "SCRIPT", "mediaFiles": {"jingle": "nothere.wav"}}"#,
             says: "media 'jingle': "),
        Case(name: "media that is not audio", code: .invalidAudio, at: "s.txt:1:20", script: "<<sectionName::a>> <<media::jingle>>", production: #"{"scriptFile": "SCRIPT", "mediaFiles": {"jingle": "notes.wav"}}"#,
             says: "not a readable audio file", setup: { try "notes".write(toFile: $0.file("notes.wav"), atomically: true, encoding: .utf8) }),
        Case(name: "endAt before the section's start", code: .invalidTiming, at: "sectionProperties.b.endAt", script: "<<sectionName::a>> Hi <<sectionName::b>> There",
             production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"a": {"endAt": 5}, "b": {"endAt": 4}}}"#,
             says: "sectionProperties.b.endAt: 4.000 s is not after the end of 'a' at 5.000 s"),
        Case(name: "endAt beyond forceLength", code: .invalidTiming, at: "sectionProperties.a.endAt", script: "<<sectionName::a>> Hi", production: #"{"scriptFile": "SCRIPT", "forceLength": 10, "sectionProperties": {"a": {"endAt": 12}}}"#,
             says: "sectionProperties.a.endAt: 12.000 s is beyond forceLength 10.000 s"),
        Case(name: "content before a fixed end", code: .invalidTiming, at: nil, script: "<<sectionName::a>> <break time=\"9s\"/> <<sectionName::b>> Hi",
             production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"b": {"endAt": 5}}}"#, says: "section 'b' would start at 9.300 s"),
        Case(name: "negative endAt", code: .invalidProduction, at: "sectionProperties.a.endAt", script: "<<sectionName::a>> Hi", production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"a": {"endAt": -2}}}"#,
             says: "sectionProperties.a.endAt: must be greater than 0, got -2"),
        Case(name: "zero forceLength", code: .invalidProduction, at: "forceLength", script: "Hi", production: #"{"scriptFile": "SCRIPT", "forceLength": 0}"#, says: "forceLength: must be greater than 0, got 0"),
        Case(name: "negative padding", code: .invalidProduction, at: "sectionProperties.a.paddingStart", script: "<<sectionName::a>> Hi", production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"a": {"paddingStart": -1}}}"#,
             says: "sectionProperties.a.paddingStart: must not be negative"),
        Case(name: "missing variable", code: .invalidScript, at: "s.txt:1:7", script: "Hello {{name}}!", production: #"{"scriptFile": "SCRIPT"}"#, says: "s.txt:1:7: no value for '{{name}}'"),
        Case(name: "unknown key", code: .invalidProduction, at: "forcelength", script: "Hi", production: #"{"scriptFile": "SCRIPT", "forcelength": 30}"#, says: "forcelength: unknown key (did you mean 'forceLength'?)"),
        Case(name: "wrong JSON type", code: .invalidProduction, at: "audience[0]", script: "Hi", production: #"{"scriptFile": "SCRIPT", "audience": ["Sam"]}"#, says: "audience[0]: must be an object, got a string"),
        Case(name: "invalid JSON", code: .invalidJSON, at: "p.json:2:11", script: "Hi", production: "{\"scriptFile\": \"SCRIPT\",\n \"voice\": }", says: "p.json:2:11: invalid JSON: unexpected character '}'"),
        Case(name: "unknown justify", code: .invalidProduction, at: "sectionProperties.a.justify", script: "<<sectionName::a>> Hi", production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"a": {"justify": "centr"}}}"#,
             says: "sectionProperties.a.justify: unknown value 'centr' (did you mean 'centre'?)"),
        Case(name: "properties for a section that does not exist", code: .unknownName, at: "sectionProperties.intr", script: "<<sectionName::intro>> Hi", production: #"{"scriptFile": "SCRIPT", "sectionProperties": {"intr": {"endAt": 3}}}"#,
             says: "sectionProperties.intr: no section 'intr' in the script (did you mean 'intro'?) (sections: intro)"),
        Case(name: "empty section", code: .invalidScript, at: "s.txt:1:1", script: "<<sectionName::a>> <<sectionName::b>> Hi", production: #"{"scriptFile": "SCRIPT"}"#, says: "section 'a' is empty"),
        Case(name: "missing script file", code: .invalidProduction, at: "scriptFile", script: "Hi", production: #"{"scriptFile": "other.txt"}"#, says: "scriptFile: no such file 'other.txt'"),
        Case(name: "unknown template", code: .unknownName, at: "soundTemplate", script: "Hi", production: #"{"scriptFile": "SCRIPT", "soundTemplate": "corprate"}"#,
             says: "soundTemplate: no template 'corprate' (did you mean 'corporate'?)"),
        Case(name: "unreadable template", code: .invalidJSON, at: "broken/template.json:1:10", script: "Hi", production: #"{"scriptFile": "SCRIPT", "soundTemplate": "broken"}"#,
             says: "broken/template.json:1:10: invalid JSON", setup: { f in
                 try FileManager.default.createDirectory(atPath: f.file("broken"), withIntermediateDirectories: true)
                 try "{\"name\": ,}".write(toFile: f.file("broken/template.json"), atomically: true, encoding: .utf8)
             }),
        Case(name: "template without the segment's audio", code: .invalidProduction, at: "segments.main.file", script: "Hi", production: #"{"scriptFile": "SCRIPT", "soundTemplate": "hollow"}"#,
             says: "hollow/template.json:1:32: segments.main.file: ", setup: { f in
                 try FileManager.default.createDirectory(atPath: f.file("hollow"), withIntermediateDirectories: true)
                 try #"{"segments": {"main": {"file": "missing.wav"}}}"#.write(toFile: f.file("hollow/template.json"), atomically: true, encoding: .utf8)
             }),
        Case(name: "unknown voice", code: .unknownName, at: "voice", script: "Hi", production: #"{"scriptFile": "SCRIPT", "voice": "en-xx"}"#, says: "voice: voice 'en-xx' is not an espeak-ng voice"),
        Case(name: "unknown section voice", code: .unknownName, at: "sections.b.voice", script: "<<sectionName::a>> Hi <<sectionName::b>> There",
             production: #"{"scriptFile": "SCRIPT", "sections": {"b": {"voice": "en-xx"}}}"#, says: "sections.b.voice: voice 'en-xx' is not an espeak-ng voice"),
        Case(name: "neural voice not installed", code: .unknownName, at: "voice", script: "Hi", production: #"{"scriptFile": "SCRIPT", "voice": "en_US-nobody-medium"}"#,
             says: "voice: voice 'en_US-nobody-medium' is not installed: "),
        Case(name: "mixed syntaxes", code: .invalidScript, at: "s.txt:1:23", script: "<<sectionName::a>> Hi <as:break time=\"1s\"/>", production: #"{"scriptFile": "SCRIPT"}"#,
             says: "mixes <<…::…>> tags and <as:…> elements"),
        Case(name: "unknown end format", code: .invalidProduction, at: "endFormat[0]", script: "Hi", production: #"{"scriptFile": "SCRIPT", "endFormat": ["mp3_mediun"]}"#,
             says: "endFormat[0]: unknown value 'mp3_mediun' (did you mean 'mp3_medium'?)"),
    ]

    @Test("bad input", arguments: cases)
    func refuses(_ c: Case) throws {
        let folder = TemporaryFolder()
        try c.script.write(toFile: folder.file("s.txt"), atomically: true, encoding: .utf8)
        try c.production.replacingOccurrences(of: "SCRIPT", with: "s.txt").write(toFile: folder.file("p.json"), atomically: true, encoding: .utf8)
        try c.setup?(folder)
        let before = folder.contents
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("out.wav"),
                                                "--report", folder.file("r.json"), "--stems", folder.file("stems")])
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)")
        #expect(run.stderrLines.count == 1, "stderr: \(run.stderr)")
        #expect(run.stderr.contains(c.says), "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
        #expect(folder.contents == before, "nothing may be written")

        // The same production through the engine in process: the error's code and where.
        let scratch = TemporaryFolder()
        do {
            var request = RenderRequest(production: try ProductionDecoder.load(path: folder.file("p.json")), name: "p", pool: .serial)
            request.output = folder.file("out.wav")
            request.cache = SpeechCache(directory: nil)
            request.temporaryDirectory = scratch.path
            request.templateLibraries = [Self.repository + "/SoundTemplates"]
            _ = try Pipeline.render(request)
            Issue.record("\(c.name): rendered in process")
        } catch let e as MixdownError {
            #expect(e.kind == .badInput)
            #expect(e.message.contains(c.says), "\(c.name): \(e.message)")
            func codeAndPath() {
                #expect(e.code == c.code, "\(c.name): \(e.code) — \(e.message)")
                #expect(e.path?.replacingOccurrences(of: folder.path + "/", with: "") == c.at, "\(c.name): at \(e.path ?? "nil") — \(e.message)")
            }
            if let issue = c.knownIssue { withKnownIssue(Comment(rawValue: issue)) { codeAndPath() } } else { codeAndPath() }
        }
        #expect(folder.contents == before, "nothing may be written in process either")
    }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
