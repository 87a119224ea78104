import Foundation
import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// What one Python speech engine brings to a `PythonHost`: its name (in every error) and the
/// glue script its processes run. The script reads one JSON request per line on standard
/// input and writes one JSON answer per line (`PythonHost.Answer`); its first argument is the
/// number of threads it may use.
public struct PythonGlue: Sendable, Equatable {
    /// The engine's name as errors give it: `speech engine 'NAME' …`.
    public var engine: String
    public var script: String

    public init(engine: String, script: String) { (self.engine, self.script) = (engine, script) }
}

/// Long-lived Python processes that keep an engine's models loaded (Piper, hibari, Pico):
/// requests go in as JSON lines, answers come back as JSON lines with the audio written to a
/// WAV file. Up to `processes` requests run at once, each process given `threads` threads
/// (onnxruntime's, and OMP_NUM_THREADS), so together they never ask for more threads than
/// the cores they were sized for (on this 2-core machine two one-thread Piper processes speak
/// 16 sentences in 4.4 s where one two-thread process takes 4.9 s). A process is started when
/// a request finds none free. The Swift side owns the time limit, the errors (one line, naming
/// the engine) and the processes' end: each dies with Mixdown (setpriv's parent-death signal).
/// Unchecked Sendable: its idle list and running count are reached only under `available`
/// (an NSCondition); each process is lent to one request at a time.
public final class PythonHost: @unchecked Sendable {
    public let glue: PythonGlue
    /// The Python interpreter that has the engine's package (the project's `.venv/bin/python`).
    public let python: String
    public let timeoutSeconds: Double
    let temporaryDirectory: String
    /// At most this many synthesis processes, each with `threads` threads.
    public let processes: Int
    public let threads: Int
    private let available = NSCondition()
    private var idle: [PythonProcess] = []
    private var running = 0

    /// `processes` × `threads` should not exceed the cores; the defaults suit one render on
    /// this machine's cores: up to two processes sharing them.
    public init(_ glue: PythonGlue, python: String, timeoutSeconds: Double = 120, temporaryDirectory: String = "/tmp",
                processes: Int = min(2, ProcessInfo.processInfo.activeProcessorCount), threads: Int? = nil) {
        (self.glue, self.python, self.timeoutSeconds, self.temporaryDirectory) = (glue, python, timeoutSeconds, temporaryDirectory)
        self.processes = max(1, processes)
        self.threads = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / self.processes)
    }

    /// The same interpreter, limits and folder for another engine's glue.
    public func sibling(_ glue: PythonGlue) -> PythonHost {
        PythonHost(glue, python: python, timeoutSeconds: timeoutSeconds, temporaryDirectory: temporaryDirectory, processes: processes, threads: threads)
    }

    deinit { stop() }

    /// Ends the idle synthesis processes (they are started again on the next request).
    public func stop() {
        available.lock()
        let stopping = idle
        idle = []
        running -= stopping.count
        available.unlock()
        for process in stopping { process.stop() }
    }

    /// Sends one request (`fields`, JSON-serialisable) and returns the answer line. `text` is
    /// named (its start) when the process does not answer in time. Waits for a free process
    /// when `processes` are busy.
    func call(_ fields: [String: Any], text: String) throws -> Answer {
        available.lock()
        while idle.isEmpty && running >= processes { available.wait() }
        let process: PythonProcess
        if let free = idle.popLast() {
            process = free
        } else {
            process = PythonProcess(host: self)
            running += 1
        }
        available.unlock()
        defer {
            available.lock()
            idle.append(process)
            available.signal()
            available.unlock()
        }
        return try process.call(fields, text: text)
    }

    /// Every glue's answer: `ok` with the WAV's rate (and Piper's word spans, in samples at
    /// that rate), or `ok: false` with the reason.
    struct Answer: Decodable {
        var ok: Bool
        var error: String?
        var sampleRate: Int?
        var words: [[Double]]?
    }
}

/// One synthesis process: started on its first request, stopped (and started again on the
/// next) when it fails, hangs or answers outside the protocol.
/// Unchecked Sendable: lent to one request at a time by `PythonHost` (under its condition);
/// its pipes and pid are never touched by two threads at once.
final class PythonProcess: @unchecked Sendable {
    let glue: PythonGlue
    let python: String
    let threads: Int
    let timeoutSeconds: Double
    let temporaryDirectory: String
    private var process: Process?
    private var input: FileHandle?
    private var output: Int32 = -1
    private var buffered = [UInt8]()
    private var work: String?

    init(host: PythonHost) {
        (glue, python, threads, timeoutSeconds, temporaryDirectory) = (host.glue, host.python, host.threads, host.timeoutSeconds, host.temporaryDirectory)
    }

    deinit { stop() }

    var engine: String { glue.engine }

    func stop() {
        if let process, process.isRunning { kill(-process.processIdentifier, SIGKILL); kill(process.processIdentifier, SIGKILL) }
        process?.waitUntilExit()
        try? input?.close()
        if output >= 0 { close(output) }
        if let work { try? FileManager.default.removeItem(atPath: work) }
        (process, input, output, buffered, work) = (nil, nil, -1, [], nil)
    }

    func call(_ fields: [String: Any], text: String) throws -> PythonHost.Answer {
        let request = try JSONSerialization.data(withJSONObject: fields)
        var line: [UInt8]?
        // A process kept from an earlier request may have ended meanwhile (the thread that
        // started it exited, and its parent-death signal went with it): it is started again
        // once. A process that ends on a request it was started for is the engine failing.
        for attempt in 0..<2 {
            let reused = process?.isRunning == true
            if !reused { try start() }
            let stopped = MixdownError.failure("speech engine '\(engine)' stopped before it answered", code: .speechFailed)
            guard let input else { throw stopped }
            do {
                try input.write(contentsOf: request + Data("\n".utf8))
            } catch {
                stop()
                if reused && attempt == 0 { continue }
                throw stopped
            }
            switch readLine(deadline: Date().addingTimeInterval(timeoutSeconds)) {
            case .line(let l):
                line = l
            case .ended:
                stop()
                if reused && attempt == 0 { continue }
                throw stopped
            case .timedOut:
                stop()
                throw MixdownError.badInput("speech engine '\(engine)' did not answer within \(String(format: "%g", timeoutSeconds)) s for \"\(text.prefix(40))\"", code: .speechFailed)
            }
            break
        }
        guard let line else { throw MixdownError.failure("speech engine '\(engine)' stopped before it answered", code: .speechFailed) }
        guard let answer = try? JSONDecoder().decode(PythonHost.Answer.self, from: Data(line)) else {
            stop()
            throw MixdownError.failure("speech engine '\(engine)' answered something that is not its protocol", code: .speechFailed)
        }
        return answer
    }

    private func start() throws {
        stop()
        // Writing to an engine that died must be an error for this request, not SIGPIPE ending
        // the whole program.
        signal(SIGPIPE, SIG_IGN)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw MixdownError.badInput("speech engine '\(engine)' is not installed (no \(python)): run `make deps`", code: .speechFailed)
        }
        let folder = try ChildProcess.workingFolder(in: temporaryDirectory)
        let script = folder + "/\(engine)-glue.py"
        try glue.script.write(toFile: script, atomically: true, encoding: .utf8)
        let p = Process()
        // setpriv: the engine dies with this process even when it is killed outright.
        if let setpriv = ChildProcess.locate("setpriv") {
            p.executableURL = URL(fileURLWithPath: setpriv)
            p.arguments = ["--pdeathsig", "KILL", python, script, String(threads)]
        } else {
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [script, String(threads)]
        }
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        // numpy's and OpenMP's own pools get the same share of the cores as onnxruntime.
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        p.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        do { try p.run() } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw MixdownError.failure("speech engine '\(engine)': cannot start \(python)", code: .speechFailed)
        }
        (process, input, work) = (p, stdin.fileHandleForWriting, folder)
        output = dup(stdout.fileHandleForReading.fileDescriptor)
        try? stdout.fileHandleForReading.close()
    }

    enum Read { case line([UInt8]), ended, timedOut }

    /// One line from the process; `ended` when it closed its output (or wrote a line longer
    /// than 16 MB), `timedOut` when the deadline passed first.
    private func readLine(deadline: Date) -> Read {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffered.firstIndex(of: 10) {
                let line = Array(buffered[..<newline])
                buffered.removeFirst(newline + 1)
                return .line(line)
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return .timedOut }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1_000))
            if ready < 0 && errno != EINTR { return .ended }
            if ready > 0 {
                let n = read(output, &chunk, chunk.count)
                if n <= 0 { return .ended }   // the process ended
                buffered += chunk[0..<n]
                if buffered.count > 16 << 20 { return .ended }
            }
        }
    }
}
