import Foundation
import MixdownCore
import MixdownIO

/// A finished mono clip kept on disk, not in memory: its length and words are known (the
/// planner needs only those), its samples are read when the render reaches it. The file is a
/// speech-cache entry or the render's own spool.
public struct StoredClip: Sendable {
    public var length: Int
    public var words: [SpeechClip.Word]
    let file: PositionalFile
    /// Byte offset of the first Float32 sample.
    let offset: Int

    /// Samples [from, from + count) into the start of `out` (grown when too short).
    public func read(from: Int, count: Int, into out: inout [Float]) throws {
        precondition(from >= 0 && from + count <= length)
        if out.count < count { out = [Float](repeating: 0, count: max(count, 65_536)) }
        try out.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(count * 4)]), at: offset + from * 4) }
    }

    public func load() throws -> [Float] {
        var samples = [Float](repeating: 0, count: length)
        try samples.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
        return samples
    }
}

/// Where clips go when there is no speech cache: one unlinked temporary file per render
/// (it disappears with the process), clips appended.
/// Unchecked Sendable: its file offset is advanced under its own lock; the file is written at
/// offsets (pwrite), never through shared state.
public final class ClipSpool: @unchecked Sendable {
    let file: PositionalFile
    private var end = 0
    private let lock = NSLock()

    /// The render's temporary folder (engines make their working folders there too).
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        file = try .temporary(in: directory, name: "clips")
    }

    public func store(_ clip: SpeechClip) throws -> StoredClip {
        let bytes = clip.audio.count * 4
        let offset = lock.withLock { defer { end += bytes }; return end }
        try clip.audio.withUnsafeBytes { try file.write($0, at: offset) }
        return StoredClip(length: clip.audio.count, words: clip.words, file: file, offset: offset)
    }
}

extension SpeechCache {
    /// A cached clip's words and length from its header, its samples left on disk. The file
    /// must be whole (its size matches its header), else it is a miss.
    public func peek(_ key: String) -> StoredClip? {
        guard let path = path(key), let file = PositionalFile.reading(path) else { return nil }
        var st = stat()
        guard fstat(file.descriptor, &st) == 0 else { return nil }
        var header = [UInt8](repeating: 0, count: 16)
        guard (try? header.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }) != nil,
              let (samples, wordsLength) = Self.header(header) else { return nil }
        guard Int(st.st_size) == 16 + wordsLength + samples * 4, wordsLength < 16 << 20 else { return nil }
        var json = [UInt8](repeating: 0, count: wordsLength)
        guard (try? json.withUnsafeMutableBytes { try file.read(into: $0, at: 16) }) != nil,
              let words = Self.decodeWords(json) else { return nil }
        return StoredClip(length: samples, words: words, file: file, offset: 16 + wordsLength)
    }
}
