import Foundation
import MixdownCore

/// A set of output files that appear together or not at all. Each is written under a temporary
/// name beside its destination; `commit` renames them into place, and anything that fails
/// before that removes every temporary, so a failed run never leaves a partial file behind.
public final class OutputTransaction: @unchecked Sendable {
    private var pending: [(temporary: String, final: String)] = []
    private var committed = false
    /// Formats are encoded side by side; the list of pending files is shared.
    private let lock = NSLock()

    public init() {}

    deinit { if !committed { rollback() } }

    /// A temporary path to write `path`'s content to. Fails at once when the folder is missing.
    public func temporaryPath(for path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MixdownError.badInput("\(path): cannot write: folder \(directory) does not exist")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial").path
        lock.withLock { pending.append((temporary, path)) }
        return temporary
    }

    /// The temporary file standing for `path` (to read back what was written before commit).
    public func pendingPath(for path: String) throws -> String {
        guard let entry = lock.withLock({ pending.last(where: { $0.final == path }) }) else {
            throw MixdownError.failure("\(path): nothing written for it yet")
        }
        return entry.temporary
    }

    /// Forgets and deletes the pending file for `path`, so it can be written again.
    public func discard(_ path: String) {
        lock.withLock {
            for entry in pending where entry.final == path { unlink(entry.temporary) }
            pending.removeAll { $0.final == path }
        }
    }

    public func commit() throws {
        for (temporary, final) in pending {
            guard rename(temporary, final) == 0 else {
                throw MixdownError.failure("\(final): cannot write: \(String(cString: strerror(errno)))")
            }
        }
        committed = true
    }

    public func rollback() {
        for (temporary, _) in pending { unlink(temporary) }
        pending.removeAll()
    }
}

public enum AtomicFile {
    /// Writes one file through `body`, which receives the temporary path to write to.
    public static func write(to path: String, _ body: (_ temporaryPath: String) throws -> Void) throws {
        let transaction = OutputTransaction()
        do {
            try body(try transaction.temporaryPath(for: path))
            try transaction.commit()
        } catch {
            transaction.rollback()
            throw error
        }
    }
}
