import Dispatch
import Foundation
import MixdownCore

/// Rational sample-rate conversion (to/from = L/M in lowest terms) for delivery, block by block:
/// a Kaiser-windowed sinc low-pass at the output's Nyquist frequency, run in polyphase form,
/// so each output sample costs one dot product of `taps` input samples. The passband reaches
/// `keep` Hz flat (what the format's encoder keeps); the transition is symmetric about the
/// output's Nyquist frequency, so whatever folds back lands above `keep`, where the encoder's
/// own low-pass removes it. The stopband is 100 dB down.
///
/// The filter's delay is taken out (output j is the input at time j·M/L), and the output has
/// exactly `round(frames × to / from)` frames, the signal continuing as silence at the end: the
/// same contract as `Resampler`, at a small fraction of libsamplerate's cost for these ratios.
/// Unchecked Sendable: each channel's history is touched by the one pool job that processes
/// that channel; the filter tables are immutable after init.
public final class PolyphaseResampler: BlockResampler, @unchecked Sendable {
    public let from: Int, to: Int, channels: Int
    let up: Int, down: Int
    /// Taps per phase, and per phase the taps in input order (oldest first).
    let taps: Int
    let phases: [[Float]]
    /// Upsampled-rate index of the filter's centre.
    let centre: Int
    /// Per channel, input frames [first, first + count) kept (zeros before the start).
    private var input: [[Float]]
    private var first: Int
    private var inputFrames = 0
    private var outputFrames = 0
    let pool: WorkerPool

    /// The largest L (after reduction) this converter takes: its phase table grows with L.
    public static let maximumUp = 1_000

    public init?(from: Int, to: Int, channels: Int, keep: Double, pool: WorkerPool = .serial) {
        self.pool = pool
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(from, to)
        guard from != to, to / g <= Self.maximumUp else { return nil }
        (self.from, self.to, self.channels) = (from, to, channels)
        (up, down) = (to / g, from / g)
        // Transition band: from `keep` up to the mirror image of `keep` about the output's
        // Nyquist frequency (or the input's, when that is lower), at least 5 % of it wide.
        let nyquist = Double(min(from, to)) / 2
        let pass = min(keep, 0.95 * nyquist)
        let width = 2 * (nyquist - pass)
        let attenuation = 100.0
        let beta = 0.1102 * (attenuation - 8.7)
        let taps = max(8, Int(((attenuation - 8) / (2.285 * 2 * Double.pi * width / Double(from))).rounded(.up)) | 1)
        self.taps = taps
        let length = taps * up
        centre = (length - 1) / 2
        // The prototype at the upsampled rate, cut off at the Nyquist frequency, gain L.
        let cutoff = nyquist / (Double(from) * Double(up))   // cycles per upsampled sample
        var prototype = [Double](repeating: 0, count: length)
        for n in 0..<length {
            let t = Double(n - centre)
            let u = t / (Double(length - 1) / 2)
            let window = abs(u) > 1 ? 0 : Self.besselI0(beta * (1 - u * u).squareRoot()) / Self.besselI0(beta)
            let sinc = t == 0 ? 2 * cutoff : sin(2 * Double.pi * cutoff * t) / (Double.pi * t)
            prototype[n] = sinc * window * Double(up)
        }
        // Phase p holds h[p + k·L] for k = 0..<taps, reversed so that it meets the input oldest first.
        let (l, k) = (up, taps)
        phases = (0..<l).map { p in (0..<k).reversed().map { k in Float(p + k * l < length ? prototype[p + k * l] : 0) } }
        // Output j reads input frames (u − (taps − 1)·L … u)/L with u = j·M + centre: keep
        // `taps` frames of history before the first output's window, zeros before the start.
        first = -taps
        input = Array(repeating: [Float](repeating: 0, count: taps), count: channels)
    }

    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > sum * 1e-12 { term *= (x / (2 * k)) * (x / (2 * k)); sum += term; k += 1 }
        return sum
    }

    /// The newest input frame output j reads.
    @inline(__always) private func newest(_ j: Int) -> Int { (j * down + centre) / up }

    /// Converts a block (`last`: the signal ends with it); `out` receives the frames produced.
    public func process(_ block: AudioBlock, into out: inout AudioBlock, last: Bool = false) throws {
        inputFrames += block.frames
        for c in 0..<channels { block.withChannel(min(c, block.channelCount - 1)) { (x: UnsafeBufferPointer<Float>) in input[c] += x } }
        let total = SampleTime.rescale(inputFrames, from: from, to: to)
        // Outputs whose newest input frame is in (all of them at the end: silence after it).
        var end = outputFrames
        if last {
            end = total
        } else {
            // The outputs whose newest input frame is in: j·M + centre ≤ inputFrames·L − 1
            // (newest(j) is increasing, so they run up to a bound found without a loop).
            let bound = inputFrames * up - 1 - centre
            end = max(end, min(total, bound >= 0 ? bound / down + 1 : 0))
        }
        let count = end - outputFrames
        if out.capacity < count || out.channelCount != channels { out = AudioBlock(channels: channels, capacity: max(count, block.capacity)) }
        out.frames = count
        if last {
            // Zeros for every frame the last outputs read past the end.
            let needed = newest(max(end - 1, 0)) + 1 - (first + input[0].count)
            if needed > 0 { for c in 0..<channels { input[c] += [Float](repeating: 0, count: needed) } }
        }
        let (start, taps, up, down, centre, first) = (outputFrames, self.taps, self.up, self.down, self.centre, self.first)
        input.withUnsafeBufferPointer { input in
            phases.withUnsafeBufferPointer { phases in
                out.channels.withUnsafeMutableBufferPointer { outs in
                    pool.forEach(channels) { c in
                        input[c].withUnsafeBufferPointer { x in
                            outs[c].withUnsafeMutableBufferPointer { o in
                                // u = j·M + centre at the upsampled rate, carried as quotient and
                                // remainder by L (its newest input frame and its phase): no
                                // division per output.
                                let u = start * down + centre
                                var (newest, phase) = (u / up, u % up)
                                let (stepFrames, stepPhase) = (down / up, down % up)
                                for k in 0..<count {
                                    let oldest = newest - (taps - 1) - first
                                    o[k] = phases[phase].withUnsafeBufferPointer { h in Self.dot(h.baseAddress!, x.baseAddress! + oldest, taps) }
                                    newest += stepFrames
                                    phase += stepPhase
                                    if phase >= up { phase -= up; newest += 1 }
                                }
                            }
                        }
                    }
                }
            }
        }
        outputFrames = end
        // Drop input no later output reads.
        let keepFrom = (last ? inputFrames : newest(outputFrames)) - (taps - 1)
        let drop = max(0, min(keepFrom - first, input[0].count))
        if drop > 0 { for c in 0..<channels { input[c].removeFirst(drop) }; self.first += drop }
    }

    @inline(__always)
    static func dot(_ h: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var a = VectorOps.Lane(), b = VectorOps.Lane()
        var k = 0
        while k + 16 <= n {
            a += VectorOps.load(h + k) * VectorOps.load(x + k)
            b += VectorOps.load(h + k + 8) * VectorOps.load(x + k + 8)
            k += 16
        }
        var s = (a + b).sum()
        while k < n { s += h[k] * x[k]; k += 1 }
        return s
    }
}

/// A streaming sample-rate converter: blocks in, blocks out, exact total length.
public protocol BlockResampler: AnyObject {
    func process(_ block: AudioBlock, into out: inout AudioBlock, last: Bool) throws
}

extension StreamResampler: BlockResampler {}

extension PolyphaseResampler {
    /// The converter for a delivery: polyphase where the ratio allows, else libsamplerate's
    /// cheapest converter that keeps `keep` Hz.
    public static func forDelivery(from: Int, to: Int, channels: Int, keep: Double, pool: WorkerPool) throws -> any BlockResampler {
        if let polyphase = PolyphaseResampler(from: from, to: to, channels: channels, keep: keep, pool: pool) { return polyphase }
        return try StreamResampler(from: from, to: to, channels: channels, quality: .covering(keep, from: from, to: to), pool: pool)
    }
}
