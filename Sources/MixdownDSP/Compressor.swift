import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// A feed-forward compressor with one gain for all channels (the image stays put). The detector
/// follows the peak of each 16-sample block with separate attack and release; the gain curve
/// (threshold, ratio, soft knee) is computed per block in dB and interpolated per sample.
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

    public func process(_ channels: inout [[Float]], rate: Int) {
        guard let n = channels.first?.count, n > 0 else { return }
        let blocks = (n + Self.block - 1) / Self.block
        let blockRate = Double(rate) / Double(Self.block)
        let attack = exp(-1 / (attackSeconds * blockRate)), release = exp(-1 / (releaseSeconds * blockRate))
        var gainDB = [Double](repeating: 0, count: blocks + 1)
        var envelope = 0.0
        for b in 0..<blocks {
            var peak: Float = 0
            let start = b * Self.block, count = min(Self.block, n - start)
            for ch in channels { ch.withUnsafeBufferPointer { peak = max(peak, VectorOps.peak($0.baseAddress! + start, count: count)) } }
            let p = Double(peak)
            envelope = p > envelope ? attack * envelope + (1 - attack) * p : release * envelope + (1 - release) * p
            gainDB[b] = makeupDB - reduction(20 * log10(max(envelope, 1e-9)))
        }
        gainDB[blocks] = gainDB[blocks - 1]
        for c in channels.indices {
            channels[c].withUnsafeMutableBufferPointer { x in
                for b in 0..<blocks {
                    let g0 = Float(pow(10, gainDB[b] / 20)), g1 = Float(pow(10, gainDB[b + 1] / 20))
                    let start = b * Self.block, count = min(Self.block, n - start)
                    let step = (g1 - g0) / Float(Self.block)
                    for i in 0..<count { x[start + i] *= g0 + step * Float(i) }
                }
            }
        }
    }
}
