import Foundation

/// The one error type that reaches a user. `message` is the single line the CLI prints: it
/// names the file (and line:col or key path where there is one) and says what is wrong. The
/// same error as data — a stable `code`, the bare `reason`, and where (`location`, `keyPath`) —
/// is what a service returns as JSON (`json`).
public struct MixdownError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The user's input is wrong: exit 1.
        case badInput
        /// The command line itself is wrong: exit 2.
        case usage
        /// Something outside the user's control failed (disk full, codec library error): exit 1.
        case failure
        /// The render was cancelled by its caller (`RenderControl.cancel()`).
        case cancelled
    }

    /// A stable name for the kind of mistake: programs branch on it, people read `message`.
    /// The raw values are the documented codes (docs/service.md, docs/batch.md).
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// A production file's JSON is well-formed but wrong (a key, a type, a range).
        case invalidProduction
        /// A script's tags or markup are wrong.
        case invalidScript
        /// A name (section, segment, media, effect, template, voice) that does not exist.
        case unknownName
        /// Times that cannot be kept (`endAt` order, `forceLength`, the length limit).
        case invalidTiming
        /// An audio file that cannot be decoded.
        case invalidAudio
        /// An output that cannot be written where asked.
        case outputNotWritable
        /// An output path that names something other than a regular file.
        case invalidOutput
        /// A speech engine failed or timed out.
        case speechFailed
        /// Text that is not JSON (or has a key twice).
        case invalidJSON
        /// A batch's audience (CSV) is wrong.
        case invalidAudience
        /// A sound template that cannot be added (its manifest, files, loop points, loudness, size).
        case invalidTemplate
        /// What the service does not allow (file paths, commands).
        case forbidden
        /// The command line itself is wrong.
        case usage
        /// The caller cancelled the render.
        case cancelled
        /// A section's content does not fit its span and `overflow` is `fail` (or strict mode).
        case sectionOverflow
        // Strict delivery (docs/strict-delivery.md): each warning of a render, refused.
        /// SSML an engine cannot speak was dropped.
        case markupRemoved
        /// SSML or a phoneme an engine cannot honour was spoken without it.
        case ssmlIgnored
        /// A voice that is not installed was replaced by a `voiceFallback`.
        case voiceFallback
        /// Personalisation the script never uses.
        case unusedVariable
        /// Sound segments asked for without a sound template.
        case noSoundTemplate
        /// `ending: button` on a programme too short for the button (it faded instead).
        case endingFallback
        /// A tag, the cover or the chapters cannot be held by a delivered format.
        case tagsNotWritten
        /// The delivered loudness missed its target or the ceiling.
        case loudnessTargetMissed
        /// Reaching the target took more than 6 dB of limiting.
        case heavyLimiting
        /// A recording's clean-up step could not act.
        case cleanupSkipped
        /// Any other bad input.
        case invalidInput
        /// Something outside the user's control failed.
        case internalError
    }

    public var kind: Kind
    public var code: Code
    /// What is wrong, without where.
    public var reason: String
    /// Where in a script or production file, when the mistake is in one.
    public var location: SourceLocation?
    /// The key path in a production (`sectionProperties.first.justify`), when there is one.
    public var keyPath: String?

    public init(_ kind: Kind, _ reason: String, code: Code? = nil, location: SourceLocation? = nil, keyPath: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.code = code ?? Self.defaultCode(kind)
        self.location = location
        self.keyPath = keyPath
    }

    static func defaultCode(_ kind: Kind) -> Code {
        switch kind {
        case .badInput: .invalidInput
        case .usage: .usage
        case .failure: .internalError
        case .cancelled: .cancelled
        }
    }

    public static func badInput(_ message: String, code: Code? = nil) -> MixdownError { .init(.badInput, message, code: code) }
    public static func usage(_ message: String) -> MixdownError { .init(.usage, message) }
    public static func failure(_ message: String, code: Code? = nil) -> MixdownError { .init(.failure, message, code: code) }
    public static let cancelled = MixdownError(.cancelled, "cancelled")

    /// `file:line:col: key.path: reason` — the one line.
    public var message: String {
        var parts = [String]()
        if let location { parts.append(location.description) }
        if let keyPath, !keyPath.isEmpty { parts.append(keyPath) }
        parts.append(reason)
        return Self.oneLine(Self.bounded(parts.joined(separator: ": ")))
    }

    /// User text quoted in a message (a tag, a key, a name): its first 60 characters.
    public static func excerpt(_ text: some StringProtocol) -> String { text.count > 60 ? text.prefix(60) + "…" : String(text) }

    /// A message that quotes long user text anyway (a key path through long keys) keeps its
    /// start (where) and its end (what to do), at most about 600 characters in all.
    static func bounded(_ line: String) -> String {
        line.count <= 600 ? line : line.prefix(300) + " … " + line.suffix(300)
    }

    /// Control characters and line separators that a user's text can carry into a message (a
    /// newline inside a tag, a NUL or an escape sequence in a name) written as escapes, so the
    /// message stays one line and a terminal shows it as it is.
    static func oneLine(_ text: String) -> String {
        func unsafe(_ u: Unicode.Scalar) -> Bool { u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}" }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case _ where unsafe(u): out.append(contentsOf: "\\u{\(String(u.value, radix: 16))}".unicodeScalars)
            default: out.append(u)
            }
        }
        return String(out)
    }

    public var description: String { message }

    /// Two errors are the same when they are of one kind and say the same line, however that
    /// line was put together.
    public static func == (a: MixdownError, b: MixdownError) -> Bool { a.kind == b.kind && a.message == b.message }

    /// Where, as the service's `path`: the key path when there is one, else file:line:col.
    public var path: String? { keyPath.flatMap { $0.isEmpty ? nil : $0 } ?? location?.description }

    /// The same error placed at `location` (a clip's failure reported at its line in the script).
    public func located(at location: SourceLocation) -> MixdownError {
        var e = self
        if e.location == nil { e.location = location } else { e.reason = e.message; e.location = location; e.keyPath = nil }
        return e
    }

    /// `{"error": {"code": …, "message": …, "path": …}}`, as the service answers.
    public func json() -> Data {
        var error: [String: String] = ["code": code.rawValue, "message": reason]
        if let path { error["path"] = path }
        if let location { error["location"] = location.description }
        return (try? JSONOutput.encode(["error": error])) ?? Data(#"{"error":{"code":"internalError"}}"#.utf8)
    }
}
