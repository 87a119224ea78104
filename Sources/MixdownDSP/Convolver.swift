import CFFTW
import Foundation

/// Convolution with a fixed impulse response by FFT overlap-add (FFTW, single precision):
/// blocks of `size - impulse + 1` input samples, each transformed, multiplied by the
/// impulse's spectrum and added back at its place. Offline: one call convolves a whole clip.
/// A convolver owns its buffers; use one per thread.
/// Unchecked Sendable: it owns its buffers and is documented one-per-thread; it is handed to
/// a thread, never shared between two.
public final class Convolver: @unchecked Sendable {
    public let impulseLength: Int
    /// FFT size: the power of two at least twice the impulse, so a block is at least as long
    /// as the impulse.
    public let size: Int
    private let spectrum: UnsafeMutablePointer<fftwf_complex>
    private let time: UnsafeMutablePointer<Float>
    private let frequency: UnsafeMutablePointer<fftwf_complex>
    private let forward: fftwf_plan
    private let inverse: fftwf_plan

    public init(impulse: [Float]) {
        precondition(!impulse.isEmpty)
        impulseLength = impulse.count
        var n = 2
        while n < 2 * impulse.count { n *= 2 }
        size = n
        let bins = n / 2 + 1
        time = fftwf_alloc_real(n)
        frequency = fftwf_alloc_complex(bins)
        spectrum = fftwf_alloc_complex(bins)
        RealFFT.plannerLock.lock()
        forward = fftwf_plan_dft_r2c_1d(Int32(n), time, frequency, UInt32(FFTW_ESTIMATE))
        inverse = fftwf_plan_dft_c2r_1d(Int32(n), frequency, time, UInt32(FFTW_ESTIMATE))
        RealFFT.plannerLock.unlock()
        // The impulse's spectrum, with the inverse transform's 1/n folded in.
        for i in 0..<n { time[i] = i < impulse.count ? impulse[i] / Float(n) : 0 }
        fftwf_execute(forward)
        spectrum.update(from: frequency, count: bins)
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(forward)
        fftwf_destroy_plan(inverse)
        RealFFT.plannerLock.unlock()
        fftwf_free(time)
        fftwf_free(frequency)
        fftwf_free(spectrum)
    }

    /// The first `length` samples of x ∗ impulse (at most x.count + impulse − 1; zeros beyond).
    public func convolve(_ x: [Float], length: Int) -> [Float] {
        var out = [Float](repeating: 0, count: max(0, length))
        let block = size - impulseLength + 1, bins = size / 2 + 1
        var start = 0
        while start < x.count && start < out.count {
            let count = min(block, x.count - start)
            for i in 0..<size { time[i] = i < count ? x[start + i] : 0 }
            fftwf_execute(forward)
            frequency.withMemoryRebound(to: Float.self, capacity: 2 * bins) { f in
                spectrum.withMemoryRebound(to: Float.self, capacity: 2 * bins) { h in
                    for k in 0..<bins {
                        let (a, b, c, d) = (f[2 * k], f[2 * k + 1], h[2 * k], h[2 * k + 1])
                        f[2 * k] = a * c - b * d
                        f[2 * k + 1] = a * d + b * c
                    }
                }
            }
            fftwf_execute(inverse)
            let upper = min(out.count, start + count + impulseLength - 1)
            for i in start..<upper { out[i] += time[i - start] }
            start += block
        }
        return out
    }
}
