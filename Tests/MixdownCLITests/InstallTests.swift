import Foundation
import MixdownTestSupport
import Testing

/// Mixdown installed (`make install PREFIX=…`) and run as a user without the checkout runs it:
/// by its bare name from PATH, from another folder, with no MIXDOWN_* variable. And what it
/// says when its templates or a voice are missing: one line naming where it looked.
@Suite(.serialized) struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let folder = TemporaryFolder()

    /// `mixdown ARGUMENTS` in `directory` with only the environment given (`env -i`): PATH
    /// holds `bin` and the system's folders, never the checkout.
    func run(_ bin: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Tools.Result {
        let base = ["PATH": "\(bin):/usr/bin:/bin", "HOME": folder.file("home"), "TMPDIR": NSTemporaryDirectory()]
        let variables = base.merging(environment) { _, b in b }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // timeout: a command that should refuse to start (serve) must not hang the suite.
        return try Tools.run("/usr/bin/env", ["-i"] + variables + ["timeout", "300", "mixdown"] + arguments, directory: directory)
    }

    /// A copy of Examples/spot30 in a folder of its own.
    func spot(in name: String) throws -> String {
        let dir = folder.file(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for file in ["spot.json", "spot.txt"] {
            try FileManager.default.copyItem(atPath: Self.root + "/Examples/spot30/" + file, toPath: dir + "/" + file)
        }
        return dir
    }

    /// The built binary alone in PREFIX/bin: an install without templates, voices or Piper.
    func bareInstall() throws -> String {
        let prefix = folder.file("bare")
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Tools.mixdown, toPath: prefix + "/bin/mixdown")
        return prefix
    }

    func files(under path: String) -> [String] { (FileManager.default.subpaths(atPath: path) ?? []).sorted() }

    /// `make install` into a fresh prefix (the build reused: `-o build`), then the example spot
    /// rendered from a folder elsewhere by the installed binary alone: every format decodes to
    /// 30 s exactly, spoken by the installed neural voice. Then, with the installed templates
    /// removed, the render is refused in one line naming the folders searched.
    @Test func makeInstallRendersTheSpotFromAnyFolder() throws {
        let prefix = folder.file("prefix")
        let make = try Tools.run("make", ["-s", "-o", "build", "install", "PREFIX=\(prefix)"], directory: Self.root)
        try #require(make.status == 0, "make install: \(make.stdout) \(make.stderr)")
        for path in ["bin/mixdown", "share/mixdown/SoundTemplates/corporate/template.json", "share/mixdown/voices/en_US-joe-medium/en_US-joe-medium.onnx",
                     "share/mixdown/voices/en_US-joe-medium/en_US-joe-medium.onnx.json", "lib/mixdown/venv/bin/python"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + path), "\(path) not installed")
        }
        #expect(!FileManager.default.fileExists(atPath: prefix + "/share/mixdown/SoundTemplates/Generator"))
        let bin = prefix + "/bin"

        let templates = try run(bin, ["templates", "--json"], in: folder.path)
        try #require(templates.status == 0, "\(templates.stderr)")
        let listed = try JSONSerialization.jsonObject(with: Data(templates.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(listed.count == 12)
        let voices = try run(bin, ["voices", "--json"], in: folder.path)
        #expect((try JSONSerialization.jsonObject(with: Data(voices.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String == "en_US-joe-medium")

        let work = try spot(in: "work")
        try FileManager.default.createDirectory(atPath: work + "/out", withIntermediateDirectories: true)
        // No MIXDOWN_* variable at all: the speech cache is ~/.cache/mixdown of the test's HOME.
        let render = try run(bin, ["render", "spot.json", "-o", "out/spot", "--report", "out/report.json"], in: work)
        try #require(render.status == 0, "\(render.stderr)")
        for file in ["out/spot.wav", "out/spot.mp3"] {
            let decoded = try Tools.ffmpegDecode(work + "/" + file)
            #expect(decoded.frames == 30 * decoded.sampleRate, "\(file): \(decoded.frames) frames at \(decoded.sampleRate) Hz")
        }
        #expect(try Tools.ffmpegDecode(work + "/out/spot.wav").frames == 1_440_000)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/out/report.json"))) as? [String: Any] ?? [:]
        #expect((report["speech"] as? [String: Int])?["synthesised"] ?? 0 > 0)

        // The installed templates removed: one line, the folders searched, MIXDOWN_TEMPLATES.
        try FileManager.default.removeItem(atPath: prefix + "/share/mixdown/SoundTemplates")
        let again = try spot(in: "again")
        let before = files(under: again)
        let refused = try run(bin, ["render", "spot.json", "-o", "out.wav"], in: again)
        #expect(refused.status == 1, "exit \(refused.status): \(refused.stderr)")
        #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
        for says in ["no template 'corporate'", "\(again)/SoundTemplates", "\(prefix)/share/mixdown/SoundTemplates", "MIXDOWN_TEMPLATES"] {
            #expect(refused.stderr.contains(says), "not saying \(says): \(refused.stderr)")
        }
        #expect(files(under: again) == before, "nothing may be written")
    }

    /// No template anywhere: `templates` (and `--json`) and `serve` refuse in one line naming
    /// the folders searched and MIXDOWN_TEMPLATES; serve starts nothing and writes nothing.
    @Test func withoutTemplatesEveryCommandSaysWhereItLooked() throws {
        let prefix = try bareInstall()
        let empty = folder.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        for arguments in [["templates"], ["templates", "--json"], ["serve", "--port", "0", "--data", folder.file("data")]] {
            let r = try run(prefix + "/bin", arguments, in: folder.path, environment: ["MIXDOWN_TEMPLATES": empty])
            #expect(r.status == 1, "\(arguments): exit \(r.status): \(r.stderr)")
            #expect(r.stderrLines.count == 1 && r.stdout.isEmpty, "\(arguments): \(r.stdout) \(r.stderr)")
            for says in ["no sound templates found", empty, "\(folder.path)/SoundTemplates", "\(prefix)/share/mixdown/SoundTemplates", "MIXDOWN_TEMPLATES"] {
                #expect(r.stderr.contains(says), "\(arguments): not saying \(says): \(r.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("data")), "serve must not have started")
    }

    /// A production naming a neural voice that is not installed (no voice of that id in
    /// MIXDOWN_VOICES or beside the binary, no Piper) is refused before any speech: exit 1,
    /// one line at the production key that named it, the folders searched and MIXDOWN_VOICES,
    /// nothing written and nothing synthesised (the speech cache stays empty).
    @Test func aVoiceThatIsNotInstalledIsRefusedBeforeAnySpeech() throws {
        let prefix = try bareInstall()
        let voices = folder.file("no-voices")
        try FileManager.default.createDirectory(atPath: voices, withIntermediateDirectories: true)
        let work = try spot(in: "work")
        var production = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/spot.json"))) as! [String: Any]
        production["voice"] = "en-us"
        production["sections"] = ["close": ["voice": "en_GB-nobody-low"]]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: work + "/sections.json"))
        let environment = ["MIXDOWN_TEMPLATES": Self.root + "/SoundTemplates", "MIXDOWN_VOICES": voices,
                           "MIXDOWN_PIPER_PYTHON": folder.file("no-piper/python"), "MIXDOWN_CACHE": folder.file("cache")]
        let before = files(under: work)
        for (file, key, voice) in [("spot.json", "voice", "en_US-joe-medium"), ("sections.json", "sections.close.voice", "en_GB-nobody-low")] {
            let r = try run(prefix + "/bin", ["render", file, "-o", "out/spot", "--report", "out/r.json"], in: work, environment: environment)
            #expect(r.status == 1, "\(file): exit \(r.status): \(r.stderr)")
            #expect(r.stderrLines.count == 1, "\(file): \(r.stderr)")
            for says in ["\(key): voice '\(voice)' is not installed", voices, "\(prefix)/share/mixdown/voices", "MIXDOWN_VOICES", "Piper itself is not installed"] {
                #expect(r.stderr.contains(says), "\(file): not saying \(says): \(r.stderr)")
            }
        }
        #expect(files(under: work) == before, "nothing may be written")
        #expect(files(under: folder.file("cache")).isEmpty, "nothing may be synthesised: \(files(under: folder.file("cache")))")
    }
}
