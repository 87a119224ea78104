import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

/// EBU Tech 3341 (cases 1–6, 9–19) and Tech 3342 (cases 1–4), synthesised from their published
/// definitions: 1 kHz stereo sines at the stated dBFS, which read the same in LUFS.
/// Tolerances are the EBU's: I/M/S ±0.1 LU, LRA ±1 LU, true peak +0.2/−0.4 dB.
@Suite struct EBUTech3341 {
    func profile(_ buffer: AudioBuffer, roles: [ChannelRole]? = nil) -> LoudnessProfile {
        LoudnessProfile(buffer, weights: (roles ?? ChannelRole.defaultLayout(channels: buffer.channelCount)).map(\.loudnessWeight))
    }

    @Test("cases 1 and 2: steady tone, M = S = I", arguments: [-23.0, -33.0])
    func steadyTone(level: Double) throws {
        let p = profile(Signals.toneSequence([(level, 20)]))
        let integrated = try #require(p.integrated)
        #expect(abs(integrated - level) <= 0.1)
        // Every momentary and short-term reading after the window fills.
        for m in p.momentarySeries() { #expect(abs(m! - level) <= 0.1) }
        for s in p.shortTermSeries() { #expect(abs(s! - level) <= 0.1) }
    }

    @Test("cases 3–5: gating", arguments: [
        [(-36.0, 10.0), (-23, 60), (-36, 10)],
        [(-72.0, 10.0), (-36, 10), (-23, 60), (-36, 10), (-72, 10)],
        [(-26.0, 20.0), (-20, 20.1), (-26, 20)],
    ])
    func gating(segments: [(Double, Double)]) throws {
        let p = profile(Signals.toneSequence(segments.map { (dBFS: Optional($0.0), seconds: $0.1) }))
        #expect(abs(try #require(p.integrated) - -23) <= 0.1)
    }

    @Test("case 6: 5.0 channels with surround weighting")
    func fiveChannels() throws {
        // L, R, C, Ls, Rs at −28, −28, −24, −30, −30 dBFS.
        let levels = [-28.0, -28, -24, -30, -30]
        let channels = levels.map { Signals.toneSequence([($0, 20)], channels: 1).channels[0] }
        let roles: [ChannelRole] = [.left, .right, .centre, .leftSurround, .rightSurround]
        let p = profile(AudioBuffer(sampleRate: 48_000, channels: channels), roles: roles)
        #expect(abs(try #require(p.integrated) - -23) <= 0.1)
    }

    @Test("case 9: S constant at −23 for 1.34 s at −20 / 1.66 s at −30 alternating")
    func shortTermConstant() {
        let period: [(dBFS: Double?, seconds: Double)] = [(-20, 1.34), (-30, 1.66)]
        let p = profile(Signals.toneSequence(Array(repeating: period, count: 5).flatMap { $0 }))
        let series = p.shortTermSeries()
        #expect(!series.isEmpty)
        for s in series { #expect(abs(s! - -23) <= 0.1) }
    }

    @Test("case 12: M constant at −23 for 0.18 s at −20 / 0.22 s at −30 alternating")
    func momentaryConstant() {
        let period: [(dBFS: Double?, seconds: Double)] = [(-20, 0.18), (-30, 0.22)]
        let p = profile(Signals.toneSequence(Array(repeating: period, count: 25).flatMap { $0 }))
        // Entries end at (j + 160) × 2.5 ms; the EBU checks after 1 s.
        for (j, m) in p.momentarySeries().enumerated() where j + 160 >= 400 { #expect(abs(m! - -23) <= 0.1) }
    }

    /// Cases 10 and 13: one burst at −23 dBFS preceded by silence whose length is not a
    /// multiple of the 100 ms update grid; max S (3 s burst) or max M (0.4 s burst) reads −23.
    @Test("case 10: max short-term of a 3 s burst at 20 offsets", arguments: 1...20)
    func shortTermMaxAtOffset(k: Int) throws {
        let lead = 0.15 * Double(k - 1) + 0.0037 * Double(k)
        let p = profile(Signals.toneSequence([(nil, lead), (-23, 3), (nil, 1)]))
        #expect(abs(try #require(p.shortTermMax) - -23) <= 0.1)
    }

    @Test("case 13: max momentary of a 0.4 s burst at 20 offsets", arguments: 1...20)
    func momentaryMaxAtOffset(k: Int) throws {
        let lead = 0.02 * Double(k - 1) + 0.0013 * Double(k)
        let p = profile(Signals.toneSequence([(nil, lead), (-23, 0.4), (nil, 0.6)]))
        #expect(abs(try #require(p.momentaryMax) - -23) <= 0.1)
    }

    /// Cases 11 and 14: twenty bursts at −38, −37, … −19 dBFS in successive segments; the
    /// maximum reading within each segment is that burst's level.
    @Test("case 11: successive max short-term −38 … −19")
    func successiveShortTermMaxima() {
        let segment = 6.0
        var parts = [(dBFS: Double?, seconds: Double)]()
        for k in 0..<20 {
            let lead = 0.5 + 0.037 * Double(k)
            parts += [(nil, lead), (-38 + Double(k), 3), (nil, segment - lead - 3)]
        }
        let series = profile(Signals.toneSequence(parts)).shortTermSeries()
        for k in 0..<20 {
            // Windows ending within [segment start + 3 s, segment end).
            let first = Int(Double(k) * segment * 400) + 1200 - 1200, last = Int(Double(k + 1) * segment * 400) - 1200
            let maximum = series[first..<last].compactMap { $0 }.max()!
            #expect(abs(maximum - (-38 + Double(k))) <= 0.1, "segment \(k)")
        }
    }

    @Test("case 14: successive max momentary −38 … −19")
    func successiveMomentaryMaxima() {
        let segment = 0.8
        var parts = [(dBFS: Double?, seconds: Double)]()
        for k in 0..<20 {
            let lead = 0.1 + 0.007 * Double(k)
            parts += [(nil, lead), (-38 + Double(k), 0.4), (nil, segment - lead - 0.4)]
        }
        let series = profile(Signals.toneSequence(parts)).momentarySeries()
        for k in 0..<20 {
            let first = Int((Double(k) * segment * 400).rounded()), last = Int((Double(k + 1) * segment * 400).rounded()) - 160
            let maximum = series[first..<last].compactMap { $0 }.max()!
            #expect(abs(maximum - (-38 + Double(k))) <= 0.1, "segment \(k)")
        }
    }

    struct PeakCase: CustomTestStringConvertible, Sendable {
        var name: String, fraction: Double, phase: Double, dBFS: Double, expected: Double
        var testDescription: String { name }
    }

    /// Cases 15–19: sines at fs/4, fs/6 and fs/8 whose phase keeps every sample below the
    /// waveform's peak, 1 s with 0.1 s fades; the true peak is the waveform's peak. The last
    /// two also run fs/4 at the other phases, as some published readings of the table do.
    @Test("cases 15–19: true peak", arguments: [
        PeakCase(name: "15: fs/4, 0°", fraction: 1.0 / 4, phase: 0, dBFS: -6.0206, expected: -6),
        PeakCase(name: "16: fs/4, 45°", fraction: 1.0 / 4, phase: 45, dBFS: -6.0206, expected: -6),
        PeakCase(name: "17: fs/6, 60°", fraction: 1.0 / 6, phase: 60, dBFS: -6.0206, expected: -6),
        PeakCase(name: "18: fs/8, 67.5°", fraction: 1.0 / 8, phase: 67.5, dBFS: -6.0206, expected: -6),
        PeakCase(name: "19: fs/4, 45°, +3 dBTP", fraction: 1.0 / 4, phase: 45, dBFS: 2.9844, expected: 3),
        PeakCase(name: "17 alt: fs/4, 60°", fraction: 1.0 / 4, phase: 60, dBFS: -6.0206, expected: -6),
        PeakCase(name: "18 alt: fs/4, 67.5°", fraction: 1.0 / 4, phase: 67.5, dBFS: -6.0206, expected: -6),
    ])
    func truePeak(_ c: PeakCase) throws {
        let signal = Signals.sine(frequency: 48_000 * c.fraction, dBFS: c.dBFS, seconds: 1,
                                  phasesDegrees: [c.phase, c.phase], taper: 0.1)
        let analysis = AudioAnalysis.analyze(signal)
        let tp = try #require(analysis.truePeakDbtp)
        #expect(tp - c.expected <= 0.2 && c.expected - tp <= 0.4, "true peak \(tp)")
        // And the sample peak really is below it where the phase says so.
        if c.phase != 0 { #expect(try #require(analysis.samplePeakDbfs) < c.expected - 0.5) }
    }
}

@Suite struct EBUTech3342 {
    @Test("cases 1–4: loudness range", arguments: [
        ([(-20.0, 20.0), (-30, 20)], 10.0),
        ([(-20.0, 20.0), (-15, 20)], 5.0),
        ([(-40.0, 20.0), (-20, 20)], 20.0),
        ([(-50.0, 20.0), (-35, 20), (-20, 20), (-35, 20), (-50, 20)], 15.0),
    ] as [([(Double, Double)], Double)])
    func loudnessRange(segments: [(Double, Double)], expected: Double) throws {
        let buffer = Signals.toneSequence(segments.map { (dBFS: Optional($0.0), seconds: $0.1) })
        let lra = try #require(LoudnessProfile(buffer, weights: [1, 1]).loudnessRange)
        #expect(abs(lra - expected) <= 1, "LRA \(lra)")
    }
}
