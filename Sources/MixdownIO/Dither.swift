/// TPDF dither to 16 bits: the sum of two independent uniform variables of ±½ LSB, added
/// before rounding, decorrelates the quantisation error from the signal. The generator is a
/// seeded xorshift so that an encode is reproducible byte for byte.
struct TPDFDither {
    private var state: UInt64

    init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed | 1 }

    /// Two independent uniform values in [0, 1) from one 64-bit draw (its top two 24-bit
    /// fields): one generator step per sample keeps the dependency chain short.
    @inline(__always)
    private mutating func nextPair() -> (Float, Float) {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let scale = 1.0 / Float(1 << 24)
        return (Float(state >> 40) * scale, Float((state >> 16) & 0xFF_FFFF) * scale)
    }

    /// Quantises `count` interleaved samples to Int16 with dither and clipping. Rounding to
    /// nearest is done by adding and subtracting 1.5·2²³ (exact in Float for |v| < 2²²), which
    /// stays in vector registers where `rounded()` would call into libm per sample.
    mutating func quantize(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int16>) {
        let magic: Float = 12_582_912
        for i in 0..<input.count {
            let (a, b) = nextPair()
            let scaled = max(-32_768, min(32_767, input[i] * 32_768 + (a - b)))
            output[i] = Int16((scaled + magic) - magic)
        }
    }
}
