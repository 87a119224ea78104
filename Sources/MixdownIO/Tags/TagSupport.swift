import MixdownCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small helpers shared by the tag writers.
enum TagText {
    /// The value to write, or nil when there is none. Empty means absent (see
    /// `Metadata`). NULs are removed because every format here uses NUL as a
    /// terminator or separator, and readers built on C strings cut values there.
    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        let text = value.contains("\0") ? value.replacingOccurrences(of: "\0", with: "") : value
        return text.isEmpty ? nil : text
    }

    /// `samples` at `sampleRate` in milliseconds, rounded to nearest (halves up).
    /// Both chapter formats store whole milliseconds, and both must agree.
    /// Saturates instead of trapping on absurd input; negative or rate-less gives 0.
    static func milliseconds(samples: Int, sampleRate: Int) -> Int {
        guard samples > 0, sampleRate > 0 else { return 0 }
        let whole = samples / sampleRate
        let rest = samples % sampleRate          // < sampleRate
        let (wholeMs, o1) = whole.multipliedReportingOverflow(by: 1000)
        // rest*2000 + sampleRate stays far below Int.max for any real rate; check anyway.
        let (twice, o2) = rest.multipliedReportingOverflow(by: 2000)
        let (num, o3) = twice.addingReportingOverflow(sampleRate)
        let (den, o4) = sampleRate.multipliedReportingOverflow(by: 2)
        if o1 || o2 || o3 || o4 { return Int.max }
        let (total, o5) = wholeMs.addingReportingOverflow(num / den)
        return o5 ? Int.max : total
    }
}

extension Array where Element == UInt8 {
    mutating func appendBE32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendLE32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Bounds-checked big-endian read; nil past the end so garbled input cannot trap.
    func be16(at index: Int) -> Int? {
        guard index >= 0, index <= count - 2 else { return nil }
        return Int(self[index]) << 8 | Int(self[index + 1])
    }

    func be32(at index: Int) -> Int? {
        guard index >= 0, index <= count - 4 else { return nil }
        return Int(self[index]) << 24 | Int(self[index + 1]) << 16 | Int(self[index + 2]) << 8 | Int(self[index + 3])
    }

    func le32(at index: Int) -> Int? {
        guard index >= 0, index <= count - 4 else { return nil }
        return Int(self[index + 3]) << 24 | Int(self[index + 2]) << 16 | Int(self[index + 1]) << 8 | Int(self[index])
    }

    func hasPrefix(_ prefix: [UInt8], at index: Int = 0) -> Bool {
        guard index >= 0, count - index >= prefix.count else { return false }
        return self[index ..< index + prefix.count].elementsEqual(prefix)
    }
}

/// Buffered sequential reader: the taggers walk headers a few bytes at a time and
/// then stream hundreds of MB of audio, so neither a read per field nor a
/// whole-file read will do.
final class TagFileReader {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var reachedEnd = false
    private static let chunk = 1 << 20

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MixdownError.failure("\(path): cannot open the file for reading")
        }
        self.handle = handle
    }

    func close() { try? handle.close() }

    /// Makes at least `count` bytes available if the file has them; returns whether it does.
    private func fill(_ count: Int) throws -> Bool {
        while buffer.count - position < count && !reachedEnd {
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let data: Data?
            do {
                data = try handle.read(upToCount: max(Self.chunk, count - buffer.count))
            } catch {
                throw MixdownError.failure("\(path): cannot read the file (\(error.localizedDescription))")
            }
            if let data, !data.isEmpty { buffer.append(contentsOf: data) } else { reachedEnd = true }
        }
        return buffer.count - position >= count
    }

    /// Exactly `count` bytes, or a "truncated" error naming `what`.
    func read(_ count: Int, _ what: String) throws -> [UInt8] {
        guard count >= 0, try fill(count) else {
            throw MixdownError.failure("\(path): the file ends inside its \(what) (truncated?)")
        }
        let bytes = Array(buffer[position ..< position + count])
        position += count
        return bytes
    }

    /// Up to `count` bytes without consuming them (fewer at the end of the file).
    func peek(_ count: Int) throws -> [UInt8] {
        _ = try fill(count)
        return Array(buffer[position ..< min(buffer.count, position + count)])
    }

    func atEnd() throws -> Bool { try !fill(1) }

    /// The next run of bytes (empty at the end of the file), for copying audio as is.
    func nextChunk() throws -> [UInt8] {
        guard try fill(1) else { return [] }
        let bytes = Array(buffer[position...])
        position = buffer.count
        return bytes
    }
}

/// Buffered writer for the temporary file.
final class TagFileWriter {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var closed = false

    init(path: String) throws {
        self.path = path
        // createFile truncates a stale temporary file left by an interrupted run.
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw MixdownError.failure("\(path): cannot create the file")
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw MixdownError.failure("\(path): cannot write the file (\(error.localizedDescription))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes. The sync is there so that the rename that follows
    /// can never leave a renamed-but-empty file behind after a crash.
    func finish() throws {
        try flush()
        do {
            try handle.synchronize()
            closed = true
            try handle.close()
        } catch {
            throw MixdownError.failure("\(path): cannot write the file (\(error.localizedDescription))")
        }
    }

    func abandon() {
        guard !closed else { return }
        closed = true
        try? handle.close()
    }
}

enum TagFile {
    /// Runs `body` from `path` into `path + ".tagging"`, then renames the result over
    /// `path`, so a failure at any point leaves the original file as it was.
    static func rewrite(_ path: String, _ body: (TagFileReader, TagFileWriter) throws -> Void) throws {
        let temporary = path + ".tagging"
        let reader = try TagFileReader(path: path)
        defer { reader.close() }
        let writer = try TagFileWriter(path: temporary)
        var finished = false
        defer {
            if !finished {
                writer.abandon()
                unlink(temporary)
            }
        }
        do {
            try body(reader, writer)
        } catch let error as MixdownError {
            throw error
        } catch {
            throw MixdownError.failure("\(path): \(error.localizedDescription)")
        }
        try writer.finish()
        // Keep the original's permissions; the temporary file got the process default.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] {
            try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw MixdownError.failure("\(path): cannot replace the file with its tagged copy (\(reason))")
        }
        finished = true
    }
}
