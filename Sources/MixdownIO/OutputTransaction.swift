import Foundation
import MixdownCore

/// A set of output files that appear together or not at all. Each is written under a temporary
/// name beside its destination; `commit` renames them into place, and anything that fails
/// before that removes every temporary, so a failed run never leaves a partial file behind.
/// Unchecked Sendable: the pending list and the committed flag are reached only under `lock`.
public final class OutputTransaction: @unchecked Sendable {
    private var pending: [(temporary: String, final: String)] = []
    /// Folders this transaction made (a `--stems` folder): removed again on rollback.
    private var madeFolders: [String] = []
    private var committed = false
    /// Formats are encoded side by side; the list of pending files is shared.
    private let lock = NSLock()

    public init() {}

    deinit { if !committed { rollback() } }

    /// Every temporary of every transaction not yet committed or rolled back in this process,
    /// so that a program being stopped by a signal can remove them: `removeAllPending()`.
    private static let unfinished = Locked(Set<String>())

    /// Deletes every temporary output of this process (for SIGINT/SIGTERM handling).
    public static func removeAllPending() {
        let paths = unfinished.withLock { paths in
            defer { paths = [] }
            return paths
        }
        for p in paths { unlink(p) }
    }

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
        Self.unfinished.withLock { _ = $0.insert(temporary) }
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
            for entry in pending where entry.final == path { unlink(entry.temporary); Self.unfinished.withLock { _ = $0.remove(entry.temporary) } }
            pending.removeAll { $0.final == path }
        }
    }

    public func commit() throws {
        for (temporary, final) in pending {
            guard rename(temporary, final) == 0 else {
                throw MixdownError.failure("\(final): cannot write: \(String(cString: strerror(errno)))")
            }
            Self.unfinished.withLock { _ = $0.remove(temporary) }
        }
        committed = true
    }

    public func rollback() {
        for (temporary, _) in pending { unlink(temporary); Self.unfinished.withLock { _ = $0.remove(temporary) } }
        pending.removeAll()
        for folder in madeFolders.reversed() { rmdir(folder) }   // only if empty: never a user's file
        madeFolders.removeAll()
    }

    /// Makes `path` (and missing parents) for outputs to go into; those it made are removed
    /// again if the transaction does not commit.
    public func makeFolder(_ path: String) throws {
        var missing = [String]()
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
            missing.append(url.path)
            url = url.deletingLastPathComponent()
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        lock.withLock { madeFolders += missing.reversed() }
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

extension OutputTransaction {
    /// Output problems found before any work (render, master, encode): the target is a new name
    /// or a regular file — never a folder, a device, a FIFO or a symbolic link (which the final
    /// rename would replace) — and its folder exists and takes a new file (proven by making one).
    /// Each error names the path the user gave.
    ///
    /// `creating`: a folder `-o` names (it ends in `/`) that does not exist yet: the outputs
    /// inside it are checked against its nearest existing parent, and the render makes it in
    /// its transaction (`folderToMake`), removed again if nothing is committed.
    public static func checkTargets(_ paths: [String], creating newFolder: String? = nil) throws {
        let made = newFolder.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        for path in paths {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL
            if let made, parent.path == made {
                var existing = parent
                while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" { existing = existing.deletingLastPathComponent() }
                try checkWritableFolder(existing.path, for: path)
                continue
            }
            var st = stat()
            if lstat(path, &st) == 0 {
                switch st.st_mode & S_IFMT {
                case S_IFREG: break
                case S_IFLNK: throw MixdownError.badInput("\(path): cannot write: it is a symbolic link; name the file itself", code: .outputNotWritable)
                case S_IFDIR: throw MixdownError.badInput("\(path): cannot write: it is a folder", code: .outputNotWritable)
                default: throw MixdownError.badInput("\(path): cannot write: it exists and is not a regular file", code: .outputNotWritable)
                }
            }
            try checkWritableFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path, for: path)
        }
    }

    /// The folder `-o` names when it ends in `/` and does not exist yet (nil otherwise).
    public static func folderToMake(_ output: String?) -> String? {
        guard let output, output.hasSuffix("/"), !FileManager.default.fileExists(atPath: output) else { return nil }
        return output
    }

    /// `folder` exists and takes a new file: a probe file is made there and removed at once.
    /// Permission bits alone do not say (root passes `access` everywhere, yet /proc, /sys and
    /// read-only mounts refuse it), and the outputs are written as temporaries beside their
    /// targets, so this is the same operation the render will need at its end.
    public static func checkWritableFolder(_ folder: String, for path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MixdownError.badInput("\(path): cannot write: folder \(folder) does not exist", code: .outputNotWritable)
        }
        // Named like a temporary, so a process killed between the two calls leaves nothing
        // that `sweepAbandoned` would not remove.
        let probe = URL(fileURLWithPath: folder).appendingPathComponent(".mixdown-probe.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial").path
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = errno == ENOENT ? "it takes no new files" : String(cString: strerror(errno)).lowercased()
            throw MixdownError.badInput("\(path): cannot write: folder \(folder) is not writable (\(why))", code: .outputNotWritable)
        }
        close(fd)
        unlink(probe)
    }
}

extension OutputTransaction {
    /// Removes the temporaries (`.NAME.PID.RANDOM.partial`) that a process killed outright left
    /// in `folder`: those whose process no longer exists. A batch does this when it starts, so
    /// a batch killed with SIGKILL and run again leaves nothing behind.
    public static func sweepAbandoned(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = pid_t(parts[parts.count - 3]), pid > 0, kill(pid, 0) != 0 && errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }
}
