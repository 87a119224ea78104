import Dispatch
import MixdownCore
import MixdownDSP
import MixdownMaster
#if canImport(Glibc)
import Glibc
#endif

/// Recorded and synthetic speech in one flow (docs/hybrid-voice.md): the synthetic side is made to
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
    /// all of them, so the synthetic voice stays one voice. A clip beside a recording (index
    /// in `beside`) is what the ear compares at the seam: what its own words leave of the
    /// difference is trimmed too, within ±3 dB of the shared EQ. Returns the shared EQ's gain
    /// per band (dB). (Fitting the spectra as heard through the speech bus instead was tried:
    /// closer for espeak-ng, further for a Piper voice against a humming hall, so the fit
    /// stays on the clips themselves.)
    public static func matchTone(_ clips: inout [[Float]], to room: Room, beside: Set<Int> = [], pool: WorkerPool = .serial) -> [Double] {
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
            pool.forEach(slots.count) { i in
                eq.process(&slots[i])
                guard beside.contains(i), let own = speechSpectrum(slots[i]) else { return }
                let trim = seamBands.fit(power: own, rate: SampleTime.renderRate, to: room.speechLevels)
                seamBands.equaliser(trim, rate: SampleTime.renderRate).process(&slots[i])
            }
        }
        return gains
    }

    /// The per-clip trim at a seam: the speech bands, with narrow bounds (the shared EQ does
    /// the work; the trim only follows what one clip's words differ by).
    static let seamBands = BandMatch.thirdOctaves(from: 100, to: 8_000, maximumBoost: 3, maximumCut: 3)

    /// Gains that bring levelled synthetic clips to the recordings' loudness as heard
    /// (`target`, LUFS through the listener's chain): the bus's compressor holds back a dry
    /// voice's peaks more than a recording's, so clips levelled alike come out up to 1 LU
    /// apart. Heard and corrected twice (the compressor answers a change by less than its
    /// size) for the clips in `measure` (those beside a recording); the others get the mean
    /// of those corrections.
    public static func heardLevelGains(_ clips: [[Float]], target: Double, listener: Listener, measure: Set<Int>,
                                       pool: WorkerPool = .serial) -> [Float] {
        let measured = measure.sorted().filter(clips.indices.contains)
        let heardGains = pool.map(measured.count) { k -> Float in
            var g: Float = 1
            for _ in 0..<2 {
                guard let heard = speechLoudness(listener.hear(clips[measured[k]].map { $0 * g })) else { break }
                g *= Float(pow(10, (target - heard) / 20))
            }
            return g
        }
        var gains = [Float?](repeating: nil, count: clips.count)
        for (i, g) in zip(measured, heardGains) { gains[i] = g }
        let known = gains.compactMap { $0 }
        let mean = known.isEmpty ? 1 : Float(pow(10, known.map { 20 * log10(Double($0)) }.reduce(0, +) / Double(known.count) / 20))
        return gains.map { $0 ?? mean }
    }

    /// The reverberation of speech in `x`: the decay time (seconds to fall 60 dB) in the
    /// 500 Hz–2 kHz band, read from the decays after words. Nil when fewer than three decays
    /// were found (see `decayTime(band:rate:)`).
    public static func decayTime(_ x: [Float], rate: Int = SampleTime.renderRate, floorDb: Double? = nil) -> Double? {
        decayTime(band: decayBand(x, rate: rate), rate: rate, floorDb: floorDb)
    }

    /// `x` in the band the decay is read in: 500 Hz–2 kHz, fourth-order edges.
    public static func decayBand(_ x: [Float], rate: Int = SampleTime.renderRate) -> [Float] {
        var band = x
        FilterChain([Biquad.highPass(500, rate: rate), Biquad.highPass(500, rate: rate),
                     Biquad.lowPass(2_000, rate: rate), Biquad.lowPass(2_000, rate: rate)]).process(&band)
        return band
    }

    /// The decay time of an already band-filtered signal. Its 5 ms levels (smoothed over 15 ms,
    /// in power, so a noise-like decay reads as a line) are followed down from each local
    /// peak at least 20 dB over the noise floor while they keep falling (a rise of more than
    /// 2 dB, the next syllable, ends a decay) to 5 dB over the floor; a decay that falls at
    /// least 15 dB gives the slope of its levels 5 to 15 dB under the peak; the median of
    /// those decays is the estimate. Checked on speech through known rooms: 0.3 and 0.6 s
    /// within 20 %; longer rooms read low (a 0.9 s room about 0.7 s: speech seldom pauses long
    /// enough for a slow decay to fall 15 dB). Both sides of a hybrid flow are read the same
    /// way, so the match does not depend on that bias.
    /// `floorDb`: the band's noise level (5 ms frames, dB) when it is known, as in a stem whose
    /// pauses carry the room tone; otherwise the 10th percentile of the levels, which in a
    /// trimmed reverberant clip may be a tail rather than the noise.
    public static func decayTime(band: [Float], rate: Int = SampleTime.renderRate, floorDb: Double? = nil) -> Double? {
        let frame = rate / 200
        let raw = NoiseFloor.frameLevels(band, frame: frame).map { pow(10, $0 / 10) }
        guard raw.count > 40 else { return nil }
        let levels = raw.indices.map { k -> Double in
            let window = raw[max(0, k - 1)...min(raw.count - 1, k + 1)]
            return 10 * log10(window.reduce(0, +) / Double(window.count) + 1e-12)
        }
        let floor = floorDb ?? levels.sorted()[levels.count / 10]
        var decays = [Double]()
        var i = 1
        while i < levels.count - 1 {
            let peak = levels[i]
            guard peak >= floor + 20, peak >= levels[i - 1], peak > levels[i + 1] else { i += 1; continue }
            var j = i, lowest = peak
            while j + 1 < levels.count, levels[j + 1] <= lowest + 2, levels[j + 1] > floor + 5 {
                j += 1
                lowest = min(lowest, levels[j])
            }
            let points = (i...j).filter { levels[$0] <= peak - 5 && levels[$0] >= peak - 15 }
            if points.count >= 4, lowest <= peak - 15 {
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
        return decays.sorted()[decays.count / 2]
    }

    /// A room for the synthetic side: its clips convolved with a synthetic impulse response's
    /// reverberant tail (seeded noise, low-passed at 5 kHz, decaying exponentially by
    /// `decaySeconds`, from 3 ms), mixed under the dry voice `directToReverberantDb` below it
    /// (energy of the direct sound over the tail's).
    public struct SyntheticRoom: Sendable, Equatable {
        public var decaySeconds: Double
        public var directToReverberantDb: Double

        /// The tail, unit energy, 1.2 decay times long (−72 dB at its end).
        public func tail(rate: Int = SampleTime.renderRate, seed: UInt64 = 0xDECA1) -> [Float] {
            let count = max(2, Int(1.2 * decaySeconds * Double(rate)))
            var rng = SplitMix(seed: seed)
            var noise = (0..<count).map { _ in Float(rng.nextSigned()) }
            FilterChain([.lowPass(5_000, rate: rate)]).process(&noise)
            let k = 3 * log(10.0) / (decaySeconds * Double(rate)), onset = rate * 3 / 1_000
            for n in 0..<count { noise[n] = n < onset ? 0 : noise[n] * Float(exp(-k * Double(n))) }
            let energy = noise.reduce(0) { $0 + Double($1) * Double($1) }
            return noise.map { $0 / Float(energy.squareRoot()) }
        }

        /// The room's tail beyond the end of a clip: until it has fallen 30 dB (under any room
        /// tone it plays over), faded out over its last third.
        public var extraSamples: Int { Int(decaySeconds / 2 * Double(SampleTime.renderRate)) }

        /// `x` in the room: dry plus the tail's convolution, longer by `extraSamples`.
        public func apply(_ x: [Float], convolver: Convolver) -> [Float] {
            let extra = extraSamples, length = x.count + extra
            var wet = convolver.convolve(x, length: length)
            let g = Float(pow(10, -directToReverberantDb / 20))
            let fade = max(1, extra / 3)
            for n in 0..<length {
                var y = (n < x.count ? x[n] : 0) + g * wet[n]
                let fromEnd = length - 1 - n
                if fromEnd < fade { y *= Float(0.5 - 0.5 * cos(Double.pi * (Double(fromEnd) + 0.5) / Double(fade))) }
                wet[n] = y
            }
            return wet
        }
    }

    /// How the listener hears synthetic speech in the programme: with the room tone under it,
    /// through the speech bus (`chain`: its de-esser and compressor treat a dry voice's sharp
    /// peaks and word ends differently from a recording's). Every match is measured on what
    /// this returns, against the recordings through the same `chain`.
    public struct Listener {
        public var roomTone: RoomTone?
        public var chain: ([Float]) -> [Float]

        /// The room's level in the decay band as heard (median 5 ms level of the room tone
        /// through the chain): decays on both sides are read down to it, as a listener hears
        /// them end in the room rather than in whatever a clip's quietest moment was.
        public let decayFloorDb: Double?

        public init(roomTone: RoomTone? = nil, chain: @escaping ([Float]) -> [Float] = { $0 }) {
            (self.roomTone, self.chain) = (roomTone, chain)
            decayFloorDb = roomTone.map { tone in
                let levels = NoiseFloor.frameLevels(decayBand(chain(tone.render(length: 2 * SampleTime.renderRate))), frame: SampleTime.renderRate / 200).sorted()
                return levels[levels.count / 2]
            }
        }

        /// Synthetic speech as heard: the room tone under it, through the bus.
        public func hear(_ x: [Float]) -> [Float] { chain(withRoomTone(x, roomTone)) }

        /// The decay time of `x` as the chain lets it through, read down to the room.
        public func decayTime(_ x: [Float]) -> Double? { decayTime(heard: chain(x)) }

        /// The decay time of what has already been through the chain, read down to the room.
        public func decayTime(heard x: [Float]) -> Double? { HybridVoice.decayTime(x, floorDb: decayFloorDb) }
    }

    /// The room the synthetic clips need to decay like the recordings (`target`, seconds, as
    /// heard). The direct-to-reverberant ratio cannot be read reliably from speech, so the
    /// driest mix that reaches the target is taken (from +12 dB down to −3 dB in 3 dB steps):
    /// the voice stays as clear as the room allows. The tail's decay starts at the target and
    /// is corrected by what the search measures until it reads within 8 % (at most four
    /// rounds: the estimate from a few word ends is itself uncertain by about 10 %, so a
    /// looser stop would add to it). Each trial is heard as the listener will hear it: an
    /// excerpt (the clips with 0.5 s between them, up to 30 s) through `listener`. Nil: the
    /// synthetic side already decays as slowly (a room cannot be taken away).
    public static func matchRoom(_ clips: [[Float]], target: Double, listener: Listener = Listener()) -> SyntheticRoom? {
        let excerpt = decayExcerpt(clips)
        let dry = withRoomTone(excerpt, listener.roomTone)
        func heard(_ wet: [Float], _ g: Float) -> Double? {
            listener.decayTime(zip(dry, wet).map { $0 + g * $1 })
        }
        if let unmatched = listener.decayTime(dry), unmatched >= 0.9 * target { return nil }
        var best: (room: SyntheticRoom, measured: Double)?
        var decay = target
        for _ in 0..<4 {
            let tail = SyntheticRoom(decaySeconds: decay, directToReverberantDb: 0).tail()
            let wet = Convolver(impulse: tail).convolve(excerpt, length: excerpt.count)
            var found: (room: SyntheticRoom, measured: Double)?
            for drr in stride(from: 12.0, through: -3, by: -3) {
                guard let m = heard(wet, Float(pow(10, -drr / 20))) else { continue }
                found = (SyntheticRoom(decaySeconds: decay, directToReverberantDb: drr), m)
                if m >= 0.9 * target { break }
            }
            guard let found else { break }
            if best == nil || abs(log(found.measured / target)) < abs(log(best!.measured / target)) { best = found }
            if abs(found.measured / target - 1) <= 0.08 { break }
            decay = min(3, max(0.1, decay * target / found.measured))
        }
        return best?.room
    }

    /// The decay time of synthetic `clips` as heard: their excerpt through `listener` (what
    /// `matchRoom` aims at, and what the report gives).
    public static func heardDecayTime(_ clips: [[Float]], listener: Listener) -> Double? {
        listener.decayTime(withRoomTone(decayExcerpt(clips), listener.roomTone))
    }

    static func withRoomTone(_ x: [Float], _ roomTone: RoomTone?) -> [Float] {
        guard let roomTone else { return x }
        return zip(x, roomTone.render(length: x.count)).map { $0 + $1 }
    }

    /// Clips joined with 0.5 s of silence between them (so their ends decay freely), up to 30 s.
    public static func decayExcerpt(_ clips: [[Float]]) -> [Float] {
        let gap = [Float](repeating: 0, count: SampleTime.renderRate / 2), limit = 30 * SampleTime.renderRate
        var out = [Float]()
        for clip in clips where out.count < limit { out += clip; out += gap }
        return out
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
