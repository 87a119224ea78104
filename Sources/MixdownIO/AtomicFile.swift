import Foundation
import MixdownCore

/// A set of output files that appear together or not at all. Each is written under a temporary
/// name beside its destination; `commit` renames them into place, and anything that fails
/// before that removes every temporary, so a failed run never leaves a partial file behind.
public final class OutputTransaction {
    private var pending: [(temporary: String, final: String)] = []
    private var committed = false

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
        pending.append((temporary, path))
        return temporary
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
