import Foundation
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownSpeech
import MixdownTestSupport
import Testing
import MixdownRender
import MixdownReport

/// The streaming engine: the output does not depend on the block size; checks that need no
/// speech run before any speech; a programme's last 100 ms start nothing new.
@Suite(.serialized) struct StreamingTests {
    let folder = TemporaryFolder()

    func write(_ name: String, _ text: String) throws { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Renders through the library with a chosen block size.
    func render(_ production: String, blockFrames: Int, output: String, stems: String? = nil, cache: String) throws -> RenderReport {
        var request = RenderRequest(production: try ProductionDecoder.load(path: production), name: "p", pool: .machine())
        request.output = output
        request.blockFrames = blockFrames
        request.stemsDirectory = stems
        request.cache = SpeechCache(directory: cache)
        request.temporaryDirectory = folder.path
        return try Pipeline.render(request)
    }

    @Test func blockSizeDoesNotChangeTheOutput() throws {
        // Speech, a media insert, an effect, segment changes, a cut section and the outro: every
        // stage of the engine crosses block boundaries.
        let tone = (0..<30_001).map { Float(0.3 * sin(2 * Double.pi * 660 * Double($0) / 48_000)) }
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [tone, tone]), to: folder.file("tone.wav"))
        try write("script.txt", """
        <<soundSegment::intro>><<sectionName::first>> Block sizes must not matter. <<media::tone>> <<soundEffect::whoosh>>
        <<soundSegment::main>><<sectionName::second>> This section is far too long for the short span it has been given, so it will be compressed.
        <<sectionName::third>> And the end.
        """)
        try write("p.json", """
        {"scriptFile": "script.txt", "soundTemplate": "\(Self.repository)/SoundTemplates/corporate", "forceLength": 14,
         "mediaFiles": {"tone": {"path": "tone.wav", "role": "insert"}},
         "sectionProperties": {"second": {"endAt": 7}, "third": {"endAt": 11}},
         "masteringPreset": "radio", "endFormat": ["wav", "mp3_medium"]}
        """)
        var outputs = [[UInt8]]()
        var stems = [[Float]]()
        for (i, size) in [1_000, 4_096, 65_536].enumerated() {
            try FileManager.default.createDirectory(atPath: folder.file("o\(i)"), withIntermediateDirectories: true)
            let report = try render(folder.file("p.json"), blockFrames: size, output: folder.file("o\(i)/"), stems: folder.file("s\(i)"),
                                    cache: folder.file("cache"))
            #expect(report.totalSamples == 672_000)
            outputs.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("o\(i)/p.wav")))) +
                           [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("o\(i)/p.mp3")))))
            // (Float WAVs carry libsndfile's PEAK chunk with a time stamp: compare the samples.)
            stems.append(try ["speech", "music", "mix"].flatMap { try AudioFileReader.read(folder.file("s\(i)/\($0).wav")).audio.channels.flatMap { $0 } })
        }
        #expect(outputs[0].count > 1_000_000)
        #expect(outputs[0] == outputs[1], "1,000-frame blocks differ from 4,096")
        #expect(outputs[1] == outputs[2], "4,096-frame blocks differ from 65,536")
        #expect(stems[0] == stems[1] && stems[1] == stems[2], "stems differ between block sizes")
        // And the audio is really there: the decoded WAV is the programme's length and not silent.
        let decoded = try Tools.ffmpegDecode(folder.file("o0/p.wav"))
        #expect(decoded.samples.count == 672_000 * 2)
        #expect(decoded.samples.map(abs).max()! > 0.3)
    }

    /// An external engine that writes down every call before speaking.
    func recordingEngine() throws -> String {
        try write("engine.sh", """
        #!/bin/sh
        echo called >> "\(folder.file("calls.log"))"
        exec espeak-ng -w "$1" "$2"
        """)
        chmod(folder.file("engine.sh"), 0o755)
        return #"{"command": ["\#(folder.file("engine.sh"))", "{output}", "{text}"], "timeoutSeconds": 20}"#
    }

    @Test(arguments: [
        ("unknown media", #"<<sectionName::a>> Hello. <<media::jingel>>"#, #""mediaFiles": {"jingle": "tone.wav"},"#, "unknown media 'jingel'"),
        ("endAt out of order", #"<<sectionName::a>> Hello. <<sectionName::b>> There."#,
         #""sectionProperties": {"a": {"endAt": 5}, "b": {"endAt": 4}},"#, "sectionProperties.b.endAt: 4.000 s is not after the end of 'a'"),
        ("unknown effect", #"<<sectionName::a>> Hello. <<soundEffect::boom>>"#, #""soundTemplate": "corporate","#, "unknown sound effect 'boom'"),
    ])
    func checksRunBeforeAnySpeech(_ name: String, script: String, extra: String, says: String) throws {
        let tone = [Float](repeating: 0.1, count: 4_800)
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [tone]), to: folder.file("tone.wav"))
        try write("p.json", """
        {"scriptText": "\(script.replacingOccurrences(of: "\"", with: "\\\""))", \(extra.replacingOccurrences(of: "\"corporate\"", with: "\"\(Self.repository)/SoundTemplates/corporate\""))
         "speechEngine": \(try recordingEngine()), "endFormat": "wav"}
        """)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("o.wav")], environment: ["MIXDOWN_CACHE": "off"])
        #expect(run.status == 1)
        #expect(run.stderr.contains(says), "\(name): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("calls.log")), "\(name): the engine was called")
        #expect(!FileManager.default.fileExists(atPath: folder.file("o.wav")))
    }

    @Test func unwritableOutputIsRefusedBeforeRendering() throws {
        try write("p.json", #"{"scriptText": "<<sectionName::a>> Hello.", "speechEngine": \#(try recordingEngine()), "endFormat": "wav"}"#)
        try FileManager.default.createDirectory(atPath: folder.file("locked"), withIntermediateDirectories: true)
        chmod(folder.file("locked"), 0o555)
        defer { chmod(folder.file("locked"), 0o755) }
        for (output, says) in [(folder.file("missing/o.wav"), "does not exist"), (folder.file("locked/o.wav"), "not writable")] {
            // root may write anywhere: the read-only case only means something for other users.
            if says == "not writable" && getuid() == 0 { continue }
            let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", output], environment: ["MIXDOWN_CACHE": "off"])
            #expect(run.status == 1)
            #expect(run.stderr.contains(says), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("calls.log")), "the engine was called for \(output)")
        }
        // A report path in a missing folder is refused before speaking too.
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("nowhere/r.json")],
                                environment: ["MIXDOWN_CACHE": "off"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("does not exist"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("calls.log")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("o.wav")))
    }

    /// Outputs in folders that take no new files are refused before any speech, naming the
    /// path as given (never a temporary). /proc and /sys refuse even root, whom permission
    /// bits do not stop, so these cases hold whoever runs the tests.
    @Test func outputsNoOneMayWriteAreRefusedBeforeAnySpeech() throws {
        try write("p.json", #"{"scriptText": "<<sectionName::a>> Hello.", "speechEngine": \#(try recordingEngine()), "endFormat": "wav"}"#)
        var cases = [(["-o", "/proc/version"], "/proc/version: cannot write: folder /proc is not writable"),
                     (["-o", folder.file("o.wav"), "--report", "/proc/r.json"], "/proc/r.json: cannot write: folder /proc is not writable")]
        if FileManager.default.fileExists(atPath: "/sys/kernel") {
            cases += [(["-o", "/sys/kernel/o.wav"], "/sys/kernel/o.wav: cannot write: folder /sys/kernel is not writable"),
                      (["-o", folder.file("o.wav"), "--stems", "/sys/kernel/stems"], "/sys/kernel/stems: cannot write: folder /sys/kernel is not writable")]
        }
        for (extra, says) in cases {
            let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json")] + extra, environment: ["MIXDOWN_CACHE": "off"])
            #expect(run.status == 1, "\(extra): \(run.stderr)")
            #expect(run.stderrLines.count == 1 && run.stderr.contains(says), "\(extra): \(run.stderr)")
            #expect(!run.stderr.contains(".partial"), "a temporary's name: \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("calls.log")), "the engine was called for \(extra)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("o.wav")))
        }
    }

    /// The largest rise of 5 ms RMS against the loudest 5 ms frame of the 100 ms before, within
    /// the last 100 ms (dB). An onset (a new attack) rises well above what came before.
    static func lastOnsetRise(_ x: [Float], rate: Int = 48_000) -> Double {
        let frame = rate / 200
        func rms(_ start: Int) -> Double {
            var s = 0.0
            for i in start..<(start + frame) { s += Double(x[i]) * Double(x[i]) }
            return (s / Double(frame)).squareRoot()
        }
        let end = x.count, tailStart = end - rate / 10
        var worst = -200.0
        for start in stride(from: tailStart, through: end - frame, by: frame / 2) {
            let before = stride(from: start - rate / 10, to: start - frame / 2, by: frame / 2).map(rms).max() ?? 0
            let now = rms(start)
            if now > 1e-5 { worst = max(worst, 20 * log10(now / max(before, 1e-9))) }
        }
        return worst
    }

    /// A click detector that does not lean on the product: how much larger the largest
    /// linear-prediction residual is in the segment change's crossfade (10 ms before it to
    /// 160 ms after) than anywhere in the music of the 3 s either side of it. The predictor
    /// (order 32, autocorrelation method) is fitted to that surrounding music, so it whitens the
    /// beds (tones, hats and all) and leaves what it cannot predict: a step or a spike stands out
    /// as a residual spike, a clean crossfade between two beds does not. Over every template's
    /// changes a clean render measures at most 1.4; a step as high as the crossfade's peak
    /// inserted into it measures at least 1.6 (both are measured below).
    static func clickRatio(_ x: [Float], at b: Int) -> Double {
        let window = (b - 480)..<(b + 7_680)
        let lo = max(1, b - 144_000), hi = min(x.count - 1, b + 144_000)
        let around = Array(x[lo..<window.lowerBound]) + Array(x[window.upperBound..<hi])
        let n = around.count, order = 32
        let hann = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n - 1))) }
        let w = zip(around, hann).map { Double($0 * $1) }
        var r = (0...order).map { k in (0..<(n - k)).reduce(0.0) { $0 + w[$1] * w[$1 + k] } }
        r[0] *= 1 + 1e-9
        var a = [Double](repeating: 0, count: order + 1)
        a[0] = 1
        var e = r[0]
        for i in 1...order {
            var acc = r[i]
            for j in 1..<i { acc += a[j] * r[i - j] }
            let k = -acc / e
            let previous = a
            for j in 1...i { a[j] = previous[j] + k * previous[i - j] }
            e *= 1 - k * k
        }
        func residual(_ m: Int) -> Double {
            var s = 0.0
            for k in 0...order where m - k >= 0 { s += a[k] * Double(x[m - k]) }
            return abs(s)
        }
        func largest(_ range: Range<Int>) -> Double { range.isEmpty ? 0 : range.map(residual).max()! }
        let inside = largest(window)
        let outside = max(largest((lo + 64)..<window.lowerBound), largest((window.upperBound + 64)..<hi))
        return inside / max(outside, 1e-12)
    }
    static let clickLimit = 1.5
    static let buttonClickLimit = 2.5

    @Test func nothingStartsInTheLastHundredMilliseconds() throws {
        let templates = try FileManager.default.contentsOfDirectory(atPath: Self.repository + "/SoundTemplates")
            .filter { FileManager.default.fileExists(atPath: Self.repository + "/SoundTemplates/\($0)/template.json") }.sorted()
        #expect(!templates.isEmpty)
        let spot = try String(contentsOfFile: Self.repository + "/Examples/spot30/spot.txt", encoding: .utf8)
        for template in templates {
            let path = Self.repository + "/SoundTemplates/" + template
            // The spot with this template's first effect in place of the example's chime.
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + "/template.json"))) as? [String: Any]
            let effect = ((manifest?["effects"] as? [String: Any])?.keys.sorted().first) ?? "chime"
            try write("spot.txt", spot.replacingOccurrences(of: "<<soundEffect::chime>>", with: "<<soundEffect::\(effect)>>"))
            let productions = [
                ("spot", """
                {"scriptFile": "spot.txt", "soundTemplate": "\(path)", "forceLength": 30,
                 "sectionProperties": {"intro": {"endAt": 8, "justify": "flex-end"}, "offer": {"endAt": 20, "justify": "centre"}, "close": {"endAt": 27}},
                 "endFormat": ["wav"]}
                """),
                ("forced", #"{"scriptText": "<<sectionName::a>> A short line over a long bed.", "soundTemplate": "\#(path)", "forceLength": 23.456, "endFormat": ["wav"]}"#),
            ]
            for (name, json) in productions {
                try write("\(name).json", json)
                let stems = folder.file("stems-\(template)-\(name)")
                let reportPath = folder.file("\(template)-\(name).json")
                let run = try Tools.run(Tools.mixdown, ["render", folder.file("\(name).json"), "-o", folder.file("\(template)-\(name).wav"), "--stems", stems,
                                                        "--report", reportPath], environment: ["MIXDOWN_CACHE": folder.file("cache")])
                try #require(run.status == 0, "\(run.stderr)")
                let music = try AudioFileReader.read(stems + "/music.wav").audio.channels[0]
                // Segment changes: no click (the crossfade's sharpest corner no sharper than the
                // music's own in the second either side), no dip in the crossfade (150 ms) below
                // the level either side of it.
                let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any] ?? [:]
                let regions = report["music"] as? [[String: Any]] ?? []
                // Intro (the spot), main (alternating with main2 where a template has one and the
                // region runs long), and the ending: the button where the template has one (both
                // are under 60 s), else the outro (docs/templates.md "Endings").
                let segments = regions.compactMap { $0["segment"] as? String }
                let ending = (manifest?["segments"] as? [String: Any])?["button"] != nil ? "button" : "outro"
                let opening = name == "spot" ? ["intro"] : []
                let middle = segments.dropFirst(opening.count).dropLast()
                #expect(Array(segments.prefix(opening.count)) == opening && segments.last == ending && middle.first == "main"
                        && middle.allSatisfy { $0 == "main" || $0 == "main2" }, "\(template) \(name): \(regions)")
                #expect(report["ending"] as? String == ending, "\(template) \(name)")
                func level(_ range: Range<Int>) -> Double {
                    20 * log10((music[range].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(range.count)).squareRoot() + 1e-9)
                }
                for region in regions.dropFirst() {
                    let b = region["startSample"] as? Int ?? 0
                    let window = b..<(b + 7_200)
                    // A button opens on a deliberate hit (a timpani, a power chord) sharper than the
                    // bed's own transients around it: its limit is higher, and an inserted step
                    // must still measure above it (below).
                    let limit = region["segment"] as? String == "button" ? Self.buttonClickLimit : Self.clickLimit
                    let click = Self.clickRatio(music, at: b)
                    #expect(click <= limit, "\(template) \(name): a click at the change to \(region["segment"] ?? ""): \(click)")
                    // The same measure catches a click: the music with a step as high as the
                    // crossfade's peak inserted halfway through it.
                    var clicked = music
                    let height = music[window].map { abs($0) }.max() ?? 0
                    for i in (b + 3_600)..<clicked.count { clicked[i] += height }
                    let injected = Self.clickRatio(clicked, at: b)
                    #expect(injected > limit, "\(template) \(name): an inserted click measures only \(injected)")
                    let before = level((b - 7_200)..<b), during = level(window), after = level((b + 7_200)..<(b + 14_400))
                    #expect(during >= min(before, after) - 1, "\(template) \(name): \(during) dB in the crossfade, \(before) before, \(after) after")
                }
                let decoded = try Tools.ffmpegDecode(folder.file("\(template)-\(name).wav"))
                #expect(decoded.frames == (name == "spot" ? 1_440_000 : 1_125_888), "\(template) \(name): \(decoded.frames) frames")
                let output = decoded.channel(0)
                let musicRise = Self.lastOnsetRise(music), outputRise = Self.lastOnsetRise(output)
                #expect(musicRise < 3, "\(template) \(name): music stem rises \(musicRise) dB in its last 100 ms")
                #expect(outputRise < 3, "\(template) \(name): output rises \(outputRise) dB in its last 100 ms")
            }
        }
    }
}
