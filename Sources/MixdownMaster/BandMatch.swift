import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// Fractional-octave levels of a long-term spectrum, and the smooth, bounded EQ that moves one
/// spectrum towards another: the tonal matching behind `mixdown master --preset reference`
/// (octaves) and hybrid voice (third octaves).
///
/// The EQ is one peaking filter per band. Its gains are the level-removed difference,
/// smoothed over neighbours (1-2-1) and bounded in total over all passes; each pass measures
/// again and corrects what overlapping neighbours left.
public struct BandMatch: Sendable {
    public let centres: [Double]
    public let bandsPerOctave: Double
    public let maximumBoost: Double, maximumCut: Double
    /// Peaking-filter Q: about two bands wide, so neighbours blend into a smooth curve.
    public let q: Double

    public init(centres: [Double], bandsPerOctave: Double, maximumBoost: Double, maximumCut: Double, q: Double) {
        (self.centres, self.bandsPerOctave, self.maximumBoost, self.maximumCut, self.q) = (centres, bandsPerOctave, maximumBoost, maximumCut, q)
    }

    /// Third-octave bands (IEC 61260 base-two centres 1000·2^(k/3)) from `low` to `high` Hz.
    public static func thirdOctaves(from low: Double, to high: Double, maximumBoost: Double, maximumCut: Double) -> BandMatch {
        let first = Int((3 * log2(low / 1_000)).rounded()), last = Int((3 * log2(high / 1_000)).rounded())
        return BandMatch(centres: (first...last).map { 1_000 * pow(2, Double($0) / 3) }, bandsPerOctave: 3,
                         maximumBoost: maximumBoost, maximumCut: maximumCut, q: 2.1)
    }

    /// Energy per band (dB) of a signal's long-term spectrum; -200 where a band is empty.
    /// `keep` selects the FFT frames by their mean square (speech only, pauses only).
    public func levels(_ x: [Float], rate: Int, size: Int = 4_096, keep: ((Double) -> Bool)? = nil) -> [Double] {
        guard x.count >= size else { return centres.map { _ in -200 } }
        let spectrum = BandEnergy.longTermSpectrum(of: x, size: size, keep: keep)
        guard spectrum.frames > 0 else { return centres.map { _ in -200 } }
        // Mean power per frame, so selections of different sizes compare.
        return levels(power: spectrum.power.map { $0 / Double(spectrum.frames) }, rate: rate)
    }

    /// Band levels (dB) of a power spectrum (bins 0…size/2 of a `2·(count − 1)`-point FFT).
    public func levels(power: [Double], rate: Int) -> [Double] {
        let size = 2 * (power.count - 1)
        let binHz = Double(rate) / Double(size)
        let halfWidth = pow(2, 1 / (2 * bandsPerOctave))
        return centres.map { c in
            let lo = Int((c / halfWidth / binHz).rounded(.up)), hi = min(Int((c * halfWidth / binHz).rounded(.down)), size / 2)
            let e = lo <= hi ? power[lo...hi].reduce(0, +) : 0
            return e > 0 ? 10 * log10(e) : -200
        }
    }

    /// The gains (dB per band) of one EQ that brings a signal of long-term spectrum `power` to
    /// `target`. A linear filter multiplies the spectrum by |H|², so each pass predicts the
    /// EQ'd levels exactly from the spectrum and the filters' response, measures what the
    /// overlapping neighbours left, and corrects half of it (neighbouring filters overlap,
    /// so a full step overshoots): the audio is filtered once, at the end.
    public func fit(power: [Double], rate: Int, to target: [Double], passes: Int = 16) -> [Double] {
        let size = 2 * (power.count - 1)
        // e^{-jω} and e^{-2jω} per bin, once: each pass evaluates every filter at every bin.
        let unit = (0..<power.count).map { k -> (c1: Double, s1: Double, c2: Double, s2: Double) in
            let w = 2 * Double.pi * Double(k) / Double(size)
            return (cos(w), sin(w), cos(2 * w), sin(2 * w))
        }
        var total = centres.map { _ in 0.0 }
        for _ in 0..<passes {
            let stages = equaliser(total, rate: rate).stages
            let shaped = zip(power, unit).map { p, u in
                stages.reduce(p) { value, f in
                    let nr = f.b0 + f.b1 * u.c1 + f.b2 * u.c2, ni = f.b1 * u.s1 + f.b2 * u.s2
                    let dr = 1 + f.a1 * u.c1 + f.a2 * u.c2, di = f.a1 * u.s1 + f.a2 * u.s2
                    return value * (nr * nr + ni * ni) / (dr * dr + di * di)
                }
            }
            let g = gains(from: levels(power: shaped, rate: rate), to: target, applied: total)
            total = zip(total, g).map { $0 + 0.5 * $1 }
        }
        return total
    }

    static func usable(_ a: Double, _ b: Double) -> Bool { a > -120 && b > -120 }

    /// One pass's gains (dB per band) towards `target`, given the gains already applied: the
    /// difference smoothed over neighbours, kept within the bounds in total. The overall level
    /// is free (loudness is matched afterwards), so the difference is offset where the bounds
    /// cut it least, nearest its mean.
    public func gains(from levels: [Double], to target: [Double], applied: [Double]? = nil) -> [Double] {
        let applied = applied ?? centres.map { _ in 0 }
        let usable = zip(levels, target).map(Self.usable)
        let diff = zip(levels, target).map { $1 - $0 }
        let smoothed = diff.indices.map { i -> Double in
            guard usable[i] else { return 0 }
            let neighbours = [i - 1, i, i + 1].filter { diff.indices.contains($0) && usable[$0] }
            return neighbours.map { diff[$0] * ($0 == i ? 2 : 1) }.reduce(0, +) / Double(neighbours.count + 1)
        }
        let wanted = zip(smoothed, usable).filter(\.1).map(\.0)
        let totals = zip(zip(applied, smoothed), usable).filter(\.1).map { $0.0.0 + $0.0.1 }
        guard !wanted.isEmpty else { return centres.map { _ in 0 } }
        let mean = totals.reduce(0, +) / Double(totals.count)
        func excess(_ offset: Double) -> Double {
            totals.reduce(0) { sum, t in
                let v = t - offset
                let over = max(0, v - maximumBoost) + max(0, -maximumCut - v)
                return sum + over * over
            }
        }
        var best = mean, bestCost = excess(mean)
        for step in 1...400 {
            for offset in [mean + Double(step) * 0.1, mean - Double(step) * 0.1] where excess(offset) < bestCost - 1e-9 {
                (best, bestCost) = (offset, excess(offset))
            }
        }
        return zip(zip(applied, smoothed), usable).map { pair, ok in
            let (a, d) = pair
            return ok ? min(maximumBoost, max(-maximumCut, a + d - best)) - a : 0
        }
    }

    /// The peaking filters for `gains` (bands above 0.45 × the rate left out).
    public func equaliser(_ gains: [Double], rate: Int) -> FilterChain {
        FilterChain(zip(centres, gains).filter { abs($0.1) > 0.05 && $0.0 < Double(rate) / 2.2 }
            .map { Biquad.peaking($0.0, gainDB: $0.1, q: q, rate: rate) })
    }

    /// RMS (dB) over the bands usable in both of the level-removed difference.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        let pairs = zip(a, b).filter { usable($0, $1) }
        guard !pairs.isEmpty else { return 0 }
        let diffs = pairs.map { $1 - $0 }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        return (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count)).squareRoot()
    }
}
