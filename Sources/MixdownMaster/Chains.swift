import Dispatch
import MixdownCore
import MixdownDSP
import MixdownIO
#if canImport(Glibc)
import Glibc
#endif

/// The speech bus: high-pass, de-essing, gentle compression, presence. Applied to speech clips
/// only (inserts are placed as they are). Every stage is causal and carries its state between
/// blocks (`Stream`), so the bus processed in blocks of any size is the bus processed whole.
public enum SpeechChain {
    public static func process(_ channels: inout [[Float]], rate: Int, settings: MasteringSettings) {
        guard let n = channels.first?.count, n > 0 else { return }
        var block = AudioBlock(channels: channels.count, capacity: 0)
        block.channels = channels
        block.frames = n
        channels = []
        var stream = Stream(settings: settings, rate: rate, channels: block.channelCount)
        stream.process(&block)
        channels = block.channels
    }

    public struct Stream: Sendable {
        var highPass: FilterChain.Channels?
        var deEsser: DeEsser?
        var compressor: Compressor.Stream?
        var presence: FilterChain.Channels?

        public init(settings: MasteringSettings, rate: Int, channels: Int) {
            if settings.speechHighPass > 0 {
                highPass = FilterChain.Channels(FilterChain([.highPass(settings.speechHighPass, rate: rate)]), channels: channels)
            }
            if settings.deEssDB > 0 { deEsser = DeEsser(rate: rate, channels: channels, maximumDB: settings.deEssDB) }
            if settings.speechRatio > 1 {
                // Threshold a few dB under the levelled speech (−20 LUFS ≈ −14 dBFS peaks): only
                // the loudest syllables are held back.
                compressor = Compressor.Stream(Compressor(thresholdDB: -16, ratio: settings.speechRatio, kneeDB: 8,
                                                          attackSeconds: 0.005, releaseSeconds: 0.12), rate: rate)
            }
            if settings.presenceDB != 0 {
                presence = FilterChain.Channels(FilterChain([.peaking(3_500, gainDB: settings.presenceDB, q: 0.9, rate: rate)]), channels: channels)
            }
        }

        public mutating func process(_ block: inout AudioBlock) {
            highPass?.process(&block)
            deEsser?.process(&block)
            compressor?.process(&block)
            presence?.process(&block)
        }
    }

    /// Sibilance (energy above 5 kHz well out of proportion to the whole) is turned down in the
    /// high band only, by at most `maximumDB`, with a fast attack and a short release, decided
    /// per 64 samples from the block before (causal). The split is an LR4 crossover, so
    /// low + high is a flat all-pass and lowering the high band lowers exactly it.
    struct DeEsser: Sendable {
        static let detector = 64
        /// The two halves (low, high) of an LR4 crossover at 5 kHz, side by side, with a state per channel.
        var crossover: FilterPair.Channels
        let maximumDB: Double
        var high = 0.0, full = 0.0, phase = 0
        var smoothed = 0.0
        var gain: Float = 1
        var highs: AudioBlock, lows: AudioBlock

        init(rate: Int, channels: Int, maximumDB: Double) {
            crossover = FilterPair.Channels(FilterPair(FilterChain([.lowPass(5_000, rate: rate), .lowPass(5_000, rate: rate)]),
                                                       FilterChain([.highPass(5_000, rate: rate), .highPass(5_000, rate: rate)])), channels: channels)
            highs = AudioBlock(channels: channels, capacity: 4_096)
            lows = highs
            self.maximumDB = maximumDB
        }

        mutating func process(_ block: inout AudioBlock) {
            let n = block.frames, channels = block.channelCount
            if highs.capacity < n {
                highs = AudioBlock(channels: channels, capacity: n)
                lows = AudioBlock(channels: channels, capacity: n)
            }
            crossover.split(block, into: &lows, &highs)
            var i = 0
            while i < n {
                let run = min(n - i, Self.detector - phase)
                // Sample after sample: the detector's sums do not depend on where blocks end.
                for c in 0..<channels {
                    highs.channels[c].withUnsafeBufferPointer { h in for k in i..<(i + run) { high += Double(h[k]) * Double(h[k]) } }
                    block.channels[c].withUnsafeBufferPointer { x in for k in i..<(i + run) { full += Double(x[k]) * Double(x[k]) } }
                }
                let g = gain
                for c in 0..<channels {
                    block.channels[c].withUnsafeMutableBufferPointer { x in
                        lows.channels[c].withUnsafeBufferPointer { l in
                            highs.channels[c].withUnsafeBufferPointer { h in
                                for k in i..<(i + run) { x[k] = l[k] + h[k] * g }
                            }
                        }
                    }
                }
                phase += run
                i += run
                if phase == Self.detector {
                    // Sibilant when the highs carry more than a third of the energy.
                    let ratio = full > 1e-12 ? high / full : 0
                    let target = ratio > 0.33 ? min(maximumDB, 10 * log10(ratio / 0.33) * 3) : 0
                    smoothed = target > smoothed ? target : smoothed * 0.9 + target * 0.1
                    gain = Float(pow(10, -smoothed / 20))
                    high = 0; full = 0; phase = 0
                }
            }
        }
    }
}

/// The master bus: corrective EQ (rumble and DC out), mono-safe low end, multiband compression
/// over crossovers that sum flat, optional oversampled soft saturation. Loudness and the
/// true-peak limit come after, in `LoudnessMaster`.
///
/// Two of its decisions depend on the whole programme: whether there is any low side to
/// centre, and each band's compression threshold. `Analyzer` measures them in a first pass;
/// `Stream` then processes block by block.
public enum MasterChain {
    public static let monoBelow = 120.0

    /// Analyses and processes a whole buffer.
    public static func process(_ buffer: AudioBuffer, settings: MasteringSettings, pool: WorkerPool = .serial) -> AudioBuffer {
        let source = BufferSource(buffer)
        let out = MemorySink(sampleRate: buffer.sampleRate, channels: buffer.channelCount, capacity: buffer.frameCount)
        try? run(source, settings: settings, decisions: analyze(source, settings: settings, pool: pool), pool: pool) { try out.consume($0) }
        return out.buffer
    }

    /// The first pass over a programme: what the chain decides from the whole of it.
    public static func analyze(_ source: BlockSource, settings: MasteringSettings, blockFrames: Int = 65_536,
                               pool: WorkerPool = .serial) throws -> Decisions {
        var analyzer = Analyzer(settings: settings, rate: source.sampleRate, channels: source.channelCount, pool: pool)
        try source.forEachBlock(capacity: blockFrames) { try analyzer.process($0) }
        return analyzer.decisions
    }

    /// The second pass: the chain over `source` into `body`, block by block. The blocks cover
    /// exactly the source's frames (what the saturation holds back comes out at the end).
    /// The chain makes the next block while `body` takes the last; `made` sees each block on
    /// the chain's side as it is made (work that balances the two sides).
    /// `kept`: the analysing pass's bands of `source`, used when they stand for the chain's own.
    public static func run(_ source: BlockSource, settings: MasteringSettings, decisions: Decisions, kept: KeptBands? = nil,
                           blockFrames: Int = 65_536, pool: WorkerPool = .serial, made: (AudioBlock) throws -> Void = { _ in },
                           _ body: (AudioBlock) throws -> Void) throws {
        var stream = Stream(settings: settings, rate: source.sampleRate, channels: source.channelCount, decisions: decisions, pool: pool)
        let bands = stream.canUse(kept) && kept?.frames == source.frameCount ? kept : nil
        var position = 0
        try Pipelined.run(channels: source.channelCount, capacity: max(blockFrames, stream.latency), pool: pool, produce: { block in
            if position < source.frameCount {
                if let bands {
                    block.frames = min(blockFrames, source.frameCount - position)
                    let at = position
                    position += block.frames   // input frames (the saturation may output fewer)
                    try stream.process(kept: bands, at: at, into: &block)
                    if block.frames > 0 { try made(block) }
                    return true
                }
                try source.read(from: position, into: &block)
                position += block.frames
                stream.process(&block)
                if block.frames > 0 { try made(block) }
                return true
            }
            guard position == source.frameCount else { return false }
            position += 1   // once: what the chain holds back
            stream.finish(&block)
            if block.frames > 0 { try made(block) }
            return true
        }, consume: { block in if block.frames > 0 { try body(block) } })
    }

    /// The multiband stage's split: LR4 at 150 Hz and 3 kHz, per channel.
    static func bands(rate: Int, channels: Int) -> ThreeBandSplit.Channels {
        ThreeBandSplit.Channels(ThreeBandSplit(low: 150, high: 3_000, rate: rate), channels: channels)
    }

    public struct Decisions: Sendable, Equatable {
        /// Take the side out below 120 Hz (there is low side to take).
        public var centre: Bool
        /// Multiband compression threshold per band (dBFS), nil for a silent band.
        public var thresholds: [Double?]
    }

    /// Corrective EQ: rumble and DC out.
    static func corrective(rate: Int) -> FilterChain { FilterChain([.highPass(25, rate: rate)]) }

    /// Corrective EQ and a mono-safe low end for a stereo pair, block by block. Below 120 Hz
    /// the side signal is removed: bass stays centred and survives mono playback. The side
    /// keeps only its LR4 high part; the mid gets the same crossover's all-pass (LR4 low + high
    /// = a 2nd-order all-pass, Q 0.5), so mid and side stay in phase and L + R is the mid,
    /// untouched in magnitude. The corrective high-pass is linear, so it runs on mid and side.
    struct LowEnd: Sendable {
        let corrective: FilterChain
        /// The mid's all-pass and the side's LR4 high-pass, side by side in one loop.
        let centring: FilterPair
        /// `centring.second`, held apart: reading it through `centring` inside the closures
        /// that hold this struct's scratch buffers would overlap their access.
        let sideHighPass: FilterChain
        var states: [FilterChain.State]
        var mid: [Float] = [], side: [Float] = [], lowSide: [Float] = []
        let stereo: Bool

        init(rate: Int, channels: Int) {
            corrective = MasterChain.corrective(rate: rate)
            centring = FilterPair(FilterChain([.allPass(monoBelow, q: 0.5, rate: rate)]),
                                  FilterChain([.highPass(monoBelow, rate: rate), .highPass(monoBelow, rate: rate)]))
            sideHighPass = centring.second
            stereo = channels == 2
            states = stereo ? [.init(corrective), .init(corrective), .init(centring.first), .init(centring.second)]
                            : Array(repeating: .init(corrective), count: channels)
        }

        /// Energy of the mid and of the side below 120 Hz (what centring would remove), for the
        /// decision alone: no corrective high-pass (it barely moves a 1e-6 ratio), the block untouched.
        mutating func lowSideEnergy(_ block: AudioBlock) -> (mid: Double, lowSide: Double) {
            let n = block.frames
            guard stereo else { return (0, 0) }
            if mid.count < n { mid = [Float](repeating: 0, count: n); side = mid; lowSide = mid }
            var energy = (mid: 0.0, lowSide: 0.0)
            side.withUnsafeMutableBufferPointer { s in
                lowSide.withUnsafeMutableBufferPointer { h in
                    block.withChannel(0) { (l: UnsafeBufferPointer<Float>) in
                        block.withChannel(1) { (r: UnsafeBufferPointer<Float>) in
                            var m = 0.0
                            for i in 0..<n {
                                let a = 0.5 * (l[i] + r[i])
                                m += Double(a * a)
                                s[i] = 0.5 * (l[i] - r[i]); h[i] = s[i]
                            }
                            energy.mid = m
                        }
                    }
                    sideHighPass.process(UnsafeMutableBufferPointer(rebasing: h[0..<n]), state: &states[3])
                    energy.lowSide = VectorOps.distanceSquared(s.baseAddress!, h.baseAddress!, count: n)
                }
            }
            return energy
        }

        /// Corrects in place; with `centre`, also centres the low end. Returns the energy of
        /// the corrected mid and of the low side that centring removes (or would remove).
        mutating func process(_ block: inout AudioBlock, centre: Bool, measure: Bool = false) -> (mid: Double, lowSide: Double) {
            let n = block.frames
            guard stereo else {
                for c in 0..<block.channelCount { block.withChannel(c) { corrective.process($0, state: &states[c]) } }
                return (0, 0)
            }
            if mid.count < n { mid = [Float](repeating: 0, count: n); side = mid; lowSide = mid }
            var midEnergy = 0.0, lowSideEnergy = 0.0
            mid.withUnsafeMutableBufferPointer { m in
                side.withUnsafeMutableBufferPointer { s in
                    block.channels[0].withUnsafeBufferPointer { l in
                        block.channels[1].withUnsafeBufferPointer { r in
                            for i in 0..<n { m[i] = 0.5 * (l[i] + r[i]); s[i] = 0.5 * (l[i] - r[i]) }
                        }
                    }
                    let mb = UnsafeMutableBufferPointer(rebasing: m[0..<n]), sb = UnsafeMutableBufferPointer(rebasing: s[0..<n])
                    // Mid and side through the corrective high-pass side by side, then the mid's
                    // all-pass beside the side's low cut (lanes of one loop, each exactly as alone).
                    var (midState, sideState) = (states[0], states[1])
                    states[0] = .init(); states[1] = .init()
                    corrective.process(mb, sb, state: &midState, &sideState)
                    (states[0], states[1]) = (midState, sideState)
                    if measure { midEnergy = VectorOps.sumOfSquares(mb.baseAddress!, count: n) }
                    if centre || measure { lowSide.withUnsafeMutableBufferPointer { h in
                        let hb = UnsafeMutableBufferPointer(rebasing: h[0..<n])
                        _ = hb.update(fromContentsOf: UnsafeBufferPointer(sb))
                        var (allPassState, highPassState) = (states[2], states[3])
                        states[2] = .init(); states[3] = .init()
                        if centre {
                            centring.process(mb, hb, state: &allPassState, &highPassState)
                        } else {
                            sideHighPass.process(hb, state: &highPassState)
                        }
                        (states[2], states[3]) = (allPassState, highPassState)
                        if measure { lowSideEnergy = VectorOps.distanceSquared(sb.baseAddress!, hb.baseAddress!, count: n) }
                        if centre { _ = sb.update(fromContentsOf: UnsafeBufferPointer(hb)) }
                    } }
                    block.channels.withPair(0, 1) { l, r in
                        for i in 0..<n { l[i] = m[i] + s[i]; r[i] = m[i] - s[i] }
                    }
                }
            }
            return (midEnergy, lowSideEnergy)
        }
    }

    /// The first pass: whether there is low side, and every band's 10 ms peaks (their
    /// distribution sets the thresholds). Bands are measured on the centred signal.
    public struct Analyzer: Sendable {
        let settings: MasteringSettings
        let frame: Int
        var lowEnd: LowEnd
        var bands: ThreeBandSplit.Channels?
        var midEnergy = 0.0, lowSideEnergy = 0.0
        /// 10 ms peaks per band (all channels), the frame in progress per band and channel.
        var peaks = [PeakHistogram](repeating: PeakHistogram(), count: 3)
        var running: [[Float]]
        var phase = 0
        /// The bands as split here, kept for the chain (see `KeptBands`), when asked for.
        public private(set) var kept: KeptBands?

        /// `keepBands`: keep the centred bands in that store (empty, 3 · `channels` channels), so
        /// the chain's pass need not centre and split the programme again.
        public init(settings: MasteringSettings, rate: Int, channels: Int, keepBands store: (any BlockSink & BlockSource)? = nil,
                    pool: WorkerPool = .serial) {
            self.settings = settings
            frame = max(1, rate / 100)
            lowEnd = LowEnd(rate: rate, channels: channels)
            if settings.multibandRatio > 1 {
                bands = MasterChain.bands(rate: rate, channels: channels)
                kept = store.map { KeptBands(channels: channels, store: $0) }
            }
            running = Array(repeating: [Float](repeating: 0, count: channels), count: 3)
        }

        public mutating func process(_ input: AudioBlock) throws {
            guard bands != nil else {
                // Only the centring decision: the side's energy below 120 Hz against the mid's.
                let e = lowEnd.lowSideEnergy(input)
                midEnergy += e.mid
                lowSideEnergy += e.lowSide
                return
            }
            var block = input
            let e = lowEnd.process(&block, centre: true, measure: true)
            midEnergy += e.mid
            lowSideEnergy += e.lowSide
            bands!.split(block)
            try kept?.append(bands!)
            var i = 0
            let n = block.frames
            while i < n {
                let run = min(n - i, frame - phase)
                for b in 0..<3 {
                    for c in 0..<block.channelCount {
                        bands!.band(b).channels[c].withUnsafeBufferPointer { x in
                            running[b][c] = max(running[b][c], VectorOps.peak(x.baseAddress! + i, count: run))
                        }
                    }
                }
                phase += run
                i += run
                if phase == frame {
                    for b in 0..<3 { for c in running[b].indices { peaks[b].add(running[b][c]); running[b][c] = 0 } }
                    phase = 0
                }
            }
        }

        /// Nothing to centre when the low side is negligible (mono-compatible programmes): the
        /// signal only loses its rumble rather than passing through an all-pass for nothing.
        /// Thresholds: 6 dB under each band's loudest 1 % of 10 ms peaks.
        public var decisions: Decisions {
            let centre = lowEnd.stereo && lowSideEnergy > 1e-6 * max(midEnergy, 1e-12)
            let thresholds: [Double?] = peaks.map { p in
                guard bands != nil, let top = p.levelBelowLoudest(percent: 1) else { return nil }
                return top - 6
            }
            return Decisions(centre: centre, thresholds: thresholds)
        }
    }

    /// The centred three bands of a short programme as the analysing pass split them. The
    /// chain's pass centres and splits the same programme with the same filters, which give the
    /// same samples whatever the blocks: when the analysis decides to centre (it measures the
    /// bands centred), the chain takes these instead of computing them again (about a sixth of
    /// a batch row's processing).
    /// Unchecked Sendable: a `BlockSink` is not Sendable, but the store is written by the
    /// analysing pass alone and only read once the chain's pass begins (as `SpillFile` says).
    public struct KeptBands: @unchecked Sendable {
        /// Band b's channel c is the store's channel b · count + c.
        let store: any BlockSink & BlockSource
        let count: Int
        /// The three bands side by side, for the store (reused block to block).
        var scratch: AudioBlock
        public var frames: Int { store.frameCount }
        /// The longest programme a render keeps bands for: 87 s at 48 kHz (beyond that, the
        /// bands' 24 bytes a frame on disk cost more than splitting the mix again saves).
        public static let longest = 1 << 22

        /// `store`: an empty store of 3 · `channels` channels (a spill file in a render: the
        /// bands are three times the programme, and memory stays what it was without them).
        public init(channels: Int, store: any BlockSink & BlockSource) {
            count = channels
            self.store = store
            scratch = AudioBlock(channels: 3 * channels, capacity: 0)
        }

        mutating func append(_ split: ThreeBandSplit.Channels) throws {
            let n = split.band(0).frames
            if scratch.capacity < n { scratch = AudioBlock(channels: 3 * count, capacity: n) }
            scratch.frames = n
            for b in 0..<3 {
                let band = split.band(b)
                for c in 0..<count {
                    band.withChannel(c) { (x: UnsafeBufferPointer<Float>) in
                        scratch.withChannel(b * count + c) { (o: UnsafeMutableBufferPointer<Float>) in _ = o.update(fromContentsOf: x) }
                    }
                }
            }
            try store.consume(scratch)
        }
    }

    /// The distribution of 10 ms peaks in 0.01 dB steps (constant memory whatever the length):
    /// enough to read a percentile to a hundredth of a dB.
    struct PeakHistogram: Sendable {
        static let floorDB = -200.0, stepsPerDB = 100.0, bins = 24_001
        var counts = [Int](repeating: 0, count: bins + 1)   // [0]: silence
        var total = 0

        mutating func add(_ peak: Float) {
            total += 1
            guard peak > 0 else { counts[0] += 1; return }
            let bin = Int(((20 * log10(Double(peak)) - Self.floorDB) * Self.stepsPerDB).rounded())
            counts[1 + min(Self.bins - 1, max(0, bin))] += 1
        }

        /// The level (dB) under which all but the loudest `percent` % of the peaks lie: the
        /// largest after dropping the top ⌊total·percent/100⌋; nil when that is silence.
        func levelBelowLoudest(percent: Int) -> Double? {
            let rank = total - total * percent / 100   // 1-based rank from the bottom
            guard rank > 0 else { return nil }
            var seen = 0
            for (i, n) in counts.enumerated() {
                seen += n
                if seen >= rank { return i == 0 ? nil : Self.floorDB + Double(i - 1) / Self.stepsPerDB }
            }
            return nil
        }
    }

    /// The second pass: the chain itself, block by block. Saturation oversamples and so
    /// holds back `latency` frames; `finish` releases them.
    public struct Stream: Sendable {
        let decisions: Decisions
        var lowEnd: LowEnd
        var bands: ThreeBandSplit.Channels?
        var compressors: [Compressor.Stream?] = []
        var saturator: Saturator?
        /// Kept bands as read back, a chunk at a time, before they are loaded.
        var reading = AudioBlock(channels: 0, capacity: 0)

        public init(settings: MasteringSettings, rate: Int, channels: Int, decisions: Decisions, pool: WorkerPool = .serial) {
            self.decisions = decisions
            lowEnd = LowEnd(rate: rate, channels: channels)
            if settings.multibandRatio > 1 {
                bands = MasterChain.bands(rate: rate, channels: channels)
                compressors = decisions.thresholds.enumerated().map { b, threshold in
                    threshold.map {
                        Compressor.Stream(Compressor(thresholdDB: $0, ratio: settings.multibandRatio, kneeDB: 6, attackSeconds: b == 0 ? 0.02 : 0.008,
                                                     releaseSeconds: b == 0 ? 0.25 : 0.12), rate: rate)
                    }
                }
            }
            if settings.saturation > 0 { saturator = Saturator(rate: rate, channels: channels, drive: settings.saturation) }
        }

        public var latency: Int { saturator?.latency ?? 0 }

        public mutating func process(_ block: inout AudioBlock) {
            _ = lowEnd.process(&block, centre: decisions.centre)
            if bands != nil {
                bands!.split(block)
                compressAndSum(into: &block)
            }
            saturator?.process(&block)
        }

        /// Whether `kept` can stand for the low end and the split: the analysis centred the
        /// bands it kept, which is what this chain does when it decided to centre.
        public func canUse(_ kept: KeptBands?) -> Bool { bands != nil && decisions.centre && kept != nil }

        /// The chain from the kept bands' frames [position, position + block.frames): the
        /// compressors, the sum and the saturation, as `process` would from the mix.
        public mutating func process(kept: KeptBands, at position: Int, into block: inout AudioBlock) throws {
            // Read a chunk at a time: a whole block of six channels would be 1.5 MB more memory.
            if reading.channelCount != 3 * kept.count { reading = AudioBlock(channels: 3 * kept.count, capacity: 4_096) }
            var done = 0
            while done < block.frames {
                try kept.store.read(from: position + done, into: &reading)
                let n = min(reading.frames, block.frames - done)
                guard n > 0 else { throw MixdownError.failure("the kept bands end before the programme") }
                bands!.load(reading, channels: kept.count, into: done..<(done + n), frames: block.frames)
                done += n
            }
            compressAndSum(into: &block)
            saturator?.process(&block)
        }

        /// Each band through its compressor, then the three summed into `block`.
        mutating func compressAndSum(into block: inout AudioBlock) {
            do {
                let n = block.frames
                for b in 0..<3 {
                    if compressors[b] != nil { bands!.withBand(b) { compressors[b]!.process(&$0.channels, count: n) } }
                }
                let split = bands!.bands
                for c in 0..<block.channelCount {
                    block.channels[c].withUnsafeMutableBufferPointer { out in
                        split[0].channels[c].withUnsafeBufferPointer { a in
                            split[1].channels[c].withUnsafeBufferPointer { m in
                                split[2].channels[c].withUnsafeBufferPointer { h in
                                    for i in 0..<n { out[i] = a[i] + m[i] + h[i] }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// The frames held back, with the signal continuing as silence.
        public mutating func finish(_ block: inout AudioBlock) {
            guard saturator != nil else { block.frames = 0; return }
            block.clear(frames: latency)
            saturator!.process(&block)
        }
    }

    /// tanh soft clipping at L times the rate (L from the true-peak interpolator: 4x at 48 kHz,
    /// 5x at 44.1 kHz), brought back down through a windowed-sinc low-pass, so its harmonics do
    /// not fold back as aliases. Upsampling reads 12 samples ahead and the decimator 12 more:
    /// the output lags the input by 24 samples.
    struct Saturator: Sendable {
        let upsampler: TruePeakMeter
        let factor: Int
        let k: Float
        let down: [Float]
        /// Per channel: input history (23 samples before the next upsampled position) and
        /// the shaped oversampled signal awaiting decimation.
        var input: [[Float]]
        var shaped: [[Float]]
        static let reach = TruePeakMeter.tapsPerPhase / 2
        var latency: Int { 2 * Self.reach }

        init(rate: Int, channels: Int, drive: Double) {
            upsampler = TruePeakMeter(sampleRate: rate)
            factor = upsampler.oversampling
            k = Float(1 + 3 * drive)
            down = Oversampling.decimationFilter(factor: factor)
            input = Array(repeating: [Float](repeating: 0, count: Self.reach - 1), count: channels)
            // Decimating position n reads shaped positions n·L − 12L … n·L + 12L.
            shaped = Array(repeating: [Float](repeating: 0, count: Self.reach * factor), count: channels)
        }

        mutating func process(_ block: inout AudioBlock) {
            let half = Self.reach, taps = TruePeakMeter.tapsPerPhase
            let norm = tanh(k)
            var produced = 0
            for c in 0..<block.channelCount {
                // Input: [history (11) | block]; upsampled position j (relative) reads j … j + 23,
                // its own sample being j + 11.
                block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in input[c] += x }
                let available = max(0, input[c].count - (taps - 1))   // base positions with all their taps
                let start = shaped[c].count
                shaped[c].append(contentsOf: repeatElement(0, count: available * factor))
                input[c].withUnsafeBufferPointer { x in
                    shaped[c].withUnsafeMutableBufferPointer { s in
                        for j in 0..<available {
                            let o = start + j * factor
                            s[o] = tanh(k * x[j + half - 1]) / norm
                            for (p, phase) in upsampler.phases.enumerated() {
                                var acc: Float = 0
                                for t in 0..<taps { acc += phase[t] * x[j + t] }
                                s[o + p + 1] = tanh(k * acc) / norm
                            }
                        }
                    }
                }
                input[c].removeFirst(available)
                // Decimate every base position whose 12L shaped neighbours after it are in: output
                // m's window is shaped[m·L ..< m·L + 24L + 1].
                let centre = down.count / 2
                let outputs = max(0, (shaped[c].count - centre - 1) / factor + 1 - half)
                block.channels[c].withUnsafeMutableBufferPointer { out in
                    shaped[c].withUnsafeBufferPointer { s in
                        down.withUnsafeBufferPointer { h in
                            for m in 0..<outputs {
                                var acc: Float = 0
                                for t in 0..<h.count { acc += h[t] * s[m * factor + t] }
                                out[m] = acc
                            }
                        }
                    }
                }
                shaped[c].removeFirst(outputs * factor)
                produced = outputs
            }
            block.frames = produced
        }
    }
}

enum Oversampling {
    /// A Kaiser-windowed sinc low-pass at the original Nyquist for decimating by `factor`.
    static func decimationFilter(factor: Int) -> [Float] {
        let taps = 24 * factor + 1, centre = taps / 2
        var h = (0..<taps).map { i -> Double in
            let t = Double(i - centre) / Double(factor)
            let u = Double(i - centre) / Double(centre)
            let w = TruePeakMeter.besselI0(7 * (1 - u * u).squareRoot()) / TruePeakMeter.besselI0(7)
            return (t == 0 ? 1 : sin(Double.pi * t) / (Double.pi * t)) * w
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum }
        return h.map(Float.init)
    }
}
