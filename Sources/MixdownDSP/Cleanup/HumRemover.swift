import Foundation
import MixdownCore

/// Mains hum and its harmonics, found and taken out.
///
/// Finding (`Detector`, the first pass): a long-window average spectrum says whether there is
/// hum at 50 or 60 Hz (peaks standing out of their neighbourhood at the fundamental and its
/// harmonics) and how loud it is; alongside, each quarter second's phase advance at every
/// harmonic of both families gives the mains frequency's drift, so the remover follows it.
///
/// Taking out (`Stream`, HumStream.swift): the hum is modelled as six sinusoids on the tracked
/// phase and estimated by weighted least squares over long windows, the weights favouring
/// moments with little else near each harmonic (pauses), then subtracted.
public enum HumRemover {
    public static let harmonics = 6
    public static let families: [Double] = [50, 60]

    /// What the detector found.
    public struct Hum: Sendable, Equatable {
        /// The mains frequency (mean over the recording).
        public var frequency: Double
        /// Mean-square level of the hum (fundamental and harmonics), dBFS.
        public var levelDb: Double
        /// Frequency offsets from the mean (Hz) every `trackStep` samples from the start.
        public var track: [Float]
    }

    /// The first pass: feed every block, then `result`.
    public struct Detector {
        /// 2¹⁶ samples: 0.73 Hz bins at 48 kHz, fine enough to tell a harmonic from speech.
        static let longSize = 65_536
        let sampleRate: Int
        let long: RealFFT
        var window: [Float]
        var pending: [Float]
        var average: [Double]
        var spectra = 0
        var tracker: [PhaseTracker]

        /// `tracking`: also follow the frequency (to remove the hum; measuring its level needs no track).
        public init(sampleRate: Int, tracking: Bool = true) {
            self.sampleRate = sampleRate
            long = RealFFT(size: Self.longSize)
            window = (0..<Self.longSize).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(Self.longSize))) }
            pending = []
            pending.reserveCapacity(Self.longSize)
            average = [Double](repeating: 0, count: Self.longSize / 2 + 1)
            tracker = tracking ? HumRemover.families.map { PhaseTracker(nominal: $0, sampleRate: sampleRate) } : []
        }

        /// The block's channels, mixed to one.
        public mutating func add(_ block: AudioBlock) {
            let scale = 1 / Float(block.channelCount)
            var i = 0
            while i < block.frames {
                let n = min(block.frames - i, Self.longSize - pending.count)
                for j in i..<(i + n) {
                    var s: Float = 0
                    for c in 0..<block.channelCount { s += block.channels[c][j] }
                    pending.append(s * scale)
                }
                i += n
                if pending.count == Self.longSize { accumulateLong() }
            }
            for t in tracker.indices { tracker[t].add(block) }
        }

        mutating func accumulateLong() {
            let w = window
            let p = pending
            long.powerSpectrum(fill: { buffer in for i in 0..<buffer.count { buffer[i] = p[i] * w[i] } }) { power in
                for k in 0..<power.count { average[k] += Double(power[k]) }
            }
            spectra += 1
            // Half overlap: the second half starts the next window.
            pending.removeFirst(Self.longSize / 2)
        }

        /// The hum found, or nil. A family is hum when its fundamental or two of its harmonics
        /// stand 10 dB out of their ±15 Hz neighbourhood.
        public mutating func result() -> Hum? {
            guard let psd = spectrum() else { return nil }
            var best: Hum?
            for (f, nominal) in HumRemover.families.enumerated() {
                let found = harmonics(of: nominal, in: psd, reach: { min(3, Double($0)) })
                guard found.prominence >= 2 else { continue }
                let weight = found.peaks.reduce(0) { $0 + $1.energy }
                let frequency = weight > 0 ? found.peaks.reduce(0) { $0 + $1.frequency * $1.energy } / weight : nominal
                let hum = Hum(frequency: frequency, levelDb: found.levelDb,
                              track: tracker.isEmpty ? [] : tracker[f].track(mean: frequency - nominal, clarity: found.clarity))
                if best == nil || hum.levelDb > best!.levelDb { best = hum }
            }
            return best
        }

        /// The level (dBFS) of what stands out at `frequency` and its harmonics (within ±0.5 Hz
        /// each): the hum left after removal.
        public mutating func level(at frequency: Double) -> Double {
            guard let psd = spectrum() else { return -140 }
            return harmonics(of: frequency, in: psd, reach: { _ in 0.5 }).levelDb
        }

        /// The average spectrum so far as one-sided mean square per bin (a sinusoid's bins sum
        /// to its mean square).
        mutating func spectrum() -> [Double]? {
            if spectra == 0 && pending.count > Self.longSize / 8 {
                // Shorter than one long window: pad the one there is.
                pending += [Float](repeating: 0, count: Self.longSize - pending.count)
                accumulateLong()
            }
            guard spectra > 0 else { return nil }
            let windowPower = window.reduce(0) { $0 + Double($1) * Double($1) }
            let scale = 2 / (Double(Self.longSize) * windowPower * Double(spectra))
            return average.map { $0 * scale }
        }

        /// Each harmonic's peak near k × `fundamental` (± `reach(k)` Hz): its energy above the
        /// neighbourhood's median, whether it stands 10 dB out (the fundamental counts twice),
        /// and the fundamental each standing peak implies.
        func harmonics(of fundamental: Double, in psd: [Double], reach: (Int) -> Double)
            -> (levels: [Double], levelDb: Double, prominence: Int, peaks: [(frequency: Double, energy: Double)], clarity: [Double]) {
            let binHz = Double(sampleRate) / Double(Self.longSize)
            var levels = [Double](), prominence = 0, peaks = [(frequency: Double, energy: Double)](), clarity = [Double]()
            for k in 1...HumRemover.harmonics {
                let centre = Double(k) * fundamental
                let lo = max(3, Int(((centre - reach(k)) / binHz).rounded(.down))), hi = Int(((centre + reach(k)) / binHz).rounded(.up))
                guard hi + 3 < psd.count, lo <= hi else { levels.append(-140); clarity.append(0); continue }
                let peak = (lo...hi).max { psd[$0] < psd[$1] } ?? lo
                var around = [Double]()
                let wide = Int(15 / binHz)
                for b in max(1, peak - wide)...min(psd.count - 1, peak + wide) where abs(b - peak) > 4 { around.append(psd[b]) }
                around.sort()
                let floor = around.isEmpty ? 0 : around[around.count / 2]
                let energy = max(0, (peak - 2...peak + 2).reduce(0) { $0 + psd[$1] } - 5 * floor)
                levels.append(energy > 1e-14 ? 10 * log10(energy) : -140)
                clarity.append(floor > 0 ? energy / (5 * floor) : (energy > 0 ? 1e6 : 0))
                if psd[peak] > floor * 10 {
                    prominence += k == 1 ? 2 : 1
                    // Parabolic interpolation of the peak for the frequency.
                    let a = log(max(psd[peak - 1], 1e-30)), b = log(max(psd[peak], 1e-30)), c = log(max(psd[peak + 1], 1e-30))
                    let d = (a - 2 * b + c) != 0 ? 0.5 * (a - c) / (a - 2 * b + c) : 0
                    peaks.append(((Double(peak) + d) * binHz / Double(k), energy))
                }
            }
            let total = levels.reduce(0) { $0 + ($1 > -140 ? pow(10, $1 / 10) : 0) }
            return (levels, total > 1e-14 ? 10 * log10(total) : -140, prominence, peaks, clarity)
        }
    }

    /// Samples between the points of a frequency track (a quarter second at 48 kHz).
    public static let trackStep = 12_000

    /// Each harmonic's complex amplitude over quarter-second windows, demodulated at the
    /// nominal frequency; the phase advance from one window to the next is the frequency's
    /// offset. The advances are kept per harmonic (6 × 4 bytes a quarter second) and combined at
    /// the end, when the long spectrum says how clean each harmonic is: a harmonic buried in
    /// speech would otherwise pull the track about.
    struct PhaseTracker {
        let nominal: Double
        let sampleRate: Int
        let step: Int
        var position = 0
        var sums: [(re: Double, im: Double)]
        var last: [(re: Double, im: Double)]?
        /// advances[k][i]: harmonic k+1's phase advance (radians, wrapped) from window i to i + 1.
        var advances: [[Float]]
        var oscillator: (re: Double, im: Double) = (1, 0)
        let rotation: (re: Double, im: Double)
        /// A Hann window over each quarter second: with a plain (rectangular) one, the
        /// neighbouring harmonic 50 Hz away leaks in at −32 dB and bends each window's phase by
        /// a few hundredths of a radian, which the k² weighting carries into the track.
        let taper: [Double]

        init(nominal: Double, sampleRate: Int) {
            self.nominal = nominal
            self.sampleRate = sampleRate
            step = HumRemover.trackStep * sampleRate / 48_000
            let length = step
            taper = (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(length)) }
            sums = Array(repeating: (0, 0), count: HumRemover.harmonics)
            advances = Array(repeating: [], count: HumRemover.harmonics)
            let w = 2 * Double.pi * nominal / Double(sampleRate)
            rotation = (cos(w), sin(w))
        }

        mutating func add(_ block: AudioBlock) {
            let channels = block.channelCount
            for i in 0..<block.frames {
                var x = 0.0
                for c in 0..<channels { x += Double(block.channels[c][i]) }
                x *= taper[position % step]
                // e^{-jkθ} for k = 1…6 by powers of the fundamental's.
                var p = (re: oscillator.re, im: -oscillator.im)
                let base = p
                for k in 0..<HumRemover.harmonics {
                    sums[k].re += x * p.re
                    sums[k].im += x * p.im
                    p = (p.re * base.re - p.im * base.im, p.re * base.im + p.im * base.re)
                }
                oscillator = (oscillator.re * rotation.re - oscillator.im * rotation.im,
                              oscillator.re * rotation.im + oscillator.im * rotation.re)
                position += 1
                if position % step == 0 { closeWindow() }
            }
            // Keep the oscillator on the unit circle (it drifts by rounding).
            let m = (oscillator.re * oscillator.re + oscillator.im * oscillator.im).squareRoot()
            oscillator = (oscillator.re / m, oscillator.im / m)
        }

        mutating func closeWindow() {
            if let last {
                for k in 0..<HumRemover.harmonics {
                    let a = sums[k], b = last[k]
                    advances[k].append(Float(atan2(a.im * b.re - a.re * b.im, a.re * b.re + a.im * b.im)))
                }
            }
            last = sums
            sums = Array(repeating: (0, 0), count: HumRemover.harmonics)
        }

        /// The offset from `mean` at every window boundary. `clarity[k]`: harmonic k+1's power
        /// over its neighbourhood's (from the long spectrum). The clearest of the first two
        /// harmonics (unambiguous within ±1 Hz) sets the rough offset each quarter second; every
        /// harmonic's advance is unwrapped around k times it and weighted by k² × clarity (the
        /// inverse of its variance). No smoothing: it would flatten the drift's turns.
        func track(mean: Double, clarity: [Double]) -> [Float] {
            let count = advances[0].count
            guard count > 0 else { return [] }
            let seconds = Double(step) / Double(sampleRate)
            let reference = clarity[1] > clarity[0] ? 1 : 0
            var offsets = [Double](repeating: 0, count: count)
            for i in 0..<count {
                let rough = Double(advances[reference][i]) / (2 * Double.pi * Double(reference + 1) * seconds)
                var weighted = 0.0, total = 0.0
                for k in 0..<HumRemover.harmonics where clarity[k] > 1 {
                    let h = Double(k + 1)
                    let predicted = 2 * Double.pi * h * rough * seconds
                    let angle = Double(advances[k][i])
                    let unwrapped = angle + 2 * Double.pi * ((predicted - angle) / (2 * Double.pi)).rounded()
                    let weight = h * h * clarity[k]
                    weighted += unwrapped / (2 * Double.pi * h * seconds) * weight
                    total += weight
                }
                offsets[i] = total > 0 ? weighted / total : rough
            }
            return offsets.map { Float($0 - mean) }
        }
    }
}
