import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// ITU-R BS.1770-4 / EBU R128 loudness of a whole programme.
///
/// The K-weighted, channel-weighted energy is accumulated into short sub-blocks
/// (`subBlocksPerSecond`, 2.5 ms). Every measure is a window over those sums:
/// - gating blocks (integrated loudness): 400 ms windows every 100 ms, as BS.1770 prescribes;
/// - loudness range (EBU Tech 3342): 3 s windows every 100 ms;
/// - maximum momentary / short-term: 400 ms / 3 s windows at every sub-block, so a burst that
///   does not start on a 100 ms boundary is still measured whole (EBU Tech 3341 cases 10, 13).
/// The first two need only the energy of each 100 ms (kept: 8 bytes per 100 ms, 0.6 MB for two
/// hours); the maxima are taken as the meter runs, over the last 3 s of sub-blocks. So the
/// profile of a programme of any length stays small.
public struct LoudnessProfile: Sendable {
    public static let subBlocksPerSecond = 400
    static let momentarySubBlocks = 160      // 400 ms
    static let shortTermSubBlocks = 1_200    // 3 s
    static let gatingHopSubBlocks = 40       // 100 ms

    public let sampleRate: Int
    /// Σ_c G_c · Σ_n y_c[n]² over each complete 100 ms (y: K-weighted signal).
    let energy: [Double]
    /// The largest mean power of any 400 ms and any 3 s window on the 2.5 ms grid (0: none).
    let momentaryMaxPower: Double
    let shortTermMaxPower: Double
    /// Every momentary and short-term window's power on the 2.5 ms grid, when recorded (whole
    /// buffers: their size follows the buffer's anyway).
    var series: (momentary: [Double], shortTerm: [Double])?

    init(sampleRate: Int, energy: [Double], momentaryMaxPower: Double, shortTermMaxPower: Double) {
        (self.sampleRate, self.energy, self.momentaryMaxPower, self.shortTermMaxPower) = (sampleRate, energy, momentaryMaxPower, shortTermMaxPower)
    }

    /// Samples in 100 ms blocks [from, to): sub-block bounds are rate/400 rounded on a running
    /// grid, so any rate works.
    func samples(blocks range: Range<Int>) -> Int {
        let hop = Self.gatingHopSubBlocks
        return SampleTime.rescale(range.upperBound * hop, from: Self.subBlocksPerSecond, to: sampleRate)
            - SampleTime.rescale(range.lowerBound * hop, from: Self.subBlocksPerSecond, to: sampleRate)
    }

    /// The profile of a whole buffer: a meter fed the buffer as one block.
    public init(_ buffer: AudioBuffer, weights: [Double]) {
        precondition(weights.count == buffer.channelCount)
        var meter = Meter(sampleRate: buffer.sampleRate, weights: weights, series: true)
        meter.process(buffer.channels, count: buffer.frameCount)
        self = meter.profile
    }

    /// The incremental meter (as libebur128's state): K-weighting filter registers and the
    /// energy of the sub-block in progress are carried from block to block, so a programme
    /// measured in blocks of any size gives exactly the profile of the whole. It keeps one
    /// Double per 2.5 ms (11.5 MB for an hour), never the audio.
    public struct Meter: Sendable {
        public let sampleRate: Int
        let weights: [Double]
        /// Channel pairs run in SIMD2 lanes: a K-weighting filter per pair.
        var filters: [KWeighting.Pair]
        /// Completed 100 ms blocks and the one in progress.
        var energy: [Double] = []
        var blockEnergy = 0.0
        /// The last 3 s of sub-blocks (energy, length), a ring, and the running window sums.
        var ring: [(energy: Double, length: Int)]
        var subBlocks = 0
        var momentary = (energy: 0.0, length: 0), shortTerm = (energy: 0.0, length: 0)
        var momentaryMax = 0.0, shortTermMax = 0.0
        var series: (momentary: [Double], shortTerm: [Double])?
        /// Frames seen, the sub-block in progress and where it ends.
        var position = 0
        var subBlockStart = 0
        var subBlockEnd: Int
        var partial: [SIMD2<Double>]

        /// `series`: also keep every momentary and short-term reading (memory grows with length).
        public init(sampleRate: Int, weights: [Double], series: Bool = false) {
            if series { self.series = ([], []) }
            self.sampleRate = sampleRate
            self.weights = weights
            let pairs = (weights.count + 1) / 2
            filters = Array(repeating: KWeighting.Pair(sampleRate: sampleRate), count: pairs)
            partial = [SIMD2<Double>](repeating: .zero, count: pairs)
            ring = Array(repeating: (0, 0), count: LoudnessProfile.shortTermSubBlocks)
            subBlockEnd = max(1, SampleTime.rescale(1, from: LoudnessProfile.subBlocksPerSecond, to: sampleRate))
        }

        public mutating func process(_ block: AudioBlock) { process(block.channels, count: block.frames) }

        /// Measures the first `count` frames of `channels`.
        public mutating func process(_ channels: [[Float]], count: Int) {
            var done = 0
            while done < count {
                let run = min(count - done, subBlockEnd - position)
                for pair in filters.indices {
                    let a = 2 * pair, b = a + 1 < channels.count ? a + 1 : a
                    let w = SIMD2(weights[a], a + 1 < weights.count ? weights[a + 1] : 0)
                    if w == .zero { continue }
                    // The weighted sum runs on from the sub-block's partial sum, sample after
                    // sample, so where a block boundary falls changes nothing.
                    partial[pair] = channels[a].withUnsafeBufferPointer { pa in
                        channels[b].withUnsafeBufferPointer { pb in
                            filters[pair].energy(pa.baseAddress! + done, pb.baseAddress! + done, count: run, from: partial[pair], weights: w)
                        }
                    }
                }
                done += run
                position += run
                if position == subBlockEnd {
                    complete(energy: partial.reduce(0) { $0 + $1.sum() }, length: subBlockEnd - subBlockStart)
                    for i in partial.indices { partial[i] = .zero }
                    subBlockStart = subBlockEnd
                    subBlockEnd = max(subBlockStart + 1, SampleTime.rescale(subBlocks + 1, from: LoudnessProfile.subBlocksPerSecond, to: sampleRate))
                }
            }
        }

        /// A finished sub-block: into its 100 ms block, and the sliding windows moved on by one.
        /// The window sums run on, recomputed exactly now and then so that a quiet window after
        /// a loud passage is not lost to cancellation.
        private mutating func complete(energy e: Double, length: Int) {
            let (m, st) = (LoudnessProfile.momentarySubBlocks, LoudnessProfile.shortTermSubBlocks)
            let k = subBlocks
            let leavingShort = ring[k % st], leavingMomentary = ring[(k + st - m) % st]
            ring[k % st] = (e, length)
            subBlocks += 1
            if subBlocks % 256 == 0 {
                func sum(_ n: Int) -> (Double, Int) {
                    var total = (0.0, 0)
                    for j in max(0, subBlocks - n)..<subBlocks { total.0 += ring[j % st].energy; total.1 += ring[j % st].length }
                    return total
                }
                (momentary.energy, momentary.length) = sum(m)
                (shortTerm.energy, shortTerm.length) = sum(st)
            } else {
                momentary = (momentary.energy + e, momentary.length + length)
                shortTerm = (shortTerm.energy + e, shortTerm.length + length)
                if k >= m { momentary = (momentary.energy - leavingMomentary.energy, momentary.length - leavingMomentary.length) }
                if k >= st { shortTerm = (shortTerm.energy - leavingShort.energy, shortTerm.length - leavingShort.length) }
            }
            if subBlocks >= m {
                let power = max(0, momentary.energy) / Double(momentary.length)
                momentaryMax = max(momentaryMax, power)
                series?.momentary.append(power)
            }
            if subBlocks >= st {
                let power = max(0, shortTerm.energy) / Double(shortTerm.length)
                shortTermMax = max(shortTermMax, power)
                series?.shortTerm.append(power)
            }
            blockEnergy += e
            if subBlocks % LoudnessProfile.gatingHopSubBlocks == 0 { energy.append(blockEnergy); blockEnergy = 0 }
        }

        /// The profile so far. A trailing partial 100 ms can never complete a gating window: it is left out.
        public var profile: LoudnessProfile {
            var profile = LoudnessProfile(sampleRate: sampleRate, energy: energy, momentaryMaxPower: momentaryMax, shortTermMaxPower: shortTermMax)
            profile.series = series
            return profile
        }
    }

    /// Loudness of mean power `p`: −0.691 + 10·log10(p), or nil for silence.
    @inline(__always)
    static func lufs(_ power: Double) -> Double? {
        power > 0 ? -0.691 + 10 * log10(power) : nil
    }

    /// Mean power of every window of `width` 100 ms blocks, stepping by one block.
    func windowPowers(width: Int) -> [Double] {
        let n = energy.count
        guard n >= width else { return [] }
        return (0..<(n - width + 1)).map { j in
            var e = 0.0
            for k in j..<(j + width) { e += energy[k] }
            return max(0, e) / Double(samples(blocks: j..<(j + width)))
        }
    }

    /// Loudness (LUFS, nil for silence) of every window of `blocks` × 100 ms, stepping by
    /// 100 ms: entry j is the window ending at (j + blocks) × 100 ms. Four blocks give the
    /// momentary loudness a meter shows every 100 ms, thirty the short-term.
    public func windowLoudness(blocks: Int) -> [Double?] { windowPowers(width: blocks).map(Self.lufs) }

    /// Momentary loudness (400 ms) of every window, one per sub-block step: entry j ends at
    /// sub-block j + 160, i.e. at (j + 160) × 2.5 ms. Empty unless recorded.
    public func momentarySeries() -> [Double?] { (series?.momentary ?? []).map(Self.lufs) }

    /// Short-term loudness (3 s) of every window, one per sub-block step: entry j ends at
    /// (j + 1200) × 2.5 ms. Empty unless recorded.
    public func shortTermSeries() -> [Double?] { (series?.shortTerm ?? []).map(Self.lufs) }

    public var momentaryMax: Double? { Self.lufs(momentaryMaxPower) }
    public var shortTermMax: Double? { Self.lufs(shortTermMaxPower) }

    static let absoluteGate = -70.0

    /// Gated integrated loudness (BS.1770-4 §2.8): 400 ms blocks overlapping by 75 %, an absolute
    /// gate at −70 LUFS, then a relative gate 10 LU below the loudness of what passed.
    public var integrated: Double? { integrated(gainDB: 0) }

    /// The profile the programme would have after a gain of `gainDB` (K-weighting is linear:
    /// every power scales by the same factor; the gates follow from the scaled powers).
    public func scaled(gainDB: Double) -> LoudnessProfile {
        let scale = pow(10, gainDB / 10)
        var profile = LoudnessProfile(sampleRate: sampleRate, energy: energy.map { $0 * scale },
                                      momentaryMaxPower: momentaryMaxPower * scale, shortTermMaxPower: shortTermMaxPower * scale)
        profile.series = series.map { (momentary: $0.momentary.map { $0 * scale }, shortTerm: $0.shortTerm.map { $0 * scale }) }
        return profile
    }

    /// The integrated loudness the programme would have after a gain of `gainDB`: K-weighting
    /// is linear, so every block's power scales exactly and only the absolute gate moves.
    public func integrated(gainDB: Double) -> Double? {
        let scale = pow(10, gainDB / 10)
        let blocks = windowPowers(width: Self.momentarySubBlocks / Self.gatingHopSubBlocks).map { $0 * scale }
        let absoluteGated = blocks.filter { (Self.lufs($0) ?? -.infinity) > Self.absoluteGate }
        guard !absoluteGated.isEmpty else { return nil }
        let relativeGate = Self.lufs(absoluteGated.reduce(0, +) / Double(absoluteGated.count))! - 10
        let gated = absoluteGated.filter { Self.lufs($0)! > relativeGate }
        guard !gated.isEmpty else { return nil }
        return Self.lufs(gated.reduce(0, +) / Double(gated.count))
    }

    /// Loudness range (EBU Tech 3342): 3 s windows every 100 ms, gated at −70 LUFS and 20 LU below
    /// their mean power; the spread between the 10th and 95th percentiles.
    public var loudnessRange: Double? {
        let windows = windowPowers(width: Self.shortTermSubBlocks / Self.gatingHopSubBlocks)
        let absoluteGated = windows.filter { (Self.lufs($0) ?? -.infinity) > Self.absoluteGate }
        guard !absoluteGated.isEmpty else { return nil }
        let relativeGate = Self.lufs(absoluteGated.reduce(0, +) / Double(absoluteGated.count))! - 20
        let levels = absoluteGated.compactMap(Self.lufs).filter { $0 > relativeGate }.sorted()
        guard !levels.isEmpty else { return nil }
        let low = levels[Int((Double(levels.count - 1) * 0.10).rounded())]
        let high = levels[Int((Double(levels.count - 1) * 0.95).rounded())]
        return high - low
    }
}
