import Foundation
import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program with a time limit and a size limit. The child gets its own
/// process group, so a timed-out engine is killed with everything it started (a shell script's
/// `sleep` too). Standard input, output and error go through files in its working folder: no
/// pipe can fill up and deadlock, and the folder's size is watched while it runs, so an engine
/// that writes without end is killed once it passes `maximumBytes` instead of filling the disk.
public enum ChildProcess {
    /// What an engine may write into its working folder in all (stdout, stderr, its files).
    static let maximumBytes = 512 << 20

    struct Outcome {
        var status: Int32
        var timedOut: Bool
        /// Killed for writing more than `maximumBytes`.
        var overran: Bool
        var stdout: Data
        var stderr: String
    }

    enum Failure: Error { case notFound(String), cannotStart(String, Int32) }

    /// The engines running now (process group and working folder), so that a program being
    /// stopped can take them with it: `stopAll()`.
    private static let running = Locked([pid_t: String]())

    /// Kills every engine this process started that is still running (their whole process
    /// groups) and removes their working folders. For a program's SIGINT/SIGTERM handling.
    public static func stopAll() {
        let groups = running.withLock { groups in
            defer { groups = [:] }
            return groups
        }
        for (pid, folder) in groups {
            kill(-pid, SIGKILL)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// A new working folder for one engine run in `directory`: `mixdown-tts-PID-UUID`. The
    /// first time in a process, folders left there by a process that no longer exists (one
    /// killed outright, whose clean-up never ran) are removed.
    static func workingFolder(in directory: String) throws -> String {
        let prefix = "mixdown-tts-"
        if swept.withLock({ $0.insert(directory).inserted }) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(prefix) {
                guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0,
                      kill(pid, 0) != 0 && errno == ESRCH else { continue }
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
        }
        let folder = URL(fileURLWithPath: directory).appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
    private static let swept = Locked(Set<String>())

    /// util-linux's setpriv (Debian has it in every install), when this machine has it.
    static let setpriv = locate("setpriv")

    /// The executable `program` names: a path as given, a bare name looked up in `PATH`.
    static func locate(_ program: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(program)") {
            return "\(dir)/\(program)"
        }
        return nil
    }

    static func run(_ argv: [String], stdin input: Data?, timeout: Double, workingDirectory: String) throws -> Outcome {
        let inPath = workingDirectory + "/stdin", outPath = workingDirectory + "/stdout", errPath = workingDirectory + "/stderr"
        _ = FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        guard let program = locate(argv[0]) else { throw Failure.notFound(argv[0]) }
        // The engine must not outlive this process even when it is killed outright (kill -9,
        // the kernel's OOM killer), which no handler sees: setpriv gives it a parent-death
        // signal, which survives the exec into the engine.
        let launch = (Self.setpriv.map { [$0, "--pdeathsig", "KILL", "--"] } ?? []) + [program] + argv.dropFirst()
        let cArgs = launch.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, launch[0], &actions, &attributes, cArgs, environ)
        if spawned == ENOENT { throw Failure.notFound(argv[0]) }
        if spawned != 0 { throw Failure.cannotStart(argv[0], spawned) }
        running.withLock { $0[pid] = workingDirectory }
        defer { running.withLock { _ = $0.removeValue(forKey: pid) } }

        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false, overran = false
        var polls = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            polls += 1
            timedOut = Date() >= deadline
            overran = !timedOut && polls % 10 == 0 && folderBytes(workingDirectory) > maximumBytes
            if timedOut || overran {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(5_000)
        }
        // Anything the group left running is ended too.
        kill(-pid, SIGKILL)
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        if overran { return Outcome(status: exitStatus, timedOut: false, overran: true, stdout: Data(), stderr: "") }
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        // Only the end of stderr matters (the last line is reported).
        let errorBytes = FileManager.default.contents(atPath: errPath) ?? Data()
        let stderr = String(decoding: errorBytes.suffix(4_096), as: UTF8.self)
        return Outcome(status: exitStatus, timedOut: timedOut, overran: false, stdout: stdout, stderr: stderr)
    }

    /// Bytes in the files directly inside `folder` (an engine's working folder).
    static func folderBytes(_ folder: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var total = 0
        for name in names {
            var st = stat()
            if lstat(folder + "/" + name, &st) == 0 { total += Int(st.st_size) }
        }
        return total
    }
}
