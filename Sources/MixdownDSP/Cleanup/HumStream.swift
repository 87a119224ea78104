import Foundation
import MixdownCore

extension HumRemover {
    /// The remover over one stream (any channel count; one oscillator at the tracked frequency,
    /// each channel its own amplitudes).
    ///
    /// The hum is a sum of six sinusoids on the tracked phase θ, each with a slowly changing
    /// amplitude; it is estimated by least squares over long windows and subtracted. Plain
    /// averaging (a narrow notch) takes whatever speech falls inside the notch with it, and at
    /// the upper harmonics (150–360 Hz, where voices are loudest) that is more than the hum: on
    /// Benchmarks/cleanup, harmonics 4–6 came out 4–15 dB down. So each stretch of signal counts
    /// by how little else is there near the harmonic: weighted least squares, with weights
    /// 1 / (power near k·f₀), one set per harmonic. Pauses carry the estimate; a syllable whose
    /// partial sits on the harmonic hardly counts. Uneven weights would let each harmonic leak
    /// into the others' estimates, so all twelve terms (cosine and sine of kθ, k = 1…6) are
    /// solved together, once per harmonic's weighting.
    ///
    /// Two stages, because the power near a harmonic includes the hum itself (weighting by it
    /// favours moments where speech happens to cancel the hum, which biases the estimate):
    /// 1. weights from the power 20–32 Hz either side of each harmonic (no hum there, the
    ///    speech's partials nearby), estimating the hum from the channels' mix;
    /// 2. weights from the power within 32 Hz of each harmonic in what stage 1 leaves (the hum
    ///    mostly gone), estimating it again from the input.
    /// Stage 2's estimate is subtracted. Measured on Benchmarks/cleanup (the hum itself,
    /// harmonics 1–6, mean of six takes): 55/48/45/42/37/33 dB down, where averaging over the
    /// same windows left 56/37/24/15/12/5. (A NumPy model of this with the true phase in place
    /// of the tracked one reaches 67/57/56/53/40/36: at the first four harmonics what is left is
    /// the track's error; at the fifth and sixth, the speech.)
    ///
    /// The sums are kept per segment (a quarter of the stage-1 half-window) and each window is
    /// a Hann-tapered sum of segments, so a sample is accumulated once however long the
    /// windows; a window's solution is interpolated to the next one's across a segment.
    /// Latency: the two spectra's look-ahead and both stages' half-windows and one segment each
    /// (about 10 s at 48 kHz for a recording of 32 s or more; less for a shorter one).
    public final class Stream {
        let hum: Hum
        let sampleRate: Int
        /// Frames in the whole stream: nothing past it is measured.
        let total: Int
        let channels: Int
        let sides: BandPower, centres: BandPower
        let first: JointEstimator, second: JointEstimator
        public let latency: Int

        /// One oscillator per place the phase is needed (measuring and subtracting, each
        /// stage); each runs from sample 0 with the same rotations at the same positions, so
        /// all agree bit for bit.
        struct Oscillator {
            var re = 1.0, im = 0.0
            var rotation = (re: 1.0, im: 0.0)
            var position = 0
        }
        /// Samples between recomputing an oscillator's rotation from the track.
        static let rotationInterval = 64
        var measure1 = Oscillator(), subtract1 = Oscillator(), measure2 = Oscillator(), subtract2 = Oscillator()
        /// cos dθ and sin dθ, d = 0…12, at the current oscillator.
        let cosines: UnsafeMutablePointer<Double>, sines: UnsafeMutablePointer<Double>
        /// The input, `latency + 1` samples per channel, by position modulo that.
        let delay: UnsafeMutablePointer<Float>
        let delayLength: Int
        let values: UnsafeMutablePointer<Double>
        let weights: UnsafeMutablePointer<Double>
        var position = 0

        public init(hum: Hum, sampleRate: Int, channels: Int, total: Int) {
            self.hum = hum
            self.sampleRate = sampleRate
            self.total = total
            self.channels = channels
            // Windows of 8 s, or half a short recording's length, at least 1 s (in a take shorter
            // than its windows, the windows never see the whole take and the estimate
            // suffers); a segment is a quarter of a half-window. Stage 2 in windows twice as
            // long was no better on the benchmark's 19 s takes.
            let half = max(sampleRate / 2, min(4 * sampleRate, total / 4))
            let segment = max(1, half / 4)
            // Spectra of about 85 and 170 ms at 48 kHz (12 and 6 Hz apart: a harmonic from its
            // neighbourhood), a quarter-frame apart.
            var short = 256
            while short * 2 <= 4_096 * sampleRate / 48_000 { short *= 2 }
            let f0 = hum.frequency
            sides = BandPower(size: short, fundamental: f0, sampleRate: sampleRate, from: 20, to: 32, floor: hum)
            centres = BandPower(size: 2 * short, fundamental: f0, sampleRate: sampleRate, from: 0, to: 32, floor: hum)
            first = JointEstimator(segment: segment, reach: 4, channels: 1, total: total)
            second = JointEstimator(segment: segment, reach: 4, channels: channels, total: total)
            latency = sides.lead + first.lag + centres.lead + second.lag
            delayLength = latency + 1
            delay = .allocate(capacity: channels * delayLength)
            delay.initialize(repeating: 0, count: channels * delayLength)
            cosines = .allocate(capacity: 13)
            sines = .allocate(capacity: 13)
            cosines.initialize(repeating: 0, count: 13)
            sines.initialize(repeating: 0, count: 13)
            values = .allocate(capacity: channels)
            values.initialize(repeating: 0, count: channels)
            weights = .allocate(capacity: HumRemover.harmonics)
            weights.initialize(repeating: 0, count: HumRemover.harmonics)
        }

        deinit {
            delay.deallocate()
            cosines.deallocate(); sines.deallocate()
            values.deallocate(); weights.deallocate()
        }

        /// The frequency at sample `n`: the mean plus the track, interpolated. The track's
        /// point i is the mean frequency between the centres of windows i and i + 1: at (i + 1) steps.
        func frequency(at n: Int) -> Double {
            let track = hum.track
            guard !track.isEmpty else { return hum.frequency }
            let step = Double(HumRemover.trackStep * sampleRate / 48_000)
            let x = Double(n) / step - 1
            if x <= 0 { return hum.frequency + Double(track[0]) }
            let i = Int(x)
            if i >= track.count - 1 { return hum.frequency + Double(track[track.count - 1]) }
            let t = x - Double(i)
            return hum.frequency + Double(track[i]) * (1 - t) + Double(track[i + 1]) * t
        }

        /// cos dθ and sin dθ (d = 0…`upTo`) at the oscillator into `cosines`/`sines`, then one sample on.
        @inline(__always)
        func advance(_ o: inout Oscillator, upTo: Int) {
            if o.position % Self.rotationInterval == 0 {
                let m = (o.re * o.re + o.im * o.im).squareRoot()
                o.re /= m; o.im /= m
                let w = 2 * Double.pi * frequency(at: o.position + Self.rotationInterval / 2) / Double(sampleRate)
                o.rotation = (cos(w), sin(w))
            }
            cosines[0] = 1; sines[0] = 0
            var p = (re: o.re, im: o.im)
            for d in 1...upTo {
                cosines[d] = p.re; sines[d] = p.im
                p = (p.re * o.re - p.im * o.im, p.re * o.im + p.im * o.re)
            }
            (o.re, o.im) = (o.re * o.rotation.re - o.im * o.rotation.im, o.re * o.rotation.im + o.im * o.rotation.re)
            o.position += 1
        }

        @inline(__always)
        func input(_ c: Int, at m: Int) -> Float { delay[c * delayLength + m % delayLength] }

        @inline(__always)
        func mono(at m: Int) -> Double {
            var s = 0.0
            for c in 0..<channels { s += Double(input(c, at: m)) }
            return s / Double(channels)
        }

        /// Hum out of `block`, in place, `latency` samples behind.
        public func process(_ block: inout AudioBlock) {
            let h = HumRemover.harmonics
            for i in 0..<block.frames {
                let n = position
                var mix: Float = 0
                for c in 0..<channels {
                    let v = block.channels[c][i]
                    delay[c * delayLength + n % delayLength] = v
                    mix += v
                }
                if n < total { sides.add(Double(mix) / Double(channels)) }

                // Stage 1 measures the mix where the side bands' weights are known…
                let m1 = n - sides.lead
                if m1 >= 0 && m1 < total {
                    advance(&measure1, upTo: 2 * h)
                    sides.weights(at: m1, into: weights)
                    values[0] = mono(at: m1)
                    first.accumulate(at: m1, values: values, weights: weights, cosines: cosines, sines: sines)
                }
                // …and what it leaves, once its windows are whole, is the centre bands' signal.
                let m2 = m1 - first.lag
                if m2 >= 0 && m2 < total {
                    advance(&subtract1, upTo: h)
                    centres.add(mono(at: m2) - first.estimate(at: m2, channel: 0, cosines: cosines, sines: sines))
                }
                // Stage 2 measures the input with those weights and subtracts its estimate.
                let m3 = m2 - centres.lead
                if m3 >= 0 && m3 < total {
                    advance(&measure2, upTo: 2 * h)
                    centres.weights(at: m3, into: weights)
                    for c in 0..<channels { values[c] = Double(input(c, at: m3)) }
                    second.accumulate(at: m3, values: values, weights: weights, cosines: cosines, sines: sines)
                }
                let m4 = m3 - second.lag
                if m4 >= 0 && m4 < total {
                    advance(&subtract2, upTo: h)
                    for c in 0..<channels {
                        block.channels[c][i] = input(c, at: m4) - Float(second.estimate(at: m4, channel: c, cosines: cosines, sines: sines))
                    }
                } else {
                    for c in 0..<channels { block.channels[c][i] = 0 }
                }
                position += 1
            }
        }
    }

    /// Power near each harmonic over short spectra (Hann, a quarter-frame apart), and the
    /// weights it gives: 1 / (power + a floor 70 dB under the hum), interpolated between the
    /// frames' centres. A frame of digital silence weighs nothing (it says nothing of the hum,
    /// and a floor-sized power would make it outweigh everything).
    final class BandPower {
        let size: Int, hop: Int
        let fft: RealFFT
        let window: [Float]
        /// Per harmonic, the bins counted (fixed by the band's edges).
        let bands: [[Int]]
        let floor: Double
        /// Samples between a sample and the last frame its weight needs.
        var lead: Int { size / 2 + hop }
        /// The last `size` samples, by count modulo `size`. Raw memory, like the estimator's:
        /// touched twice a sample.
        let recent: UnsafeMutablePointer<Float>
        var count = 0
        /// Per frame (by index modulo `slots`): each harmonic's power, and 1 or 0 for whether
        /// it had any signal.
        let slots = 8
        let power: UnsafeMutablePointer<Double>
        let present: UnsafeMutablePointer<Double>
        var frames = 0

        init(size: Int, fundamental: Double, sampleRate: Int, from: Double, to: Double, floor hum: Hum) {
            self.size = size
            hop = size / 4
            fft = RealFFT(size: size)
            window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(size))) }
            let binHz = Double(sampleRate) / Double(size)
            bands = (1...HumRemover.harmonics).map { k in
                let centre = Double(k) * fundamental
                // Inside `to` of the harmonic, outside `from`; the side bands' nearest bins.
                let lo = min(size / 2, max(1, Int(((centre - to) / binHz).rounded(.up))))
                let hi = min(size / 2, Int(((centre + to) / binHz).rounded(.down)))
                return (lo...max(lo, hi)).filter { abs(Double($0) * binHz - centre) >= from }
            }
            // Per bin, in the spectrum's units (|X|² of the windowed frame): a sinusoid of mean
            // square p peaks at p · (Σw)² / 2.
            let sum = window.reduce(0) { $0 + Double($1) }
            floor = pow(10, (hum.levelDb - 70) / 10) * sum * sum / 2
            recent = .allocate(capacity: size)
            recent.initialize(repeating: 0, count: size)
            power = .allocate(capacity: slots * HumRemover.harmonics)
            power.initialize(repeating: 0, count: slots * HumRemover.harmonics)
            present = .allocate(capacity: slots)
            present.initialize(repeating: 0, count: slots)
        }

        deinit { recent.deallocate(); power.deallocate(); present.deallocate() }

        func add(_ x: Double) {
            recent[count % size] = Float(x)
            count += 1
            if count >= size && (count - size) % hop == 0 { analyse() }
        }

        /// Frame `frames` covers samples frames·hop ..< frames·hop + size.
        func analyse() {
            let start = count - size
            let slot = frames % slots
            var energy = 0.0
            fft.powerSpectrum(fill: { buffer in
                for i in 0..<size { buffer[i] = recent[(start + i) % size] * window[i] }
            }) { p in
                for k in 0..<HumRemover.harmonics {
                    let sum = bands[k].reduce(0.0) { $0 + Double(p[$1]) }
                    power[slot * HumRemover.harmonics + k] = bands[k].isEmpty ? 0 : sum / Double(bands[k].count)
                }
                for b in 0..<p.count { energy += Double(p[b]) }
            }
            present[slot] = energy > 0 ? 1 : 0
            frames += 1
        }

        /// The weights at sample `m` (needs frames up to `m + lead`, or the stream's end).
        func weights(at m: Int, into w: UnsafeMutablePointer<Double>) {
            guard frames > 0 else {
                for k in 0..<HumRemover.harmonics { w[k] = 1 }
                return
            }
            let x = Double(m - size / 2) / Double(hop)
            var i = Int(x.rounded(.down)), t = x - Double(i)
            if i < 0 { i = 0; t = 0 }
            if i >= frames - 1 { i = frames - 1; t = 0 }
            let a = i % slots, b = (i + 1) % slots
            let presence = present[a] * (1 - t) + (t > 0 ? present[b] * t : 0)
            for k in 0..<HumRemover.harmonics {
                let pa = power[a * HumRemover.harmonics + k]
                let pb = t > 0 ? power[b * HumRemover.harmonics + k] : pa
                w[k] = presence / (pa + (pb - pa) * t + floor)
            }
        }
    }

    /// Weighted least squares of the hum model (cos kθ, sin kθ, k = 1…6) per channel, one
    /// weighting per harmonic, over Hann-tapered windows of `2 · reach` segments centred on
    /// each segment boundary; between two boundaries the two windows' solutions are
    /// interpolated.
    final class JointEstimator {
        let segment: Int, reach: Int, channels: Int, total: Int
        let slots: Int
        /// Per slot and harmonic weighting: Σw, then Σw·cos dθ, Σw·sin dθ for d = 1…12.
        let gram: UnsafeMutablePointer<Double>
        /// Per slot, weighting and channel: Σw·x·cos kθ (k = 1…6), then Σw·x·sin kθ.
        let data: UnsafeMutablePointer<Double>
        /// Which segment each slot holds (−1: none).
        var held: [Int]
        static let gramStride = 25
        let dataStride: Int
        /// The solutions of windows `pair` and `pair + 1`: [side][harmonic][channel][cos, sin].
        var pair = Int.min
        let solution: UnsafeMutablePointer<Double>
        let matrix: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>
        let summed: UnsafeMutablePointer<Double>, summedData: UnsafeMutablePointer<Double>

        /// Samples between a sample's measurement and its subtraction.
        var lag: Int { (reach + 1) * segment }

        init(segment: Int, reach: Int, channels: Int, total: Int) {
            self.segment = segment
            self.reach = reach
            self.channels = channels
            self.total = total
            slots = 2 * reach + 4
            let h = HumRemover.harmonics
            dataStride = channels * 2 * h
            gram = .allocate(capacity: slots * h * Self.gramStride)
            data = .allocate(capacity: slots * h * dataStride)
            gram.initialize(repeating: 0, count: slots * h * Self.gramStride)
            data.initialize(repeating: 0, count: slots * h * dataStride)
            held = [Int](repeating: -1, count: slots)
            solution = .allocate(capacity: 2 * h * channels * 2)
            solution.initialize(repeating: 0, count: 2 * h * channels * 2)
            matrix = .allocate(capacity: 144)
            rhs = .allocate(capacity: 12 * channels)
            summed = .allocate(capacity: Self.gramStride)
            summedData = .allocate(capacity: dataStride)
        }

        deinit {
            gram.deallocate(); data.deallocate(); solution.deallocate()
            matrix.deallocate(); rhs.deallocate(); summed.deallocate(); summedData.deallocate()
        }

        @inline(__always)
        func accumulate(at m: Int, values x: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>,
                        cosines: UnsafeMutablePointer<Double>, sines: UnsafeMutablePointer<Double>) {
            let h = HumRemover.harmonics
            let s = m / segment, slot = s % slots
            if held[slot] != s {
                held[slot] = s
                (gram + slot * h * Self.gramStride).update(repeating: 0, count: h * Self.gramStride)
                (data + slot * h * dataStride).update(repeating: 0, count: h * dataStride)
            }
            for k in 0..<h {
                let w = weights[k]
                guard w > 0 else { continue }
                let g = gram + (slot * h + k) * Self.gramStride
                g[0] += w
                for d in 1...12 {
                    g[2 * d - 1] += w * cosines[d]
                    g[2 * d] += w * sines[d]
                }
                let e = data + (slot * h + k) * dataStride
                for c in 0..<channels {
                    let wx = w * x[c]
                    let q = e + c * 2 * h
                    for j in 0..<h {
                        q[j] += wx * cosines[j + 1]
                        q[h + j] += wx * sines[j + 1]
                    }
                }
            }
        }

        /// The hum at sample `m` on `channel` (cos kθ and sin kθ at m given).
        @inline(__always)
        func estimate(at m: Int, channel c: Int, cosines: UnsafeMutablePointer<Double>, sines: UnsafeMutablePointer<Double>) -> Double {
            let h = HumRemover.harmonics
            let j = m / segment
            if j != pair { load(pair: j) }
            let t = Double(m - j * segment) / Double(segment)
            var y = 0.0
            for k in 0..<h {
                let a = solution + ((0 * h + k) * channels + c) * 2
                let b = solution + ((1 * h + k) * channels + c) * 2
                let cc = a[0] + (b[0] - a[0]) * t, ss = a[1] + (b[1] - a[1]) * t
                y += cc * cosines[k + 1] + ss * sines[k + 1]
            }
            return y
        }

        func load(pair j: Int) {
            let h = HumRemover.harmonics
            let per = h * channels * 2
            if j == pair + 1 {
                solution.update(from: solution + per, count: per)
                solve(window: j + 1, into: solution + per)
            } else {
                solve(window: j, into: solution)
                solve(window: j + 1, into: solution + per)
            }
            pair = j
        }

        /// Window `j` (centred on sample j·segment): per harmonic weighting, the whole model
        /// solved; harmonic k's cosine and sine kept.
        func solve(window j: Int, into out: UnsafeMutablePointer<Double>) {
            let h = HumRemover.harmonics
            for k in 0..<h {
                summed.update(repeating: 0, count: Self.gramStride)
                summedData.update(repeating: 0, count: dataStride)
                for s in (j - reach)..<(j + reach) where s >= 0 {
                    let slot = s % slots
                    guard held[slot] == s else { continue }
                    let u = (Double(s - j + reach) + 0.5) / Double(2 * reach)
                    let taper = 0.5 - 0.5 * cos(2 * Double.pi * u)
                    let g = gram + (slot * h + k) * Self.gramStride
                    for q in 0..<Self.gramStride { summed[q] += taper * g[q] }
                    let e = data + (slot * h + k) * dataStride
                    for q in 0..<dataStride { summedData[q] += taper * e[q] }
                }
                // The normal equations of x ≈ Σ cᵢ cos iθ + sᵢ sin iθ from the sums of
                // w·cos dθ and w·sin dθ (products of two harmonics are harmonics of their sum
                // and difference).
                func c(_ d: Int) -> Double { d == 0 ? summed[0] : summed[2 * abs(d) - 1] }
                func s(_ d: Int) -> Double { d == 0 ? 0 : (d > 0 ? summed[2 * d] : -summed[-2 * d]) }
                for a in 1...h {
                    for b in 1...h {
                        matrix[(a - 1) * 12 + (b - 1)] = 0.5 * (c(a - b) + c(a + b))
                        matrix[(a - 1 + h) * 12 + (b - 1 + h)] = 0.5 * (c(a - b) - c(a + b))
                        let cs = 0.5 * (s(a + b) + s(b - a))   // Σ w cos aθ sin bθ
                        matrix[(a - 1) * 12 + (b - 1 + h)] = cs
                        matrix[(b - 1 + h) * 12 + (a - 1)] = cs
                    }
                }
                for ch in 0..<channels { for q in 0..<12 { rhs[ch * 12 + q] = summedData[ch * 2 * h + q] } }
                let solved = Cholesky.solve(matrix, size: 12, rhs: rhs, count: channels)
                for ch in 0..<channels {
                    let o = out + ((k * channels) + ch) * 2
                    o[0] = solved ? rhs[ch * 12 + k] : 0
                    o[1] = solved ? rhs[ch * 12 + h + k] : 0
                }
            }
        }
    }
}

/// A symmetric positive (semi)definite system solved in place by Cholesky, with a ridge of
/// 10⁻⁹ of the mean diagonal so a window with too little signal to tell the terms apart gives
/// small numbers, not infinities.
enum Cholesky {
    /// `a`: size × size, row-major (overwritten); `rhs`: `count` right-hand sides of `size`,
    /// replaced by the solutions. False when the matrix is empty.
    static func solve(_ a: UnsafeMutablePointer<Double>, size n: Int, rhs: UnsafeMutablePointer<Double>, count: Int) -> Bool {
        var trace = 0.0
        for i in 0..<n { trace += a[i * n + i] }
        guard trace > 0, trace.isFinite else { return false }
        let ridge = 1e-9 * trace / Double(n)
        for i in 0..<n { a[i * n + i] += ridge }
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0 else { return false }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var v = a[i * n + j]
                for k in 0..<j { v -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = v / l
            }
        }
        for r in 0..<count {
            let b = rhs + r * n
            for i in 0..<n {
                var v = b[i]
                for k in 0..<i { v -= a[i * n + k] * b[k] }
                b[i] = v / a[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var v = b[i]
                for k in (i + 1)..<max(i + 1, n) { v -= a[k * n + i] * b[k] }
                b[i] = v / a[i * n + i]
            }
        }
        return true
    }
}
