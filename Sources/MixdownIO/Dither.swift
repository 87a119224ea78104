/// TPDF dither to 16 bits: the sum of two independent uniform variables of ±½ LSB, added
/// before rounding, decorrelates the quantisation error from the signal. The generator is a
/// seeded xorshift so that an encode is reproducible byte for byte.
struct TPDFDither {
    private var state: UInt64

    init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed | 1 }

    @inline(__always)
    private mutating func nextUnit() -> Float {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Float(state >> 40) * (1.0 / Float(1 << 24))
    }

    /// Quantises `count` interleaved samples to Int16 with dither and clipping.
    mutating func quantize(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int16>) {
        for i in 0..<input.count {
            let noise = nextUnit() - nextUnit()
            let scaled = (input[i] * 32_768 + noise).rounded()
            output[i] = Int16(max(-32_768, min(32_767, scaled)))
        }
    }
}
