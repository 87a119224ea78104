import CFFTW
import Foundation

/// A real-input FFT of one size through FFTW (single precision). FFTW's planner is not
/// thread-safe, so every plan is made under one lock here; executing a plan on its own
/// buffers is safe from any thread.
/// Unchecked Sendable: the plan is made under the global planner lock and then only executed,
/// which FFTW allows from any thread; a transform's buffers belong to its caller.
public final class RealFFT: @unchecked Sendable {
    /// FFTW's planner is shared by every plan in the process (FFT and `Convolver`).
    static let plannerLock = NSLock()

    public let size: Int
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan

    public init(size: Int) {
        precondition(size > 1)
        self.size = size
        input = fftwf_alloc_real(size)
        output = fftwf_alloc_complex(size / 2 + 1)
        Self.plannerLock.lock()
        plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))
        Self.plannerLock.unlock()
    }

    deinit {
        Self.plannerLock.lock()
        fftwf_destroy_plan(plan)
        Self.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `size` samples (already windowed by `fill`) and hands |X_k|² for
    /// k = 0…size/2 to `power`.
    public func powerSpectrum(fill: (UnsafeMutableBufferPointer<Float>) -> Void,
                              power: (UnsafeBufferPointer<Float>) -> Void) {
        fill(UnsafeMutableBufferPointer(start: input, count: size))
        fftwf_execute(plan)
        let bins = size / 2 + 1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: bins) { p in
            output.withMemoryRebound(to: Float.self, capacity: 2 * bins) { c in
                for k in 0..<bins { p[k] = c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1] }
            }
            power(UnsafeBufferPointer(p))
        }
    }
}
