import CSampleRate
import Dispatch
import MixdownCore

/// Sample-rate conversion of a stream through libsamplerate, one converter per channel, fed
/// block by block. The total output is exactly `round(frames × to / from)` frames, as the
/// whole-buffer `Resampler` gives: the converter's surplus is dropped and a shortfall padded
/// at the end.
/// Unchecked Sendable: a libsamplerate state owned by one stream, used by one thread at a time.
public final class StreamResampler: @unchecked Sendable {
    public let from: Int, to: Int
    public let channels: Int
    private let states: [OpaquePointer]
    private let ratio: Double
    private var inputFrames = 0
    private var outputFrames = 0
    private var output: [[Float]]
    private let pool: WorkerPool

    public init(from: Int, to: Int, channels: Int, quality: Resampler.Quality, pool: WorkerPool = .serial) throws {
        self.pool = pool
        (self.from, self.to, self.channels) = (from, to, channels)
        ratio = Double(to) / Double(from)
        var states = [OpaquePointer]()
        for _ in 0..<channels {
            var error: Int32 = 0
            guard let state = src_new(quality.converter, 1, &error) else {
                states.forEach { src_delete($0) }
                throw MixdownError.failure("libsamplerate: \(libraryMessage(src_strerror(error)))")
            }
            states.append(state)
        }
        self.states = states
        output = Array(repeating: [], count: channels)
    }

    deinit { states.forEach { src_delete($0) } }

    /// Converts a block; `out` receives the frames produced (its capacity grows as needed).
    public func process(_ block: AudioBlock, into out: inout AudioBlock, last: Bool = false) throws {
        inputFrames += block.frames
        // Everything the input so far entitles the output to, in total.
        let entitled = SampleTime.rescale(inputFrames, from: from, to: to)
        // Channels are independent converters: side by side.
        let capacity = Int(Double(block.frames) * ratio) + 256
        var results = [Result<Int, Error>](repeating: .success(0), count: channels)
        output.withUnsafeMutableBufferPointer { output in
            results.withUnsafeMutableBufferPointer { results in
                pool.forEach(channels) { c in
                    if output[c].count < capacity { output[c] = [Float](repeating: 0, count: capacity) }
                    results[c] = Result {
                        try block.withChannel(min(c, block.channelCount - 1)) { (input: UnsafeBufferPointer<Float>) -> Int in
                            try convert(state: states[c], input: input, into: &output[c], last: last)
                        }
                    }
                }
            }
        }
        let produced = try results.map { try $0.get() }.min() ?? 0
        // Never more than entitled (the surplus at the very end); pad a shortfall at the end.
        var frames = min(produced, entitled - outputFrames)
        if last { frames = entitled - outputFrames }
        if out.capacity < frames { out = AudioBlock(channels: channels, capacity: frames) }
        out.frames = frames
        for c in 0..<channels {
            let have = min(produced, frames)
            output[c].withUnsafeBufferPointer { src in
                out.channels[c].withUnsafeMutableBufferPointer { dst in
                    dst.baseAddress!.update(from: src.baseAddress!, count: have)
                    if frames > have { (dst.baseAddress! + have).update(repeating: 0, count: frames - have) }
                }
            }
        }
        outputFrames += frames
    }

    private func convert(state: OpaquePointer, input: UnsafeBufferPointer<Float>, into output: inout [Float], last: Bool) throws -> Int {
        var produced = 0
        var consumed = 0
        try output.withUnsafeMutableBufferPointer { out in
            while true {
                var data = SRC_DATA()
                data.data_in = input.baseAddress.map { UnsafePointer($0 + consumed) }
                data.input_frames = input.count - consumed
                data.data_out = out.baseAddress! + produced
                data.output_frames = out.count - produced
                data.src_ratio = ratio
                data.end_of_input = last ? 1 : 0
                let status = src_process(state, &data)
                if status != 0 { throw MixdownError.failure("libsamplerate: \(libraryMessage(src_strerror(status)))") }
                consumed += Int(data.input_frames_used)
                produced += Int(data.output_frames_gen)
                if produced >= out.count { break }
                if consumed >= input.count && (!last || data.output_frames_gen == 0) { break }
            }
        }
        return produced
    }
}

extension ChannelMix {
    /// `block` conformed to `channels` (mono: the average; stereo from mono: duplicated) into `out`.
    public static func conform(_ block: AudioBlock, channels: Int, into out: inout AudioBlock) {
        if out.capacity < block.frames || out.channelCount != channels { out = AudioBlock(channels: channels, capacity: block.capacity) }
        out.frames = block.frames
        if channels == block.channelCount { out.copy(from: block); return }
        if channels == 1 {
            let scale = 1 / Float(block.channelCount)
            out.withChannel(0) { (o: UnsafeMutableBufferPointer<Float>) in
                for i in 0..<o.count { o[i] = 0 }
                for c in 0..<block.channelCount {
                    block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in for i in 0..<o.count { o[i] += x[i] * scale } }
                }
            }
        } else {
            for c in 0..<channels {
                block.withChannel(min(c, block.channelCount - 1)) { (x: UnsafeBufferPointer<Float>) in
                    out.withChannel(c) { (o: UnsafeMutableBufferPointer<Float>) in _ = o.update(fromContentsOf: x) }
                }
            }
        }
    }
}
