import ArgumentParser
import Foundation
import MixdownCore
import MixdownSpeech
import MixdownIO
import MixdownRender

/// `mixdown`: exit 0 on success, 1 on bad input (one line on stderr), 2 on usage errors
/// (docs/limits.md). ArgumentParser's own usage exit code (64) is mapped to 2.
@main
struct MixdownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixdown",
        abstract: "Script-to-audio production engine: render scripts, master, encode and analyse audio.",
        discussion: """
        Sound templates are looked for in the production's SoundTemplates folder, $MIXDOWN_TEMPLATES, \
        ./SoundTemplates and the installed library (PREFIX/share/mixdown/SoundTemplates beside \
        PREFIX/bin/mixdown); Piper voices in $MIXDOWN_VOICES, ~/.local/share/mixdown/voices and the \
        installed voices (PREFIX/share/mixdown/voices), spoken by the installed runtime or \
        $MIXDOWN_PIPER_PYTHON. Nothing found is a one-line error naming the folders searched.

        Environment: MIXDOWN_TEMPLATES, MIXDOWN_VOICES (folders, colon-separated), \
        MIXDOWN_PIPER_PYTHON, MIXDOWN_CACHE (the speech cache, or off), TMPDIR.
        """,
        version: MixdownVersion.string,
        subcommands: [Render.self, Plan.self, Batch.self, Serve.self, Worker.self, Keys.self, Analyze.self, Encode.self, Master.self, Clean.self, Templates.self, Voices.self, Version.self])

    static func main() {
        stopEnginesOnSignals()
        do {
            var command = try parseAsRoot(valuelessCleanup(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as MixdownError {
            waitIfStopping()
            FileHandle.standardError.write(Data("mixdown: \(error.message)\n".utf8))
            Foundation.exit(error.kind == .usage ? 2 : 1)
        } catch {
            waitIfStopping()
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code.rawValue == 1 { Foundation.exit(1) }   // a subcommand already reported its failures
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// `--cleanup` may stand alone (`mixdown master in.wav --cleanup -o out.mp3`): the standard
/// settings. The argument parser wants a value, so a bare one is given `true` here.
func valuelessCleanup(_ arguments: [String]) -> [String] {
    var out = [String]()
    for (i, a) in arguments.enumerated() {
        out.append(a)
        guard a == "--cleanup" else { continue }
        let next = i + 1 < arguments.count ? arguments[i + 1].trimmingCharacters(in: .whitespaces) : "-"
        if next.hasPrefix("-") || !(next.hasPrefix("{") || next == "true" || next == "false") { out[out.count - 1] = "--cleanup=true" }
    }
    return out
}

/// SIGINT, SIGTERM and SIGHUP end the program (status 128 + the signal), but first kill the speech engines
/// it started (their process groups), remove their working folders and remove the hidden
/// temporary outputs: an interrupted run leaves no engine running and no file behind.
/// Made once, on the main thread, before any other thread starts, and never changed: read-only
/// shared state (DispatchSource has no Sendable annotation).
nonisolated(unsafe) private let signalSources: [DispatchSourceSignal] = [SIGINT, SIGTERM, SIGHUP].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler {
        stopping.withLock { $0 = true }
        ChildProcess.stopAll()
        OutputTransaction.removeAllPending()
        // The shell's status for a signal death (libdispatch keeps the signal itself from us).
        _exit(128 + number)
    }
    source.resume()
    return source
}

private func stopEnginesOnSignals() { _ = signalSources }

/// Set once a stopping signal arrived: the render failing because its engine was killed must
/// not report that failure (or exit) before the handler ends the program with the signal.
private let stopping = Locked(false)

private func waitIfStopping() {
    while stopping.withLock({ $0 }) { sleep(1) }
}

enum MixdownVersion {
    static let string = Pipeline.version
}

/// Bad input already reported on stderr (one line per bad file): only the status is left.
extension ExitCode { static let badInput = ExitCode(1) }

/// The Piper, hibari and Pico voices this command may speak with, found from the environment
/// (the processes that speak them start only when a production names one).
func voiceLibrary() -> VoiceLibrary {
    let environment = ProcessInfo.processInfo.environment
    let (folders, python) = PiperLibrary.standardFolders(environment: environment, executable: executablePath)
    // MIXDOWN_PIPER_TIMEOUT: how long one clip may take (seconds, default 120).
    let timeout = environment["MIXDOWN_PIPER_TIMEOUT"].flatMap(Double.init).flatMap { $0.isFinite && $0 > 0 ? min($0, 3_600) : nil } ?? 120
    // MIXDOWN_PIPER_PROCESSES: how many synthesis processes may speak at once (default: two,
    // or one on a single core); the cores are shared among them.
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let processes = environment["MIXDOWN_PIPER_PROCESSES"].flatMap(Int.init).map { max(1, min($0, 64)) } ?? min(2, cores)
    let host = PythonHost(.piper, python: python, timeoutSeconds: timeout, temporaryDirectory: temporaryDirectory(), processes: processes)
    return VoiceLibrary(piper: PiperLibrary(host: host, folders: folders))
}

/// Where the engine spills between passes: `$TMPDIR`, else /tmp.
func temporaryDirectory() -> String {
    let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
    return dir.isEmpty ? "/tmp" : (dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir)
}

/// This program's own file, symbolic links resolved (`/proc/self/exe`): an installed `mixdown`
/// run by its bare name from PATH, or through a link, finds its templates and voices beside
/// it (`PREFIX/bin/mixdown` → `PREFIX/share/mixdown`), from any current folder. Without
/// /proc, the first argument, looked up on PATH when it is a bare name.
let executablePath: String = {
    let fm = FileManager.default
    if let real = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"), real.hasPrefix("/"), fm.fileExists(atPath: real) {
        return real
    }
    let first = CommandLine.arguments.first ?? "mixdown"
    if first.contains("/") { return URL(fileURLWithPath: first).standardizedFileURL.resolvingSymlinksInPath().path }
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where fm.isExecutableFile(atPath: "\(dir)/\(first)") {
        return URL(fileURLWithPath: "\(dir)/\(first)").resolvingSymlinksInPath().path
    }
    return first
}()
