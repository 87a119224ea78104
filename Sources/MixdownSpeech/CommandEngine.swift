import Foundation
import MixdownCore
import MixdownIO

/// Any other TTS (piper, a cloud CLI, a company's own engine) as a command line. The argv may
/// hold `{text}`, `{voice}`, `{speed}` and `{output}`; `stdin`, if given, is written to the
/// engine's standard input with the same placeholders. The engine writes a WAV (or any audio
/// Mixdown reads) to `{output}`, or to standard output when the argv has no `{output}`.
public struct CommandEngine: SpeechEngine {
    public var command: [String]
    public var stdin: String?
    public var timeoutSeconds: Double
    /// Where each call's working folder is made (the render's temporary folder).
    public var temporaryDirectory: String

    /// Whether `{text}` is SSML (`<speak>…</speak>`) for this engine (`"ssml": true`).
    public var takesSSML: Bool

    public init(command: [String], stdin: String?, timeoutSeconds: Double, temporaryDirectory: String = "/tmp", ssml: Bool = false) {
        self.temporaryDirectory = temporaryDirectory
        (self.command, self.stdin, self.timeoutSeconds, self.takesSSML) = (command, stdin, timeoutSeconds, ssml)
    }

    var name: String { URL(fileURLWithPath: command[0]).lastPathComponent }

    /// The command line as configured, and the program's size and modification time, so that
    /// upgrading the engine invalidates its cached speech.
    public var identity: String {
        let program = ChildProcess.locate(command[0]) ?? command[0]
        let attributes = try? FileManager.default.attributesOfItem(atPath: program)
        let stamp = "\((attributes?[.size] as? Int) ?? 0)-\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        return "command \(command.joined(separator: "\u{1F}")) stdin=\(stdin ?? "") ssml=\(takesSSML) program=\(program)@\(stamp)"
    }

    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        let work = try ChildProcess.workingFolder(in: temporaryDirectory)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/speech.wav"
        let text = takesSSML ? "<speak>\(request.markup ?? request.text)</speak>" : request.text
        func fill(_ s: String) -> String {
            s.replacingOccurrences(of: "{text}", with: text)
                .replacingOccurrences(of: "{voice}", with: request.voice)
                .replacingOccurrences(of: "{speed}", with: String(format: "%g", request.speed))
                .replacingOccurrences(of: "{output}", with: output)
        }
        let argv = command.map(fill)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(argv, stdin: stdin.map { Data(fill($0).utf8) }, timeout: timeoutSeconds, workingDirectory: work)
        } catch ChildProcess.Failure.notFound(let program) {
            throw MixdownError.badInput("speech engine '\(program)': no such program", code: .speechFailed)
        } catch ChildProcess.Failure.cannotStart(let program, let code) {
            throw MixdownError.failure("speech engine '\(program)': cannot start (\(String(cString: strerror(code))))", code: .speechFailed)
        }
        if outcome.overran {
            throw MixdownError.badInput("speech engine '\(name)' wrote more than \(ChildProcess.maximumBytes >> 20) MB for \"\(request.text.prefix(40))\" and was stopped", code: .speechFailed)
        }
        if outcome.timedOut {
            throw MixdownError.badInput("speech engine '\(name)' did not finish within \(String(format: "%g", timeoutSeconds)) s (timeoutSeconds) for \"\(request.text.prefix(40))\"", code: .speechFailed)
        }
        guard outcome.status == 0 else {
            let last = outcome.stderr.split(separator: "\n").last.map { ": \($0.trimmingCharacters(in: .whitespaces))" } ?? ""
            throw MixdownError.badInput("speech engine '\(name)' failed (exit \(outcome.status))\(last)", code: .speechFailed)
        }
        if !command.contains(where: { $0.contains("{output}") }) {
            _ = FileManager.default.createFile(atPath: output, contents: outcome.stdout)
        }
        let decoded: DecodedFile
        do { decoded = try AudioFileReader.read(output) } catch let e as MixdownError {
            let reason = e.message.replacingOccurrences(of: "\(output): ", with: "")
            throw MixdownError.badInput("speech engine '\(name)' wrote no usable audio (\(reason))", code: .speechFailed)
        }
        let mono = try Resampler.resample(ChannelMix.toMono(decoded.audio), to: SampleTime.renderRate, quality: .medium).channels[0]
        return SpeechClip(audio: mono, words: EstimatedWords.spread(request.text, over: mono))
    }
}
