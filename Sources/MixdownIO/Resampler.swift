import CSampleRate
import Dispatch
import MixdownCore

/// Sample-rate conversion through libsamplerate's best sinc converter. The output has exactly
/// `round(frames × to / from)` frames, aligned with the input (libsamplerate has no net delay),
/// so a 30 s spot stays 30 s on every rate's grid.
public enum Resampler {
    /// libsamplerate's sinc converters, all 97 dB SNR, keeping 96 % (best), 90 % (medium) or
    /// 80 % (fastest) of the narrower Nyquist band, at roughly 10x, 30x and 90x real time per
    /// channel here. Everything that stays in the pipeline uses `best`; a delivery uses the
    /// cheapest that is transparent up to what its encoder keeps (`covering`).
    public enum Quality: Sendable, CaseIterable {
        case fastest, medium, best

        var converter: Int32 {
            switch self {
            case .fastest: return Int32(SRC_SINC_FASTEST)
            case .medium: return Int32(SRC_SINC_MEDIUM_QUALITY)
            case .best: return Int32(SRC_SINC_BEST_QUALITY)
            }
        }

        public var passband: Double {
            switch self {
            case .fastest: return 0.80
            case .medium: return 0.90
            case .best: return 0.96
            }
        }

        /// The cheapest converter whose passband reaches `bandwidth` Hz between these rates, within
        /// 5 % (the top of an encoder's band sits in its own low-pass transition anyway, and
        /// delivery corrects loudness from the decoded file).
        public static func covering(_ bandwidth: Double, from: Int, to: Int) -> Quality {
            let nyquist = Double(min(from, to)) / 2
            return allCases.first { $0.passband * nyquist >= 0.95 * min(bandwidth, nyquist * 0.96) } ?? .best
        }
    }

    public static func resample(_ buffer: AudioBuffer, to rate: Int, quality: Quality = .best) throws -> AudioBuffer {
        if buffer.sampleRate == rate { return buffer }
        let target = SampleTime.rescale(buffer.frameCount, from: buffer.sampleRate, to: rate)
        let ratio = Double(rate) / Double(buffer.sampleRate)
        var results = [Result<[Float], MixdownError>](repeating: .success([]), count: buffer.channelCount)
        // Channels are independent: convert them side by side.
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: buffer.channelCount) { c in
                slots[c] = Result { try convert(buffer.channels[c], ratio: ratio, frames: target, converter: quality.converter) }
                    .mapError { $0 as? MixdownError ?? .failure("\($0)") }
            }
        }
        return AudioBuffer(sampleRate: rate, channels: try results.map { try $0.get() })
    }

    private static func convert(_ input: [Float], ratio: Double, frames target: Int, converter: Int32) throws -> [Float] {
        var error: Int32 = 0
        guard let state = src_new(converter, 1, &error) else {
            throw MixdownError.failure("libsamplerate: \(libraryMessage(src_strerror(error)))")
        }
        defer { src_delete(state) }
        // A little headroom: the converter may produce a few frames more than the nominal ratio.
        var output = [Float](repeating: 0, count: target + 64)
        var produced = 0
        try input.withUnsafeBufferPointer { inp in
            try output.withUnsafeMutableBufferPointer { out in
                var consumed = 0
                while true {
                    var data = SRC_DATA()
                    data.data_in = inp.baseAddress.map { UnsafePointer($0 + consumed) }
                    data.input_frames = Int(inp.count - consumed)
                    data.data_out = out.baseAddress! + produced
                    data.output_frames = out.count - produced
                    data.src_ratio = ratio
                    data.end_of_input = 1
                    let status = src_process(state, &data)
                    if status != 0 { throw MixdownError.failure("libsamplerate: \(libraryMessage(src_strerror(status)))") }
                    consumed += Int(data.input_frames_used)
                    produced += Int(data.output_frames_gen)
                    if data.output_frames_gen == 0 || produced >= out.count { break }
                }
            }
        }
        // Exact length: drop the converter's surplus or pad its shortfall (at most a frame or two).
        if produced > target { output.removeLast(output.count - target) } else {
            output.removeLast(output.count - produced)
            output.append(contentsOf: repeatElement(0, count: target - produced))
        }
        return output
    }
}
