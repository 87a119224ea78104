import CSndFile
import Foundation
import MixdownCore

/// A decoded file at its own rate and channel count, with what the container said about it.
public struct DecodedFile: Sendable {
    public var audio: AudioBuffer
    public var container: AudioContainer
    /// BS.1770 channel roles, from the file's channel map where it has one.
    public var roles: [ChannelRole]
}

/// Reads any file libsndfile understands (WAV, AIFF, FLAC, Ogg Vorbis, Ogg Opus, MP3) into
/// planar float. Every way a file can be bad becomes one `MixdownError` line naming the file.
public enum AudioFileReader {
    public static func read(_ path: String) throws -> DecodedFile {
        let stream = try AudioFileStream(path)
        // Planar storage sized from the header, grown geometrically when a decoder yields more
        // than it declared. The header's length is a hint, not a promise (an MP3's Info frame
        // can claim 4 billion frames in 800 bytes): memory follows the audio that decodes.
        var planar = (0..<stream.channels).map { _ in [Float](repeating: 0, count: min(stream.declaredFrames ?? 0, 1 << 20)) }
        var filled = 0
        let frames = try stream.decode { block in
            if filled + block.frames > planar[0].count {
                let grown = max(filled + block.frames, 2 * planar[0].count)
                for c in planar.indices { planar[c].append(contentsOf: repeatElement(0, count: grown - planar[c].count)) }
            }
            for c in planar.indices {
                block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in
                    planar[c].withUnsafeMutableBufferPointer { ($0.baseAddress! + filled).update(from: x.baseAddress!, count: block.frames) }
                }
            }
            filled += block.frames
        }
        for c in planar.indices where planar[c].count > frames { planar[c].removeLast(planar[c].count - frames) }
        return DecodedFile(audio: AudioBuffer(sampleRate: stream.sampleRate, channels: planar), container: stream.container, roles: stream.roles)
    }

    /// Decodes `path` block by block into `body` (for files this program just wrote and wants
    /// to measure as a player would hear them): memory stays one block whatever the length.
    public static func stream(_ path: String, capacity: Int = 32_768, _ body: (AudioBlock) throws -> Void) throws -> (sampleRate: Int, channels: Int, frames: Int) {
        let file = try open(path)
        var scratch = [Float](repeating: 0, count: capacity * file.channels)
        var block = AudioBlock(channels: file.channels, capacity: capacity)
        var frames = 0
        while true {
            let got = scratch.withUnsafeMutableBufferPointer { file.read(into: $0.baseAddress!, frames: capacity) }
            if got <= 0 { break }
            scratch.withUnsafeBufferPointer { block.deinterleave($0, frames: got) }
            try body(block)
            frames += got
        }
        if let error = file.error { throw MixdownError.failure("\(path): \(error)") }
        return (file.sampleRate, file.channels, frames)
    }

    /// Opens `path` with the decoder its content calls for: libmpg123 for MPEG audio (told to
    /// be quiet, so nothing reaches stderr and no process-wide redirection is needed),
    /// libsndfile for everything else.
    static func open(_ path: String) throws -> any AudioInputFile {
        try checkReadable(path)
        let head = fileHead(path)
        let file: any AudioInputFile
        if looksLikeMPEG(head) {
            file = try MPEGInputFile(path: path)
        } else if MP4InputFile.looksLikeMP4(head) {
            file = try MP4InputFile(path: path)
        } else {
            file = try SndFileInputFile(path: path)
        }
        guard Limits.channelCounts.contains(file.channels), Limits.sampleRates.contains(file.sampleRate) else {
            throw MixdownError.badInput("\(path): header declares \(file.channels) channels at \(file.sampleRate) Hz (Mixdown reads 1–8 channels at 8–384 kHz)", code: .invalidAudio)
        }
        return file
    }

    /// The file's first bytes, enough to tell its decoder.
    private static func fileHead(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
    }

    /// ID3 tag or an MPEG audio frame sync at the start of the file.
    private static func looksLikeMPEG(_ head: [UInt8]) -> Bool {
        guard head.count >= 2 else { return false }
        return head.starts(with: Array("ID3".utf8)) || (head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
    }

    private static func checkReadable(_ path: String) throws {
        do { try InputFile.check(path) } catch var e as MixdownError {
            e.code = .invalidAudio
            throw e
        }
    }
}

/// A C library's message as one line: whitespace runs collapsed, no trailing full stop.
func libraryMessage(_ text: UnsafePointer<CChar>?) -> String {
    guard let text else { return "unknown error" }
    let words = String(cString: text).split(whereSeparator: { $0.isWhitespace || $0.isNewline })
    return words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "."))
}

extension ChannelRole {
    init(sfChannel: Int32) {
        switch sfChannel {
        case Int32(SF_CHANNEL_MAP_MONO): self = .mono
        case Int32(SF_CHANNEL_MAP_LEFT), Int32(SF_CHANNEL_MAP_FRONT_LEFT): self = .left
        case Int32(SF_CHANNEL_MAP_RIGHT), Int32(SF_CHANNEL_MAP_FRONT_RIGHT): self = .right
        case Int32(SF_CHANNEL_MAP_CENTER), Int32(SF_CHANNEL_MAP_FRONT_CENTER): self = .centre
        case Int32(SF_CHANNEL_MAP_LFE): self = .lfe
        case Int32(SF_CHANNEL_MAP_REAR_LEFT), Int32(SF_CHANNEL_MAP_SIDE_LEFT): self = .leftSurround
        case Int32(SF_CHANNEL_MAP_REAR_RIGHT), Int32(SF_CHANNEL_MAP_SIDE_RIGHT): self = .rightSurround
        default: self = .other
        }
    }
}

/// An input file opened for decoding with every check a user's file gets: the extension
/// against the content and a data chunk longer than the file (on opening), then while
/// decoding, NaN or infinite samples, the decoder's complaints, fewer frames than the header
/// declares, and no audio at all. Each is one `MixdownError` line naming the file.
/// `mixdown master` decodes through it block by block, so a long input is never whole in
/// memory; `AudioFileReader.read` collects its blocks.
public final class AudioFileStream {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    public let container: AudioContainer
    /// The length the header promises, if it promises one.
    public let declaredFrames: Int?
    /// BS.1770 channel roles, from the file's channel map where it has one.
    public var roles: [ChannelRole] { file.roles }
    private let file: any AudioInputFile

    public init(_ path: String) throws {
        let file = try AudioFileReader.open(path)
        let ext = (path as NSString).pathExtension
        if let expected = AudioContainer.expected(forExtension: ext), !expected.contains(file.container) {
            throw MixdownError.badInput("\(path): the extension says .\(ext) but the content is \(file.container.rawValue); rename the file or re-export it", code: .invalidAudio)
        }
        if let shortfall = file.declaredLengthShortfall() {
            throw MixdownError.badInput("\(path): truncated: the header declares \(shortfall.declared) bytes of audio, the file holds \(shortfall.present)", code: .invalidAudio)
        }
        (self.path, self.file, sampleRate, channels, container) = (path, file, file.sampleRate, file.channels, file.container)
        declaredFrames = file.declaredFrames
    }

    /// Frames decoded so far.
    public private(set) var frames = 0
    private var finite = true
    private var scratch: [Float] = []

    /// The next frames, up to `block`'s capacity, into `block`; false once the file is done.
    /// At the end it throws when the file turned out bad (after the blocks already given: a
    /// consumer writes to something it can discard).
    public func read(into block: inout AudioBlock) throws -> Bool {
        let capacity = block.capacity
        if scratch.count < capacity * channels { scratch = [Float](repeating: 0, count: capacity * channels) }
        let n = scratch.withUnsafeMutableBufferPointer { file.read(into: $0.baseAddress!, frames: capacity) }
        guard n <= 0 else {
            scratch.withUnsafeBufferPointer { src in
                // NaN and ±inf poison every later sum: x·0 is 0 only for finite x.
                var probe: Float = 0
                for i in 0..<(n * channels) { probe += src[i] * 0 }
                finite = finite && probe == 0
                block.deinterleave(src, frames: n)
            }
            frames += n
            return true
        }
        let decoderError = file.error ?? (finite ? nil : "contains NaN or infinite samples")
        // A shortfall against the declared length is truncation, whatever the decoder said.
        if let declared = declaredFrames, frames < declared {
            let why = decoderError.map { " (\($0))" } ?? ""
            throw MixdownError.badInput("\(path): truncated: the header declares \(declared) frames, only \(frames) decode\(why)", code: .invalidAudio)
        }
        if let decoderError { throw MixdownError.badInput("\(path): corrupt audio data (\(decoderError))", code: .invalidAudio) }
        guard frames > 0 else { throw MixdownError.badInput("\(path): contains no audio (0 frames)", code: .invalidAudio) }
        return false
    }

    /// Decodes the whole file into `body`, `capacity` frames at a time (the block is reused),
    /// and returns the frames decoded.
    public func decode(capacity: Int = 32_768, _ body: (AudioBlock) throws -> Void) throws -> Int {
        var block = AudioBlock(channels: channels, capacity: capacity)
        while try read(into: &block) { try body(block) }
        return frames
    }
}
