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
        try checkReadable(path)

        // mpg123 (libsndfile's MP3 decoder) prints its own warnings to stderr; the reader's
        // verdict is the one line the user should see.
        return try QuietStandardError.around(isMPEG: looksLikeMPEG(path)) { try decode(path) }
    }

    private static func decode(_ path: String) throws -> DecodedFile {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw MixdownError.badInput("\(path): not a readable audio file (\(libraryMessage(sf_strerror(nil))))")
        }
        defer { sf_close(file) }

        guard let container = AudioContainer(sfFormat: info.format) else {
            throw MixdownError.badInput("\(path): unsupported audio container (format 0x\(String(info.format, radix: 16)))")
        }
        let ext = (path as NSString).pathExtension
        if let expected = AudioContainer.expected(forExtension: ext), !expected.contains(container) {
            throw MixdownError.badInput("\(path): the extension says .\(ext) but the content is \(container.rawValue); rename the file or re-export it")
        }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw MixdownError.badInput("\(path): header declares \(info.channels) channels at \(info.samplerate) Hz")
        }
        if let shortfall = declaredLengthShortfall(file) {
            throw MixdownError.badInput("\(path): truncated: the header declares \(shortfall.declared) bytes of audio, the file holds \(shortfall.present)")
        }

        let expected = info.frames > 0 && info.frames < Int64(Int32.max) ? Int(info.frames) : 0
        let (planar, decoderError) = readFrames(file, channels: channels, expectedFrames: expected)
        let frames = planar[0].count
        // A shortfall against the declared length is truncation, whatever the decoder said.
        if info.frames > 0, info.frames != Int64.max, Int64(frames) < info.frames {
            let why = decoderError.map { " (\($0))" } ?? ""
            throw MixdownError.badInput("\(path): truncated: the header declares \(info.frames) frames, only \(frames) decode\(why)")
        }
        if let decoderError { throw MixdownError.badInput("\(path): corrupt audio data (\(decoderError))") }
        guard frames > 0 else {
            throw MixdownError.badInput("\(path): contains no audio (0 frames)")
        }
        let audio = AudioBuffer(sampleRate: Int(info.samplerate), channels: planar)
        return DecodedFile(audio: audio, container: container, roles: channelRoles(file, channels: channels))
    }

    /// ID3 tag or an MPEG audio frame sync at the start of the file.
    private static func looksLikeMPEG(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 3)) ?? Data())
        guard head.count >= 2 else { return false }
        return head.starts(with: Array("ID3".utf8)) || (head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
    }

    private static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MixdownError.badInput("\(path): no such file")
        }
        if isDirectory.boolValue { throw MixdownError.badInput("\(path): is a directory, not an audio file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MixdownError.badInput("\(path): permission denied")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw MixdownError.badInput("\(path): empty file (0 bytes)") }
    }

    /// Every frame the decoder yields, and its complaint if it stopped early. Frames are
    /// deinterleaved straight into planar storage sized from the header (grown geometrically
    /// when a decoder yields more than it declared).
    private static func readFrames(_ file: OpaquePointer, channels: Int, expectedFrames: Int) -> ([[Float]], String?) {
        let chunk = 32_768
        var scratch = [Float](repeating: 0, count: chunk * channels)
        var planar = (0..<channels).map { _ in [Float](repeating: 0, count: expectedFrames) }
        var filled = 0
        var finite = true
        while true {
            let got = scratch.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, Int64(chunk)) }
            if got <= 0 { break }
            let n = Int(got)
            if filled + n > planar[0].count {
                let grown = max(filled + n, 2 * planar[0].count)
                for c in 0..<channels { planar[c].append(contentsOf: repeatElement(0, count: grown - planar[c].count)) }
            }
            scratch.withUnsafeBufferPointer { src in
                for c in 0..<channels {
                    planar[c].withUnsafeMutableBufferPointer { dst in
                        let out = dst.baseAddress! + filled
                        for i in 0..<n { out[i] = src[i * channels + c] }
                    }
                }
                // NaN and ±inf poison every later sum: x·0 is 0 only for finite x.
                var probe: Float = 0
                for i in 0..<(n * channels) { probe += src[i] * 0 }
                finite = finite && probe == 0
            }
            filled += n
        }
        for c in 0..<channels where planar[c].count > filled { planar[c].removeLast(planar[c].count - filled) }
        let err = sf_error(file)
        if err != 0 { return (planar, libraryMessage(sf_error_number(err))) }
        if !finite { return (planar, "contains NaN or infinite samples") }
        return (planar, nil)
    }

    /// libsndfile silently shortens a WAV/AIFF whose data chunk runs past the end of the file;
    /// its log keeps the evidence: `data : 384000 (should be 99956)`. Streaming writers put a
    /// placeholder there on purpose (0, or a size of 2 GiB and more: 0x7FFFF000 from espeak-ng's
    /// --stdout, 0xFFFFFFFF from ffmpeg's pipe output), which is not truncation.
    private static func declaredLengthShortfall(_ file: OpaquePointer) -> (declared: Int, present: Int)? {
        var log = [CChar](repeating: 0, count: 16_384)
        sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(cString: log)
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("data ") || trimmed.hasPrefix("SSND ") else { continue }
            let numbers = trimmed.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard trimmed.contains("should be"), numbers.count >= 2 else { continue }
            let declared = numbers[0], present = numbers[1]
            if declared == 0 || declared >= 0x7FFF_0000 || declared <= present { continue }
            return (declared, present)
        }
        return nil
    }

    private static func channelRoles(_ file: OpaquePointer, channels: Int) -> [ChannelRole] {
        var map = [Int32](repeating: 0, count: channels)
        let ok = sf_command(file, Int32(SFC_GET_CHANNEL_MAP_INFO), &map, Int32(channels * MemoryLayout<Int32>.size))
        if ok == SF_TRUE {
            // A map of nothing but unknown positions says nothing; fall back to the usual layout.
            let roles = map.map(ChannelRole.init(sfChannel:))
            if roles.contains(where: { $0 != .other }) { return roles }
        }
        return ChannelRole.defaultLayout(channels: channels)
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

/// Sends file descriptor 2 to /dev/null while a noisy C library works. One owner, one lock:
/// concurrent decodes wait for each other rather than restoring each other's descriptor.
enum QuietStandardError {
    private static let lock = NSLock()

    static func around<T>(isMPEG: Bool, _ body: () throws -> T) rethrows -> T {
        guard isMPEG else { return try body() }
        lock.lock()
        defer { lock.unlock() }
        fflush(stderr)
        let saved = dup(2)
        let null = open("/dev/null", O_WRONLY)
        if saved >= 0 && null >= 0 { dup2(null, 2) }
        defer {
            fflush(stderr)
            if saved >= 0 { dup2(saved, 2); close(saved) }
            if null >= 0 { close(null) }
        }
        return try body()
    }
}

extension AudioFileReader {
    /// Decodes `path` block by block into `body` (for files this program just wrote and wants
    /// to measure as a player would hear them): memory stays one block whatever the length.
    public static func stream(_ path: String, capacity: Int = 32_768, _ body: (AudioBlock) throws -> Void) throws -> (sampleRate: Int, channels: Int, frames: Int) {
        try checkReadable(path)
        return try QuietStandardError.around(isMPEG: looksLikeMPEG(path)) {
            var info = SF_INFO()
            guard let file = sf_open(path, Int32(SFM_READ), &info) else {
                throw MixdownError.badInput("\(path): not a readable audio file (\(libraryMessage(sf_strerror(nil))))")
            }
            defer { sf_close(file) }
            let channels = Int(info.channels)
            guard channels > 0, info.samplerate > 0 else {
                throw MixdownError.badInput("\(path): header declares \(info.channels) channels at \(info.samplerate) Hz")
            }
            var scratch = [Float](repeating: 0, count: capacity * channels)
            var block = AudioBlock(channels: channels, capacity: capacity)
            var frames = 0
            while true {
                let got = scratch.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, Int64(capacity)) }
                if got <= 0 { break }
                scratch.withUnsafeBufferPointer { block.deinterleave($0, frames: Int(got)) }
                try body(block)
                frames += Int(got)
            }
            let err = sf_error(file)
            if err != 0 { throw MixdownError.failure("\(path): \(libraryMessage(sf_error_number(err)))") }
            return (Int(info.samplerate), channels, frames)
        }
    }
}
