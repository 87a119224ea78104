import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing
@testable import MixdownCleanup
@testable import MixdownDSP

/// The clean-up's parts measured on signals whose clean version is known: the analysis and
/// resynthesis give back what they are given, the noise's spectrum is learnt at its level, noise
/// and hum come out by what they must, and the output lines up with the input to the sample.
@Suite struct CleanupTests {
    /// Scale-invariant signal-to-distortion ratio of `estimate` against `reference` (dB).
    static func siSDR(_ estimate: [Float], _ reference: [Float]) -> Double {
        let n = min(estimate.count, reference.count)
        var dot = 0.0, energy = 0.0
        for i in 0..<n { dot += Double(estimate[i]) * Double(reference[i]); energy += Double(reference[i]) * Double(reference[i]) }
        let a = dot / energy
        var target = 0.0, error = 0.0
        for i in 0..<n {
            let t = a * Double(reference[i]), e = Double(estimate[i]) - t
            target += t * t; error += e * e
        }
        return 10 * log10(target / error)
    }

    static func mono(_ b: AudioBuffer) -> [Float] { b.channels[0] }

    @Test func unchangedSpectraGiveTheInputBackLate() {
        let x = Self.mono(Signals.speechLike(seconds: 2))
        let stft = ShortTimeSpectrum(size: 1_024, channels: 1)
        var out = [Float]()
        var at = 0, k = 0
        let sizes = [1, 255, 4_096, 1_000, 17]
        while at < x.count + stft.latency {
            let n = sizes[k % sizes.count]
            var block = AudioBlock(channels: 1, capacity: n)
            block.frames = n
            for i in 0..<n { block.channels[0][i] = at + i < x.count ? x[at + i] : 0 }
            stft.push(&block) { _ in }
            out += block.channels[0][0..<n]
            at += n; k += 1
        }
        var worst: Float = 0
        for i in 0..<stft.latency { worst = max(worst, abs(out[i])) }
        for i in 0..<x.count { worst = max(worst, abs(out[i + stft.latency] - x[i])) }
        #expect(worst < 1e-5, "largest difference \(worst)")
    }

    /// White noise's periodogram has mean σ²·Σw² per bin (Σw² = N/2 for the square-root Hann).
    @Test(arguments: [-60.0, -30.0])
    func theNoiseProfileSitsAtTheNoisesLevel(dbfs: Double) {
        let x = Self.mono(Signals.noise(seconds: 10, rmsDBFS: dbfs, channels: 1))
        let stft = ShortTimeSpectrum(size: SpectralDenoiser.frameSize, channels: 1)
        var profile = SpectralDenoiser.NoiseProfile(bins: stft.bins)
        var block = AudioBlock(channels: 1, capacity: x.count)
        block.frames = x.count
        block.channels[0] = x
        stft.push(&block, resynthesise: false) { profile.add($0) }
        let power = profile.power()
        let variance = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)
        let expected = variance * Double(SpectralDenoiser.frameSize) / 2
        let inner = power[20..<(power.count - 20)].map(Double.init)
        let meanDb = 10 * log10(inner.reduce(0, +) / Double(inner.count) / expected)
        #expect(abs(meanDb) < 0.5, "profile \(meanDb) dB from the noise's level")
    }

    static func clean(_ x: [Float], _ settings: CleanupSettings) throws -> (samples: [Float], figures: RecordingCleanup.Figures) {
        try RecordingCleanup.clean(x, sampleRate: 48_000, settings: settings)
    }

    @Test(arguments: [0.0, 10.0, 20.0])
    func noiseComesOutAndTheSpeechStays(snr: Double) throws {
        let speech = Self.mono(Signals.speechLike(seconds: 8))
        let power = speech.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(speech.count)
        let noise = Self.mono(Signals.noise(seconds: 8, rmsDBFS: 10 * log10(power) - snr, channels: 1, seed: 11))
        let noisy = zip(speech, noise).map { $0 + $1 }
        let (out, figures) = try Self.clean(noisy, CleanupSettings(denoise: 1, dehum: .off, level: false, declick: false))
        #expect(out.count == noisy.count)
        let before = Self.siSDR(noisy, speech), after = Self.siSDR(out, speech)
        print("SNR \(snr): SI-SDR \(before) -> \(after); floor \(figures.noiseFloorBeforeDb) -> \(figures.noiseFloorAfterDb)")
        #expect(after - before > 5, "SI-SDR \(before) → \(after) dB")
        #expect(figures.noiseFloorAfterDb < figures.noiseFloorBeforeDb - 10)
    }

    @Test func cleanSpeechPassesThrough() throws {
        let speech = Self.mono(Signals.speechLike(seconds: 6))
        let (out, _) = try Self.clean(speech, CleanupSettings(denoise: 1, dehum: .auto, level: false, declick: false))
        let sdr = Self.siSDR(out, speech)
        #expect(sdr > 25, "SI-SDR \(sdr) dB on clean speech")
    }

    static func hum(mains: Double, count: Int) -> [Float] {
        let rate = 48_000.0
        var phase = 0.0
        return (0..<count).map { i in
            let t = Double(i) / rate
            let f = mains + 0.3 * sin(2 * Double.pi * t / 40)
            phase += 2 * Double.pi * f / rate
            var h = 0.0
            for k in 1...6 { h += pow(10, (-30 - 6 * Double(k - 1)) / 20) * sqrt(2) * sin(Double(k) * phase + Double(k)) }
            return Float(h)
        }
    }

    static func harmonicLevels(_ x: [Float], at frequency: Double) -> [Double] {
        var detector = HumRemover.Detector(sampleRate: 48_000, tracking: false)
        var block = AudioBlock(channels: 1, capacity: x.count)
        block.frames = x.count
        block.channels[0] = x
        detector.add(block)
        guard let psd = detector.spectrum() else { return [] }
        return detector.harmonics(of: frequency, in: psd, reach: { _ in 2 }).levels
    }

    /// Hum at 50.3 / 59.8 Hz drifting by ±0.3 Hz (a 40 s swing: up to 0.05 Hz a second, faster
    /// than a grid drifts), fundamental −30 dBFS and harmonics 6 dB apart,
    /// under a −75 dBFS noise floor: found, and each of the six harmonics 40 dB down.
    @Test(arguments: [50.3, 59.8])
    func humIsFoundAndTakenOut(mains: Double) throws {
        let noise = Self.mono(Signals.noise(seconds: 12, rmsDBFS: -75, channels: 1, seed: 5))
        let hum = Self.hum(mains: mains, count: noise.count)
        let (out, figures) = try Self.clean(zip(noise, hum).map { $0 + $1 }, CleanupSettings(denoise: 0, dehum: .auto, level: false, declick: false))
        let found = try #require(figures.humFrequency)
        // The mean frequency over these 12 s of the 40 s swing.
        let mean = mains + (0..<noise.count).reduce(0.0) { $0 + 0.3 * sin(2 * Double.pi * Double($1) / 48_000 / 40) } / Double(noise.count)
        #expect(abs(found - mean) < 0.05, "found \(found) Hz, mean \(mean)")
        let before = Self.harmonicLevels(hum, at: found), after = Self.harmonicLevels(zip(out, noise).map { $0 - $1 }, at: found)
        print("mains \(mains): found \(found); hum \(before) -> \(after); \(figures)")
        for k in 0..<6 { #expect(before[k] - after[k] >= 40, "harmonic \(k + 1): \(before[k]) → \(after[k]) dBFS") }
        #expect(try #require(figures.humBeforeDb) - #require(figures.humAfterDb) >= 30)
    }

    /// With speech over the hum, the hum goes and the speech stays: what differs from the
    /// clean speech afterwards is far below what the hum was (SI-SDR 18.9 → 49.7 dB here).
    @Test func humComesOutFromUnderSpeech() throws {
        let speech = Self.mono(Signals.speechLike(seconds: 12))
        let hum = Self.hum(mains: 50.3, count: speech.count)
        let noisy = zip(speech, hum).map { $0 + $1 }
        let (out, _) = try Self.clean(noisy, CleanupSettings(denoise: 0, dehum: .auto, level: false, declick: false))
        let before = Self.siSDR(noisy, speech), after = Self.siSDR(out, speech)
        print("speech over hum: SI-SDR \(before) -> \(after)")
        #expect(after - before >= 25, "SI-SDR \(before) → \(after) dB")
    }

    /// The phrases of a clean speech-like signal: runs of sound between at least 0.25 s of
    /// digital silence (its pauses), as sample ranges.
    static func phrases(_ x: [Float]) -> [Range<Int>] {
        var runs = [Range<Int>](), start: Int?, lastSound = -1
        for (i, v) in x.enumerated() where v != 0 {
            if let s = start, i - lastSound > 12_000 { runs.append(s..<(lastSound + 1)); start = i } else if start == nil { start = i }
            lastSound = i
        }
        if let s = start { runs.append(s..<(lastSound + 1)) }
        return runs
    }

    static func energyDb(_ x: ArraySlice<Float>) -> Double {
        10 * log10(max(1e-20, x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))))
    }

    /// Phrases alternately 6 dB up and down (the step in the middle of each pause), under a
    /// −70 dBFS floor: leveled, each phrase comes out at one loudness (spread ≤ 1.5 dB by its
    /// energy against the clean phrase), and its gain does not move inside it (no pumping).
    @Test func levelingEvensPhraseStepsWithoutPumping() throws {
        // Each phrase brought to one level first: leveling evens loudness, so only then is the
        // step all there is to undo.
        var clean = Self.mono(Signals.speechLike(seconds: 20, seed: 3))
        let runs = Self.phrases(clean)
        try #require(runs.count >= 8, "\(runs.count) phrases")
        for run in runs {
            let g = Float(pow(10, (-20 - Self.energyDb(clean[run])) / 20))
            for i in run { clean[i] *= g }
        }
        var stepped = clean
        for (k, run) in runs.enumerated() {
            let from = k == 0 ? 0 : (runs[k - 1].upperBound + run.lowerBound) / 2
            let to = k == runs.count - 1 ? clean.count : (run.upperBound + runs[k + 1].lowerBound) / 2
            let g = Float(pow(10, (k % 2 == 0 ? 6.0 : -6.0) / 20))
            for i in from..<to { stepped[i] *= g }
        }
        let floor = Self.mono(Signals.noise(seconds: 20, rmsDBFS: -70, channels: 1, seed: 4))
        let input = zip(stepped, floor).map { $0 + $1 }
        let (out, figures) = try Self.clean(input, CleanupSettings(denoise: 0, dehum: .off, level: true, declick: false))
        #expect(out.count == input.count)
        // Each phrase's level against the clean one (phrases shorter than 0.3 s say little).
        let long = runs.filter { $0.count >= 14_400 }
        let gains = long.map { Self.energyDb(out[$0]) - Self.energyDb(clean[$0]) }
        let inputGains = long.map { Self.energyDb(input[$0]) - Self.energyDb(clean[$0]) }
        let spread = gains.max()! - gains.min()!, spreadBefore = inputGains.max()! - inputGains.min()!
        print("leveling: phrase gains \(gains.map { String(format: "%.2f", $0) }) spread \(spreadBefore) -> \(spread) dB; \(figures)")
        #expect(spreadBefore > 11 && spread <= 1.5, "spread \(spreadBefore) → \(spread) dB")
        let reportedBefore = try #require(figures.loudnessSpreadBeforeLU), reportedAfter = try #require(figures.loudnessSpreadAfterLU)
        #expect(reportedBefore > 10 && reportedAfter <= 1.5, "reported \(reportedBefore) → \(reportedAfter) LU")
        // No pumping: inside a phrase the output is the input times one gain (first half and
        // second half of every phrase scaled alike, to 0.1 dB).
        for run in long {
            let middle = (run.lowerBound + run.upperBound) / 2
            let first = Self.energyDb(out[run.lowerBound..<middle]) - Self.energyDb(input[run.lowerBound..<middle])
            let second = Self.energyDb(out[middle..<run.upperBound]) - Self.energyDb(input[middle..<run.upperBound])
            #expect(abs(first - second) < 0.1, "phrase at \(run.lowerBound): gain \(first) then \(second) dB")
        }
    }

    /// Long pauses shortened: every phrase comes through sample for sample (nothing but pause
    /// is cut), each pause between speech is at most the limit plus the phrases' margins, and
    /// the length lost is what the figures say.
    @Test func trimmingCutsOnlyPauses() throws {
        var clean = [Float]()
        let piece = Self.mono(Signals.speechLike(seconds: 3, seed: 9))
        for k in 0..<5 {
            clean += piece
            clean += [Float](repeating: 0, count: 48_000 * (1 + k % 2))   // 1 or 2 s more pause
        }
        let floor = Self.mono(Signals.noise(seconds: Double(clean.count) / 48_000, rmsDBFS: -65, channels: 1, seed: 5))
        let input = zip(clean, floor).map { $0 + $1 }
        let limit = 0.5
        let (out, figures) = try Self.clean(input, CleanupSettings(denoise: 0, dehum: .off, level: false, trimPauses: limit, declick: false))
        #expect(figures.frames == out.count && figures.pausesShortened >= 4, "\(figures)")
        #expect(abs(Double(input.count - out.count) / 48_000 - figures.secondsRemoved) < 1e-9)
        // Every phrase of the input, found whole in the output in order.
        var searchFrom = 0, lastEnd: Int?
        var longestPause = 0
        for run in Self.phrases(clean) {
            let phrase = Array(input[run])
            let lead = Array(phrase.prefix(64))
            var found: Int?
            var i = searchFrom
            while i + phrase.count <= out.count {
                if out[i] == lead[0] && Array(out[i..<(i + 64)]) == lead { found = i; break }
                i += 1
            }
            let at = try #require(found, "phrase at \(run.lowerBound) s not found in the output")
            #expect(Array(out[at..<(at + phrase.count)]) == phrase, "phrase at \(run.lowerBound) changed")
            if let lastEnd { longestPause = max(longestPause, at - lastEnd) }
            lastEnd = at + phrase.count
            searchFrom = at + phrase.count
        }
        // The limit is kept between the speech itself; the phrases' silent edges (the speech-like
        // signal's envelope starts and ends near zero) add a little.
        print("trimming: \(figures.pausesShortened) pauses, \(figures.secondsRemoved) s removed, longest pause left \(longestPause) samples")
        #expect(longestPause <= Int((limit + 0.3) * 48_000), "a pause of \(longestPause) samples is left")
    }

    /// Mouth-click-like bursts (0.5–2 ms, a damped 2–8 kHz sinusoid or damped noise, peak
    /// −20 to −10 dBFS, as Benchmarks/cleanup's) dropped into speech and pauses: most come
    /// down by 10 dB or more, and what is not a click is barely touched.
    @Test func clicksAreRepairedAndTheRestStays() throws {
        let clean = Self.mono(Signals.speechLike(seconds: 12, seed: 13)).map { $0 * 0.3 }
        var noise = Self.mono(Signals.noise(seconds: 12, rmsDBFS: -60, channels: 1, seed: 14))
        for i in noise.indices { noise[i] += clean[i] }
        let base = noise
        var clicked = base
        var rng = SplitMix(seed: 15)
        var positions = [Int]()
        var at = 24_000
        while at < clicked.count - 24_000 {
            positions.append(at)
            let length = Int((0.0005 + 0.0015 * rng.next()) * 48_000)
            let tau = Double(length) / 4, frequency = 2_000 + 6_000 * rng.next(), phase = 2 * Double.pi * rng.next()
            let tonal = rng.next() < 0.5
            var burst = (0..<length).map { j -> Double in
                let decay = exp(-Double(j) / tau)
                return (tonal ? sin(2 * .pi * frequency * Double(j) / 48_000 + phase) : rng.nextSigned()) * decay
            }
            let peak = burst.map(abs).max() ?? 1
            let level = pow(10, (-20 + 10 * rng.next()) / 20) * (rng.next() < 0.5 ? -1 : 1)
            burst = burst.map { $0 / peak * level }
            for j in 0..<length { clicked[at + j] += Float(burst[j]) }
            at += 21_000 + Int(rng.next() * 9_000)
        }
        let (out, figures) = try Self.clean(clicked, CleanupSettings(denoise: 0, dehum: .off, level: false, declick: true))
        var reductions = [Double]()
        for p in positions {
            let window = (p - 48)..<(p + 96)
            let before = window.map { abs(clicked[$0] - base[$0]) }.max()!, after = window.map { abs(out[$0] - base[$0]) }.max()!
            reductions.append(20 * log10(Double(before) / Double(max(after, 1e-9))))
        }
        let repaired = reductions.filter { $0 >= 10 }.count
        print("declick: \(positions.count) clicks, \(repaired) down 10 dB or more, reductions \(reductions.map { String(format: "%.0f", $0) }); \(figures.clicksRemoved) repaired")
        #expect(Double(repaired) >= 0.6 * Double(positions.count), "\(repaired) of \(positions.count) clicks down 10 dB")
        // Away from the clicks, the output is the input.
        var touched = 0
        for i in out.indices where abs(out[i] - clicked[i]) > 1e-6 && !positions.contains(where: { i >= $0 - 200 && i < $0 + 250 }) { touched += 1 }
        #expect(Double(touched) < 0.005 * Double(out.count), "\(touched) samples changed away from the clicks")
    }
}
