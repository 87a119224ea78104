import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// A feed-forward compressor with one gain for all channels (the image stays put). The detector
/// follows the peak of each 16-sample block with separate attack and release; the gain curve
/// (threshold, ratio, soft knee) is computed per block in dB and ramped linearly across the
/// next block. It is causal and keeps its state between calls (`Stream`), so a signal
/// compressed in blocks of any size is identical to one compressed whole.
public struct Compressor: Sendable {
    public var thresholdDB: Double
    public var ratio: Double
    public var kneeDB: Double
    public var attackSeconds: Double
    public var releaseSeconds: Double
    public var makeupDB: Double

    public init(thresholdDB: Double, ratio: Double, kneeDB: Double = 6, attackSeconds: Double = 0.01,
                releaseSeconds: Double = 0.15, makeupDB: Double = 0) {
        (self.thresholdDB, self.ratio, self.kneeDB, self.attackSeconds, self.releaseSeconds, self.makeupDB) =
            (thresholdDB, ratio, kneeDB, attackSeconds, releaseSeconds, makeupDB)
    }

    static let block = 16

    /// Gain reduction in dB for a level, with a quadratic soft knee.
    func reduction(_ level: Double) -> Double {
        let over = level - thresholdDB
        let slope = 1 - 1 / ratio
        if 2 * over < -kneeDB { return 0 }
        if 2 * abs(over) <= kneeDB { return slope * (over + kneeDB / 2) * (over + kneeDB / 2) / (2 * kneeDB) }
        return slope * over
    }

    /// Compresses whole channels (a stream of one block).
    public func process(_ channels: inout [[Float]], rate: Int) {
        guard let n = channels.first?.count, n > 0 else { return }
        var stream = Stream(self, rate: rate)
        stream.process(&channels, count: n)
    }

    /// The compressor's running state: envelope, the peak of the detector block in progress,
    /// and the gain ramp of the current block (from the gain two detector blocks back to the
    /// last one's).
    public struct Stream: Sendable {
        let compressor: Compressor
        let attack: Double, release: Double
        var envelope = 0.0
        var peak: Float = 0
        var phase = 0
        var from: Float, to: Float
        /// Per frame: the linked level, then the gain.
        var gains: [Float] = []
        /// An envelope under this (linear) is below the knee, where the gain is the make-up
        /// gain: no logarithm and no power to compute (most of the time, for a compressor that
        /// holds back only the loudest moments). The bound sits a millionth under the knee's
        /// start, so the levels it takes are below it however the dB conversion rounds.
        let quietBelow: Double
        let makeup: Float

        public init(_ compressor: Compressor, rate: Int) {
            self.compressor = compressor
            let blockRate = Double(rate) / Double(Compressor.block)
            attack = exp(-1 / (compressor.attackSeconds * blockRate))
            release = exp(-1 / (compressor.releaseSeconds * blockRate))
            from = Float(pow(10, compressor.makeupDB / 20))
            to = from
            makeup = from
            quietBelow = pow(10, (compressor.thresholdDB - compressor.kneeDB / 2) / 20) * (1 - 1e-6)
        }

        /// Compresses the first `count` frames of every channel in place, continuing the stream.
        public mutating func process(_ channels: inout [[Float]], count: Int) {
            if gains.count < count { gains = [Float](repeating: 0, count: count) }
            gains.withUnsafeMutableBufferPointer { g in
                for c in channels.indices {
                    channels[c].withUnsafeBufferPointer { x in
                        if c == 0 { for i in 0..<count { g[i] = abs(x[i]) } } else { for i in 0..<count { g[i] = max(g[i], abs(x[i])) } }
                    }
                }
                let step = 1 / Float(Compressor.block)
                // A detector block (or what of it this call holds) at a time: its peak, then
                // the gain ramp over it, each a loop the compiler vectorises (the same values
                // as sample after sample: a maximum does not depend on order).
                var i = 0
                while i < count {
                    let run = min(count - i, Compressor.block - phase)
                    peak = max(peak, VectorOps.peak(UnsafePointer(g.baseAddress! + i), count: run))
                    let (start, slope) = (from, to - from)
                    for k in 0..<run { g[i + k] = start + slope * Float(phase + k) * step }
                    phase += run
                    i += run
                    if phase == Compressor.block {
                        let level = Double(peak)
                        envelope = level > envelope ? attack * envelope + (1 - attack) * level : release * envelope + (1 - release) * level
                        from = to
                        let held = max(envelope, 1e-9)
                        to = held < quietBelow ? makeup : Float(pow(10, (compressor.makeupDB - compressor.reduction(20 * log10(held))) / 20))
                        peak = 0
                        phase = 0
                    }
                }
                for c in channels.indices {
                    channels[c].withUnsafeMutableBufferPointer { x in for i in 0..<count { x[i] *= g[i] } }
                }
            }
        }

        public mutating func process(_ block: inout AudioBlock) { process(&block.channels, count: block.frames) }
    }
}
