import Dispatch
import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// Recorded and synthetic speech in one flow (DESIGN.md §9): the synthetic side is made to
/// sound as if it were spoken in the recording's room. Its loudness is matched to the speech
/// loudness of the recordings, its long-term spectrum to theirs (a smooth third-octave EQ,
/// boost limited), and a room tone with the spectrum and level of the recordings' pauses runs
/// under everything that is not the recording, bridged into the recording's own noise by
/// equal-power crossfades, so the background never switches on and off.
public enum HybridVoice {
    /// Third octaves over the speech range that every voice carries (espeak-ng's output ends
    /// near 11 kHz); a boost of at most 6 dB, a cut of at most 15.
    public static let speechBands = BandMatch.thirdOctaves(from: 100, to: 8_000, maximumBoost: 6, maximumCut: 15)
    /// The room tone is shaped over the whole audible range, with wide bounds: noise has no
    /// "natural" tone to protect.
    static let noiseBands = BandMatch.thirdOctaves(from: 40, to: 16_000, maximumBoost: 40, maximumCut: 40)
    /// Equal-power crossfade between room tone and a recording's own noise at its edges (50 ms),
    /// inside the recording's lead-in and lead-out.
    public static let bridge = 2_400

    /// What the recordings say about their room.
    public struct Room: Sendable {
        /// Third-octave levels of the speech (frames well above the noise).
        public var speechLevels: [Double]
        /// Third-octave levels of the pauses (frames at the noise floor).
        public var noiseLevels: [Double]
        /// The noise floor (dBFS, see `NoiseFloor`).
        public var noiseFloorDb: Double
    }

    /// Speech-gated loudness (BS.1770 integrated: absolute and relative gates drop the pauses).
    public static func speechLoudness(_ x: [Float]) -> Double? {
        guard !x.isEmpty else { return nil }
        let profile = LoudnessProfile(AudioBuffer(sampleRate: SampleTime.renderRate, channels: [x]), weights: [1])
        return profile.integrated ?? profile.momentaryMax
    }

    /// Long-term spectrum (mean power per 4096-point frame) of the speech in `x`: frames
    /// within 20 dB of its loud ones (the 90th percentile), so pauses and noise do not colour it.
    static func speechSpectrum(_ x: [Float]) -> [Double]? {
        let frames = NoiseFloor.frameLevels(x, frame: 4_096).sorted()
        guard !frames.isEmpty else { return nil }
        let threshold = pow(10, (frames[Int(Double(frames.count - 1) * 0.9)] - 20) / 10)
        let spectrum = BandEnergy.longTermSpectrum(of: x, size: 4_096, keep: { $0 > threshold })
        return spectrum.frames > 0 ? spectrum.power.map { $0 / Double(spectrum.frames) } : nil
    }

    /// Third-octave levels of the speech in `x`.
    public static func speechLevels(_ x: [Float]) -> [Double] {
        speechSpectrum(x).map { speechBands.levels(power: $0, rate: SampleTime.renderRate) } ?? speechBands.centres.map { _ in -200 }
    }

    /// The room of `recordings` (levelled, untrimmed: their lead-in and lead-out are room).
    public static func room(of recordings: [[Float]]) -> Room {
        let joined = Array(recordings.joined())
        let floor = NoiseFloor.estimate(joined)
        // Pauses: 2048-sample frames within 3 dB of the floor.
        let pauseLimit = pow(10, (floor + 3) / 10)
        let noise = noiseBands.levels(joined, rate: SampleTime.renderRate, size: 2_048, keep: { $0 < pauseLimit })
        return Room(speechLevels: speechLevels(joined), noiseLevels: noise, noiseFloorDb: floor)
    }

    /// Brings the synthetic clips' common long-term spectrum to the room's speech: one EQ for
    /// all of them, so the synthetic voice stays one voice. Returns its gain per band (dB).
    public static func matchTone(_ clips: inout [[Float]], to room: Room, pool: WorkerPool = .serial) -> [Double] {
        guard var spectrum = speechSpectrum(Array(clips.joined())) else { return speechBands.centres.map { _ in 0 } }
        // A recording narrower than the synthetic voice (a phone line, a lavalier's roll-off)
        // is followed first with steep filters at its band edges: no EQ bound reaches that far.
        if let limits = bandLimits(synthetic: speechBands.levels(power: spectrum, rate: SampleTime.renderRate), recording: room.speechLevels) {
            clips.withUnsafeMutableBufferPointer { slots in
                pool.forEach(slots.count) { limits.process(&slots[$0]) }
            }
            spectrum = speechSpectrum(Array(clips.joined())) ?? spectrum
        }
        let gains = speechBands.fit(power: spectrum, rate: SampleTime.renderRate, to: room.speechLevels)
        let eq = speechBands.equaliser(gains, rate: SampleTime.renderRate)
        clips.withUnsafeMutableBufferPointer { slots in
            pool.forEach(slots.count) { eq.process(&slots[$0]) }
        }
        return gains
    }

    /// The reverberation of speech in `x`: the decay time (seconds to fall 60 dB) in the
    /// 500 Hz–2 kHz band, read from the decays after words. The band's 10 ms levels are
    /// followed down from each local peak at least 25 dB over the noise floor, while they keep
    /// falling (5 ms levels smoothed over 15 ms), to 5 dB over the floor; the slope from 5 to 20 dB under the peak gives that
    /// decay's time. The decays inside words are shorter than the room's, so the upper quartile
    /// of the decays is the estimate. Nil when fewer than three decays were found.
    public static func decayTime(_ x: [Float], rate: Int = SampleTime.renderRate) -> Double? {
        var band = x
        FilterChain([Biquad.highPass(500, rate: rate), Biquad.highPass(500, rate: rate),
                     Biquad.lowPass(2_000, rate: rate), Biquad.lowPass(2_000, rate: rate)]).process(&band)
        // 5 ms levels, smoothed over 15 ms (in power) so a noise-like decay reads as a line.
        let frame = rate / 200
        let raw = NoiseFloor.frameLevels(band, frame: frame).map { pow(10, $0 / 10) }
        guard raw.count > 40 else { return nil }
        let levels = raw.indices.map { k -> Double in
            let window = raw[max(0, k - 1)...min(raw.count - 1, k + 1)]
            return 10 * log10(window.reduce(0, +) / Double(window.count) + 1e-12)
        }
        let floor = levels.sorted()[levels.count / 10]
        var decays = [Double]()
        var i = 1
        while i < levels.count - 1 {
            let peak = levels[i]
            guard peak >= floor + 25, peak >= levels[i - 1], peak > levels[i + 1] else { i += 1; continue }
            // Follow the fall; a rise of more than 2 dB (the next syllable) ends it.
            var j = i, lowest = peak
            while j + 1 < levels.count, levels[j + 1] <= lowest + 2, levels[j + 1] > floor + 5 {
                j += 1
                lowest = min(lowest, levels[j])
            }
            let points = (i...j).filter { levels[$0] <= peak - 5 && levels[$0] >= peak - 20 }
            if points.count >= 4, lowest <= peak - 20 {
                let ts: [Double] = points.map { Double($0 - i) / 200 }
                let ls: [Double] = points.map { levels[$0] }
                let mt: Double = ts.reduce(0, +) / Double(ts.count)
                let ml: Double = ls.reduce(0, +) / Double(ls.count)
                var covariance = 0.0, variance = 0.0
                for (t, l) in zip(ts, ls) { covariance += (t - mt) * (l - ml); variance += (t - mt) * (t - mt) }
                let slope = covariance / variance
                if slope < 0 { decays.append(-60 / slope) }
            }
            i = max(i + 1, j)
        }
        guard decays.count >= 3 else { return nil }
        return decays.sorted()[(decays.count * 3) / 4]
    }

    /// Band edges of a recording that the EQ's bounds could not follow: where, from the top
    /// (or bottom) band inwards, the recording lies more than the largest cut below the
    /// synthetic voice (levels compared with the 300 Hz–3 kHz mean removed). Returns fourth-
    /// order low- and high-pass filters at those edges, or nil for a full-band recording.
    static func bandLimits(synthetic: [Double], recording: [Double]) -> FilterChain? {
        let centres = speechBands.centres
        let middle = centres.indices.filter { (300.0...3_000).contains(centres[$0]) }
        let d = zip(recording, synthetic).map { $0 - $1 }
        let mean = middle.map { d[$0] }.reduce(0, +) / Double(max(1, middle.count))
        let out = d.map { $0 - mean < -(speechBands.maximumCut - 3) }
        var stages = [Biquad]()
        // The top: the first band of a run of unreachable bands that goes to the last band.
        if var top = out.lastIndex(of: false).map({ $0 + 1 }), top < centres.count, centres[top] > 2_000 {
            top = max(top, 1)
            let edge = (centres[top - 1] * centres[top]).squareRoot()
            stages += [Biquad.lowPass(edge, q: 0.541, rate: SampleTime.renderRate), Biquad.lowPass(edge, q: 1.307, rate: SampleTime.renderRate)]
        }
        if let bottom = out.firstIndex(of: false), bottom > 0, centres[bottom] < 500 {
            let edge = (centres[bottom - 1] * centres[bottom]).squareRoot()
            stages += [Biquad.highPass(edge, q: 0.541, rate: SampleTime.renderRate), Biquad.highPass(edge, q: 1.307, rate: SampleTime.renderRate)]
        }
        return stages.isEmpty ? nil : FilterChain(stages)
    }

    /// Room tone: seeded white noise shaped to the pauses' third-octave spectrum and scaled to
    /// their floor, 4 s of it, played in a loop with equal-power crossfades.
    public struct RoomTone: Sendable {
        let loop: [Float]
        static let fade = 4_800

        public init(_ room: Room, seed: UInt64 = 0x5EED) {
            let rate = SampleTime.renderRate
            // White noise has a flat spectrum: the fit needs no measurement of it.
            let gains = noiseBands.fit(power: [Double](repeating: 1, count: 1_025), rate: rate, to: room.noiseLevels)
            var rng = SplitMix(seed: seed)
            let settle = 4_800
            var noise = (0..<(4 * rate + settle)).map { _ in Float(rng.nextSigned()) }
            noiseBands.equaliser(gains, rate: rate).process(&noise)
            noise.removeFirst(settle)   // the filters' start-up
            let gain = Float(pow(10, (room.noiseFloorDb - NoiseFloor.estimate(noise)) / 20))
            loop = noise.map { $0 * gain }
        }

        public func render(length: Int) -> [Float] {
            var out = [Float](repeating: 0, count: max(0, length))
            out.withUnsafeMutableBufferPointer { render(from: 0, into: $0) }
            return out
        }

        /// Room-tone samples [from, from + out.count): any window on its own.
        public func render(from: Int, into o: UnsafeMutableBufferPointer<Float>) {
            let fade = Self.fade, period = loop.count - fade
            loop.withUnsafeBufferPointer { l in
                for j in 0..<o.count {
                    let i = from + j
                    let k = i % period
                    if i >= period && k < fade {
                        // Loop seam: the next pass fades in as the last one's tail fades out.
                        let g = crossfade(k, fade)
                        o[j] = l[k] * g.incoming + l[period + k] * g.outgoing
                    } else {
                        o[j] = l[k]
                    }
                }
            }
        }
    }

    /// One side of a boundary against the other: the report's three differences (dB).
    public struct Difference: Sendable, Equatable, EncodesEveryKey {
        /// Speech-gated loudness, synthetic minus recorded (LU).
        public var loudnessDifferenceLu: Double?
        /// Third-octave distance of the long-term speech spectra (dB RMS, level removed).
        public var spectralDistanceDb: Double
        /// Noise floor, synthetic minus recorded (dB).
        public var noiseFloorDifferenceDb: Double
    }

    public static func difference(recorded: [Float], synthetic: [Float]) -> Difference {
        let loudness = speechLoudness(synthetic).flatMap { s in speechLoudness(recorded).map { s - $0 } }
        return Difference(loudnessDifferenceLu: loudness,
                          spectralDistanceDb: BandMatch.distance(speechLevels(synthetic), speechLevels(recorded)),
                          noiseFloorDifferenceDb: NoiseFloor.estimate(synthetic) - NoiseFloor.estimate(recorded))
    }

    /// Equal-power crossfade gains at sample i of a `length`-sample bridge: the incoming
    /// side's and the outgoing side's. Uncorrelated noises keep their summed power.
    @inline(__always)
    public static func crossfade(_ i: Int, _ length: Int) -> (incoming: Float, outgoing: Float) {
        let t = (Double(i) + 0.5) / Double(length) * Double.pi / 2
        return (Float(sin(t)), Float(cos(t)))
    }
}
