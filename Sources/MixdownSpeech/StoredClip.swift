import Foundation
import MixdownCore

/// A finished mono clip kept on disk, not in memory: its length and words are known (the
/// planner needs only those), its samples are read when the render reaches it. The file is a
/// speech-cache entry or the render's own spool.
public struct StoredClip: Sendable {
    public var length: Int
    public var words: [SpeechClip.Word]
    let file: ClipFile
    /// Byte offset of the first Float32 sample.
    let offset: Int

    public func load() throws -> [Float] { try file.read(offset: offset, count: length) }
}

/// An open file of Float32 samples that clips are read from.
final class ClipFile: @unchecked Sendable {
    let descriptor: Int32
    let name: String
    init(descriptor: Int32, name: String) { (self.descriptor, self.name) = (descriptor, name) }
    deinit { close(descriptor) }

    static func open(_ path: String) -> ClipFile? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? ClipFile(descriptor: fd, name: path) : nil
    }

    func read(offset: Int, count: Int) throws -> [Float] {
        var samples = [Float](repeating: 0, count: count)
        let bytes = count * 4
        try samples.withUnsafeMutableBytes { raw in
            var done = 0
            while done < bytes {
                let n = pread(descriptor, raw.baseAddress! + done, bytes - done, off_t(offset + done))
                guard n > 0 else { throw MixdownError.failure("\(name): speech clip unreadable (\(n < 0 ? String(cString: strerror(errno)) : "file shortened"))") }
                done += n
            }
        }
        return samples
    }
}

/// Where clips go when there is no speech cache: one temporary file per render, unlinked at
/// once (it disappears with the process), clips appended.
public final class ClipSpool: @unchecked Sendable {
    let file: ClipFile
    private var end = 0
    private let lock = NSLock()

    public init(directory: String) throws {
        var template = Array((directory + "/.mixdown-clips-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw MixdownError.failure("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        file = ClipFile(descriptor: fd, name: "speech spool")
    }

    public func store(_ clip: SpeechClip) throws -> StoredClip {
        let bytes = clip.audio.count * 4
        let offset = lock.withLock { defer { end += bytes }; return end }
        try clip.audio.withUnsafeBytes { raw in
            var done = 0
            while done < bytes {
                let n = pwrite(file.descriptor, raw.baseAddress! + done, bytes - done, off_t(offset + done))
                guard n > 0 else { throw MixdownError.failure("temporary file: write failed: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        return StoredClip(length: clip.audio.count, words: clip.words, file: file, offset: offset)
    }
}

extension SpeechCache {
    /// A cached clip's words and length from its header, its samples left on disk. The file
    /// must be whole (its size matches its header), else it is a miss.
    public func peek(_ key: String) -> StoredClip? {
        guard let path = path(key), let file = ClipFile.open(path) else { return nil }
        var st = stat()
        guard fstat(file.descriptor, &st) == 0 else { return nil }
        var header = [UInt8](repeating: 0, count: 16)
        guard header.withUnsafeMutableBytes({ pread(file.descriptor, $0.baseAddress!, 16, 0) }) == 16,
              Array(header[0..<4]) == Self.magic else { return nil }
        func u32(_ at: Int) -> Int { Int(header[at..<(at + 4)].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }) }
        guard u32(4) == Int(Self.formatVersion) else { return nil }
        let samples = u32(8), wordsLength = u32(12)
        guard Int(st.st_size) == 16 + wordsLength + samples * 4, wordsLength < 16 << 20 else { return nil }
        var json = [UInt8](repeating: 0, count: wordsLength)
        guard json.withUnsafeMutableBytes({ pread(file.descriptor, $0.baseAddress!, wordsLength, 16) }) == wordsLength,
              let words = Self.decodeWords(json) else { return nil }
        return StoredClip(length: samples, words: words, file: file, offset: 16 + wordsLength)
    }
}
