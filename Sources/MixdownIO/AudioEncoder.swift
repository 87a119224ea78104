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

    /// Encodes several formats into `transaction`, block by block: the mix is conformed once per
    /// shape (channel count and rate; the formats of a shape share it, resampled to keep what the
    /// widest of their encoders keeps), and the shapes run side by side.
    public static func encode(_ mix: AudioBuffer, as formats: [EndFormat], to paths: [EndFormat: String],
                              in transaction: OutputTransaction, replacing: Bool = false, pool: WorkerPool = .serial) throws -> [EncodedOutput] {
        if replacing { for f in formats { transaction.discard(paths[f]!) } }
        struct Shape: Hashable { var channels: Int, rate: Int }
        var shapes = [Shape]()
        for f in formats where !shapes.contains(Shape(channels: f.channels, rate: f.sampleRate)) { shapes.append(Shape(channels: f.channels, rate: f.sampleRate)) }
        let temporaries = try formats.map { try transaction.temporaryPath(for: paths[$0]!) }
        var results = [Result<[Int: EncodedOutput], Error>](repeating: .success([:]), count: shapes.count)
        results.withUnsafeMutableBufferPointer { slots in
            pool.forEach(shapes.count) { s in
                slots[s] = Result {
                    let shape = shapes[s]
                    let mine = formats.indices.filter { Shape(channels: formats[$0].channels, rate: formats[$0].sampleRate) == shape }
                    let conformer = try ShapeConformer(from: mix.sampleRate, to: shape.channels, rate: shape.rate,
                                                       keep: mine.map { formats[$0].keptBandwidth }.max()!, capacity: 65_536, pool: pool)
                    let encoders = try mine.map { try stream(formats[$0], to: temporaries[$0]) }
                    var frames = 0, position = 0
                    let source = BufferSource(mix)
                    var block = AudioBlock(channels: mix.channelCount, capacity: 65_536)
                    repeat {
                        try source.read(from: position, into: &block)
                        position += block.frames
                        let conformed = try conformer.process(block, last: position >= mix.frameCount)
                        for e in encoders { try e.consume(conformed) }
                        frames += conformed.frames
                    } while position < mix.frameCount
                    for e in encoders { try e.finish() }
                    var outputs = [Int: EncodedOutput]()
                    for i in mine {
                        let size = (try? FileManager.default.attributesOfItem(atPath: temporaries[i])[.size] as? Int) ?? nil
                        outputs[i] = EncodedOutput(endFormat: formats[i], path: paths[formats[i]]!, bytes: size ?? 0,
                                                   sampleRate: shape.rate, channels: shape.channels, samples: frames)
                    }
                    return outputs
                }
            }
        }
        var all = [Int: EncodedOutput]()
        for r in results { all.merge(try r.get()) { a, _ in a } }
        return formats.indices.map { all[$0]! }
    }

    /// Writes a whole buffer at its own rate and channel count: the block-fed encoder, fed it all.
    static func write(_ buffer: AudioBuffer, codec: EndFormat.Codec, to path: String) throws {
        let encoder = try stream(codec, sampleRate: buffer.sampleRate, channels: buffer.channelCount, to: path)
        try BufferSource(buffer).forEachBlock(capacity: 32_768) { try encoder.consume($0) }
        try encoder.finish()
    }

    /// Where each format goes, from one `-o` (the one rule of `render`, `master` and `encode`):
    /// a folder (existing, or ending in `/`) gets `<inputStem>.<ext>` inside it; one format
    /// otherwise goes to `-o` itself (a new name without an audio extension gets the format's); several formats
    /// share `-o` as their stem (an extension on it is dropped). Formats that share an
    /// extension are told apart by their name: `spot.mp3`, `spot.mp3_low.mp3`.
    public static func outputPaths(for formats: [EndFormat], output: String, inputStem: String) -> [EndFormat: String] {
        var isDirectory: ObjCBool = false
        let isFolder = output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue)
        let ext = URL(fileURLWithPath: output).pathExtension
        if formats.count == 1 && !isFolder {
            // An existing name is taken as given (and refused later if it is not a regular file).
            var st = stat()
            let exists = lstat(output, &st) == 0
            return [formats[0]: exists || EndFormat.forExtension(ext) != nil || ext == formats[0].fileExtension ? output : "\(output).\(formats[0].fileExtension)"]
        }
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
