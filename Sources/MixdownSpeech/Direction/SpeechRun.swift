import MixdownScript

/// How a stretch of speech is said, relative to the item's voice settings: what SSML
/// `<prosody>` and `<emphasis>` ask for (docs/speech.md "Directing speech").
public struct Prosody: Sendable, Hashable {
    /// Multiplies the speed (0.8 = 20 % slower).
    public var rate: Double = 1
    /// Multiplies the voice's pitch (1.2 = 20 % higher), keeping the length.
    public var pitch: Double = 1
    /// Gain in dB against the rest of the item.
    public var volumeDb: Double = 0

    public init(rate: Double = 1, pitch: Double = 1, volumeDb: Double = 0) { (self.rate, self.pitch, self.volumeDb) = (rate, pitch, volumeDb) }

    public var isNeutral: Bool { rate == 1 && pitch == 1 && volumeDb == 0 }
}

/// A run of speech with one prosody: a speech item's text after its markup, lexicon and
/// normalisation, as pieces of text and phoneme spans. Engines without SSML speak an item run
/// by run; espeak-ng gets the runs back as SSML.
public struct SpeechRun: Sendable, Hashable {
    public enum Piece: Sendable, Hashable {
        case text(String)
        /// A word (or phrase) said as these phonemes: from a lexicon entry or `<phoneme>`.
        case phoneme(grapheme: String, phoneme: String, alphabet: LexiconEntry.Alphabet)
    }

    public var pieces: [Piece]
    public var prosody: Prosody

    public init(pieces: [Piece], prosody: Prosody = Prosody()) { (self.pieces, self.prosody) = (pieces, prosody) }

    /// Everything that changes how the run sounds, for the speech cache's key.
    public var cacheDescription: String {
        "\(prosody.rate) \(prosody.pitch) \(prosody.volumeDb)|" + pieces.map { piece in
            switch piece {
            case .text(let t): return "t" + t
            case .phoneme(let g, let p, let a): return "p\(a.rawValue)\u{1F}\(p)\u{1F}\(g)"
            }
        }.joined(separator: "\u{1C}")
    }

    /// The run as written words: phonemes as their graphemes.
    public var graphemeText: String {
        pieces.map { if case .phoneme(let g, _, _) = $0 { return g }; if case .text(let t) = $0 { return t }; return "" }.joined()
    }
}

extension Array where Element == SpeechRun {
    /// Adjacent runs with the same prosody joined, punctuation-only runs joined to the run
    /// before, empty runs dropped: the fewest engine calls for the same speech.
    func merged() -> [SpeechRun] {
        var out = [SpeechRun]()
        for run in self where !run.pieces.isEmpty {
            // Punctuation alone (the full stop after a closing tag) belongs to the run before.
            let wordless = !run.graphemeText.contains { $0.isLetter || $0.isNumber }
            if var last = out.last, last.prosody == run.prosody || wordless {
                last.pieces += run.pieces
                out[out.count - 1] = last
            } else {
                out.append(run)
            }
        }
        // Adjacent text pieces joined, so the lexicon and normaliser see whole phrases.
        return out.map { run in
            var pieces = [SpeechRun.Piece]()
            for piece in run.pieces {
                if case .text(let b) = piece, case .text(let a)? = pieces.last { pieces[pieces.count - 1] = .text(a + b) } else { pieces.append(piece) }
            }
            return SpeechRun(pieces: pieces, prosody: run.prosody)
        }
        .filter { !$0.graphemeText.allSatisfy(\.isWhitespace) }
    }
}
