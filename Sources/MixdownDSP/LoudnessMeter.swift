import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// ITU-R BS.1770-4 / EBU R128 loudness of a whole programme, computed offline.
///
/// The K-weighted, channel-weighted energy is accumulated once into short sub-blocks
/// (`subBlocksPerSecond`, 2.5 ms). Every measure is a window over those sums:
/// - gating blocks (integrated loudness): 400 ms windows every 100 ms, as BS.1770 prescribes;
/// - loudness range (EBU Tech 3342): 3 s windows every 100 ms;
/// - maximum momentary / short-term: 400 ms / 3 s windows at every sub-block, so a burst that
///   does not start on a 100 ms boundary is still measured whole (EBU Tech 3341 cases 10, 13).
public struct LoudnessProfile: Sendable {
    public static let subBlocksPerSecond = 400
    static let momentarySubBlocks = 160      // 400 ms
    static let shortTermSubBlocks = 1_200    // 3 s
    static let gatingHopSubBlocks = 40       // 100 ms

    public let sampleRate: Int
    /// Σ_c G_c · Σ_n y_c[n]² over each sub-block (y: K-weighted signal).
    let energy: [Double]
    /// Samples in each sub-block (rate/400 rounded on a running grid, so any rate works).
    let lengths: [Int]

    init(sampleRate: Int, energy: [Double], lengths: [Int]) {
        (self.sampleRate, self.energy, self.lengths) = (sampleRate, energy, lengths)
    }

    /// The profile of a whole buffer: a meter fed the buffer as one block.
    public init(_ buffer: AudioBuffer, weights: [Double]) {
        precondition(weights.count == buffer.channelCount)
        var meter = Meter(sampleRate: buffer.sampleRate, weights: weights)
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
        let shelf: Biquad, highPass: Biquad
        /// Channel pairs run in SIMD2 lanes; filter registers per pair.
        var registers: [SIMD8<Double>]
        var energy: [Double] = []
        var lengths: [Int] = []
        /// Frames seen, the sub-block in progress and where it ends.
        var position = 0
        var subBlockStart = 0
        var subBlockEnd: Int
        var partial: [SIMD2<Double>]

        public init(sampleRate: Int, weights: [Double]) {
            self.sampleRate = sampleRate
            self.weights = weights
            (shelf, highPass) = KWeighting.stages(sampleRate: sampleRate)
            let pairs = (weights.count + 1) / 2
            registers = [SIMD8<Double>](repeating: .zero, count: pairs)
            partial = [SIMD2<Double>](repeating: .zero, count: pairs)
            subBlockEnd = max(1, SampleTime.rescale(1, from: LoudnessProfile.subBlocksPerSecond, to: sampleRate))
        }

        public mutating func process(_ block: AudioBlock) { process(block.channels, count: block.frames) }

        /// Measures the first `count` frames of `channels`.
        public mutating func process(_ channels: [[Float]], count: Int) {
            var done = 0
            while done < count {
                let run = min(count - done, subBlockEnd - position)
                for pair in registers.indices {
                    let a = 2 * pair, b = a + 1 < channels.count ? a + 1 : a
                    let w = SIMD2(weights[a], a + 1 < weights.count ? weights[a + 1] : 0)
                    if w == .zero { continue }
                    // The weighted sum runs on from the sub-block's partial sum, sample after
                    // sample, so where a block boundary falls changes nothing.
                    partial[pair] = channels[a].withUnsafeBufferPointer { pa in
                        channels[b].withUnsafeBufferPointer { pb in
                            filter(pa.baseAddress! + done, pb.baseAddress! + done, count: run, registers: &registers[pair], sum: partial[pair], weights: w)
                        }
                    }
                }
                done += run
                position += run
                if position == subBlockEnd {
                    energy.append(partial.reduce(0) { $0 + $1.sum() })
                    lengths.append(subBlockEnd - subBlockStart)
                    for i in partial.indices { partial[i] = .zero }
                    subBlockStart = subBlockEnd
                    subBlockEnd = max(subBlockStart + 1, SampleTime.rescale(energy.count + 1, from: LoudnessProfile.subBlocksPerSecond, to: sampleRate))
                }
            }
        }

        /// Σ z² of the K-weighted pair (shelf, then high-pass; transposed direct form II).
        @inline(__always)
        private func filter(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, registers r: inout SIMD8<Double>,
                            sum start: SIMD2<Double>, weights: SIMD2<Double>) -> SIMD2<Double> {
            let s = (b0: SIMD2(repeating: shelf.b0), b1: SIMD2(repeating: shelf.b1), b2: SIMD2(repeating: shelf.b2),
                     a1: SIMD2(repeating: shelf.a1), a2: SIMD2(repeating: shelf.a2))
            let h = (b0: SIMD2(repeating: highPass.b0), b1: SIMD2(repeating: highPass.b1), b2: SIMD2(repeating: highPass.b2),
                     a1: SIMD2(repeating: highPass.a1), a2: SIMD2(repeating: highPass.a2))
            var s1 = SIMD2(r[0], r[1]), s2 = SIMD2(r[2], r[3]), h1 = SIMD2(r[4], r[5]), h2 = SIMD2(r[6], r[7])
            var sum = start
            for i in 0..<count {
                let x = SIMD2(Double(a[i]), Double(b[i]))
                let y = s.b0 * x + s1
                s1 = s.b1 * x - s.a1 * y + s2
                s2 = s.b2 * x - s.a2 * y
                let z = h.b0 * y + h1
                h1 = h.b1 * y - h.a1 * z + h2
                h2 = h.b2 * y - h.a2 * z
                sum += z * z * weights
            }
            r = SIMD8(s1[0], s1[1], s2[0], s2[1], h1[0], h1[1], h2[0], h2[1])
            return sum
        }

        /// The profile so far. A trailing partial sub-block can never complete a window: it is left out.
        public var profile: LoudnessProfile { LoudnessProfile(sampleRate: sampleRate, energy: energy, lengths: lengths) }
    }

    public var subBlockCount: Int { energy.count }

    /// Loudness of mean power `p`: −0.691 + 10·log10(p), or nil for silence.
    @inline(__always)
    static func lufs(_ power: Double) -> Double? {
        power > 0 ? -0.691 + 10 * log10(power) : nil
    }

    /// Mean power of every window of `width` sub-blocks, stepping by `hop`; entry j covers
    /// sub-blocks [j·hop, j·hop + width). A running sum, recomputed exactly now and then so
    /// that a quiet window after a loud passage is not lost to cancellation.
    func windowPowers(width: Int, hop: Int) -> [Double] {
        let n = energy.count
        guard n >= width else { return [] }
        let windows = (n - width) / hop + 1
        return energy.withUnsafeBufferPointer { e in
            lengths.withUnsafeBufferPointer { l in
                var powers = [Double](repeating: 0, count: windows)
                var sumE = 0.0, sumN = 0
                var start = 0
                for j in 0..<windows {
                    let newStart = j * hop
                    if j % 256 == 0 || hop >= width {
                        sumE = 0; sumN = 0
                        for i in newStart..<(newStart + width) { sumE += e[i]; sumN += l[i] }
                    } else {
                        for i in start..<newStart { sumE -= e[i]; sumN -= l[i] }
                        for i in (start + width)..<(newStart + width) { sumE += e[i]; sumN += l[i] }
                    }
                    start = newStart
                    powers[j] = max(0, sumE) / Double(sumN)
                }
                return powers
            }
        }
    }

    /// Momentary loudness (400 ms) of every window, one per sub-block step: entry j ends at
    /// sub-block j + 160, i.e. at (j + 160) × 2.5 ms.
    public func momentarySeries() -> [Double?] { windowPowers(width: Self.momentarySubBlocks, hop: 1).map(Self.lufs) }

    /// Short-term loudness (3 s) of every window, one per sub-block step: entry j ends at
    /// (j + 1200) × 2.5 ms.
    public func shortTermSeries() -> [Double?] { windowPowers(width: Self.shortTermSubBlocks, hop: 1).map(Self.lufs) }

    public var momentaryMax: Double? { windowPowers(width: Self.momentarySubBlocks, hop: 1).max().flatMap(Self.lufs) }
    public var shortTermMax: Double? { windowPowers(width: Self.shortTermSubBlocks, hop: 1).max().flatMap(Self.lufs) }

    static let absoluteGate = -70.0

    /// Gated integrated loudness (BS.1770-4 §2.8): 400 ms blocks overlapping by 75 %, an absolute
    /// gate at −70 LUFS, then a relative gate 10 LU below the loudness of what passed.
    public var integrated: Double? { integrated(gainDB: 0) }

    /// The integrated loudness the programme would have after a gain of `gainDB`: K-weighting
    /// is linear, so every block's power scales exactly and only the absolute gate moves.
    public func integrated(gainDB: Double) -> Double? {
        let scale = pow(10, gainDB / 10)
        let blocks = windowPowers(width: Self.momentarySubBlocks, hop: Self.gatingHopSubBlocks).map { $0 * scale }
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
        let windows = windowPowers(width: Self.shortTermSubBlocks, hop: Self.gatingHopSubBlocks)
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
