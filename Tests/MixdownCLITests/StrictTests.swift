import Foundation
import MixdownIO
import MixdownTestSupport
import Testing

/// No silent substitutions (docs/strict-delivery.md): what a render changes or ignores is said,
/// and --strict refuses it with nothing written. Segments without a template render without
/// music; effects lead in (`align=end`) exactly where the report says.
@Suite struct StrictTests {
    let folder = TemporaryFolder()

    func mixdown(_ arguments: [String]) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, arguments, environment: ["MIXDOWN_CACHE": folder.file("cache")])
    }

    func write(_ name: String, _ text: String) throws { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func aMisspeltVarIsSaidAndStrictRefusesIt() throws {
        try write("p.json", #"{"scriptText": "Hi {{name|friend}}.", "endFormat": ["wav"]}"#)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out.wav"), "--var", "nmae=Sam", "--report", folder.file("r.json")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderrLines == ["mixdown: warning: --var 'nmae' is never used by the script (did you mean 'name'?)"])
        let warnings = try json(folder.file("r.json"))["warnings"] as? [[String: Any]]
        #expect(warnings?.first?["code"] as? String == "unusedVariable")
        // The listener heard the fallback: the words say so.
        let words = ((try json(folder.file("r.json"))["sections"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])?.first?["words"] as? [[String: Any]]
        #expect(words?.compactMap { $0["text"] as? String } == ["Hi", "friend."])

        let before = folder.contents
        let strict = try mixdown(["render", folder.file("p.json"), "-o", folder.file("strict.wav"), "--var", "nmae=Sam", "--strict"])
        #expect(strict.status == 1 && strict.stderrLines == ["mixdown: strict: --var 'nmae' is never used by the script (did you mean 'name'?)"], "\(strict.stderr)")
        #expect(folder.contents == before)
        let plan = try mixdown(["plan", folder.file("p.json"), "--var", "nmae=Sam", "--strict"])
        #expect(plan.status == 1 && plan.stderr.contains("strict: --var 'nmae'"))
    }

    /// SSML no engine can honour (a say-as it does not know): spoken as written, said;
    /// strictly, refused after the speech with nothing written.
    @Test func markupAnEngineIgnoresIsSaidAndStrictRefusesIt() throws {
        try write("p.json", #"{"scriptText": "Call <say-as interpret-as=\"vxml:digits\">12</say-as> now.", "voice": "en_US-joe-medium", "endFormat": ["wav"]}"#)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out.wav")])
        let said = "en_US-joe-medium (piper) cannot honour say-as interpret-as=\"vxml:digits\""
        #expect(run.status == 0 && run.stderr.contains("warning: ") && run.stderr.contains(said), "\(run.stderr)")
        let before = folder.contents
        let strict = try mixdown(["render", folder.file("p.json"), "-o", folder.file("strict.wav"), "--strict", "--report", folder.file("r.json")])
        #expect(strict.status == 1 && strict.stderrLines.count == 1 && strict.stderr.hasPrefix("mixdown: strict: ") && strict.stderr.contains(said), "\(strict.stderr)")
        #expect(folder.contents == before)
    }

    @Test func aMisspeltCSVColumnIsSaidOnceAndCountedAndStrictStopsTheBatch() throws {
        try write("p.json", #"{"scriptText": "Hi {{name|friend}}.", "endFormat": ["wav"]}"#)
        try write("rows.csv", "id,nmae\na,Sam\nb,Ana\nc,Kofi\n")
        let run = try mixdown(["batch", folder.file("p.json"), "--audience", folder.file("rows.csv"), "-o", folder.file("out")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderrLines == ["mixdown: warning: CSV column 'nmae' is never used by the script (did you mean 'name'?)"], "\(run.stderr)")
        #expect(run.stdout.hasPrefix("batch: 3 rows: 3 ok (3 with warnings, in the manifest), 0 failed"), "\(run.stdout)")
        let lines = try String(contentsOfFile: folder.file("out/manifest.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains(#""status":"ok""#) && $0.contains("unusedVariable") })

        let strict = try mixdown(["batch", folder.file("p.json"), "--audience", folder.file("rows.csv"), "-o", folder.file("strict"), "--strict"])
        #expect(strict.status == 1 && strict.stderrLines.count == 1 && strict.stderr.contains("strict: CSV column 'nmae'"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("strict")), "a refused batch makes no folder")
    }

    @Test func aStrictBatchFailsTheRowsThatWarnAlone() throws {
        // Row b's name is too long for the one-second slot: fitted normally, refused strictly.
        try write("p.json", #"{"scriptText": "<<sectionName::a>> Hi {{name}}.", "sectionProperties": {"a": {"endAt": 1.2}}, "endFormat": ["wav"]}"#)
        try write("rows.csv", "id,name\na,Sam\nb,Bartholomew Montgomery Fitzwilliam the Third of Wessex\n")
        let run = try mixdown(["batch", folder.file("p.json"), "--audience", folder.file("rows.csv"), "-o", folder.file("out"), "--strict"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("batch: 2 rows: 1 ok, 1 failed (row 2)"), "\(run.stderr)")
        let lines = try String(contentsOfFile: folder.file("out/manifest.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let b = try #require(lines.first { $0["id"] as? String == "b" })
        #expect(b["status"] as? String == "failed" && b["code"] as? String == "sectionOverflow", "\(b)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/a.wav")) && !FileManager.default.fileExists(atPath: folder.file("out/b.wav")))
    }

    /// An AudioStack script mastered without a template: its segment tags are ignored, with a
    /// warning, and the programme has no music.
    /// `ending: button` on a programme shorter than the button: the bed fades, and the render
    /// says so (the report's `ending` alone would be easy to miss); strictly, refused.
    @Test func aButtonWithoutRoomIsSaidAndStrictRefusesIt() throws {
        // corporate's button: last onset 0.6 s, so it needs 0.7 s; the programme is 0.5 s.
        try write("p.json", #"""
            {"scriptText": "<<soundSegment::main>><break time=\"200ms\"/>", "soundTemplate": "corporate", "endFormat": ["wav"],
             "timelineProperties": {"forceLength": 0.5, "speechStart": 0, "ending": "button"}}
            """#)
        let said = "ending 'button' needs 0.700 s (the button's last onset + 100 ms) and the programme is 0.500 s: the bed fades out instead"
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out.wav"), "--report", folder.file("r.json")])
        #expect(run.status == 0 && run.stderrLines == ["mixdown: warning: \(said)"], "\(run.stderr)")
        let report = try json(folder.file("r.json"))
        #expect(report["ending"] as? String == "fade")
        #expect((report["warnings"] as? [[String: Any]])?.map { $0["code"] as? String } == ["endingFallback"])
        #expect(try AudioFileReader.read(folder.file("out.wav")).audio.frameCount == 24_000)
        let before = folder.contents
        let strict = try mixdown(["render", folder.file("p.json"), "-o", folder.file("strict.wav"), "--strict"])
        #expect(strict.status == 1 && strict.stderrLines == ["mixdown: strict: \(said)"], "\(strict.stderr)")
        #expect(folder.contents == before)
        let plan = try mixdown(["plan", folder.file("p.json"), "--strict", "--estimate"])
        #expect(plan.status == 1 && plan.stderrLines == ["mixdown: strict: \(said)"], "\(plan.stderr)")
    }

    @Test func segmentsWithoutATemplateRenderWithoutMusic() throws {
        try write("p.json", #"{"scriptText": "<<soundSegment::intro>><<sectionName::intro>> Welcome. <<soundSegment::main>><<sectionName::main>> Here is the news.", "endFormat": ["wav"]}"#)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out.wav"), "--report", folder.file("r.json"), "--stems", folder.file("stems")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: the script asks for sound segments 'intro', 'main' but the production has no soundTemplate: rendered without music"), "\(run.stderr)")
        let r = try json(folder.file("r.json"))
        #expect((r["music"] as? [Any])?.isEmpty == true)
        #expect((r["warnings"] as? [[String: Any]])?.first?["code"] as? String == "noSoundTemplate")
        let music = try AudioFileReader.read(folder.file("stems/music.wav")).audio
        #expect(music.channels.allSatisfy { $0.allSatisfy { $0 == 0 } }, "no music at all")
        let speech = try AudioFileReader.read(folder.file("stems/speech.wav")).audio
        #expect(speech.channels[0].contains { abs($0) > 0.05 })
    }

    /// `<<soundEffect::whoosh|align=end>>` before a line: the effect's last sample is the
    /// sample before the line starts (report and music stem), in both syntaxes.
    @Test(arguments: [
        "<<soundSegment::none>><<sectionName::a>> <break time=\"4s\"/> <<soundEffect::whoosh|align=end>> Here it comes.",
        "<as:section name=\"a\" soundsegment=\"none\"><as:break time=\"4s\"/><as:fx name=\"whoosh\" align=\"end\"/> Here it comes.</as:section>",
    ]) func aRiserLeadsIntoItsLine(script: String) throws {
        let production: [String: Any] = ["scriptText": script, "soundTemplate": "corporate", "endFormat": ["wav"]]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("p.json")))
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out.wav"), "--report", folder.file("r.json"), "--stems", folder.file("stems")])
        #expect(run.status == 0, "\(run.stderr)")
        let items = try #require(((try json(folder.file("r.json"))["sections"] as? [[String: Any]])?.first?["items"] as? [[String: Any]]))
        let effect = try #require(items.first { $0["kind"] as? String == "effect" })
        let speech = try #require(items.first { $0["kind"] as? String == "speech" })
        let point = try #require(speech["startSample"] as? Int)
        #expect(effect["endSample"] as? Int == point)
        let start = try #require(effect["startSample"] as? Int)
        #expect(start < point)
        // The music bus holds only the effect: sound up to the point, none from it on.
        let music = try AudioFileReader.read(folder.file("stems/music.wav")).audio.channels[0]
        #expect(music[start..<point].contains { abs($0) > 1e-4 })
        #expect(music[point...].allSatisfy { $0 == 0 }, "the effect sounds after its point")
        #expect(music[..<start].allSatisfy { $0 == 0 })
    }
}
