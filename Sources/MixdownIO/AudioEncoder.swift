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
        let conformed = try Resampler.resample(ChannelMix.conform(mix, channels: format.channels), to: format.sampleRate,
                                               quality: format.isLossy ? .medium : .best)
        let temporary = try transaction.temporaryPath(for: path)
        switch format.codec {
        case .mp3CBR, .mp3VBR: try LAMEWriter.write(conformed, codec: format.codec, to: temporary)
        default: try SndFileWriter.write(conformed, codec: format.codec, to: temporary)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int) ?? nil
        return EncodedOutput(endFormat: format, path: path, bytes: size ?? 0, sampleRate: format.sampleRate,
                             channels: format.channels, samples: conformed.frameCount)
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
