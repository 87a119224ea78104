import Dispatch
import Foundation
import MixdownCore

/// What one encode produced, as the report lists it (docs/report.md, `outputs`).
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

/// Block-fed encoders for every codec, and where each format's file goes. Delivering a
/// programme in several formats (conforming it to each shape, aligning loudness, the decoded
/// check) is `Delivery`'s, in module MixdownDelivery.
public enum AudioEncoder {
    /// Writes a whole buffer at its own rate and channel count: the block-fed encoder, fed it all.
    static func write(_ buffer: AudioBuffer, codec: EndFormat.Codec, to path: String) throws {
        let encoder = try stream(codec, sampleRate: buffer.sampleRate, channels: buffer.channelCount, frames: buffer.frameCount, to: path)
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
            paths[f] = plain ? "\(stem).\(f.fileExtension)" : "\(stem).\(f.name).\(f.fileExtension)"
        }
        return paths
    }
}

extension AudioEncoder {
    /// A block-fed encoder for `format`, writing `path` (blocks already at the format's rate
    /// and channel count).
    /// `frames`: the programme's length at the format's rate, which AAC needs before the first
    /// block to end exactly (AACStream).
    /// `tagging`: the tags, cover and chapters the file carries (each format what it can hold).
    public static func stream(_ format: EndFormat, frames: Int, tagging: Tagging? = nil, to path: String) throws -> any BlockSink {
        let chapters = tagging?.chapters(for: format) ?? []
        let tags = tagging.flatMap { $0.metadata.isEmpty && chapters.isEmpty ? nil : FileTags(metadata: $0.metadata, chapters: chapters) }
        return try stream(format.codec, sampleRate: format.sampleRate, channels: format.channels, frames: frames,
                          audiobook: format.isAudiobook, broadcast: format.isBroadcastWave, tags: tags, to: path)
    }

    /// MP3 through LAME, AAC through FFmpeg's libraries, everything else through libsndfile.
    /// `audiobook`: an MP4 branded `M4B ` rather than `M4A `.
    public static func stream(_ codec: EndFormat.Codec, sampleRate: Int, channels: Int, frames: Int? = nil, audiobook: Bool = false,
                              broadcast: Bool = false, tags: FileTags? = nil, to path: String) throws -> any BlockSink {
        switch codec {
        case .mp3CBR, .mp3VBR, .mp3ABR:
            let id3 = tags.map { ID3v2.tag($0.metadata, chapters: $0.chapters, sampleRate: sampleRate) } ?? []
            return try LAMEStream(codec: codec, sampleRate: sampleRate, channels: channels, header: id3, path: path)
        case .aac(let kbps):
            guard let frames else { throw MixdownError.failure("\(path): AAC needs the programme's length before its first block") }
            return try AACStream(kbps: kbps, sampleRate: sampleRate, channels: channels, frames: frames,
                                 brand: audiobook ? "M4B " : "M4A ", path: path, tags: tags.map { ($0.metadata, $0.chapters) })
        default: return try SndFileStream(codec: codec, sampleRate: sampleRate, channels: channels, broadcast: broadcast, tags: tags, path: path)
        }
    }
}

/// What one file carries besides audio: the tags (and cover) and its chapters at its own rate.
public struct FileTags: Sendable {
    /// The most chapters a file with this extension holds: an ID3 CTOC counts them in one
    /// byte, as MP4's Nero `chpl` does (its QuickTime chapter track has no limit, but apps that
    /// read `chpl` would see only these); Vorbis `CHAPTERxxx` numbers them in three digits.
    public static func maximumChapters(forExtension ext: String) -> Int? {
        switch ext {
        case "mp3": return ID3v2.maxChapters
        case "m4a", "m4b": return 255
        case "flac", "ogg", "opus": return VorbisComment.maxChapters
        default: return nil
        }
    }

    public var metadata: Metadata
    public var chapters: [Chapter]
    public init(metadata: Metadata, chapters: [Chapter]) { (self.metadata, self.chapters) = (metadata, chapters) }
}
