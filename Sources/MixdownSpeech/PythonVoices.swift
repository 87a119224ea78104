import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

/// What a Python interpreter has installed, read from its folders (no Python starts): the
/// package folders of `PREFIX/bin/python`'s environment and the distributions' versions.
public struct PythonPackages: Sendable, Equatable {
    /// The interpreter's prefix (`.venv` for `.venv/bin/python`; symbolic links not followed,
    /// since a virtual environment's python is one).
    public var prefix: String
    /// Its package folders: `PREFIX/lib/python3.X/site-packages` (and `dist-packages`).
    public var sites: [String]

    public init(python: String) {
        let prefix = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent().path
        var sites = [String]()
        for lib in [prefix + "/lib", prefix + "/local/lib"] {
            for version in ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).sorted() where version.hasPrefix("python3") {
                for kind in ["site-packages", "dist-packages"] {
                    let site = "\(lib)/\(version)/\(kind)"
                    if FileManager.default.fileExists(atPath: site) { sites.append(site) }
                }
            }
        }
        (self.prefix, self.sites) = (prefix, sites)
    }

    /// The first package folder holding `path` (a file or folder), or nil.
    public func site(holding path: String) -> String? {
        sites.first { FileManager.default.fileExists(atPath: "\($0)/\(path)") }
    }

    /// Whether a package folder holds a compiled module `name` (`name.cpython-311-….so`).
    public func hasExtension(_ name: String) -> Bool {
        sites.contains { site in
            ((try? FileManager.default.contentsOfDirectory(atPath: site)) ?? []).contains { $0.hasPrefix(name + ".") && $0.hasSuffix(".so") }
        }
    }

    /// The installed version of `distribution` (its `NAME-VERSION.dist-info` or `.egg-info`;
    /// the name with `_` for `-`, case ignored), or nil.
    public func version(of distribution: String) -> String? {
        let name = distribution.replacingOccurrences(of: "-", with: "_").lowercased()
        for site in sites {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: site)) ?? []).sorted()
            where entry.hasSuffix(".dist-info") || entry.hasSuffix(".egg-info") {
                let stem = entry.split(separator: ".").dropLast().joined(separator: ".")   // NAME-VERSION[-pyX.Y]
                let parts = stem.split(separator: "-")
                if parts.count >= 2, parts[0].lowercased() == name { return String(parts[1]) }
            }
        }
        return nil
    }
}

/// A voice of a Python engine other than Piper (hibari, SVOX Pico), as listed and checked.
public struct PythonVoice: Sendable, Equatable {
    /// What a production's `voice` names: `hibari-heart`, `pico-en-US`.
    public var id: String
    /// `hibari` or `pico`.
    public var engine: String
    public var name: String
    public var languages: [String]
    public var gender: String
    /// The engine's own rate (Mixdown resamples it to 48 kHz).
    public var sampleRate: Int
    /// `neural` (hibari) or `parametric` (Pico).
    public var quality: String
    /// The engine's own name for it: hibari's voice (`heart`), Pico's language (`en-US`).
    public var key: String
}

/// Speech at the render rate from a glue's WAV: decoded, mixed to mono, resampled to 48 kHz.
func renderRateMono(_ wav: String) throws -> [Float] {
    let decoded = try AudioFileReader.read(wav)
    return try Resampler.resample(ChannelMix.toMono(decoded.audio), to: SampleTime.renderRate, quality: .medium).channels[0]
}

extension PythonHost {
    /// One request whose answer is a WAV (hibari, Pico, Kokoro): the call with `output` set to
    /// a file in a working folder of its own, the engine's refusal as one line naming it and
    /// the voice, the audio at the render rate, mono.
    func speak(_ fields: [String: Any], text: String, voice: String) throws -> [Float] {
        let work = try ChildProcess.workingFolder(in: temporaryDirectory)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let wav = work + "/speech.wav"
        let answer = try call(fields.merging(["output": wav]) { _, output in output }, text: text)
        guard answer.ok else {
            throw MixdownError.badInput("speech engine '\(glue.engine)' (voice \(voice)): \(answer.error ?? "no audio")", code: .speechFailed)
        }
        return try renderRateMono(wav)
    }

    /// A neural model that takes its own speed (it divides its durations by it, 0.5–2: hibari
    /// and Kokoro's Japanese voices): a speed beyond that is made up by time-stretching, pitch
    /// kept; pitch shifted keeping the length; peaks held 15 dB over the loudness like Piper's
    /// (these models peak 13–21 dB over it). Word timings derived from the clip.
    func speakWithModelSpeed(_ request: SpeechRequest, voice: PythonVoice) throws -> SpeechClip {
        let speed = Self.modelSpeed(request.speed)
        var mono = try speak(["voice": voice.key, "text": request.text, "speed": speed], text: request.text, voice: voice.id)
        let rest = request.speed / speed
        if abs(rest - 1) > 1e-9, !mono.isEmpty {
            mono = TimeStretch.stretch(mono, sampleRate: SampleTime.renderRate, to: max(1, Int((Double(mono.count) / rest).rounded())), pitch: 1)
        }
        if request.pitch != 1, !mono.isEmpty { mono = TimeStretch.stretch(mono, sampleRate: SampleTime.renderRate, to: mono.count, pitch: request.pitch) }
        mono = PiperEngine.tamePeaks(mono)
        return SpeechClip(audio: mono, words: DerivedWords.derive(request.text, over: mono))
    }

    /// The speed such a model is given: its own range, 0.5–2.
    static func modelSpeed(_ speed: Double) -> Double { max(0.5, min(2, speed)) }
}

/// hibari (`hibari-tts`): a small neural voice distilled from Kokoro, onnxruntime and numpy
/// only. Only `heart` is offered, the voice inside the package: hibari downloads its other
/// voices on first use, and Mixdown downloads nothing while it renders.
public struct HibariEngine: SpeechEngine {
    public let host: PythonHost
    /// hibari-tts's version (part of the cache key).
    public let version: String
    public let voice: PythonVoice

    public init(host: PythonHost, version: String, voice: PythonVoice = VoiceLibrary.hibariVoices[0]) {
        (self.host, self.version, self.voice) = (host, version, voice)
    }

    public var identity: String { "hibari-glue-1 hibari-tts \(version) \(voice.key) seed-0 peaks-15 words-\(DerivedWords.version)" }
    public var isSerial: Bool { host.processes == 1 }

    /// hibari's own speed control covers 0.5–2 (`PythonHost.speakWithModelSpeed`); its peaks,
    /// 21 dB over the loudness (measured on eight sentences), are held at 15 like Piper's.
    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        try host.speakWithModelSpeed(request, voice: voice)
    }

    /// The Python side: one Hibari model per process (loaded on the first request, from the
    /// package's own file: nothing is downloaded), synthesis at the asked speed with a fixed
    /// noise seed (the same text gives the same audio), a 16-bit WAV at 24 kHz.
    static let glue = #"""
import json, os, sys, wave

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
voices = {}

def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    try:
        request = json.loads(line)
        name = request["voice"]
        if name not in voices:
            import numpy as np
            import hibari
            from hibari import Hibari
            model = os.path.join(os.path.dirname(os.path.abspath(hibari.__file__)), "assets", "hibari.onnx")
            if name != "heart" or not os.path.exists(model):
                raise RuntimeError("voice %s is not in the package" % name)
            voices[name] = Hibari(voice=name, model=model, threads=max(1, threads))
        tts = voices[name]
        import numpy as np
        audio = tts(request["text"], speed=float(request["speed"]), seed=0)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        with wave.open(request["output"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(tts.sample_rate)
            out.writeframes(pcm.tobytes())
        answer({"ok": True, "sampleRate": tts.sample_rate})
    except Exception as error:
        answer({"ok": False, "error": str(error).splitlines()[0] if str(error) else type(error).__name__})
"""#
}

/// SVOX Pico (`ttspico`): small parametric (HMM) voices in six languages, at 16 kHz. Speed is
/// Pico's own rate (percent of its normal pace); pitch is shifted keeping the length.
public struct PicoEngine: SpeechEngine {
    public let host: PythonHost
    /// ttspico's version (part of the cache key).
    public let version: String
    public let voice: PythonVoice

    public init(host: PythonHost, version: String, voice: PythonVoice) { (self.host, self.version, self.voice) = (host, version, voice) }

    public var identity: String { "pico-glue-1 ttspico \(version) \(voice.key) volume-50 words-\(DerivedWords.version)" }
    public var isSerial: Bool { host.processes == 1 }

    /// Pico's rate in percent of its normal pace (it takes 20–500).
    static func rate(_ speed: Double) -> Int { max(20, min(500, Int((speed * 100).rounded()))) }

    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        var mono = try host.speak(["language": voice.key, "text": request.text, "rate": Self.rate(request.speed)], text: request.text, voice: voice.id)
        if request.pitch != 1, !mono.isEmpty { mono = TimeStretch.stretch(mono, sampleRate: SampleTime.renderRate, to: mono.count, pitch: request.pitch) }
        return SpeechClip(audio: mono, words: DerivedWords.derive(request.text, over: mono))
    }

    /// The Python side: one Pico engine per language and process. Pico's volume is set to 50
    /// (of its 100): at 100 it clips (794 full-scale samples in one sentence), at 50 it peaks
    /// near −3 dBFS. Pico reads its own markup in text (`<speed …>`, `<play …>`, spaces allowed
    /// after the `<`): a `<` that could open a tag (a `>` follows before any other `<`)
    /// becomes a space, so that plain text stays plain; `three < four.` keeps its `<`.
    static let glue = #"""
import json, re, sys, wave

engines = {}
tag = re.compile(r"<(?=[^<>]*>)")

def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    try:
        request = json.loads(line)
        language = request["language"]
        if language not in engines:
            import ttspico
            engine = ttspico.TtsEngine(language)
            engine.volume = 50
            engines[language] = engine
        engine = engines[language]
        engine.rate = int(request["rate"])
        text = tag.sub(" ", request["text"])
        pcm = engine.speak(text) or b""
        with wave.open(request["output"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(pcm)
        answer({"ok": True, "sampleRate": 16000})
    except Exception as error:
        answer({"ok": False, "error": str(error).splitlines()[0] if str(error) else type(error).__name__})
"""#
}

extension PythonGlue {
    /// hibari: requests `voice`, `text`, `speed`, `output`.
    public static let hibari = PythonGlue(engine: "hibari", script: HibariEngine.glue)
    /// SVOX Pico: requests `language`, `text`, `rate`, `output`.
    public static let pico = PythonGlue(engine: "pico", script: PicoEngine.glue)
}
