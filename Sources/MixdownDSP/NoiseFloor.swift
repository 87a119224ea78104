import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// The level of a recording's pauses: the quiet end of its level distribution, the 5th
/// percentile of its 20 ms RMS levels (dBFS; −120 for digital silence). Speech has pauses
/// (between phrases, before and after), and this is what they sound like.
public enum NoiseFloor {
    public static let frame = 960

    public static func estimate(_ x: [Float]) -> Double {
        let levels = frameLevels(x, frame: frame).sorted()
        guard !levels.isEmpty else { return -120 }
        return levels[levels.count / 20]
    }

    /// Mean-square level (dBFS) of each whole frame of `frame` samples.
    public static func frameLevels(_ x: [Float], frame: Int) -> [Double] {
        x.withUnsafeBufferPointer { p in
            (0..<(p.count / frame)).map { f in
                let ms = VectorOps.sumOfSquares(p.baseAddress! + f * frame, count: frame) / Double(frame)
                return ms > 1e-12 ? 10 * log10(ms) : -120
            }
        }
    }
}
