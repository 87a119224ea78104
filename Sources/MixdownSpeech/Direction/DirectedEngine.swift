import Foundation
import MixdownCore
import MixdownDSP

/// Any engine, directed: a speech item's runs (SpokenForm) spoken the way the engine can.
/// An engine that reads SSML (espeak-ng, a command engine with `"ssml": true`) gets the runs
/// back as SSML in one call; any other speaks run by run, each at the item's speed times the
/// run's rate, its pitch shifted keeping the length, its gain applied, joined with the pause
/// its punctuation asks for (docs/speech.md "Directing speech"). Breaks are never here: they
/// are items of the timeline, exact to the sample.
public struct DirectedEngine: SpeechEngine {
    public let base: any SpeechEngine

    public init(_ base: any SpeechEngine) { self.base = base }

    public var identity: String { base.identity + " directed-1" }
    public var isSerial: Bool { base.isSerial }
    public var takesSSML: Bool { base.takesSSML }
    public var phonemeInput: PhonemeInput? { base.phonemeInput }
    public var ssmlPitchScale: Double { base.ssmlPitchScale }

    /// Between runs spoken apart: after a full stop (or ? !), a comma (or ; :), or mid-phrase.
    static let gapAfterSentence = 14_400, gapAfterClause = 7_200, gapInPhrase = 2_400

    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        guard let runs = request.runs, !runs.isEmpty else { return try base.synthesize(request) }
        let language = SpokenForm.language(ofVoice: request.voice)
        let relative = runs.map { Prosody(rate: $0.prosody.rate, pitch: $0.prosody.pitch, volumeDb: $0.prosody.volumeDb - request.gainDb) }
        if base.takesSSML {
            let ssml = Self.ssml(runs, relative: relative, input: base.phonemeInput, language: language, pitchScale: base.ssmlPitchScale)
            let plain = SpokenForm.spokenText(runs, input: base.phonemeInput, language: language)
            var clip = try base.synthesize(SpeechRequest(text: plain, markup: ssml, voice: request.voice, speed: request.speed, pitch: request.pitch))
            clip.words = Self.graphemes(clip.words, runs: runs)
            return clip
        }
        if runs.count == 1, relative[0].isNeutral {
            var clip = try base.synthesize(SpeechRequest(text: SpokenForm.engineText(runs[0], input: base.phonemeInput, language: language).text, voice: request.voice,
                                                         speed: request.speed, pitch: request.pitch))
            clip.words = Self.graphemes(clip.words, runs: runs)
            return clip
        }
        var audio = [Float](), words = [SpeechClip.Word]()
        for (run, prosody) in zip(runs, relative) {
            let text = SpokenForm.engineText(run, input: base.phonemeInput, language: language).text
            guard !text.isEmpty else { continue }
            var clip = try base.synthesize(SpeechRequest(text: text, voice: request.voice, speed: request.speed * prosody.rate, pitch: request.pitch))
            clip = SpeechCleanup.trim(clip)
            if prosody.pitch != 1 {
                clip.audio = TimeStretch.stretch(clip.audio, sampleRate: SampleTime.renderRate, to: clip.audio.count, pitch: prosody.pitch)
            }
            if prosody.volumeDb != 0 {
                let gain = Float(pow(10, prosody.volumeDb / 20))
                for i in clip.audio.indices { clip.audio[i] *= gain }
            }
            if !audio.isEmpty {
                let last = words.last?.text.last ?? " "
                let gap = ".!?".contains(last) ? Self.gapAfterSentence : ",;:".contains(last) ? Self.gapAfterClause : Self.gapInPhrase
                audio += [Float](repeating: 0, count: gap)
            }
            let offset = audio.count
            words += Self.graphemes(clip.words, runs: [run]).map { SpeechClip.Word(text: $0.text, start: $0.start + offset, end: $0.end + offset) }
            audio += clip.audio
        }
        return SpeechClip(audio: audio, words: words)
    }

    /// The runs as SSML for an engine that reads it: each run with a prosody other than the
    /// item's in `<prosody rate pitch volume>` (percentages), phonemes in the engine's syntax.
    static func ssml(_ runs: [SpeechRun], relative: [Prosody], input: PhonemeInput?, language: String? = nil, pitchScale: Double = 1) -> String {
        func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
        var out = ""
        for (run, p) in zip(runs, relative) {
            let text = SpokenForm.engineText(run, input: input, language: language).text
            var escaped = ""
            // Escape the text, not the phoneme brackets' content (which has no < > &).
            for c in text {
                switch c {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                default: escaped.append(c)
                }
            }
            if p.isNeutral {
                out += escaped + " "
            } else {
                var attributes = ""
                if p.rate != 1 { attributes += " rate=\"\(percent(p.rate))\"" }
                if p.pitch != 1 { attributes += String(format: " pitch=\"%+.0f%%\"", (p.pitch - 1) * 100 * pitchScale) }
                if p.volumeDb != 0 { attributes += " volume=\"\(percent(pow(10, p.volumeDb / 20)))\"" }
                out += "<prosody\(attributes)>\(escaped)</prosody> "
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Words an engine reported for phoneme brackets (`[[…]]`) take the grapheme they stand for,
    /// in order; the rest are as spoken.
    static func graphemes(_ words: [SpeechClip.Word], runs: [SpeechRun]) -> [SpeechClip.Word] {
        var graphemes = runs.flatMap { $0.pieces.compactMap { if case .phoneme(let g, _, _) = $0 { return g }; return nil } }[...]
        guard !graphemes.isEmpty else { return words }
        return words.map { w in
            guard w.text.hasPrefix("[["), let g = graphemes.popFirst() else { return w }
            return SpeechClip.Word(text: g, start: w.start, end: w.end)
        }
    }
}
