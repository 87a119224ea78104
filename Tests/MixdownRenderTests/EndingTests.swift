import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// Endings (`timelineProperties.ending`: outro, button, fade) and `main2`, heard in the music
/// stem of a render over a template made here from clicks: every bed hits on each beat, so any
/// onset the ending adds, or fails to remove, is plain in the envelope.
@Suite struct EndingTests {
    let folder = TemporaryFolder()
    static let rate = 48_000
    /// 120 bpm: half a second a beat, two seconds a bar.
    static let beat = 24_000, bar = 96_000

    /// A decaying sine hit at `at` (samples) into `x`.
    static func hit(_ x: inout [Float], at: Int, frequency: Double, decay: Double, level: Double = 0.3) {
        let n = min(x.count - at, Int(decay * 8 * Double(rate)))
        guard n > 0 else { return }
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            x[at + i] += Float(level * exp(-t / decay) * sin(2 * .pi * frequency * t))
        }
    }

    /// `bars` bars with a hit on every beat, then `tail` seconds of ring.
    static func beats(bars: Int, frequency: Double, tail: Double = 0) -> AudioBuffer {
        var x = [Float](repeating: 0, count: bars * bar + Int(tail * Double(rate)))
        for b in 0..<(bars * 4) { hit(&x, at: b * beat, frequency: frequency, decay: 0.04) }
        return AudioBuffer(sampleRate: rate, channels: [x, x])
    }

    /// The button: a short hit, then its last onset at 0.25 s ringing for 2 s.
    static let buttonLastOnset = 12_000
    static func button() -> AudioBuffer {
        var x = [Float](repeating: 0, count: 2 * rate + buttonLastOnset)
        hit(&x, at: 0, frequency: 880, decay: 0.03)
        hit(&x, at: buttonLastOnset, frequency: 880, decay: 0.3)
        return AudioBuffer(sampleRate: rate, channels: [x, x])
    }

    /// intro (330 Hz), main (440 Hz) and main2 (660 Hz) loops of two bars with a pickup bar
    /// before and a bar after, an outro, and a button (with or without its lastOnsetSample).
    func template(_ name: String, button: Bool, lastOnset: Bool = true, main2: Bool = false) throws -> String {
        let dir = folder.file(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AudioFileWriter.writeFloatWAV(Self.beats(bars: 3, frequency: 330), to: dir + "/intro.wav")
        try AudioFileWriter.writeFloatWAV(Self.beats(bars: 4, frequency: 440), to: dir + "/main.wav")
        try AudioFileWriter.writeFloatWAV(Self.beats(bars: 4, frequency: 660), to: dir + "/main2.wav")
        try AudioFileWriter.writeFloatWAV(Self.beats(bars: 1, frequency: 440, tail: 1), to: dir + "/outro.wav")
        try AudioFileWriter.writeFloatWAV(Self.button(), to: dir + "/button.wav")
        var segments = [
            #""intro": {"file": "intro.wav", "loopStartBar": 1, "loopEndBar": 2}"#,
            #""main": {"file": "main.wav", "loopStartBar": 1, "loopEndBar": 3}"#,
            #""outro": {"file": "outro.wav"}"#,
        ]
        if main2 { segments.append(#""main2": {"file": "main2.wav", "loopStartBar": 1, "loopEndBar": 3}"#) }
        if button { segments.append(#""button": {"file": "button.wav"\#(lastOnset ? #", "lastOnsetSample": \#(Self.buttonLastOnset)"# : "")}"#) }
        try #"{"tempo": 120, "beatsPerBar": 4, "segments": {\#(segments.joined(separator: ", "))}}"#
            .write(toFile: dir + "/template.json", atomically: true, encoding: .utf8)
        return dir
    }

    struct Rendered {
        var report: [String: Any]
        var music: [Float]
        var output: Int
        var regions: [(segment: String, start: Int, end: Int, fade: Int)] {
            (report["music"] as! [[String: Any]]).map { ($0["segment"] as! String, $0["startSample"] as! Int, $0["endSample"] as! Int, $0["fadeOutSamples"] as! Int) }
        }
    }

    /// Renders a breaks-only script (no speech, so nothing ducks the bed) to WAV with stems.
    func render(_ name: String, template: String, timeline: String, script: String? = nil) throws -> Rendered {
        let text = script ?? #"<<soundSegment::intro>><<sectionName::a>> <break time=\"3s\"/> <<soundSegment::main>><<sectionName::b>> <break time=\"4s\"/>"#
        try #"{"scriptText": "\#(text)", "soundTemplate": "\#(template)", "timelineProperties": {\#(timeline)}, "endFormat": "wav"}"#
            .write(toFile: folder.file("\(name).json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("\(name).json"), "-o", folder.file("\(name).wav"), "--report", folder.file("\(name)-r.json"),
                                                "--stems", folder.file("\(name)-stems")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("\(name)-r.json")))) as? [String: Any])
        // The plan says what the render did, to the sample.
        let plan = try Tools.run(Tools.mixdown, ["plan", folder.file("\(name).json"), "--json"], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(plan.status == 0, "\(plan.stderr)")
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect(planned["ending"] as? String == report["ending"] as? String)
        #expect(NSArray(array: planned["music"] as! [Any]).isEqual(to: report["music"] as! [Any]), "plan \(planned["music"]!) render \(report["music"]!)")
        let music = try AudioFileReader.read(folder.file("\(name)-stems/music.wav")).audio
        let output = try AudioFileReader.read(folder.file("\(name).wav")).audio.frameCount
        return Rendered(report: report, music: zip(music.channels[0], music.channels[1]).map { ($0 + $1) / 2 }, output: output)
    }

    /// Onsets in an envelope, found without the planner: 5 ms frames; a frame is an onset when
    /// it is within `within` dB of the loudest frame and `rise` dB louder than every frame of
    /// the `span` frames ending `gap` frames before it (by default: 50 dB, 10 dB, the 100 ms
    /// before the frame preceding it — the clicks of a test template). Returns each onset's
    /// first sample (frame start).
    static func onsets(_ x: [Float], within: Double = 50, rise: Double = 10, span: Int = 20, gap: Int = 1) -> [Int] {
        let frame = 240
        let levels = stride(from: 0, to: x.count - frame + 1, by: frame).map { s -> Double in
            var e = 0.0
            for i in s..<(s + frame) { e += Double(x[i]) * Double(x[i]) }
            return 10 * log10(max(e / Double(frame), 1e-20))
        }
        let peak = levels.max() ?? -200
        var out = [Int](), previousWasOnset = false
        for i in levels.indices {
            let before = levels[max(0, i - gap - span)..<max(0, i - gap)].max() ?? -200
            let onset = levels[i] > peak - within && levels[i] > before + rise
            if onset && !previousWasOnset { out.append(i * frame) }
            previousWasOnset = onset
        }
        return out
    }

    @Test("a spot ends on the button", arguments: [15, 30])
    func spotEndsOnTheButton(seconds: Int) throws {
        let total = seconds * Self.rate
        for lastOnset in [true, false] {
            let t = try template("button-\(seconds)-\(lastOnset)", button: true, lastOnset: lastOnset)
            let r = try render("spot\(seconds)\(lastOnset)", template: t, timeline: #""forceLength": \#(seconds)"#)
            // Exact length, in the stem and the file.
            #expect(r.music.count == total && r.output == total)
            #expect(r.report["ending"] as? String == "button")
            let regions = r.regions
            #expect(regions.map(\.segment) == ["intro", "main", "button"], "\(regions)")
            // The button starts on a beat of main, the bed stops there.
            let button = try #require(regions.last)
            #expect((button.start - regions[1].start) % Self.beat == 0 && regions[1].end == button.start && button.end == total)
            // Heard: the last onset is within 1.5 s of the end, and nothing starts in the last 100 ms.
            let onsets = Self.onsets(r.music)
            let last = try #require(onsets.last)
            #expect(total - last <= 72_000, "last onset \(Double(total - last) / 48_000) s before the end")
            #expect(last < total - 4_800, "an onset at \(last), inside the last 100 ms")
            // It is the button's last onset (its attack at the planned place, within a frame).
            #expect(abs(last - (button.start + Self.buttonLastOnset)) <= 480, "onset \(last), planned \(button.start + Self.buttonLastOnset)")
            // The ring passing the end is faded: the last 5 ms are near silence.
            let tailRMS = (r.music[(total - 240)...].reduce(0) { $0 + Double($1 * $1) } / 240).squareRoot()
            #expect(tailRMS < 0.003, "\(tailRMS)")
        }
    }

    @Test func fadeFadesTheBed() throws {
        let t = try template("fade", button: true)
        let r = try render("fade", template: t, timeline: #""forceLength": 15, "ending": "fade""#)
        #expect(r.music.count == 720_000 && r.report["ending"] as? String == "fade")
        #expect(r.regions.map(\.segment) == ["intro", "main"] && r.regions.last?.fade == 48_000)
        // The beats' peaks fall through the last second: the last beat well under one a second earlier.
        func peak(_ from: Int) -> Float { r.music[from..<(from + Self.beat)].map(abs).max() ?? 0 }
        #expect(peak(720_000 - Self.beat) < peak(720_000 - 3 * Self.beat) * 0.5, "\(peak(720_000 - Self.beat)) vs \(peak(720_000 - 3 * Self.beat))")
        #expect(Self.onsets(r.music).last! < 720_000 - 4_800)
    }

    @Test func withoutAButtonTheOutroStillEnds() throws {
        let t = try template("plain", button: false)
        let r = try render("plain", template: t, timeline: #""forceLength": 15"#)
        #expect(r.report["ending"] as? String == "outro" && r.regions.map(\.segment) == ["intro", "main", "outro"])
        #expect(r.music.count == 720_000)
    }

    @Test("an ending the template cannot play is refused in one line", arguments: [
        (#""ending": "button""#, "timelineProperties.ending: 'button' needs the template's 'button' segment, and template 'nobutton' has none (segments: intro, main, outro)"),
        (#""ending": "sting""#, "timelineProperties.ending: unknown value 'sting'"),
    ])
    func refused(timeline: String, says: String) throws {
        let t = try template("nobutton", button: false)
        try #"{"scriptText": "<<sectionName::a>> <break time=\"1s\"/>", "soundTemplate": "\#(t)", "timelineProperties": {\#(timeline)}, "endFormat": "wav"}"#
            .write(toFile: folder.file("bad.json"), atomically: true, encoding: .utf8)
        for command in [["render", folder.file("bad.json"), "-o", folder.file("bad.wav")], ["plan", folder.file("bad.json")]] {
            let run = try Tools.run(Tools.mixdown, command, environment: ["MIXDOWN_CACHE": folder.file("cache")])
            #expect(run.status != 0)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && run.stderr.contains(says), "\(command[0]): \(run.stderr)")
            if timeline.contains("sting") { #expect(run.stderr.contains("button") && run.stderr.contains("fade") && run.stderr.contains("outro")) }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("bad.wav")))
    }

    /// Goertzel power of `frequency` over x[range].
    static func power(_ x: [Float], _ range: Range<Int>, frequency: Double) -> Double {
        let w = 2 * cos(2 * .pi * frequency / Double(rate))
        var (s1, s2) = (0.0, 0.0)
        for i in range { let s = Double(x[i]) + w * s1 - s2; s2 = s1; s1 = s }
        return s1 * s1 + s2 * s2 - w * s1 * s2
    }

    @Test func aLongProgrammeAlternatesMainAndMain2() throws {
        let t = try template("long", button: true, main2: true)
        let r = try render("long", template: t, timeline: #""forceLength": 180"#,
                           script: #"<<sectionName::a>> <break time=\"2s\"/> <<sectionName::b>> <break time=\"2s\"/>"#)
        #expect(r.music.count == 180 * Self.rate)
        // Over a minute: the template's outro ends it, not the button.
        #expect(r.report["ending"] as? String == "outro")
        let regions = r.regions
        let beds = regions.dropLast()
        #expect(regions.last?.segment == "outro")
        // main, main2, main, … switching on main's loop boundaries: the first after main's
        // pickup bar and two loops (10 s), then every two loops (8 s).
        #expect(beds.count > 10, "\(regions)")
        for (k, region) in beds.enumerated() {
            #expect(region.segment == (k % 2 == 0 ? "main" : "main2"), "\(regions)")
            if k > 0 { #expect(region.start == 480_000 + (k - 1) * 384_000, "\(regions)") }
        }
        // And heard: in each region's middle bar, its own pitch, not the other's.
        for region in beds where region.end - region.start >= 2 * Self.bar {
            let middle = (region.start + region.end) / 2
            let window = middle..<(middle + Self.bar / 2)
            let (p440, p660) = (Self.power(r.music, window, frequency: 440), Self.power(r.music, window, frequency: 660))
            if region.segment == "main" { #expect(p440 > 100 * p660, "main at \(middle): \(p440) vs \(p660)") }
            else { #expect(p660 > 100 * p440, "main2 at \(middle): \(p660) vs \(p440)") }
        }
        // Every switch is on the beat grid: the onsets stay one beat apart across it.
        let onsets = Self.onsets(r.music)
        for region in beds.dropFirst() {
            let near = onsets.filter { abs($0 - region.start) < Self.beat / 2 }
            #expect(near.count == 1 && abs(near[0] - region.start) <= 480, "switch at \(region.start): onsets \(near)")
        }
    }
}

/// The shipped library's buttons, heard: a 15 s and a 30 s spot on every template end on its
/// button, the last onset (found in the music stem, not taken from the plan) at most 1.5 s
/// before the end and none in the last 100 ms, the lengths exact.
extension EndingTests {
    /// Attacks in real music, where a hit follows the bed's last beat and rings under the
    /// next: within 40 dB of the loudest frame, 6 dB over the loudest of the 30 ms before.
    static func attacks(_ x: [Float]) -> [Int] { onsets(x, within: 40, rise: 6, span: 6, gap: 0) }

    static let shipped: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SoundTemplates").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/template.json") }.sorted()
    }()

    @Test("every shipped template ends a spot on its button", arguments: shipped)
    func shippedButtons(_ name: String) throws {
        for seconds in [15, 30] {
            let total = seconds * Self.rate
            let r = try render("\(name)-\(seconds)", template: name, timeline: #""forceLength": \#(seconds)"#)
            #expect(r.music.count == total && r.output == total, "\(name) \(seconds) s: \(r.music.count) samples")
            #expect(r.report["ending"] as? String == "button" && r.regions.last?.segment == "button", "\(name) \(seconds) s: \(r.regions)")
            let last = try #require(Self.attacks(r.music).last, "\(name): no onset")
            #expect(total - last <= 72_000, "\(name) \(seconds) s: last onset \(Double(total - last) / 48_000) s before the end")
            #expect(last < total - 4_800, "\(name) \(seconds) s: an onset at \(Double(last) / 48_000) s, inside the last 100 ms")
        }
    }
}
