/// TPDF dither to 16 bits: the difference of two uniform values (±1 LSB, triangular), added
/// before rounding, decorrelates the quantisation error from the signal. The generators are
/// seeded, so an encode is reproducible byte for byte. Eight xorshift32 generators run in the
/// lanes of one vector, each draw giving eight samples their two 16-bit uniform values, so
/// quantising costs about a nanosecond a sample (a 64-bit generator stepped per sample took
/// seven: the hour's master spent 8 % of its CPU here). The dither is one stream whatever the
/// blocks: the lanes a call leaves unused are the next call's first.
struct TPDFDither {
    typealias Word = SIMD8<UInt32>
    private var state: Word
    /// The last draw, and how many of its lanes have been used.
    private var draw = Word()
    private var used = 8

    /// The lanes seeded apart by SplitMix64 (never zero: xorshift would stay there).
    init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        var s = seed, lanes = Word()
        for l in 0..<8 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            lanes[l] = UInt32(truncatingIfNeeded: z) | 1
        }
        state = lanes
    }

    @inline(__always)
    private mutating func step() -> Word {
        state ^= state &<< 13
        state ^= state &>> 17
        state ^= state &<< 5
        return state
    }

    /// Each lane's two 16-bit fields made the mantissas of floats in [1, 2): their difference
    /// is triangular on (−1, 1), in LSBs.
    @inline(__always)
    private static func triangular(_ r: Word) -> SIMD8<Float> {
        let one = Word(repeating: 0x3F80_0000)
        let a = unsafeBitCast(one | ((r &>> 16) &<< 7), to: SIMD8<Float>.self)
        let b = unsafeBitCast(one | ((r & 0xFFFF) &<< 7), to: SIMD8<Float>.self)
        return a - b
    }

    /// Rounding to nearest by adding and subtracting 1.5·2²³ (exact in Float for |v| < 2²²).
    private static let magic: Float = 12_582_912

    @inline(__always)
    private static func quantize(_ x: Float, _ d: Float) -> Int16 {
        let scaled = max(-32_768, min(32_767, x * 32_768 + d))
        return Int16((scaled + magic) - magic)
    }

    /// Quantises `count` interleaved samples to Int16 with dither and clipping.
    mutating func quantize(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int16>) {
        let n = min(input.count, output.count)
        guard n > 0 else { return }
        var i = 0
        if used < 8 {
            let d = Self.triangular(draw)
            while used < 8 && i < n { output[i] = Self.quantize(input[i], d[used]); used += 1; i += 1 }
        }
        let source = UnsafeRawPointer(input.baseAddress!), target = UnsafeMutableRawPointer(output.baseAddress!)
        let low = SIMD8<Float>(repeating: -32_768), high = SIMD8<Float>(repeating: 32_767), magic = SIMD8<Float>(repeating: Self.magic)
        while i + 8 <= n {
            let x = source.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            var s = x * 32_768 + Self.triangular(step())
            s = s.replacing(with: low, where: s .< low).replacing(with: high, where: s .> high)
            // s + 1.5·2²³ holds round(s) in its low mantissa bits, offset by the constant's own.
            let rounded = unsafeBitCast(s + magic, to: SIMD8<Int32>.self) &- 0x4B40_0000
            target.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: rounded), toByteOffset: i * 2, as: SIMD8<Int16>.self)
            i += 8
        }
        if i < n {
            draw = step()
            used = 0
            let d = Self.triangular(draw)
            while i < n { output[i] = Self.quantize(input[i], d[used]); used += 1; i += 1 }
        }
    }
}
