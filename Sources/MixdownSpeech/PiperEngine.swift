import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
#if canImport(Glibc)
import Glibc
#endif

/// A Piper neural voice: `NAME.onnx` with its `NAME.onnx.json` (the model's configuration:
/// language, sample rate, quality).
public struct PiperVoice: Sendable, Equatable {
    /// The model's file name without `.onnx` (`en_US-joe-medium`): the `voice` a production names.
    public var id: String
    public var model: String
    public var languages: [String]
    /// `x_low`, `low`, `medium` or `high`, from the configuration (or the name).
    public var quality: String?
    public var sampleRate: Int?

    /// The voices in `folders` (first found of an id wins), sorted by id. A folder may hold
    /// models directly or one level down (`VOICE/VOICE.onnx`).
    public static func find(in folders: [String]) -> [PiperVoice] {
        var found = [String: PiperVoice]()
        let fm = FileManager.default
        for folder in folders {
            var candidates = [String]()
            for entry in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
                let path = folder + "/" + entry
                if entry.hasSuffix(".onnx") { candidates.append(path) }
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    candidates += ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".onnx") }.sorted().map { path + "/" + $0 }
                }
            }
            for model in candidates {
                guard let voice = load(model: model), found[voice.id] == nil else { continue }
                found[voice.id] = voice
            }
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// A model and its configuration, or nil when the configuration is missing or unreadable.
    public static func load(model: String) -> PiperVoice? {
        guard let text = try? InputFile.readText(model + ".json", limit: 4 << 20), let data = text.data(using: .utf8),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        let id = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
        let language = (config["language"] as? [String: Any])?["code"] as? String
            ?? (config["espeak"] as? [String: Any])?["voice"] as? String
        let quality = (config["audio"] as? [String: Any])?["quality"] as? String ?? id.split(separator: "-").last.map(String.init)
        let rate = (config["audio"] as? [String: Any])?["sample_rate"] as? Int
        return PiperVoice(id: id, model: model, languages: language.map { [$0.replacingOccurrences(of: "_", with: "-")] } ?? [],
                          quality: quality, sampleRate: rate)
    }
}

extension PythonGlue {
    /// Piper (neural TTS, onnxruntime): one model cache per process, synthesis, and the
    /// phoneme alignments grouped into words. Requests: `model`, `text`, `lengthScale`, `output`.
    public static let piper = PythonGlue(engine: "piper", script: PiperEngine.glue)
}

extension PiperEngine {
    /// The Python side: model cache, synthesis, words from the phoneme alignments. Each answer
    /// is one JSON line; any failure is an answer with `"ok": false` and the reason.
    static let glue = #"""
import hashlib, json, sys, wave
import numpy, onnx, onnxruntime
from onnx import helper, numpy_helper, TensorProto

models = {}
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 0

class SeededSession:
    # Piper's graph draws its noise (the duration predictor's and the prior's) with
    # RandomNormalLike, whose generator is seeded once per session and then advances: the same
    # text spoke differently on every call and in every process. Each such node becomes a Slice
    # of a noise input, and the noise is drawn here from a hash of the request's inputs, one
    # stream per channel so the values do not depend on how much was drawn: the same request
    # always speaks the same audio, with the voice's variation kept.
    def __init__(self, make_session, model_bytes):
        model = onnx.load_from_string(model_bytes)
        self.outputs = len(model.graph.output)
        self.noises, nodes = [], []
        for node in model.graph.node:
            if node.op_type != "RandomNormalLike":
                nodes.append(node)
                continue
            name = "mixdown_noise_%d" % len(self.noises)
            self.noises.append(name)
            model.graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [None, None, None]))
            model.graph.initializer.append(numpy_helper.from_array(numpy.zeros(3, dtype=numpy.int64), name + "_starts"))
            nodes.append(helper.make_node("Shape", [node.input[0]], [name + "_shape"]))
            nodes.append(helper.make_node("Slice", [name, name + "_starts", name + "_shape"], [node.output[0]]))
            # The shape each node asked for, to check the noise given covered it.
            model.graph.output.append(helper.make_tensor_value_info(name + "_shape", TensorProto.INT64, [None]))
        del model.graph.node[:]
        model.graph.node.extend(nodes)
        self.session = make_session(model.SerializeToString())

    def run(self, names, feeds):
        key = hashlib.sha256()
        for k in sorted(feeds):
            key.update(k.encode())
            key.update(numpy.ascontiguousarray(feeds[k]).tobytes())
        seed = int.from_bytes(key.digest()[:8], "little")
        length = int(feeds["input"].shape[-1])
        scale = float(feeds["scales"][1]) if "scales" in feeds else 1.0
        # A first guess: the duration predictor's [1, 2, ids] and the prior's [1, 192, frames]
        # (about 1.5 frames an id); too small a guess is seen and drawn again at the real size.
        size = [[1, 2, length + 8] if n == 0 else [1, 192, int(length * 10 * scale) + 256] for n in range(len(self.noises))]
        for attempt in range(6):
            full = dict(feeds)
            for n, name in enumerate(self.noises):
                _, channels, frames = size[n]
                full[name] = numpy.stack([numpy.random.default_rng([seed, n, c]).standard_normal(frames, dtype=numpy.float32)
                                          for c in range(channels)])[None]
            try:
                result = self.session.run(None, full)
            except Exception:
                if attempt == 5:
                    raise
                size = [[1, s[1] * 2, s[2] * 2] for s in size]
                continue
            needed = [[int(v) for v in r] for r in result[self.outputs:]]
            if all(len(a) == 3 and a[1] <= s[1] and a[2] <= s[2] for a, s in zip(needed, size)):
                return result[:self.outputs]
            size = [[1, max(a[1], s[1]), max(a[2], s[2])] for a, s in zip(needed, size)]
        raise RuntimeError("the voice's noise shapes did not settle")

seeded_from = onnxruntime.InferenceSession
def seeded_session(model, sess_options=None, providers=None):
    # The one place Piper's session is made: seeded noise, and as many onnxruntime threads as
    # the host gave this process, not one per core.
    if not isinstance(model, bytes):
        with open(model, "rb") as file:
            model = file.read()
    if threads > 0:
        sess_options = sess_options or onnxruntime.SessionOptions()
        sess_options.intra_op_num_threads = threads
        sess_options.inter_op_num_threads = 1
    return SeededSession(lambda data: seeded_from(data, sess_options=sess_options, providers=providers), model)
onnxruntime.InferenceSession = seeded_session

def voice_for(path):
    if path not in models:
        from piper import PiperVoice
        try:
            models[path] = PiperVoice.load(path, include_alignments=True)
        except Exception as error:
            raise RuntimeError("cannot load the voice model %s: %s" % (path, str(error).splitlines()[0] if str(error) else type(error).__name__))
    return models[path]

def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    try:
        request = json.loads(line)
        from piper import SynthesisConfig
        voice = voice_for(request["model"])
        rate = voice.config.sample_rate
        config = SynthesisConfig(length_scale=request["lengthScale"])
        samples, words, gap = [], [], int(rate * 0.25)
        for n, chunk in enumerate(voice.synthesize(request["text"], config, include_alignments=True)):
            if n > 0:
                samples.append(b"\x00\x00" * gap)
            offset = sum(len(s) for s in samples) // 2
            position, start = offset, None
            for a in (chunk.phoneme_alignments or []):
                p = a.phoneme
                if p in ("^", "$", "_"):
                    position += int(a.num_samples)
                    continue
                if p == " ":
                    if start is not None:
                        words.append([start, position])
                        start = None
                elif start is None and p.strip(".,;:!?\u2014-\"'") != "":
                    start = position
                position += int(a.num_samples)
            if start is not None:
                words.append([start, position])
            samples.append(chunk.audio_int16_bytes)
        with wave.open(request["output"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(b"".join(samples))
        answer({"ok": True, "sampleRate": rate, "words": words})
    except Exception as error:
        answer({"ok": False, "error": str(error).splitlines()[0] if str(error) else type(error).__name__})
"""#
}

/// One Piper voice as a speech engine, spoken through a `PythonHost` running `PythonGlue.piper`.
/// Speed maps to the model's length scale (`lengthScale`);
/// pitch, where asked, is shifted keeping the duration (rubberband). Word timings come from the phoneme
/// alignments; when their count does not match the text's words they are spread by length.
public struct PiperEngine: SpeechEngine {
    public let host: PythonHost
    public let voice: PiperVoice

    public init(host: PythonHost, voice: PiperVoice) { (self.host, self.voice) = (host, voice) }

    /// The model file's size and time: a changed model never serves stale speech.
    public var identity: String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: voice.model)
        return "piper-glue-2 seeded peaks-15 \(voice.id) \((attributes?[.size] as? Int) ?? 0)-\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }

    /// The length scale for a speed. A Piper clip's length is not proportional to the scale:
    /// about 30 % of it does not scale (measured with en_US-joe-medium: scale 0.75 gives 82 %
    /// of the length, 0.7 gives 77 %), so the scale is set for the clip to take 1/speed.
    static func lengthScale(speed: Double) -> Double { max(0.25, min(4, (1 / speed - 0.3) / 0.7)) }

    /// Piper normalises each clip to full scale and keeps sharp plosive peaks, 25 dB over its
    /// loudness where processed speech has 12–15: the mix then needs heavy limiting to reach
    /// a target. A look-ahead limiter (5 ms, 100 ms release) holds the peaks 15 dB over the
    /// clip's loudness; speech itself is untouched.
    static func tamePeaks(_ x: [Float]) -> [Float] {
        let buffer = AudioBuffer(sampleRate: SampleTime.renderRate, channels: [x])
        guard let loudness = LoudnessProfile(buffer, weights: [1]).integrated else { return x }
        let ceiling = Float(pow(10, (loudness + 15) / 20))
        return PeakLimiter(ceiling: ceiling, lookAhead: 240, releaseSamples: 4_800).process(buffer, gain: 1).channels[0]
    }

    /// One process serves every clip in script order, unless the host runs several.
    public var isSerial: Bool { host.processes == 1 }
    /// Piper reads `[[ … ]]` in its text as IPA phonemes.
    public var phonemeInput: PhonemeInput? { .ipa }

    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        let work = try ChildProcess.workingFolder(in: host.temporaryDirectory)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let wav = work + "/speech.wav"
        let answer = try host.call(["model": voice.model, "text": request.text, "lengthScale": Self.lengthScale(speed: request.speed), "output": wav],
                                   text: request.text)
        guard answer.ok, let rate = answer.sampleRate else {
            throw MixdownError.badInput("speech engine 'piper' (voice \(voice.id)): \(answer.error ?? "no audio")", code: .speechFailed)
        }
        let decoded = try AudioFileReader.read(wav)
        var mono = try Resampler.resample(ChannelMix.toMono(decoded.audio), to: SampleTime.renderRate, quality: .medium).channels[0]
        // Pitch: shifted by the time-stretcher with the length kept, so the word timings hold.
        if request.pitch != 1 { mono = TimeStretch.stretch(mono, sampleRate: SampleTime.renderRate, to: mono.count, pitch: request.pitch) }
        mono = Self.tamePeaks(mono)
        let textWords = request.text.split(whereSeparator: \.isWhitespace).map(String.init)
        let spans = answer.words ?? []
        var words: [SpeechClip.Word]
        if spans.count == textWords.count, !spans.isEmpty {
            words = zip(textWords, spans).map { word, span in
                SpeechClip.Word(text: word, start: SampleTime.rescale(Int(span[0]), from: rate, to: SampleTime.renderRate),
                                end: min(mono.count, SampleTime.rescale(Int(span[1]), from: rate, to: SampleTime.renderRate)))
            }
        } else {
            words = EstimatedWords.spread(request.text, over: mono)
        }
        return SpeechClip(audio: mono, words: words)
    }
}

/// The neural voices a render may use and the process that speaks them: one per render (the
/// CLI) or per service process. `voice` in a production names a voice id, or a path to a
/// `.onnx` model.
public final class PiperLibrary: Sendable {
    /// The host running Piper's glue (`PythonGlue.piper`).
    public let host: PythonHost
    public let voices: [PiperVoice]
    /// The folders searched for voices (named when a voice is not installed; a service's
    /// library passes none, so that its errors show no server paths).
    public let folders: [String]
    /// Whether `voice` may be a path to a model (the CLI: yes; a service: no, its voices only).
    public let allowsModelPaths: Bool

    public init(host: PythonHost, folders: [String], voices more: [PiperVoice] = [], allowsModelPaths: Bool = true) {
        self.host = host
        self.folders = folders
        voices = more + PiperVoice.find(in: folders).filter { v in !more.contains { $0.id == v.id } }
        self.allowsModelPaths = allowsModelPaths
    }

    /// Whether Piper's runtime is here: its interpreter exists.
    public var hasRuntime: Bool { FileManager.default.isExecutableFile(atPath: host.python) }

    /// Whether `voice` is written as a Piper voice id (`en_US-joe-medium`:
    /// language_REGION-name-quality), which no espeak-ng voice is.
    public static func isPiperVoiceID(_ voice: String) -> Bool {
        let parts = voice.split(separator: "-")
        guard parts.count >= 3, ["x_low", "low", "medium", "high"].contains(String(parts.last!)) else { return false }
        let language = parts[0].split(separator: "_")
        return language.count == 2 && (2...3).contains(language[0].count) && language[0].allSatisfy(\.isLowercase)
            && language[1].count == 2 && language[1].allSatisfy(\.isUppercase)
    }

    /// Checks, before any speech, that `voice` can be spoken here when it is Piper's (a voice
    /// id of this library, a Piper-style id, or a model path where paths are allowed): true
    /// when Piper will speak it, false when it is no Piper voice (another engine's to check),
    /// and a one-line error (code `unknownName`) naming the folders searched and
    /// `MIXDOWN_VOICES` when it is not installed. `library` nil: no neural voices at all.
    public static func check(_ voice: String, in library: PiperLibrary?) throws -> Bool {
        let runtime = library.flatMap { $0.hasRuntime ? nil : $0.host.python }
        func noRuntime(_ python: String) -> MixdownError {
            MixdownError.badInput("voice '\(MixdownError.excerpt(voice))' needs Piper, which is not installed (no \(python)): "
                                  + "set MIXDOWN_PIPER_PYTHON to a python that has piper-tts, or install Mixdown with its voices (make install)", code: .unknownName)
        }
        if let library, library.voices.contains(where: { $0.id == voice }) {
            if let runtime { throw noRuntime(runtime) }
            return true
        }
        if library?.allowsModelPaths ?? false, voice.hasSuffix(".onnx") {
            guard FileManager.default.fileExists(atPath: voice) else {
                throw MixdownError.badInput("voice '\(MixdownError.excerpt(voice))': no such Piper model file", code: .unknownName)
            }
            if let runtime { throw noRuntime(runtime) }
            return true
        }
        guard isPiperVoiceID(voice) else { return false }
        let searched = library?.folders ?? []
        let place = searched.isEmpty ? "no Piper voice of that name here" : "no \(voice).onnx in \(searched.joined(separator: ", "))"
        let also = runtime.map { "; Piper itself is not installed either (no \($0))" } ?? ""
        throw MixdownError.badInput("voice '\(voice)' is not installed: \(place)\(also); set MIXDOWN_VOICES to a folder holding "
                                    + "\(voice).onnx and its .onnx.json", code: .unknownName)
    }

    /// The engine for `voice` when it names a Piper voice, else nil (another engine's voice).
    /// `check` has refused the voices that cannot be spoken here.
    public func engine(for voice: String) -> PiperEngine? {
        if let v = voices.first(where: { $0.id == voice }) { return PiperEngine(host: host, voice: v) }
        if allowsModelPaths && voice.hasSuffix(".onnx") {
            let model = PiperVoice.load(model: voice) ?? PiperVoice(id: URL(fileURLWithPath: voice).deletingPathExtension().lastPathComponent,
                                                                     model: voice, languages: [], quality: nil, sampleRate: nil)
            return PiperEngine(host: host, voice: model)
        }
        return nil
    }

    /// Where a program run from a shell finds voices and Piper's interpreter. Voices:
    /// `$MIXDOWN_VOICES` (colon-separated), `~/.local/share/mixdown/voices`, the installed
    /// voices (`PREFIX/share/mixdown/voices` beside `PREFIX/bin/mixdown`), and the voices
    /// `make deps` put into the Mixdown checkout's `.venv` (…/.build/<config>/mixdown →
    /// …/.venv). Interpreter: `$MIXDOWN_PIPER_PYTHON`, the installed runtime
    /// (`PREFIX/lib/mixdown/venv/bin/python`), the checkout's `.venv/bin/python`.
    /// `executable` is the program's own file (resolved, not a bare name). The caller passes
    /// its environment in; the engine reads none.
    public static func standardFolders(environment: [String: String], executable: String) -> (folders: [String], python: String) {
        var folders = (environment["MIXDOWN_VOICES"] ?? "").split(separator: ":").map(String.init)
        if let home = environment["HOME"] { folders.append(home + "/.local/share/mixdown/voices") }
        var python = environment["MIXDOWN_PIPER_PYTHON"] ?? ""
        let bin = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let prefix = bin.deletingLastPathComponent()
        // The installed voices: listed (and named when a voice is missing) in an installed
        // layout, PREFIX/bin/mixdown, or wherever they exist.
        let share = prefix.appendingPathComponent("share/mixdown/voices").path
        if bin.lastPathComponent == "bin" || FileManager.default.fileExists(atPath: share) { folders.append(share) }
        let installed = prefix.appendingPathComponent("lib/mixdown/venv/bin/python").path
        if python.isEmpty, FileManager.default.isExecutableFile(atPath: installed) { python = installed }
        var dir = bin
        for _ in 0..<5 {
            let venv = dir.appendingPathComponent(".venv").path
            if FileManager.default.fileExists(atPath: venv + "/bin/python") {
                if python.isEmpty { python = venv + "/bin/python" }
                let lib = venv + "/lib"
                for version in ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).sorted() where version.hasPrefix("python") {
                    let site = "\(lib)/\(version)/site-packages"
                    for package in ((try? FileManager.default.contentsOfDirectory(atPath: site)) ?? []).sorted() where package.hasSuffix("_piper_voice") {
                        folders.append("\(site)/\(package)/data")
                    }
                }
                break
            }
            dir = dir.deletingLastPathComponent()
        }
        return (folders, python.isEmpty ? "/usr/bin/python3" : python)
    }
}
