import Dispatch
import Foundation
import MixdownCore

/// What one encode produced, as the report lists it (DESIGN.md §6 `outputs`).
public struct EncodedOutput: Sendable, Codable, Equatable {
    public var endFormat: EndFormat
    public var path: String
    public var bytes: Int
    public var sampleRate: Int
    public var channels: Int
    public var samples: Int

    public init(endFormat: EndFormat, path: String, bytes: Int, sampleRate: Int, channels: Int, samples: Int) {
        (self.endFormat, self.path, self.bytes, self.sampleRate, self.channels, self.samples) = (endFormat, path, bytes, sampleRate, channels, samples)
    }
}

/// The delivery step: conform a finished mix to a format's channels and rate, then write it
/// atomically through the format's codec.
public enum AudioEncoder {
    public static func encode(_ mix: AudioBuffer, as format: EndFormat, to path: String) throws -> EncodedOutput {
        let transaction = OutputTransaction()
        let output = try encode(mix, as: format, to: path, in: transaction)
        try transaction.commit()
        return output
    }

    /// Encodes into `transaction`: the file appears at `path` only when the transaction commits.
    public static func encode(_ mix: AudioBuffer, as format: EndFormat, to path: String,
                              in transaction: OutputTransaction) throws -> EncodedOutput {
        try encode(mix, as: [format], to: [format: path], in: transaction)[0]
    }

    /// Encodes several formats into `transaction`. The mix is conformed once per channel count,
    /// rate and converter (MP3 presets that need the same one share it), then the codecs run
    /// side by side: LAME is single-threaded, and the machine has more than one core.
    public static func encode(_ mix: AudioBuffer, as formats: [EndFormat], to paths: [EndFormat: String],
                              in transaction: OutputTransaction, replacing: Bool = false) throws -> [EncodedOutput] {
        if replacing { for f in formats { transaction.discard(paths[f]!) } }
        struct Shape: Hashable { var channels: Int, rate: Int, quality: Resampler.Quality }
        func shape(_ f: EndFormat) -> Shape {
            Shape(channels: f.channels, rate: f.sampleRate,
                  quality: .covering(f.keptBandwidth, from: mix.sampleRate, to: f.sampleRate))
        }
        var conformed = [Shape: AudioBuffer]()
        for f in formats where conformed[shape(f)] == nil {
            conformed[shape(f)] = try Resampler.resample(ChannelMix.conform(mix, channels: f.channels), to: f.sampleRate,
                                                         quality: shape(f).quality)
        }
        let temporaries = try formats.map { try transaction.temporaryPath(for: paths[$0]!) }
        var results = [Result<EncodedOutput, Error>](repeating: .failure(MixdownError.failure("not encoded")), count: formats.count)
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: formats.count) { i in
                let f = formats[i]
                let buffer = conformed[shape(f)]!
                slots[i] = Result {
                    try write(buffer, codec: f.codec, to: temporaries[i])
                    let size = (try? FileManager.default.attributesOfItem(atPath: temporaries[i])[.size] as? Int) ?? nil
                    return EncodedOutput(endFormat: f, path: paths[f]!, bytes: size ?? 0, sampleRate: f.sampleRate,
                                         channels: f.channels, samples: buffer.frameCount)
                }
            }
        }
        return try results.map { try $0.get() }
    }

    /// Writes a whole buffer at its own rate and channel count: the block-fed encoder, fed it all.
    static func write(_ buffer: AudioBuffer, codec: EndFormat.Codec, to path: String) throws {
        let encoder = try stream(codec, sampleRate: buffer.sampleRate, channels: buffer.channelCount, to: path)
        try BufferSource(buffer).forEachBlock(capacity: 32_768) { try encoder.consume($0) }
        try encoder.finish()
    }

    /// Output paths for several formats from one `-o`: a folder (existing, or ending in `/`)
    /// gets `<stem>.<ext>` inside it; anything else is the stem itself. Formats that share an
    /// extension are told apart by their name: `spot.mp3`, `spot.mp3_low.mp3`.
    public static func outputPaths(for formats: [EndFormat], output: String, inputStem: String) -> [EndFormat: String] {
        var isDirectory: ObjCBool = false
        let isFolder = output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue)
        let ext = URL(fileURLWithPath: output).pathExtension
        let stem: String
        if isFolder {
            stem = URL(fileURLWithPath: output).appendingPathComponent(inputStem).path
        } else if EndFormat.forExtension(ext) != nil {
            stem = String(output.dropLast(ext.count + 1))   // "-o out/spot.mp3" is the stem "out/spot"
        } else {
            stem = output
        }
        var byExtension = [String: [EndFormat]]()
        for f in formats { byExtension[f.fileExtension, default: []].append(f) }
        var paths = [EndFormat: String]()
        for f in formats {
            let shared = byExtension[f.fileExtension]!.count > 1
            // The first format asked for with a shared extension keeps the plain name.
            let plain = !shared || byExtension[f.fileExtension]!.first == f
            paths[f] = plain ? "\(stem).\(f.fileExtension)" : "\(stem).\(f.rawValue).\(f.fileExtension)"
        }
        return paths
    }
}

extension AudioEncoder {
    /// A block-fed encoder for `format`, writing `path` (blocks already at the format's rate
    /// and channel count).
    public static func stream(_ format: EndFormat, to path: String) throws -> any BlockSink {
        try stream(format.codec, sampleRate: format.sampleRate, channels: format.channels, to: path)
    }

    /// MP3 through LAME, everything else through libsndfile.
    public static func stream(_ codec: EndFormat.Codec, sampleRate: Int, channels: Int, to path: String) throws -> any BlockSink {
        switch codec {
        case .mp3CBR, .mp3VBR: return try LAMEStream(codec: codec, sampleRate: sampleRate, channels: channels, path: path)
        default: return try SndFileStream(codec: codec, sampleRate: sampleRate, channels: channels, path: path)
        }
    }
}
