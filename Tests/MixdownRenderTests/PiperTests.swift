import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// The `piper` engine through the CLI, with the en_US-joe-medium voice `make deps` installs
/// into .venv: the example spot, word timings, speed, the cache, and every way it can fail.
@Suite(.serialized) struct PiperTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let voice = "en_US-joe-medium"

    func render(_ arguments: [String], environment: [String: String] = [:]) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, ["render"] + arguments, environment: ["MIXDOWN_CACHE": folder.file("cache")].merging(environment) { _, b in b })
    }

    func report(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    @Test func theSpotSpeaksWithTheNeuralVoiceWithWordTimings() throws {
        try #require(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".venv/bin/python").path), "run `make deps`: it installs Piper into .venv")
        let spot = Self.root.appendingPathComponent("Examples/spot30").path
        var production = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spot + "/spot.json"))) as! [String: Any]
        production["voice"] = Self.voice
        production["scriptFile"] = spot + "/spot.txt"
        production["endFormat"] = ["wav"]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("spot.json")))
        let run = try render([folder.file("spot.json"), "-o", folder.file("spot.wav"), "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(try Tools.ffmpegDecode(folder.file("spot.wav")).frames == 1_440_000)
        let r = try report(folder.file("r.json"))
        let items = (r["sections"] as? [[String: Any]] ?? []).flatMap { $0["items"] as? [[String: Any]] ?? [] }.filter { $0["kind"] as? String == "speech" }
        #expect(items.count == 4)
        for item in items {
            let start = item["startSample"] as! Int, end = item["endSample"] as! Int
            let words = item["words"] as? [[String: Any]] ?? []
            let text = (item["text"] as? String ?? "").split(separator: " ")
            #expect(words.count == text.count, "\(item["text"] ?? ""): \(words.count) words")
            var previous = start
            for w in words {
                let s = w["startSample"] as! Int, e = w["endSample"] as! Int
                #expect(s >= previous && e > s && e <= end, "\(w)")
                previous = e
            }
        }
        // The cache: a second render is byte-identical and synthesises nothing.
        let second = try render([folder.file("spot.json"), "-o", folder.file("again.wav"), "--report", folder.file("r2.json")])
        try #require(second.status == 0, "\(second.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("again.wav"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("spot.wav"))))
        #expect((try report(folder.file("r2.json"))["speech"] as? [String: Int])?["synthesised"] == 0)
        // (How much faster the warm render is: Benchmarks/speech-cache.sh.)
    }

    /// How unlike two speech stems are: the RMS of their difference over the louder one's RMS
    /// (0 for the same audio; about 1.4 for two unrelated voices of one level).
    static func difference(_ a: [Float], _ b: [Float]) -> Double {
        let n = max(a.count, b.count)
        func at(_ x: [Float], _ i: Int) -> Double { i < x.count ? Double(x[i]) : 0 }
        var d = 0.0, ea = 0.0, eb = 0.0
        for i in 0..<n { let (x, y) = (at(a, i), at(b, i)); d += (x - y) * (x - y); ea += x * x; eb += y * y }
        return (d / max(ea, eb, 1e-30)).squareRoot()
    }

    /// The speech stem of one render of `text` with `voice` (and the run, and its report).
    func speak(_ text: String, voice: String, name: String, environment: [String: String] = [:]) throws -> (run: Tools.Result, report: [String: Any], speech: [Float]) {
        try "<<sectionName::a>>\(text)\n".write(toFile: folder.file("\(name).txt"), atomically: true, encoding: .utf8)
        let run = try render(["--script", folder.file("\(name).txt"), "--voice", voice, "-o", folder.file("\(name).wav"), "--report", folder.file("\(name).json"),
                              "--stems", folder.file("\(name)-stems")], environment: environment)
        try #require(run.status == 0, "\(run.stderr)")
        return (run, try report(folder.file("\(name).json")), try AudioFileReader.read(folder.file("\(name)-stems/speech.wav")).audio.channels[0])
    }

    static let sentence = "Good morning, and welcome to a brand new day of fresh coffee."

    /// Piper spoke, not espeak-ng in its place: the speech is not what espeak-ng says in the
    /// voice's language (en-us).
    @Test func piperIsTheEngineThatSpoke() throws {
        let piper = try speak(Self.sentence, voice: Self.voice, name: "piper")
        let espeak = try speak(Self.sentence, voice: "en-us", name: "espeak")
        let unlike = Self.difference(piper.speech, espeak.speech)
        #expect(unlike > 0.5, "the Piper voice's speech is within \(unlike) of espeak-ng's en-us")
    }

    /// `voices --json`: the Piper voice first, espeak-ng's voices, and its variants with
    /// their genders (the female ones findable).
    @Test func voicesListEveryEngineAndTheVariants() throws {
        let run = try Tools.run(Tools.mixdown, ["voices", "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        let voices = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(voices.first?["id"] as? String == Self.voice && voices.first?["engine"] as? String == "piper" && voices.first?["quality"] as? String == "neural"
                && voices.first?["tier"] as? String == "medium")
        #expect(voices.allSatisfy { ["id", "engine", "name", "languages", "gender", "quality"].allSatisfy($0.keys.contains) })
        let f3 = voices.first { $0["id"] as? String == "en-us+f3" }
        #expect(f3?["gender"] as? String == "female" && f3?["engine"] as? String == "espeak-ng")
        #expect(voices.filter { $0["variant"] != nil && $0["gender"] as? String == "female" }.count >= 10)
        #expect(voices.contains { $0["id"] as? String == "en-us" && $0["variant"] == nil })
        // A listed variant speaks.
        try "<<sectionName::a>>Hello there.\n".write(toFile: folder.file("v.txt"), atomically: true, encoding: .utf8)
        let spoken = try render(["--script", folder.file("v.txt"), "--voice", "en-us+f3", "-o", folder.file("v.wav")])
        #expect(spoken.status == 0, "\(spoken.stderr)")
    }

    /// The same text speaks the same samples from a cold cache: as the second request of one
    /// process and as the first of another (Piper's own noise was drawn from a generator that
    /// advanced with every call, so every cold cache rendered a different spot). Each process
    /// has its own empty cache; the clip both stored under the same key must be byte for byte
    /// the same.
    @Test func theSameTextSpeaksTheSameSamplesInAnyProcess() throws {
        let other = "Fresh beans, the perfect grind, every single time."
        try "<<sectionName::a>>\(other)\n<<sectionName::b>>\(Self.sentence)\n".write(toFile: folder.file("two.txt"), atomically: true, encoding: .utf8)
        try "<<sectionName::b>>\(Self.sentence)\n".write(toFile: folder.file("one.txt"), atomically: true, encoding: .utf8)
        var stored = [[String: Data]]()
        for name in ["two", "one"] {
            let cache = folder.file("cache-\(name)")
            let run = try render(["--script", folder.file("\(name).txt"), "--voice", Self.voice, "-o", folder.file("\(name).wav")],
                                 environment: ["MIXDOWN_CACHE": cache])
            try #require(run.status == 0, "\(run.stderr)")
            let files = (FileManager.default.subpaths(atPath: cache + "/speech") ?? []).filter { $0.contains("/") && !$0.hasPrefix(".") }
            stored.append(Dictionary(uniqueKeysWithValues: try files.map { (URL(fileURLWithPath: $0).lastPathComponent,
                                                                            try Data(contentsOf: URL(fileURLWithPath: cache + "/speech/" + $0))) }))
        }
        try #require(stored[0].count == 2 && stored[1].count == 1, "clips stored: \(stored[0].count) and \(stored[1].count)")
        let (key, clip) = try #require(stored[1].first)
        let again = try #require(stored[0][key], "the sentence's key is not among the first process's clips")
        #expect(again.count == clip.count && again == clip, "the same sentence spoke different audio (\(again.count) and \(clip.count) bytes)")
    }

    /// Pitch 1.5 raises the voice's fundamental by about a fifth, with the clip's words intact.
    @Test func pitchShiftsTheVoice() throws {
        try "<<sectionName::a>>Good morning, and welcome to a brand new day of fresh coffee.\n".write(toFile: folder.file("p.txt"), atomically: true, encoding: .utf8)
        var medians = [Double]()
        for pitch in [1.0, 1.5] {
            try JSONSerialization.data(withJSONObject: ["scriptFile": folder.file("p.txt"), "voice": Self.voice, "pitch": pitch, "endFormat": ["wav"]])
                .write(to: URL(fileURLWithPath: folder.file("p\(pitch).json")))
            let run = try render([folder.file("p\(pitch).json"), "-o", folder.file("p\(pitch).wav"), "--stems", folder.file("ps\(pitch)"),
                                  "--report", folder.file("p\(pitch)-r.json")])
            try #require(run.status == 0, "\(run.stderr)")
            let speech = try AudioFileReader.read(folder.file("ps\(pitch)/speech.wav")).audio.channels[0]
            medians.append(try #require(Pitch.median(speech[...])))
            let warnings = try report(folder.file("p\(pitch)-r.json"))["warnings"] as? [[String: Any]] ?? []
            #expect(!warnings.contains { $0["code"] as? String == "ssmlIgnored" })
        }
        #expect(medians[1] / medians[0] > 1.35 && medians[1] / medians[0] < 1.65, "f0 \(medians[0]) Hz → \(medians[1]) Hz")
    }

    @Test func speedShortensTheClip() throws {
        // Piper's durations vary a little from one sentence to the next (its noise, drawn per
        // request): three sentences average that out.
        try """
        <<sectionName::a>>Fresh beans, the perfect grind, every single time you make a cup. Meet Brewline, the smart grinder that \
        has your coffee ready before you are. Better mornings start here, so visit brewline dot com today.
        """.write(toFile: folder.file("s.txt"), atomically: true, encoding: .utf8)
        var lengths = [Double]()
        for speed in [1.0, 1.25] {
            try JSONSerialization.data(withJSONObject: ["scriptFile": folder.file("s.txt"), "voice": Self.voice, "speed": speed, "endFormat": ["wav"]])
                .write(to: URL(fileURLWithPath: folder.file("s\(speed).json")))
            let run = try render([folder.file("s\(speed).json"), "-o", folder.file("s\(speed).wav"), "--report", folder.file("s\(speed)-r.json")])
            try #require(run.status == 0, "\(run.stderr)")
            let item = ((try report(folder.file("s\(speed)-r.json"))["sections"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])?.first ?? [:]
            lengths.append(Double((item["endSample"] as? Int ?? 0) - (item["startSample"] as? Int ?? 0)))
        }
        let shorter = 1 - lengths[1] / lengths[0]
        #expect(shorter >= 0.15 && shorter <= 0.25, "speed 1.25 shortened the clip by \(shorter * 100) %")
    }

    /// Without Piper (no interpreter that has it), a Piper voice is refused before any speech,
    /// in one line naming the interpreter looked for and MIXDOWN_PIPER_PYTHON: never spoken by
    /// espeak-ng in its place.
    @Test func withoutPiperAPiperVoiceIsRefused() throws {
        try "<<sectionName::a>>\(Self.sentence)\n".write(toFile: folder.file("f.txt"), atomically: true, encoding: .utf8)
        // (The checkout's .venv still holds the voice files, but no interpreter can run them.)
        let run = try render(["--script", folder.file("f.txt"), "--voice", Self.voice, "-o", folder.file("f.wav"), "--report", folder.file("f.json")],
                             environment: ["MIXDOWN_PIPER_PYTHON": "/nonexistent/python", "MIXDOWN_VOICES": "", "HOME": folder.path])
        #expect(run.status == 1 && run.stderrLines.count == 1, "exit \(run.status): \(run.stderr)")
        for says in ["voice: voice '\(Self.voice)' needs Piper, which is not installed (no /nonexistent/python)", "MIXDOWN_PIPER_PYTHON"] {
            #expect(run.stderr.contains(says), "\(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("f.wav")) && !FileManager.default.fileExists(atPath: folder.file("f.json")))
        #expect((FileManager.default.subpaths(atPath: folder.file("cache")) ?? []).isEmpty, "nothing may be synthesised")
    }

    @Test func failuresAreOneLineAndLeaveNothing() throws {
        try "<<sectionName::a>>Hello there.\n".write(toFile: folder.file("h.txt"), atomically: true, encoding: .utf8)
        // A damaged model (its configuration intact), a missing one, an unknown voice id.
        let model = folder.file("damaged.onnx")
        try Data((0..<2_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: model))
        let config = Self.root.appendingPathComponent(".venv/lib").path
        let joe = try FileManager.default.subpathsOfDirectory(atPath: config).first { $0.hasSuffix("\(Self.voice).onnx.json") }
        try FileManager.default.copyItem(atPath: config + "/" + (try #require(joe)), toPath: model + ".json")
        let hang = folder.file("hang.sh")
        try "#!/bin/sh\nexec sleep 600\n".write(toFile: hang, atomically: true, encoding: .utf8)
        chmod(hang, 0o755)
        let cases: [(String, [String: String], String)] = [
            (model, [:], "cannot load the voice model"),
            (folder.file("missing.onnx"), [:], "no such Piper model file"),
            ("en_US-nobody-medium", [:], "voice 'en_US-nobody-medium' is not installed: no en_US-nobody-medium.onnx in "),
            ("en_US-nobody-medium", [:], "; set MIXDOWN_VOICES to a folder holding en_US-nobody-medium.onnx"),
            (model, ["MIXDOWN_PIPER_PYTHON": "/nonexistent/python"], "needs Piper, which is not installed (no /nonexistent/python)"),
            (Self.voice, ["MIXDOWN_PIPER_PYTHON": hang, "MIXDOWN_PIPER_TIMEOUT": "3"], "speech engine 'piper' did not answer within 3 s"),
        ]
        for (voice, environment, says) in cases {
            let out = folder.file("out.wav")
            let run = try render(["--script", folder.file("h.txt"), "--voice", voice, "-o", out], environment: environment.merging(["MIXDOWN_CACHE": "off"]) { _, b in b })
            #expect(run.status == 1 && run.stderr.split(separator: "\n").count == 1 && run.stderr.contains(says), "\(voice): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
