import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// Matching a mix to a reference's tonal balance (`mixdown master --preset reference`): the
/// long-term spectrum of the mid and of the side, each compared with the reference's in octave
/// bands (31.5 Hz … 16 kHz), and corrected by a smooth EQ: one peaking filter per band, the
/// gains smoothed across neighbours and bounded (−9 … +6 dB per pass, two passes), with the
/// overall level taken out (loudness is matched afterwards, by the loudness stage).
public enum ReferenceMatch {
    public static let centres: [Double] = [31.5, 63, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 16_000]
    public static let maximumBoost = 6.0, maximumCut = 9.0

    /// Energy per octave band (dB) of a signal's long-term spectrum.
    public static func octaveLevels(_ x: [Float], rate: Int) -> [Double] {
        let size = 8_192
        guard x.count >= size else { return centres.map { _ in -200 } }
        let power = BandEnergy.longTermSpectrum(of: x, size: size).power
        let binHz = Double(rate) / Double(size)
        return centres.map { c in
            let lo = Int((c / 2.0.squareRoot() / binHz).rounded(.up)), hi = min(Int((c * 2.0.squareRoot() / binHz).rounded(.down)), size / 2)
            let e = lo <= hi ? power[lo...hi].reduce(0, +) : 0
            return e > 0 ? 10 * log10(e) : -200
        }
    }

    /// EQ gains (dB per octave band) that bring `levels` to `reference`: level difference
    /// removed, smoothed over neighbours, bounded; bands too quiet in either to judge are left alone.
    public static func gains(from levels: [Double], to reference: [Double]) -> [Double] {
        let usable = zip(levels, reference).map { $0 > -120 && $1 > -120 }
        var diff = zip(levels, reference).map { $1 - $0 }
        let mean = zip(diff, usable).filter(\.1).map(\.0).reduce(0, +) / Double(max(1, usable.filter { $0 }.count))
        diff = zip(diff, usable).map { $1 ? $0 - mean : 0 }
        let smoothed = diff.indices.map { i -> Double in
            let neighbours = [i - 1, i, i + 1].filter { diff.indices.contains($0) }
            return neighbours.map { diff[$0] * ($0 == i ? 2 : 1) }.reduce(0, +) / Double(neighbours.count + 1)
        }
        return smoothed.map { min(maximumBoost, max(-maximumCut, $0)) }
    }

    /// Applies the matched EQ to mid and side separately. Returns the EQ'd audio and the
    /// octave-band distance (dB RMS) to the reference before and after.
    public static func match(_ buffer: AudioBuffer, to reference: AudioBuffer) -> (audio: AudioBuffer, distanceBefore: Double, distanceAfter: Double) {
        let rate = buffer.sampleRate
        func midSide(_ b: AudioBuffer) -> ([Float], [Float]) {
            let l = b.channels[0], r = b.channelCount > 1 ? b.channels[1] : b.channels[0]
            return (zip(l, r).map { 0.5 * ($0 + $1) }, zip(l, r).map { 0.5 * ($0 - $1) })
        }
        let (mid, side) = midSide(buffer), (refMid, refSide) = midSide(reference)
        var out = [mid, side]
        var targets = [[Double]](), befores = [[Double]]()
        for (k, (x, r)) in [(mid, refMid), (side, refSide)].enumerated() {
            let refLevels = octaveLevels(r, rate: rate)
            befores.append(octaveLevels(x, rate: rate)); targets.append(refLevels)
            // Two passes: neighbouring peaking filters overlap and the gains are smoothed, so
            // the second corrects what the first left (each pass bounded and smoothed again).
            for _ in 0..<2 {
                let g = gains(from: octaveLevels(out[k], rate: rate), to: refLevels)
                let eq = FilterChain(zip(centres, g).filter { abs($0.1) > 0.05 && $0.0 < Double(rate) / 2.2 }
                    .map { Biquad.peaking($0.0, gainDB: $0.1, q: 1.4, rate: rate) })
                eq.process(&out[k])
            }
        }
        let l = zip(out[0], out[1]).map { $0 + $1 }, r = zip(out[0], out[1]).map { $0 - $1 }
        let result = AudioBuffer(sampleRate: rate, channels: [l, r])
        let after = [octaveLevels(out[0], rate: rate), octaveLevels(out[1], rate: rate)]
        return (result, distance(befores[0], targets[0]), distance(after[0], targets[0]))
    }

    /// RMS over the usable bands of the level-removed difference (dB), for the mid.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        let pairs = zip(a, b).filter { $0 > -120 && $1 > -120 }
        guard !pairs.isEmpty else { return 0 }
        let diffs = pairs.map { $1 - $0 }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        return (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count)).squareRoot()
    }
}
