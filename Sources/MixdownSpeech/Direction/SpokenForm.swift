import MixdownCore
import MixdownScript

/// How an engine takes phonemes inside its text (docs/lexicons.md): espeak-ng reads `[[…]]` in
/// its own mnemonics, Piper `[[ … ]]` in IPA; an engine without either is given the word as
/// written (and the render warns).
public enum PhonemeInput: Sendable, Hashable {
    case espeak
    case ipa
}

/// What a speech item becomes before any engine hears it: its markup as runs (SpeechMarkup),
/// the lexicon's entries for its voice, then the normaliser on whatever is still text
/// (docs/speech.md "Directing speech"). Pure: the same text, voice and settings always give the
/// same runs, which is what the speech cache keys on.
public enum SpokenForm {
    public struct Prepared: Sendable, Equatable {
        public var runs: [SpeechRun]
        /// SSML the engine cannot honour, one phrase each.
        public var ignored: [String]
    }

    /// `lexicon` already scoped to the voice (`Lexicon.applying(language:voice:)`).
    public static func prepare(text: String, markup: String?, language: String, lexicon: Lexicon, normalise: Bool) -> Prepared {
        let parsed = SpeechMarkup.parse(text: text, markup: markup, language: language)
        let runs = parsed.runs.map { run in
            var pieces = [SpeechRun.Piece]()
            for piece in run.pieces {
                guard case .text(let t) = piece else { pieces.append(piece); continue }
                for p in lexicon.isEmpty ? [.text(t)] : lexicon.apply(to: t) {
                    switch p {
                    case .text(let plain): pieces.append(.text(normalise ? TextNormaliser.normalise(plain, language: language) : plain))
                    case .phoneme(let g, let ph, let alphabet): pieces.append(.phoneme(grapheme: g, phoneme: ph, alphabet: alphabet))
                    }
                }
            }
            return SpeechRun(pieces: pieces, prosody: run.prosody)
        }
        return Prepared(runs: runs.merged(), ignored: parsed.ignored)
    }

    /// A run as one engine's input text: phonemes in the engine's syntax, or as written when
    /// it has none (`unhonoured` true then). Whitespace collapsed, none before punctuation.
    public static func engineText(_ run: SpeechRun, input: PhonemeInput?, language: String? = nil) -> (text: String, unhonoured: Bool) {
        var out = "", unhonoured = false
        for piece in run.pieces {
            switch piece {
            case .text(let t):
                out += t
            case .phoneme(let grapheme, let phoneme, let alphabet):
                switch (input, alphabet) {
                case (.espeak, .espeak): out += " [[\(phoneme)]] "
                case (.espeak, .ipa):
                    if let converted = try? PhonemeAlphabet.espeak(fromIPA: phoneme, language: language) { out += " [[\(converted)]] " } else { out += grapheme; unhonoured = true }
                case (.ipa, .ipa): out += " [[\(phoneme)]] "
                case (.ipa, .espeak):
                    out += " [[\(PhonemeAlphabet.ipa(fromEspeak: phoneme, language: language))]] "
                case (nil, _): out += grapheme; unhonoured = true
                }
            }
        }
        return (tidy(out), unhonoured)
    }

    /// Words separated by one space, none before `, . ; : ! ?`.
    static func tidy(_ s: String) -> String {
        var words = [String]()
        for word in s.split(whereSeparator: \.isWhitespace) {
            if !words.isEmpty, word.allSatisfy({ ",.;:!?".contains($0) }) { words[words.count - 1] += word } else { words.append(String(word)) }
        }
        return words.joined(separator: " ")
    }

    /// The whole item as the engine was given it (the report's `spokenText`).
    public static func spokenText(_ runs: [SpeechRun], input: PhonemeInput?, language: String? = nil) -> String {
        tidy(runs.map { engineText($0, input: input, language: language).text }.joined(separator: " "))
    }

    /// The language a voice speaks, for the normaliser and lexicon scoping: a Piper id's
    /// `xx_YY` prefix, the language hibari's and Pico's voices are listed with (`pico-de-DE` →
    /// `de-DE`), else the espeak-ng voice without its variant (`en-us+f3` → `en-us`,
    /// `en-gb-x-rp` → `en-gb`).
    public static func language(ofVoice voice: String) -> String {
        if PiperLibrary.isPiperVoiceID(voice) { return String(voice.prefix { $0 != "-" }).replacingOccurrences(of: "_", with: "-") }
        if let listed = (VoiceLibrary.hibariVoices + VoiceLibrary.picoVoices).first(where: { $0.id == voice }), let language = listed.languages.first {
            return language
        }
        var v = String(voice.prefix { $0 != "+" })
        if let x = v.range(of: "-x-") { v = String(v[..<x.lowerBound]) }
        return v
    }
}
