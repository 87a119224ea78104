import Dispatch
import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// The speech bus: high-pass, de-essing, gentle compression, presence. Applied to speech clips
/// only (inserts are placed as they are).
public enum SpeechChain {
    public static func process(_ channels: inout [[Float]], rate: Int, settings: MasteringSettings) {
        if settings.speechHighPass > 0 {
            let hp = FilterChain([.highPass(settings.speechHighPass, rate: rate)])
            for c in channels.indices { hp.process(&channels[c]) }
        }
        if settings.deEssDB > 0 { deEss(&channels, rate: rate, maximumDB: settings.deEssDB) }
        if settings.speechRatio > 1 {
            // Threshold a few dB under the levelled speech (−20 LUFS ≈ −14 dBFS peaks): only
            // the loudest syllables are held back.
            Compressor(thresholdDB: -16, ratio: settings.speechRatio, kneeDB: 8, attackSeconds: 0.005, releaseSeconds: 0.12)
                .process(&channels, rate: rate)
        }
        if settings.presenceDB != 0 {
            let eq = FilterChain([.peaking(3_500, gainDB: settings.presenceDB, q: 0.9, rate: rate)])
            for c in channels.indices { eq.process(&channels[c]) }
        }
    }

    /// Sibilance (energy above 5 kHz well out of proportion to the whole) is turned down in the
    /// high band only, by at most `maximumDB`, with a fast attack and a short release. The split
    /// is an LR4 crossover, so low + high is a flat all-pass and lowering the high band lowers
    /// exactly it (subtracting a phase-shifted high-pass from the input would not).
    static func deEss(_ channels: inout [[Float]], rate: Int, maximumDB: Double) {
        guard let n = channels.first?.count, n > 0 else { return }
        let hp = FilterChain([.highPass(5_000, rate: rate), .highPass(5_000, rate: rate)])
        let lp = FilterChain([.lowPass(5_000, rate: rate), .lowPass(5_000, rate: rate)])
        let highs = channels.map { hp.processed($0) }
        let lows = channels.map { lp.processed($0) }
        let block = 64
        var gains = [Float](repeating: 1, count: n)
        var smoothed = 0.0
        for b in stride(from: 0, to: n, by: block) {
            let count = min(block, n - b)
            var high = 0.0, full = 0.0
            for c in channels.indices {
                high += highs[c].withUnsafeBufferPointer { VectorOps.sumOfSquares($0.baseAddress! + b, count: count) }
                full += channels[c].withUnsafeBufferPointer { VectorOps.sumOfSquares($0.baseAddress! + b, count: count) }
            }
            // Sibilant when the highs carry more than a third of the energy.
            let ratio = full > 1e-12 ? high / full : 0
            let target = ratio > 0.33 ? min(maximumDB, 10 * log10(ratio / 0.33) * 3) : 0
            smoothed = target > smoothed ? target : smoothed * 0.9 + target * 0.1
            let g = Float(pow(10, -smoothed / 20))
            for i in 0..<count { gains[b + i] = g }
        }
        for c in channels.indices {
            channels[c].withUnsafeMutableBufferPointer { x in
                lows[c].withUnsafeBufferPointer { l in
                    highs[c].withUnsafeBufferPointer { h in
                        gains.withUnsafeBufferPointer { g in
                            for i in 0..<n { x[i] = l[i] + h[i] * g[i] }
                        }
                    }
                }
            }
        }
    }
}

/// The master bus: corrective EQ (rumble and DC out), mono-safe low end, multiband compression
/// over crossovers that sum flat, optional oversampled soft saturation. Loudness and the
/// true-peak limit come after, in `LoudnessMaster`.
public enum MasterChain {
    public static let monoBelow = 120.0

    public static func process(_ buffer: AudioBuffer, settings: MasteringSettings) -> AudioBuffer {
        let rate = buffer.sampleRate
        var channels = buffer.channels
        if channels.count == 2 {
            correctAndCentreLowEnd(&channels, rate: rate)
        } else {
            let corrective = corrective(rate: rate)
            PerChannel.run(&channels) { corrective.process(&$0) }
        }
        if settings.multibandRatio > 1 { multiband(&channels, rate: rate, ratio: settings.multibandRatio) }
        if settings.saturation > 0 { saturate(&channels, rate: rate, drive: settings.saturation) }
        return AudioBuffer(sampleRate: rate, channels: channels)
    }

    /// Corrective EQ: rumble and DC out.
    static func corrective(rate: Int) -> FilterChain { FilterChain([.highPass(25, rate: rate)]) }

    /// Corrective EQ and a mono-safe low end for a stereo pair. Below 120 Hz the side signal is
    /// removed: bass stays centred and survives mono playback. The side keeps only its LR4 high
    /// part; the mid gets the same crossover's all-pass (LR4 low + high = a 2nd-order all-pass,
    /// Q 0.5), so mid and side stay in phase and L + R is the mid, untouched in magnitude.
    /// The corrective high-pass is linear, so it runs on mid and side rather than on L and R:
    /// mid and side are each filtered once, side by side.
    static func correctAndCentreLowEnd(_ channels: inout [[Float]], rate: Int) {
        let n = channels[0].count
        var mid = [Float](repeating: 0, count: n), side = [Float](repeating: 0, count: n)
        channels[0].withUnsafeBufferPointer { l in
            channels[1].withUnsafeBufferPointer { r in
                mid.withUnsafeMutableBufferPointer { m in
                    side.withUnsafeMutableBufferPointer { s in
                        for i in 0..<n { m[i] = 0.5 * (l[i] + r[i]); s[i] = 0.5 * (l[i] - r[i]) }
                    }
                }
            }
        }
        let corrective = corrective(rate: rate)
        let allPass = FilterChain([.allPass(monoBelow, q: 0.5, rate: rate)])
        let highPass = FilterChain([.highPass(monoBelow, rate: rate), .highPass(monoBelow, rate: rate)])
        // [mid, all-passed mid, side, high-passed side], the latter two of each pair filled from the former.
        var parts = [mid, [], side, []]
        mid = []; side = []
        var lowSide = 0.0, midEnergy = 0.0
        parts.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: 2) { pair in
                let c = 2 * pair
                corrective.process(&slots[c])
                slots[c + 1] = slots[c]
                (pair == 0 ? allPass : highPass).process(&slots[c + 1])
                // The side's low part is what high-passing took away.
                let energy = slots[c].withUnsafeBufferPointer { a in
                    slots[c + 1].withUnsafeBufferPointer { b in
                        pair == 0 ? VectorOps.sumOfSquares(a.baseAddress!, count: n) : VectorOps.distanceSquared(a.baseAddress!, b.baseAddress!, count: n)
                    }
                }
                if pair == 0 { midEnergy = energy } else { lowSide = energy }
            }
        }
        // Nothing to centre when the low side is negligible (mono-compatible programmes): the
        // signal only loses its rumble rather than passing through an all-pass for nothing.
        let centre = lowSide > 1e-6 * max(midEnergy, 1e-12)
        let (m, s) = centre ? (parts[1], parts[3]) : (parts[0], parts[2])
        parts = []
        m.withUnsafeBufferPointer { m in
            s.withUnsafeBufferPointer { s in
                channels[0].withUnsafeMutableBufferPointer { l in
                    for i in 0..<n { l[i] = m[i] + s[i] }
                }
                channels[1].withUnsafeMutableBufferPointer { r in
                    for i in 0..<n { r[i] = m[i] - s[i] }
                }
            }
        }
    }

    /// Three bands (LR4 at 150 Hz and 3 kHz), each compressed above its own typical peak level.
    static func multiband(_ channels: inout [[Float]], rate: Int, ratio: Double) {
        let splitter = ThreeBandSplit(low: 150, high: 3_000, rate: rate)
        var parts = [(low: [Float], mid: [Float], high: [Float])](repeating: ([], [], []), count: channels.count)
        parts.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: channels.count) { c in slots[c] = splitter.split(channels[c]) }
        }
        var bands = [parts.map(\.low), parts.map(\.mid), parts.map(\.high)]
        for b in bands.indices {
            // Threshold: 6 dB under the band's loudest 1 % of 10 ms peaks.
            let frame = rate / 100
            var peaks = [Float]()
            for ch in bands[b] {
                ch.withUnsafeBufferPointer { x in
                    for s in stride(from: 0, to: x.count - frame, by: frame) { peaks.append(VectorOps.peak(x.baseAddress! + s, count: frame)) }
                }
            }
            guard let top = peaks.sorted().dropLast(peaks.count / 100).last, top > 0 else { continue }
            Compressor(thresholdDB: 20 * log10(Double(top)) - 6, ratio: ratio, kneeDB: 6, attackSeconds: b == 0 ? 0.02 : 0.008,
                       releaseSeconds: b == 0 ? 0.25 : 0.12).process(&bands[b], rate: rate)
        }
        for c in channels.indices {
            channels[c].withUnsafeMutableBufferPointer { out in
                bands[0][c].withUnsafeBufferPointer { a in
                    bands[1][c].withUnsafeBufferPointer { b in
                        bands[2][c].withUnsafeBufferPointer { h in
                            for i in 0..<out.count { out[i] = a[i] + b[i] + h[i] }
                        }
                    }
                }
            }
        }
    }

    /// tanh soft clipping at 4x the rate (upsampled with the true-peak interpolator, brought back
    /// down through a windowed-sinc low-pass), so its harmonics do not fold back as aliases.
    static func saturate(_ channels: inout [[Float]], rate: Int, drive: Double) {
        let factor = 4
        let upsampler = TruePeakMeter(sampleRate: min(rate, 48_000))
        let k = Float(1 + 3 * drive)
        let down = Oversampling.decimationFilter(factor: factor)
        for c in channels.indices {
            let up = upsampler.upsample(channels[c])
            let shaped = up.map { tanh(k * $0) / tanh(k) }
            channels[c] = Oversampling.decimate(shaped, factor: factor, filter: down, count: channels[c].count)
        }
    }
}

/// Runs independent per-channel work side by side (the machine has more than one core).
enum PerChannel {
    static func run(_ channels: inout [[Float]], _ body: @escaping (inout [Float], Int) -> Void) {
        channels.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: slots.count) { c in body(&slots[c], c) }
        }
    }

    static func run(_ channels: inout [[Float]], _ body: @escaping (inout [Float]) -> Void) {
        run(&channels) { x, _ in body(&x) }
    }
}

enum Oversampling {
    /// A Kaiser-windowed sinc low-pass at the original Nyquist for decimating by `factor`.
    static func decimationFilter(factor: Int) -> [Float] {
        let taps = 24 * factor + 1, centre = taps / 2
        var h = (0..<taps).map { i -> Double in
            let t = Double(i - centre) / Double(factor)
            let u = Double(i - centre) / Double(centre)
            let w = TruePeakMeter.besselI0(7 * (1 - u * u).squareRoot()) / TruePeakMeter.besselI0(7)
            return (t == 0 ? 1 : sin(Double.pi * t) / (Double.pi * t)) * w
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum }
        return h.map(Float.init)
    }

    static func decimate(_ x: [Float], factor: Int, filter h: [Float], count: Int) -> [Float] {
        let centre = h.count / 2
        var out = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { s in
            for n in 0..<count {
                let at = n * factor
                var acc: Float = 0
                for k in 0..<h.count {
                    let i = at + k - centre
                    if i >= 0 && i < s.count { acc += h[k] * s[i] }
                }
                out[n] = acc
            }
        }
        return out
    }
}
