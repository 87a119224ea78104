import CEbur128
import Foundation
import MixdownCore
import MixdownDSP
import MixdownTemplates
import MixdownTestSupport
import Testing

/// Every template shipped in SoundTemplates/: a valid manifest with the metadata, seamless
/// loops, beds at one loudness (measured by libebur128), and styles that are not copies of
/// each other.
@Suite struct LibraryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("SoundTemplates").path)) ?? [])
        .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("SoundTemplates/\($0)/template.json").path) }.sorted()

    static func load(_ name: String) throws -> SoundTemplate {
        try SoundTemplate.load(directory: root.appendingPathComponent("SoundTemplates/\(name)").path)
    }

    /// libebur128's integrated loudness of a buffer.
    static func integrated(_ buffer: AudioBuffer) -> Double {
        var state = ebur128_init(UInt32(buffer.channelCount), UInt(buffer.sampleRate), Int32(EBUR128_MODE_I.rawValue))
        defer { ebur128_destroy(&state) }
        var interleaved = [Float](repeating: 0, count: buffer.frameCount * buffer.channelCount)
        interleaved.withUnsafeMutableBufferPointer { buffer.interleave(from: 0, frames: buffer.frameCount, into: $0) }
        _ = ebur128_add_frames_float(state, interleaved, buffer.frameCount)
        var value = 0.0
        ebur128_loudness_global(state, &value)
        return value
    }

    static func rms(_ x: ArraySlice<Float>) -> Double {
        (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))).squareRoot()
    }

    static func largestStep(_ x: ArraySlice<Float>) -> Float {
        var m: Float = 0
        var i = x.startIndex + 1
        while i < x.endIndex { m = max(m, abs(x[i] - x[i - 1])); i += 1 }
        return m
    }

    /// Segments that play once: never looped, and they end in silence.
    static let playedOnce: Set<String> = ["outro", "button"]

    @Test func theLibraryHasTwelveStylesWithWhatAManifestNeeds() throws {
        #expect(Self.names.count >= 12, "\(Self.names)")
        var tempos = Set<Double>()
        for name in Self.names {
            let t = try Self.load(name)
            #expect(["intro", "main", "main2", "outro", "button"].allSatisfy(t.segmentNames.contains), "\(name): \(t.segmentNames)")
            #expect(t.effects.count >= 2, "\(name): \(t.effectNames)")
            #expect(t.effects.values.allSatisfy { $0.description != nil })
            #expect(t.description.map { $0.count > 20 } == true && t.mood.count >= 2 && t.key != nil && t.tempo != nil, "\(name)")
            tempos.insert(t.tempo ?? 0)
            // Loops lie on bar lines: whole bars of pickup, whole bars of loop.
            let bar = Int((48_000 * 60 / t.tempo! * t.beatsPerBar).rounded())
            for (segment, s) in t.segments where !Self.playedOnce.contains(segment) {
                #expect(s.loopStart >= bar && s.loopStart % bar == 0 && (s.loopEnd - s.loopStart) % bar == 0, "\(name)/\(segment): loop \(s.loopStart)…\(s.loopEnd), bar \(bar)")
            }
            // main2 alternates with main on loop boundaries: the same loop length (docs/templates.md "main2").
            if let main2 = t.segments["main2"], let main = t.segments["main"] {
                #expect(main2.loopEnd - main2.loopRestart == main.loopEnd - main.loopRestart, "\(name): main2's loop differs from main's")
            }
            // A button's last onset is inside it, and leaves it a ring.
            if let button = t.segments["button"] { #expect((button.lastOnset ?? -1) >= 0 && button.lastOnset! < button.audio.frameCount, "\(name)") }
            // The effects, the outro and the button end in silence (they ring out, never stop short).
            for audio in t.effects.values.map(\.audio) + Self.playedOnce.compactMap({ t.segments[$0]?.audio }) {
                #expect(audio.channels.allSatisfy { abs($0.last ?? 1) < 1e-4 }, "\(name): a one-shot does not end in silence")
            }
        }
        #expect(tempos.count >= 6, "tempos: \(tempos.sorted())")
    }

    /// Played through three seams, each loop: no sample step larger than the largest inside
    /// the file itself, and around each seam the same level as the file's own continuation
    /// (the bar after the loop end, which the file holds): no jump over 1 dB.
    @Test(arguments: names) func loopsAreSeamless(_ name: String) throws {
        let t = try Self.load(name)
        for (segment, s) in t.segments where !Self.playedOnce.contains(segment) {
            let length = s.loopEnd - s.loopStart
            let out = s.playback(count: s.loopEnd + 3 * length)
            let window = 2_400   // 50 ms
            for c in 0..<2 {
                let own = Self.largestStep(s.audio.channels[c][...])
                let natural = 20 * log10(Self.rms(s.audio.channels[c][s.loopEnd..<(s.loopEnd + window)]) / Self.rms(s.audio.channels[c][(s.loopEnd - window)..<s.loopEnd]))
                for k in 0..<3 {
                    let seam = s.loopEnd + k * length
                    #expect(Self.largestStep(out[c][(seam - 480)..<(seam + 1_440)]) <= own * 1.001, "\(name)/\(segment) seam \(k): a step larger than the material's own")
                    let before = Self.rms(out[c][(seam - window)..<seam]), after = Self.rms(out[c][seam..<(seam + window)])
                    let jump = 20 * log10(after / before)
                    #expect(abs(jump - natural) <= 1, "\(name)/\(segment) seam \(k): \(jump) dB across the seam, \(natural) dB in the file")
                }
            }
        }
    }

    /// Every bed's main loop at one loudness (libebur128): within ±1 LU of the library's mean.
    @Test func bedsSitAtOneLoudness() throws {
        var loudness = [String: Double]()
        for name in Self.names {
            let main = try Self.load(name).segments["main"]!
            let loop = AudioBuffer(sampleRate: 48_000, channels: main.audio.channels.map { Array($0[main.loopStart..<main.loopEnd]) })
            loudness[name] = Self.integrated(loop)
        }
        let mean = loudness.values.reduce(0, +) / Double(loudness.count)
        for (name, l) in loudness { #expect(abs(l - mean) <= 1, "\(name): \(l) LUFS, library mean \(mean)") }
    }

    /// No two templates are near-copies: each pair differs in tempo by more than 4 %, or in its
    /// main loop's long-term spectrum (octave bands, 63 Hz–8 kHz, levels relative to the total)
    /// by more than 2 dB RMS.
    @Test func theTemplatesDiffer() throws {
        var profiles = [(name: String, tempo: Double, bands: [Double])]()
        for name in Self.names {
            let t = try Self.load(name)
            let main = t.segments["main"]!
            let mono = (main.loopStart..<main.loopEnd).map { i in (main.audio.channels[0][i] + main.audio.channels[1][i]) / 2 }
            let bands = [63.0, 125, 250, 500, 1_000, 2_000, 4_000, 8_000].map { centre -> Double in
                var x = mono
                FilterChain([Biquad.highPass(centre / 1.414, rate: 48_000), Biquad.lowPass(centre * 1.414, rate: 48_000)]).process(&x)
                return 10 * log10(x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count) + 1e-20)
            }
            let total = 10 * log10(bands.map { pow(10, $0 / 10) }.reduce(0, +))
            profiles.append((name, t.tempo!, bands.map { $0 - total }))
        }
        for i in profiles.indices {
            for j in profiles.indices where j > i {
                let a = profiles[i], b = profiles[j]
                let tempoApart = abs(a.tempo - b.tempo) / min(a.tempo, b.tempo) > 0.04
                let distance = (zip(a.bands, b.bands).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(a.bands.count)).squareRoot()
                #expect(tempoApart || distance > 2, "\(a.name) and \(b.name): \(a.tempo) vs \(b.tempo) bpm, spectra \(distance) dB apart")
            }
        }
    }
}
