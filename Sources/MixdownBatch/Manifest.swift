import Foundation
import MixdownCore
import MixdownIO
import MixdownReport

/// `DIR/manifest.jsonl`: one line per row as it finishes (docs/batch.md), the batch's record of
/// what is done. Lines are only ever appended, each with one `write` on a file opened for
/// appending, so shards sharing a folder interleave whole lines; a line cut short by a kill is
/// skipped when the manifest is read back. For a row written more than once (failed, then
/// redone), the last line counts.
public final class Manifest: Sendable {
    /// One finished row.
    public struct Line: Encodable, Sendable {
        public var row: Int
        public var id: String
        public var status: Status
        /// The row's files, paths relative to the manifest's folder.
        public var outputs: [EncodedOutput]
        public var durationSamples: Int?
        public var warnings: [RenderReport.Warning]
        /// The one-line error of a failed row.
        public var error: String?
        /// The error's code and where it points (key path or file:line:col), as the service gives them.
        public var code: MixdownError.Code?
        public var path: String?
        /// A digest of what made the row (production, script, row, formats): a rerun redoes the
        /// row when it changed.
        public var inputHash: String
        public var seconds: Double
    }

    public enum Status: String, Codable, Sendable { case ok, failed }

    /// What a rerun needs to know of an earlier line.
    struct Past: Decodable {
        var row: Int
        var status: Status
        var outputs: [Output]
        var inputHash: String?
        struct Output: Decodable { var path: String }
    }

    public let path: String
    let directory: String
    private let lock = NSLock()
    private let descriptor: Int32

    /// Opens (or creates) the manifest in `directory` for appending.
    public init(directory: String) throws {
        self.directory = directory
        path = directory + "/manifest.jsonl"
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            throw MixdownError.badInput("\(path): exists and is not a regular file", code: .invalidOutput)
        }
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MixdownError.badInput("\(path): cannot write: \(String(cString: strerror(errno)).lowercased())", code: .invalidOutput)
        }
        // A line cut short by a kill stays on its own line, unreadable and skipped.
        if info.st_size > 0, let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(info.st_size - 1))
            if handle.readData(ofLength: 1) != Data("\n".utf8) { _ = "\n".withCString { write(descriptor, $0, 1) } }
        }
    }

    deinit { close(descriptor) }

    /// The rows already done, by row number: their last line says `ok` with the same input
    /// digest, and every file it lists is still there.
    public func done() -> [Int: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var last = [Int: Past]()
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let past = try? decoder.decode(Past.self, from: Data(line)) else { continue }
            last[past.row] = past
        }
        var done = [Int: String]()
        for (row, past) in last where past.status == .ok {
            guard let hash = past.inputHash,
                  past.outputs.allSatisfy({ FileManager.default.fileExists(atPath: directory + "/" + $0.path) }) else { continue }
            done[row] = hash
        }
        return done
    }

    public func append(_ line: Line) throws {
        var data = try JSONOutput.encode(line)
        data.append(UInt8(ascii: "\n"))
        let written = lock.withLock {
            data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
        guard written == data.count else {
            throw MixdownError.failure("\(path): cannot write: \(String(cString: strerror(errno)).lowercased())")
        }
    }
}
