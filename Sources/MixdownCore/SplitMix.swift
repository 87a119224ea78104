/// SplitMix64: a small, fast, seedable generator, so that synthesised audio (templates, test
/// signals) is the same on every machine and every run.
public struct SplitMix: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func next() -> Double { Double(nextBits() >> 11) / Double(1 << 53) }
    /// Uniform in [−1, 1).
    public mutating func nextSigned() -> Double { 2 * next() - 1 }
}
