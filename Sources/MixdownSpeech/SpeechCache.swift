import Foundation
import MixdownCore

/// Content-addressed store of finished speech clips (synthesised, trimmed, levelled). The key
/// is the SHA-256 of everything that shapes the audio: engine and version, voice, speed, pitch,
/// text (or its SSML) and the clean-up. Each clip is one file, written under a temporary name
/// and renamed into place, so renders in parallel processes can share a cache: a reader sees a
/// whole file or none, and a damaged file is a miss that is rewritten.
public struct SpeechCache: Sendable {
    /// nil when caching is off.
    public let directory: String?

    public init(directory: String?) { self.directory = directory }

    /// `$MIXDOWN_CACHE` (`off` disables it), else `$XDG_CACHE_HOME/mixdown`, else `~/.cache/mixdown`.
    public static func standard() -> SpeechCache {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["MIXDOWN_CACHE"] { return SpeechCache(directory: dir == "off" || dir.isEmpty ? nil : dir) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return SpeechCache(directory: xdg + "/mixdown") }
        return SpeechCache(directory: (env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/mixdown")
    }

    static let magic: [UInt8] = Array("MXSC".utf8)
    static let formatVersion: UInt32 = 1

    public static func key(engine: String, request: SpeechRequest, processing: String) -> String {
        let runs = (request.runs ?? []).map(\.cacheDescription).joined(separator: "\u{1D}")
        return SHA256.hex(["mixdown speech v\(formatVersion)", engine, request.voice, String(request.speed), String(request.pitch),
                           request.markup ?? request.text, runs, String(request.gainDb), processing].joined(separator: "\u{1E}"))
    }

    public func path(_ key: String) -> String? {
        directory.map { "\($0)/speech/\(key.prefix(2))/\(key)" }
    }

    public func load(_ key: String) -> SpeechClip? {
        guard let path = path(key), let data = FileManager.default.contents(atPath: path) else { return nil }
        return Self.decode([UInt8](data))
    }

    /// Best effort: a cache that cannot be written never fails a render.
    public func store(_ clip: SpeechClip, key: String) {
        guard let path = path(key) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\(key).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(Self.encode(clip))) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// "MXSC", version, sample count, words-JSON length, the words as JSON, Float32 samples (LE).
    static func encode(_ clip: SpeechClip) -> [UInt8] {
        let words = (try? JSONSerialization.data(withJSONObject: clip.words.map { [$0.text, $0.start, $0.end] as [Any] })) ?? Data("[]".utf8)
        var out = magic
        for v in [formatVersion, UInt32(clip.audio.count), UInt32(words.count)] { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        out += words
        clip.audio.withUnsafeBufferPointer { out += UnsafeRawBufferPointer($0) }
        return out
    }

    static func decodeWords(_ json: [UInt8]) -> [SpeechClip.Word]? {
        guard let list = try? JSONSerialization.jsonObject(with: Data(json)) as? [[Any]] else { return nil }
        var words = [SpeechClip.Word]()
        for w in list {
            guard w.count == 3, let text = w[0] as? String, let start = w[1] as? Int, let end = w[2] as? Int else { return nil }
            words.append(SpeechClip.Word(text: text, start: start, end: end))
        }
        return words
    }

    /// Sample count and words length from a clip file's first 16 bytes; nil when they are not
    /// this format's.
    static func header(_ bytes: [UInt8]) -> (samples: Int, wordsLength: Int)? {
        guard bytes.count >= 16, Array(bytes[0..<4]) == magic else { return nil }
        func u32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) } }
        guard u32(4) == formatVersion else { return nil }
        return (Int(u32(8)), Int(u32(12)))
    }

    static func decode(_ bytes: [UInt8]) -> SpeechClip? {
        guard let (samples, wordsLength) = header(bytes) else { return nil }
        guard bytes.count == 16 + wordsLength + samples * 4, let words = decodeWords(Array(bytes[16..<(16 + wordsLength)])) else { return nil }
        let audio = bytes[(16 + wordsLength)...].withUnsafeBytes { raw in
            (0..<samples).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return SpeechClip(audio: audio, words: words)
    }
}
