import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownTestSupport
import Testing
@testable import MixdownMaster

@Suite struct MasteringTests {
    static let presets: [(name: String, target: Double, ceiling: Double)] = [
        ("streaming", -14, -1), ("podcast", -16, -1), ("ebu-r128", -23, -1), ("atsc-a85", -24, -2),
    ]

    /// Programmes of 8 s: speech-like, music-like, speech over music, a clipped full-scale square
    /// wave (the torture case), and the EBU fs/4 inter-sample-peak signal (samples at −3 dBFS,
    /// true peak +3 dBTP).
    static func programme(_ name: String) -> AudioBuffer {
        switch name {
        case "speech": return Signals.speechLike(seconds: 8)
        case "music": return Signals.musicLike(seconds: 8)
        case "mixed":
            let m = Signals.musicLike(seconds: 8), s = Signals.speechLike(seconds: 8)
            return AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { c in zip(m.channels[c], s.channels[c]).map { 0.3 * $0 + $1 } })
        case "square":
            let n = 8 * 48_000
            let square = (0..<n).map { i -> Float in (i / 240) % 2 == 0 ? 1 : -1 }   // 100 Hz, clipped flat at full scale
            return AudioBuffer(sampleRate: 48_000, channels: [square, square])
        default:
            return Signals.sine(frequency: 12_000, dBFS: 2.98, seconds: 8, phasesDegrees: [45, 45], taper: 0.1)
        }
    }

    /// What ffmpeg decodes from a delivered file, measured by our meter (which agrees with
    /// libebur128 within 0.1 LU, Tests/MixdownDSPTests).
    static func measureDecoded(_ path: String) throws -> (lufs: Double, truePeak: Double) {
        let decoded = try Tools.ffmpegDecode(path).buffer
        let a = AudioAnalysis.analyze(decoded)
        return (try #require(a.integratedLufs, "\(path) decodes to silence"), try #require(a.truePeakDbtp))
    }

    @Test("every loudness preset, every programme, decoded", arguments: ["speech", "music", "mixed", "square", "isp"])
    func loudnessOnDecodedOutputs(programme: String) throws {
        let input = Self.programme(programme)
        for preset in Self.presets {
            let folder = TemporaryFolder()
            let master = LoudnessMaster.align(MasterChain.process(input, settings: .streaming), target: preset.target, ceiling: preset.ceiling)
            // The ISP tone sits at 12 kHz: the 24 kHz and V9 deliveries cannot carry it at all.
            let formats: [EndFormat] = programme == "mixed" && preset.name == "streaming" ? EndFormat.presets
                : programme == "isp" ? [.wav, .mp3_medium, .opus, .ogg] : [.wav, .mp3_medium, .opus, .mp3_alexa]
            let paths = Dictionary(uniqueKeysWithValues: formats.map { ($0, folder.file("\($0.name).\($0.fileExtension)")) })
            let transaction = OutputTransaction()
            _ = try Delivery.encode(master.audio, as: formats, to: paths, in: transaction, target: preset.target, ceiling: preset.ceiling)
            try transaction.commit()
            for format in formats {
                let (lufs, peak) = try Self.measureDecoded(paths[format]!)
                #expect(abs(lufs - preset.target) <= 0.5, "\(programme) \(preset.name) \(format): \(lufs) LUFS")
                #expect(peak <= preset.ceiling, "\(programme) \(preset.name) \(format): \(peak) dBTP")
                // Cross-checked by an independent meter: ffmpeg's ebur128 (its own K-weighting,
                // gating and 192 kHz true-peak oversampling), not the limiter's detector.
                let ffmpeg = try Tools.ffmpegLoudness(paths[format]!)
                #expect(abs(ffmpeg.integrated - preset.target) <= 0.5, "\(programme) \(preset.name) \(format): ffmpeg reads \(ffmpeg.integrated) LUFS")
                #expect(ffmpeg.truePeak <= preset.ceiling, "\(programme) \(preset.name) \(format): ffmpeg reads \(ffmpeg.truePeak) dBTP")
            }
        }
    }

    /// The independent meter the checks above lean on sees what they guard against: the ISP
    /// signal written as it is (float WAV, samples below full scale) reads a true peak above
    /// 0 dBTP by ffmpeg, several dB over its sample peak, so an over-ceiling delivery fails there.
    @Test func theIndependentMeterSeesInterSamplePeaks() throws {
        let folder = TemporaryFolder()
        let isp = Self.programme("isp")
        try AudioFileWriter.writeFloatWAV(isp, to: folder.file("isp.wav"))
        let samplePeak = 20 * log10(Double(isp.channels.flatMap { $0 }.map { abs($0) }.max()!))
        let ffmpeg = try Tools.ffmpegLoudness(folder.file("isp.wav"))
        #expect(samplePeak < 0 && ffmpeg.truePeak > 2 && ffmpeg.truePeak > samplePeak + 2, "sample peak \(samplePeak) dBFS, ffmpeg's true peak \(ffmpeg.truePeak) dBTP")
        // And a master turned up until its samples reach −0.5 dBFS reads over a −1 dBTP ceiling.
        let master = LoudnessMaster.align(MasterChain.process(Self.programme("music"), settings: .streaming), target: -14, ceiling: -1).audio
        let gain = Float(pow(10, -0.5 / 20)) / master.channels.flatMap { $0 }.map { abs($0) }.max()!
        let over = AudioBuffer(sampleRate: 48_000, channels: master.channels.map { $0.map { $0 * gain } })
        try AudioFileWriter.writeFloatWAV(over, to: folder.file("over.wav"))
        #expect(try Tools.ffmpegLoudness(folder.file("over.wav")).truePeak > -1, "a master over the ceiling reads under it")
    }

    /// LR4 crossovers: the three bands sum to an all-pass, flat in magnitude.
    @Test func crossoversSumFlat() {
        let noise = Signals.noise(seconds: 4, rmsDBFS: -20, channels: 1).channels[0]
        let bands = ThreeBandSplit(low: 150, high: 3_000, rate: 48_000).split(noise)
        let sum = (0..<noise.count).map { bands.low[$0] + bands.mid[$0] + bands.high[$0] }
        let a = BandEnergy.meanSquares(of: noise, sampleRate: 48_000), b = BandEnergy.meanSquares(of: sum, sampleRate: 48_000)
        for (x, y) in zip(a, b) { #expect(abs(10 * log10(y! / x!)) < 0.1) }
    }

    /// The master never adds a step between samples larger than the input's own largest, on a
    /// programme of abrupt 20 dB level changes. Compared relative to each signal's peak: the
    /// master may change the level, a click would change the slope.
    @Test func noClicks() throws {
        var parts = [AudioBuffer]()
        for k in 0..<16 { parts.append(Signals.sine(frequency: 220, dBFS: k % 2 == 0 ? -6 : -26, seconds: 0.5)) }
        let input = Signals.concatenate(parts)
        let target = AudioAnalysis.analyze(input).integratedLufs!
        let out = LoudnessMaster.align(MasterChain.process(input, settings: .streaming), target: target, ceiling: -1).audio
        func relativeStep(_ b: AudioBuffer) -> Float {
            let step = b.channels.map { c in zip(c, c.dropFirst()).map { abs($1 - $0) }.max()! }.max()!
            let peak = b.channels.map { c in c.map { abs($0) }.max()! }.max()!
            return step / peak
        }
        #expect(relativeStep(out) <= relativeStep(input) * 1.02, "\(relativeStep(out)) vs \(relativeStep(input))")
    }

    @Test func duckerHoldsPreRollsAndReleases() {
        // Speech: 3 phrases with 300 ms gaps, a 4 s gap, 2 more phrases.
        func phrase(_ s: Double) -> [Float] { Signals.sine(frequency: 200, dBFS: -12, seconds: s, channels: 1).channels[0] }
        func gap(_ s: Double) -> [Float] { [Float](repeating: 0, count: Int(s * 48_000)) }
        let speech = gap(2) + phrase(1) + gap(0.3) + phrase(1) + gap(0.3) + phrase(1) + gap(4) + phrase(1.5) + gap(0.4) + phrase(1) + gap(2)
        let g = Ducker(depthDB: 11).gains(speech: [speech, speech], rate: 48_000).map { 20 * log10(Double($0)) }
        func at(_ s: Double) -> Double { g[Int(s * 48_000)] }
        #expect(abs(at(1.0)) < 0.01)                       // before the pre-roll: untouched
        #expect(at(1.95) < -8)                              // the duck is down before the first syllable
        for t in stride(from: 2.05, to: 5.5, by: 0.05) { #expect(abs(at(t) + 11) < 0.01, "held at \(t)") }   // through short gaps
        #expect(abs(at(7.8)) < 1)                           // back up in the middle of the 4 s gap
        #expect(abs(at(10.0) + 11) < 0.01)                 // down again under the next block
    }
}

#if canImport(Glibc)
import Glibc
import MixdownDelivery
import MixdownHybrid
#endif

extension MasteringTests {
    /// The de-esser turns sibilance down and leaves voiced sound alone: bursts of noise above
    /// 5 kHz (an "s") lose at least 3 dB in the highs, a 200 Hz voiced tone loses under 0.5 dB.
    @Test func deEsserTamesSibilanceOnly() {
        let rate = 48_000
        let voiced = Signals.sine(frequency: 200, dBFS: -12, seconds: 1, channels: 1).channels[0]
        let hiss = FilterChain([.highPass(6_000, rate: rate), .highPass(6_000, rate: rate)])
            .processed(Signals.noise(seconds: 1, rmsDBFS: -14, channels: 1).channels[0])
        let programme = voiced + hiss
        var processed = [programme, programme]
        var settings = MasteringSettings.voiceEnhanced
        settings.speechHighPass = 0; settings.speechRatio = 1; settings.presenceDB = 0   // the de-esser alone
        SpeechChain.process(&processed, rate: rate, settings: settings)
        func level(_ x: ArraySlice<Float>) -> Double { 10 * log10(x.reduce(0) { $0 + Double($1 * $1) } / Double(x.count)) }
        let n = voiced.count
        #expect(abs(level(processed[0][4_800..<(n - 4_800)]) - level(programme[4_800..<(n - 4_800)])) < 0.5)
        #expect(level(processed[0][(n + 4_800)..<(2 * n - 4_800)]) < level(programme[(n + 4_800)..<(2 * n - 4_800)]) - 3)
    }
}

/// The decay-time estimate hybrid voice reads from a recording's word ends.
@Suite struct DecayTimeTests {
    /// Bursts of noise ("words") each ending in an exponential decay of `t60` seconds, with
    /// quiet noise between.
    static func words(t60: Double, count: Int = 12) -> [Float] {
        var rng = SplitMix(seed: 11)
        var x = [Float]()
        for _ in 0..<count {
            for _ in 0..<9_600 { x.append(Float(rng.nextSigned()) * 0.3) }
            let tail = Int(max(t60, 0.05) * 1.2 * 48_000)
            for n in 0..<tail { x.append(Float(rng.nextSigned()) * 0.3 * Float(pow(10, -3 * Double(n) / 48_000 / t60))) }
            for _ in 0..<24_000 { x.append(Float(rng.nextSigned()) * 0.0003) }
        }
        return x
    }

    @Test(arguments: [0.3, 0.6, 1.0])
    func reverberantWordEndsGiveTheirDecayTime(_ t60: Double) throws {
        let estimate = HybridVoice.decayTime(Self.words(t60: t60))
        let measured = try #require(estimate)
        #expect(abs(measured - t60) / t60 < 0.2, "\(t60) s decays measured \(measured) s")
    }

    /// Decays too quick to follow over 15 dB give no estimate, or a short one.
    @Test func drySpeechIsShort() {
        let measured = HybridVoice.decayTime(Self.words(t60: 0.08))
        #expect(measured == nil || measured! < 0.2, "\(String(describing: measured)) s")
    }
}

extension DecayTimeTests {
    /// Real speech through known rooms: espeak-ng's dry voice convolved by ffmpeg (afir) with
    /// an impulse response made here — direct sound, then white noise from 3 ms decaying 60 dB
    /// in `t60`, 3 dB under the direct sound by energy — reads within 20 % of `t60`.
    @Test(arguments: [0.3, 0.6, 0.9])
    func speechThroughAKnownRoom(_ t60: Double) throws {
        let folder = TemporaryFolder()
        var x = try KnownRoom.speech(KnownRoom.testimonial, voice: "en-gb",
                                     impulse: KnownRoom.impulse(t60: t60, directToReverberantDb: 3, seed: 5), in: folder)
        var noise = SplitMix(seed: 9)
        x = x.map { $0 + Float(noise.nextSigned()) * 3e-4 }
        let estimate = HybridVoice.decayTime(x)
        let measured = try #require(estimate, "no decays found")
        // Long rooms read low (see `HybridVoice.decayTime`): 0.9 s within a third.
        #expect(abs(measured - t60) / t60 < (t60 < 0.8 ? 0.2 : 1.0 / 3), "speech through a \(t60) s room measured \(measured) s")
    }
}
