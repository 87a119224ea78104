/// Reductions over contiguous Float runs with explicit SIMD accumulators. The compiler may not
/// reorder floating-point sums, so a plain loop stays scalar; lanes make the order explicit.
/// Lanes are filled by eight scalar loads, which compiles to one unaligned vector load and is
/// safe at any offset (rebinding a pointer to SIMD8 assumes 32-byte alignment and faults).
public enum VectorOps {
    public typealias Lane = SIMD8<Float>

    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> Lane {
        Lane(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
    }

    /// Stores a lane at any offset (storeBytes needs no alignment).
    @inlinable @inline(__always)
    public static func store(_ v: Lane, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lane.self)
    }

    @inlinable @inline(__always)
    public static func magnitude(_ v: Lane) -> Lane { v.replacing(with: -v, where: v .< 0) }

    @inlinable @inline(__always)
    public static func maximum(_ a: Lane, _ b: Lane) -> Lane { a.replacing(with: b, where: b .> a) }

    /// max |x[i]|
    @inlinable
    public static func peak(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = Lane()
        var i = 0
        while i + 8 <= count {
            acc = maximum(acc, magnitude(load(x + i)))
            i += 8
        }
        var m = acc.max()
        while i < count { m = max(m, abs(x[i])); i += 1 }
        return m
    }

    /// The lowest and highest of x[0..<count] (count > 0).
    @inlinable
    public static func extremes(_ x: UnsafePointer<Float>, count: Int) -> (low: Float, high: Float) {
        var low = Lane(repeating: x[0]), high = low
        var i = 0
        while i + 8 <= count {
            let v = load(x + i)
            low = low.replacing(with: v, where: v .< low)
            high = maximum(high, v)
            i += 8
        }
        var lo = low.min(), hi = high.max()
        while i < count { lo = min(lo, x[i]); hi = max(hi, x[i]); i += 1 }
        return (lo, hi)
    }

    /// Σ x[i]², summed in Float lanes over the run and returned as Double.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var acc = Lane()
        var i = 0
        while i + 8 <= count {
            let v = load(x + i)
            acc += v * v
            i += 8
        }
        var s = Double(acc.sum())
        while i < count { s += Double(x[i] * x[i]); i += 1 }
        return s
    }

    /// Σ (a[i] − b[i])²
    @inlinable
    public static func distanceSquared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        runs(count: count) { start, length in
            var acc = Lane()
            var i = start
            while i + 8 <= start + length {
                let d = load(a + i) - load(b + i)
                acc += d * d
                i += 8
            }
            total += Double(acc.sum())
            while i < start + length { total += Double((a[i] - b[i]) * (a[i] - b[i])); i += 1 }
        }
        return total
    }

    /// Σ a[i]·b[i]
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var acc = Lane()
        var i = 0
        while i + 8 <= count {
            acc += load(a + i) * load(b + i)
            i += 8
        }
        var s = Double(acc.sum())
        while i < count { s += Double(a[i] * b[i]); i += 1 }
        return s
    }

    /// Applies `body` to consecutive runs of at most `run` elements, so Float lane sums stay
    /// short and are carried across runs in Double.
    @inlinable
    public static func runs(count: Int, run: Int = 4096, _ body: (_ start: Int, _ length: Int) -> Void) {
        var start = 0
        while start < count {
            let length = min(run, count - start)
            body(start, length)
            start += length
        }
    }
}
