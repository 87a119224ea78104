/// Time on a sample grid. Every boundary Mixdown reports is an integer sample; seconds are
/// converted exactly once, with the rounding docs/timeline.md fixes (half away from zero).
public enum SampleTime {
    /// The render rate of the whole pipeline.
    public static let renderRate = 48_000

    /// `round(seconds × rate)`, half away from zero.
    public static func samples(seconds: Double, rate: Int) -> Int {
        Int((seconds * Double(rate)).rounded(.toNearestOrAwayFromZero))
    }

    /// The same instant on another rate's grid: `round(count × to / from)` in exact integer
    /// arithmetic, so 1,440,000 samples at 48 kHz are exactly 1,323,000 at 44.1 kHz.
    public static func rescale(_ count: Int, from: Int, to: Int) -> Int {
        precondition(from > 0 && to > 0)
        if from == to { return count }
        let (num, overflow) = count.magnitude.multipliedReportingOverflow(by: UInt(to))
        precondition(!overflow, "sample count too large to rescale")
        let rounded = (num * 2 + UInt(from)) / (UInt(from) * 2)
        return count < 0 ? -Int(rounded) : Int(rounded)
    }
}
