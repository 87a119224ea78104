import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// `mixdown voices`: the metadata of every engine's voices (hibari and Pico among them, as
/// `make deps` installs them into .venv), `voices preview`, and a render with hibari and Pico.
@Suite struct VoicesTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func requireVenv() throws {
        try #require(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".venv/bin/python").path), "run `make deps`")
    }

    @Test func everyVoiceSaysItsQualityAndRate() throws {
        try requireVenv()
        let result = try Tools.run(Tools.mixdown, ["voices", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let voices = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        func voice(_ id: String) -> [String: Any] { voices.first { $0["id"] as? String == id } ?? [:] }
        #expect(voices.allSatisfy { ["neural", "parametric", "formant"].contains($0["quality"] as? String ?? "") })
        let heart = voice("hibari-heart")
        #expect(heart["engine"] as? String == "hibari" && heart["quality"] as? String == "neural" && heart["sampleRate"] as? Int == 24_000
                && heart["gender"] as? String == "female" && heart["languages"] as? [String] == ["en-US"])
        for language in ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT"] {
            let pico = voice("pico-\(language)")
            #expect(pico["engine"] as? String == "pico" && pico["quality"] as? String == "parametric" && pico["sampleRate"] as? Int == 16_000
                    && pico["languages"] as? [String] == [language] && pico["gender"] as? String == "female", "\(language): \(pico)")
        }
        let joe = voice("en_US-joe-medium")
        #expect(joe["quality"] as? String == "neural" && joe["tier"] as? String == "medium" && joe["sampleRate"] as? Int == 22_050)
        let espeak = voice("en-us")
        #expect(espeak["quality"] as? String == "formant" && espeak["sampleRate"] as? Int == 22_050 && espeak["tier"] == nil)
        #expect(voices.compactMap { $0["engine"] as? String }.firstIndex(of: "hibari") ?? 0 < voices.compactMap { $0["engine"] as? String }.firstIndex(of: "espeak-ng") ?? 0)
    }

    @Test func aPreviewSpeaksInTheVoicesLanguage() throws {
        try requireVenv()
        for (voice, text) in [("hibari-heart", nil), ("pico-fr-FR", nil), ("pico-en-GB", "Mind the gap."), ("en-us+f3", nil)] as [(String, String?)] {
            let out = folder.file("\(voice).wav")
            let run = try Tools.run(Tools.mixdown, ["voices", "preview", voice, "-o", out] + (text.map { ["--text", $0] } ?? []))
            try #require(run.status == 0, "\(voice): \(run.stderr)")
            let decoded = try AudioFileReader.read(out)
            #expect(decoded.audio.sampleRate == 48_000 && decoded.audio.channels.count == 1)
            let seconds = Double(decoded.audio.frameCount) / 48_000
            #expect(seconds > (text == nil ? 2.5 : 0.5) && seconds < 10, "\(voice): \(seconds) s")
        }
    }

    @Test func aPreviewOfAnUnknownOrMissingVoiceIsOneLine() throws {
        for (voice, environment, says) in [("pico-pt-PT", [String: String](), "is not a Pico voice"), ("xx-nonesuch", [:], "xx-nonesuch"),
                                           ("hibari-heart", ["MIXDOWN_PIPER_PYTHON": folder.file("none/bin/python")], "make deps"),
                                           ("pico-de-DE", ["MIXDOWN_PIPER_PYTHON": folder.file("none/bin/python")], "make deps")] {
            let out = folder.file("x.wav")
            let run = try Tools.run(Tools.mixdown, ["voices", "preview", voice, "-o", out], environment: environment)
            #expect(run.status == 1, "\(voice)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && run.stderr.contains(says), "\(voice): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// A render names hibari and Pico voices like any other: checked before any speech, spoken by their engines.
    @Test func aRenderSpeaksWithHibariAndPico() throws {
        try requireVenv()
        try "<<sectionName::a>>Good morning and welcome.\n<<sectionName::b>>Guten Morgen und willkommen.\n"
            .write(toFile: folder.file("s.txt"), atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: ["scriptFile": folder.file("s.txt"), "voice": "hibari-heart", "sections": ["b": ["voice": "pico-de-DE"]],
                                                    "endFormat": ["wav"]]).write(to: URL(fileURLWithPath: folder.file("s.json")))
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("s.json"), "-o", folder.file("s.wav"), "--report", folder.file("r.json")],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json")))) as? [String: Any] ?? [:]
        let items = (report["sections"] as? [[String: Any]] ?? []).flatMap { $0["items"] as? [[String: Any]] ?? [] }.filter { $0["kind"] as? String == "speech" }
        #expect(items.map { ($0["words"] as? [Any])?.count ?? 0 } == [4, 4])
        // Not installed: refused before any speech, one line naming `make deps`.
        let missing = try Tools.run(Tools.mixdown, ["render", folder.file("s.json"), "-o", folder.file("m.wav")],
                                    environment: ["MIXDOWN_CACHE": "off", "MIXDOWN_PIPER_PYTHON": folder.file("none/bin/python")])
        #expect(missing.status == 1 && missing.stderr.contains("voice: voice 'hibari-heart' needs hibari-tts") && missing.stderr.contains("make deps")
                && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("m.wav")))
    }
}
