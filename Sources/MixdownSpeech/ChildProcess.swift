import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program with a time limit. The child gets its own process group, so a
/// timed-out engine is killed with everything it started (a shell script's `sleep` too).
/// Standard input, output and error go through files: no pipe can fill up and deadlock.
enum ChildProcess {
    struct Outcome {
        var status: Int32
        var timedOut: Bool
        var stdout: Data
        var stderr: String
    }

    enum Failure: Error { case notFound(String), cannotStart(String, Int32) }

    static func run(_ argv: [String], stdin input: Data?, timeout: Double, workingDirectory: String) throws -> Outcome {
        let inPath = workingDirectory + "/stdin", outPath = workingDirectory + "/stdout", errPath = workingDirectory + "/stderr"
        FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
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

        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ)
        if spawned == ENOENT { throw Failure.notFound(argv[0]) }
        if spawned != 0 { throw Failure.cannotStart(argv[0], spawned) }

        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Date() >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(5_000)
        }
        // Anything the group left running is ended too.
        kill(-pid, SIGKILL)
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return Outcome(status: exitStatus, timedOut: timedOut, stdout: stdout, stderr: stderr)
    }
}
