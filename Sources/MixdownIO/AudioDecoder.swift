import MixdownCore

/// Decodes any supported file into the pipeline's working format: 48 kHz stereo float.
public enum AudioDecoder {
    public static func decodeForMix(_ path: String, rate: Int = SampleTime.renderRate, pool: WorkerPool = .serial) throws -> AudioBuffer {
        let file = try AudioFileReader.read(path)
        let stereo = ChannelMix.toStereo(file.audio, roles: file.roles)
        return try Resampler.resample(stereo, to: rate, pool: pool)
    }

    /// The same, block by block (`MixStream`) into `body`. Returns the frames given.
    @discardableResult
    public static func stream(_ path: String, rate: Int = SampleTime.renderRate, pool: WorkerPool = .serial,
                              _ body: (AudioBlock) throws -> Void) throws -> Int {
        let stream = try MixStream(path, rate: rate, pool: pool)
        var block = AudioBlock(channels: 2, capacity: MixStream.blockFrames)
        while try stream.next(into: &block) { try body(block) }
        return stream.frames
    }
}

/// A file decoded into the working format a block at a time, pulled with `next`: decoded with
/// every check a user's file gets (`AudioFileStream`), folded to stereo and resampled as it
/// streams, so memory stays a few blocks whatever the length. In all it gives exactly
/// round(frames × rate / the file's rate) frames, as `decodeForMix` does. The rate converter is
/// delivery's polyphase filter, flat to 20 kHz (or 95 % of the lower Nyquist frequency) and
/// 100 dB down beyond: libsamplerate's best sinc took 80 s to bring 10 minutes of 44.1 kHz
/// stereo to 48 kHz here, this takes a few seconds.
/// Unchecked Sendable: one consumer pulls from it at a time.
public final class MixStream: @unchecked Sendable {
    /// Frames decoded from the file per `next` (a resampled block holds about this times the
    /// rate ratio).
    public static let blockFrames = 32_768
    public let rate: Int
    /// The frames the whole stream will give, when the file's header says how long it is.
    public let expectedFrames: Int?
    /// Frames given so far.
    public private(set) var frames = 0
    /// Whether `FileSource` can read the file again as these blocks (WAV, AIFF or FLAC with a
    /// declared length, at the working rate): then a caller needs no spill of them.
    public var isRereadable: Bool {
        FileSource.canReread(file.container, at: file.sampleRate, as: rate) && file.declaredFrames != nil
    }
    /// The file's own channel count (the blocks are always stereo).
    public var fileChannels: Int { file.channels }
    private let file: AudioFileStream
    private let resampler: (any BlockResampler)?
    private var decoded: AudioBlock
    private var stereo = AudioBlock(channels: 2, capacity: 0)
    private var ended = false

    public init(_ path: String, rate: Int = SampleTime.renderRate, pool: WorkerPool = .serial) throws {
        let file = try AudioFileStream(path)
        (self.file, self.rate) = (file, rate)
        expectedFrames = file.declaredFrames.map { SampleTime.rescale($0, from: file.sampleRate, to: rate) }
        resampler = file.sampleRate == rate ? nil
            : try PolyphaseResampler.forDelivery(from: file.sampleRate, to: rate, channels: 2, keep: 20_000, pool: pool)
        decoded = AudioBlock(channels: file.channels, capacity: Self.blockFrames)
    }

    /// The next frames into `block` (which grows to fit); false at the end. At the end it
    /// throws when the file turned out bad part-way.
    public func next(into block: inout AudioBlock) throws -> Bool {
        while !ended {
            if try file.read(into: &decoded) {
                if let resampler {
                    ChannelMix.toStereo(decoded, roles: file.roles, into: &stereo)
                    try resampler.process(stereo, into: &block, last: false)
                } else {
                    ChannelMix.toStereo(decoded, roles: file.roles, into: &block)
                }
            } else {
                ended = true
                guard let resampler else { return false }
                // The converter's tail, and the total made exact.
                stereo.frames = 0
                try resampler.process(stereo, into: &block, last: true)
            }
            if block.frames > 0 {
                frames += block.frames
                return true
            }
        }
        return false
    }
}
