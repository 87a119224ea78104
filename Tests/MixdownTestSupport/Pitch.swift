/// Fundamental frequency of voiced speech, for telling voices apart in tests: the median of
/// per-frame autocorrelation peaks (80–400 Hz) over frames well above the clip's noise.
public enum Pitch {
    public static func median(_ x: ArraySlice<Float>, rate: Int = 48_000) -> Double? {
        let frame = rate / 25, hop = rate / 100
        let minLag = rate / 400, maxLag = rate / 80
        let samples = Array(x)
        guard samples.count > frame + maxLag else { return nil }
        let loudest = stride(from: 0, to: samples.count - frame, by: hop).map { s in samples[s..<(s + frame)].reduce(0) { $0 + $1 * $1 } }.max() ?? 0
        var estimates = [Double]()
        var start = 0
        while start + frame + maxLag < samples.count {
            let energy = samples[start..<(start + frame)].reduce(0) { $0 + $1 * $1 }
            if energy > loudest * 0.1 {
                var best = (lag: 0, score: Float(-1))
                for lag in minLag...maxLag {
                    var r: Float = 0
                    for i in start..<(start + frame) { r += samples[i] * samples[i + lag] }
                    if r > best.score { best = (lag, r) }
                }
                if best.score > energy * 0.3 { estimates.append(Double(rate) / Double(best.lag)) }
            }
            start += hop
        }
        guard !estimates.isEmpty else { return nil }
        return estimates.sorted()[estimates.count / 2]
    }
}
