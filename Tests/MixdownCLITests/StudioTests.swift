import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// Mixdown Studio in a real headless Chromium, driven over WebDriver as a producer would use it
/// (Tests/Studio/studio_test.py), against a real `mixdown serve` started here: sign in, a
/// misspelt tag shown at its line and fixed, template and voice previews heard, a plan with its
/// overflow marked, a render with its report, player and download, a master with A/B, a 5-row
/// batch, the job list and a delete, the XSS probes kept as text, keyboard and labels, no
/// console error and no request to another origin. What the browser downloaded is checked
/// here with ffmpeg.
@Suite(.serialized) struct StudioTests {
    let folder = TemporaryFolder()
    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func aProducerMakesASpotInTheStudio() throws {
        let python = repository.appendingPathComponent(".venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "run `make deps`: it makes .venv with selenium")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "run `make deps`: it installs chromium-driver")
        let data = folder.file("data")
        let made = try Tools.run(Tools.mixdown, ["keys", "add", "studio", "--data", data])
        try #require(made.status == 0, "\(made.stderr)")
        let key = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "2", "--data", data], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }

        // A quiet, uneven mix to master (music-like under speech-like, 8 s), and a 5-row audience
        // with a column the script never uses and a value that looks like markup.
        let mix = folder.file("mix.wav")
        let m = Signals.musicLike(seconds: 8), s = Signals.speechLike(seconds: 8)
        let quiet = AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { c in zip(m.channels[c], s.channels[c]).map { 0.05 * ($0 * 0.3 + $1) } })
        try AudioFileWriter.writeFloatWAV(quiet, to: mix)
        let csv = folder.file("rows.csv")
        try "name,citty\nSam,York\nPriya,Leeds\n\"<img src=z onerror=alert(3)>\",Bath\nAna,Hull\nLi,Ely\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let out = folder.file("browser")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        let run = try Tools.run(python, [repository.appendingPathComponent("Tests/Studio/studio_test.py").path, "--base", server.base, "--key", key,
                                         "--out", out, "--mix", mix, "--csv", csv])
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let result = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "no result: \(run.stdout.suffix(2_000)) \(run.stderr.suffix(3_000))")
        // Screenshots of every screen, kept when asked (to look at them).
        if let keep = ProcessInfo.processInfo.environment["MIXDOWN_STUDIO_SCREENSHOTS"] {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            for path in (result["screenshots"] as? [String] ?? []) + [out + "/failure.png"] where FileManager.default.fileExists(atPath: path) {
                try? FileManager.default.removeItem(atPath: keep + "/" + URL(fileURLWithPath: path).lastPathComponent)
                try? FileManager.default.copyItem(atPath: path, toPath: keep + "/" + URL(fileURLWithPath: path).lastPathComponent)
            }
        }
        #expect(run.status == 0 && result["ok"] as? Bool == true, "\(result["failed"] ?? "") \(run.stderr.suffix(2_000))")
        #expect((result["screenshots"] as? [String])?.count == 8)

        // The MP3 the browser downloaded decodes (ffmpeg) to exactly the programme's length.
        let render = try #require(result["render"] as? [String: Any])
        let total = try #require(render["totalSamples"] as? Int), rate = try #require(render["sampleRate"] as? Int)
        let decoded = try Tools.ffmpegDecode(try #require(render["mp3"] as? String))
        #expect(decoded.sampleRate == 44_100)
        #expect(decoded.frames == SampleTime.rescale(total, from: rate, to: 44_100), "\(decoded.frames) frames for \(total) at \(rate) Hz")
        #expect(decoded.samples.contains { abs($0) > 0.1 }, "the download is the spot, not silence")
        // The previews and the player had real durations.
        #expect((result["templatePreviewSeconds"] as? Double).map { abs($0 - 12) < 0.1 } == true, "\(result["templatePreviewSeconds"] ?? "")")
        #expect((result["voicePreviewSeconds"] as? Double ?? 0) > 2)
        #expect((result["playerSeconds"] as? Double).map { abs($0 - Double(total) / Double(rate)) < 0.1 } == true)
        // Nothing unexpected in the console; the only requests went to this server.
        let console = result["console"] as? [String: Any] ?? [:]
        #expect((console["errors"] as? [String])?.isEmpty == true, "\(console)")
        #expect((result["requests"] as? Int ?? 0) > 20)
    }
}
