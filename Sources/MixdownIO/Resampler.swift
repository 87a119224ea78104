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

    /// A whole buffer: each channel is a stream of one block, the channels side by side.
    public static func resample(_ buffer: AudioBuffer, to rate: Int, quality: Quality = .best, pool: WorkerPool = .serial) throws -> AudioBuffer {
        if buffer.sampleRate == rate { return buffer }
        let channels = try pool.map(buffer.channelCount) { c in
            do {
                var input = AudioBlock(channels: 1, capacity: 0)
                input.channels = [buffer.channels[c]]
                input.frames = buffer.frameCount
                var output = AudioBlock(channels: 1, capacity: 0)
                try StreamResampler(from: buffer.sampleRate, to: rate, channels: 1, quality: quality).process(input, into: &output, last: true)
                output.channels[0].removeLast(output.capacity - output.frames)
                return output.channels[0]
            } catch {
                throw error as? MixdownError ?? .failure("\(error)")
            }
        }
        return AudioBuffer(sampleRate: rate, channels: channels)
    }
}
