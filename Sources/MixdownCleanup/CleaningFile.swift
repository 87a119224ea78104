import Foundation
import MixdownCore
import MixdownIO

/// A recording file cleaned into a WAV or FLAC (`mixdown clean`): decoded and brought to the
/// working rate into a spill (mono stays mono, anything else is stereo), cleaned into the
/// output, written atomically (nothing is left behind when it fails).
public struct CleanRequest: Sendable {
    public var input: String
    /// A `.wav` (24-bit PCM) or `.flac` (24-bit).
    public var output: String
    public var settings: CleanupSettings
    public var temporaryDirectory = "/tmp"
    public var pool: WorkerPool

    public init(input: String, output: String, settings: CleanupSettings, pool: WorkerPool) {
        (self.input, self.output, self.settings, self.pool) = (input, output, settings, pool)
    }

    /// The codec the output's extension asks for; anything but WAV or FLAC is a usage error
    /// (a cleaned recording is material for further work, kept lossless).
    public func codec() throws -> EndFormat.Codec {
        switch (output as NSString).pathExtension.lowercased() {
        case "wav", "wave": return .pcm24
        case "flac": return .flac24
        default: throw MixdownError(.usage, "a cleaned recording is written as .wav or .flac (24-bit), not '\((output as NSString).lastPathComponent)'; to deliver another format, use mixdown master --cleanup", keyPath: "output")
        }
    }
}

public enum CleaningFile {
    public struct Result: Sendable {
        public var output: EncodedOutput
        public var figures: RecordingCleanup.Figures
        /// Steps asked for that could not act (`RecordingCleanup.warnings`).
        public var warnings: [String]
    }

    public static func clean(_ request: CleanRequest) throws -> Result {
        let codec = try request.codec()
        let rate = SampleTime.renderRate
        let stream = try MixStream(request.input, rate: rate, pool: request.pool)
        let channels = stream.fileChannels == 1 ? 1 : 2
        let spill = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: channels)
        var block = AudioBlock(channels: 2, capacity: MixStream.blockFrames)
        var mono = AudioBlock(channels: 1, capacity: 0)
        while try stream.next(into: &block) {
            if channels == 1 {
                // The decoder made the one channel into two equal ones: take it back.
                if mono.capacity < block.frames { mono = AudioBlock(channels: 1, capacity: block.capacity) }
                mono.frames = block.frames
                mono.channels[0].withUnsafeMutableBufferPointer { dst in
                    block.channels[0].withUnsafeBufferPointer { dst.baseAddress!.update(from: $0.baseAddress!, count: block.frames) }
                }
                try spill.consume(mono)
            } else {
                try spill.consume(block)
            }
        }
        guard spill.frameCount > 0 else { throw MixdownError.badInput("\(request.input): no audio to clean", code: .invalidAudio) }
        let transaction = OutputTransaction()
        let temporary = try transaction.temporaryPath(for: request.output)
        let sink = try AudioEncoder.stream(codec, sampleRate: rate, channels: channels, frames: spill.frameCount, to: temporary)
        let figures = try RecordingCleanup.clean(spill, settings: request.settings, into: sink, spillDirectory: request.temporaryDirectory)
        try transaction.commit()
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: request.output))?[.size] as? Int) ?? 0
        let format = EndFormat(name: codec == .flac24 ? "flac_24" : "wav_24", codec: codec, sampleRate: rate, channels: channels)
        return Result(output: EncodedOutput(endFormat: format, path: request.output, bytes: bytes, sampleRate: rate, channels: channels,
                                            samples: figures.frames), figures: figures,
                      warnings: RecordingCleanup.warnings(figures, settings: request.settings))
    }
}
