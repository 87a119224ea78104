import CFFTW
import Foundation
import MixdownCore

/// Short-time Fourier analysis and overlap-add resynthesis of a stream, for processors that
/// work on spectra (the denoiser). Frames of `size` samples every `hop` (a quarter of the size),
/// a square-root Hann window on both sides, so that unchanged spectra give back the input
/// exactly (to rounding): the windows' products sum to 2 at a quarter hop, hence the ½.
///
/// Streaming: `push` takes any number of samples per channel and returns as many, delayed by
/// `latency` (= size) samples: a frame's first hop is complete once the frame's last sample is
/// in, and goes out while the next hop comes in; the stream's first `latency` outputs are the zeros before
/// it. `RecordingCleanup` takes the latency out so that the cleaned recording lines up with
/// the raw one sample for sample.
///
/// Unchecked Sendable: FFTW's plans are made under the shared planner lock and only executed
/// afterwards, on this object's own buffers; one stream belongs to one thread at a time.
public final class ShortTimeSpectrum: @unchecked Sendable {
    public let size: Int
    public let hop: Int
    public let channels: Int
    public var bins: Int { size / 2 + 1 }
    public var latency: Int { size }

    /// The spectra of one frame, channel by channel: `re[c][k]`, `im[c][k]` for k = 0…size/2.
    public struct Frame {
        public var re: [[Float]]
        public var im: [[Float]]
    }

    private let window: [Float]
    private var input: [[Float]]     // the last `size` samples of each channel
    private var output: [[Float]]    // overlap-add accumulator, `size` samples
    private var ready: [[Float]]     // the complete hop going out while the next comes in
    private var filled: Int          // samples in `input` (the frame is full at `size`)
    private var frame: Frame
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    private let forward: fftwf_plan
    private let inverse: fftwf_plan

    public init(size: Int, channels: Int) {
        precondition(size >= 16 && size % 4 == 0 && channels > 0)
        self.size = size
        hop = size / 4
        self.channels = channels
        // Periodic Hann's square root: analysis × synthesis = Hann, which sums to 2 at hop N/4.
        window = (0..<size).map { i -> Float in
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(size))
            return Float(hann.squareRoot())
        }
        input = Array(repeating: [Float](repeating: 0, count: size), count: channels)
        output = Array(repeating: [Float](repeating: 0, count: size), count: channels)
        ready = Array(repeating: [Float](repeating: 0, count: size / 4), count: channels)
        filled = size - size / 4
        frame = Frame(re: Array(repeating: [Float](repeating: 0, count: size / 2 + 1), count: channels),
                      im: Array(repeating: [Float](repeating: 0, count: size / 2 + 1), count: channels))
        real = fftwf_alloc_real(size)
        complex = fftwf_alloc_complex(size / 2 + 1)
        RealFFT.plannerLock.lock()
        forward = fftwf_plan_dft_r2c_1d(Int32(size), real, complex, UInt32(FFTW_ESTIMATE))
        inverse = fftwf_plan_dft_c2r_1d(Int32(size), complex, real, UInt32(FFTW_ESTIMATE))
        RealFFT.plannerLock.unlock()
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(forward)
        fftwf_destroy_plan(inverse)
        RealFFT.plannerLock.unlock()
        fftwf_free(real)
        fftwf_free(complex)
    }

    /// Back to the state of a new stream.
    public func reset() {
        for c in 0..<channels {
            input[c].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            output[c].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            ready[c].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        filled = size - hop
    }

    /// Feeds `count` frames of `block`'s channels from `offset`, replacing them with the output
    /// (`latency` samples behind). `change` sees every complete frame's spectra and may change
    /// them; `resynthesise: false` skips the inverse transforms (analysis only: the block is
    /// left as it was).
    public func push(_ block: inout AudioBlock, resynthesise: Bool = true, change: (inout Frame) -> Void) {
        var position = 0
        let count = block.frames
        while position < count {
            let n = min(size - filled, count - position)
            for c in 0..<channels {
                block.channels[c].withUnsafeMutableBufferPointer { x in
                    input[c].withUnsafeMutableBufferPointer { buffer in
                        (buffer.baseAddress! + filled).update(from: x.baseAddress! + position, count: n)
                        if resynthesise {
                            let start = filled - (size - hop)
                            ready[c].withUnsafeBufferPointer { (x.baseAddress! + position).update(from: $0.baseAddress! + start, count: n) }
                        }
                    }
                }
            }
            filled += n
            position += n
            if filled == size {
                transform(resynthesise: resynthesise, change: change)
                filled = size - hop
            }
        }
    }

    private func transform(resynthesise: Bool, change: (inout Frame) -> Void) {
        let bins = self.bins
        for c in 0..<channels {
            input[c].withUnsafeBufferPointer { x in
                for i in 0..<size { real[i] = x[i] * window[i] }
            }
            fftwf_execute(forward)
            // Real and imaginary parts apart (one access to the frame at a time: they are
            // parts of one stored value).
            complex.withMemoryRebound(to: Float.self, capacity: 2 * bins) { z in
                frame.re[c].withUnsafeMutableBufferPointer { re in for k in 0..<bins { re[k] = z[2 * k] } }
                frame.im[c].withUnsafeMutableBufferPointer { im in for k in 0..<bins { im[k] = z[2 * k + 1] } }
            }
        }
        change(&frame)
        for c in 0..<channels {
            input[c].withUnsafeMutableBufferPointer { x in
                x.baseAddress!.update(from: x.baseAddress! + hop, count: size - hop)
            }
            guard resynthesise else { continue }
            complex.withMemoryRebound(to: Float.self, capacity: 2 * bins) { z in
                for k in 0..<bins { z[2 * k] = frame.re[c][k]; z[2 * k + 1] = frame.im[c][k] }
            }
            fftwf_execute(inverse)
            // FFTW's inverse is unnormalised (× size); the windows' overlap sums to 2.
            let scale = 1 / Float(2 * size)
            output[c].withUnsafeMutableBufferPointer { y in
                for i in 0..<size { y[i] += real[i] * window[i] * scale }
                // The first hop has every frame that covers it: it is ready.
                ready[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: y.baseAddress!, count: hop) }
                y.baseAddress!.update(from: y.baseAddress! + hop, count: size - hop)
                (y.baseAddress! + size - hop).update(repeating: 0, count: hop)
            }
        }
    }
}
