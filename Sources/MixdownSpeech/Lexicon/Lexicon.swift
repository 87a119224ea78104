import Foundation
import MixdownCore
import MixdownScript

/// A piece of text after a lexicon has been applied: text to speak as written (aliases already
/// substituted into it), or a word or phrase with the phonemes to say it with.
public enum LexiconPiece: Sendable, Equatable {
    case text(String)
    case phoneme(grapheme: String, phoneme: String, alphabet: LexiconEntry.Alphabet)
}

/// A production's lexicon entries, checked and indexed for matching (docs/lexicons.md).
///
/// Matching: whole words only (a match starts and ends at a word boundary — the characters
/// beside it are not letters, digits or an apostrophe inside a word, so "Mixdown" does not
/// match in "Mixdowns" or "Mixdown's"); the longest grapheme first ("New York" before "New");
/// letter case ignored unless the entry is `caseSensitive`; diacritics matter; between equal
/// graphemes the first listed wins; left to right, without overlaps; whitespace inside a
/// grapheme matches any run of whitespace. Entries are indexed by their first word, so a
/// text costs one pass and, per word, only the entries starting with it.
public struct Lexicon: Sendable {
    /// One entry with its grapheme split into tokens.
    struct Compiled: Sendable {
        var entry: LexiconEntry
        /// The grapheme's tokens: words and single punctuation characters as written, and nil
        /// for whitespace.
        var tokens: [String?]
        /// The same, lower-cased (what case-insensitive entries compare).
        var folded: [String?]
        var order: Int
    }

    let compiled: [Compiled]
    /// First token (lower-cased) → indices into `compiled`, longest first, then in order.
    let index: [String: [Int]]

    /// No entries: nothing to check.
    public static let empty = Lexicon(checked: [], index: [:])
    init(checked: [Compiled], index: [String: [Int]]) { (self.compiled, self.index) = (checked, index) }

    /// Checks each entry: a grapheme with text in it; exactly one of alias and phoneme, neither
    /// empty; an IPA phoneme espeak-ng can be given (PhonemeAlphabet), an espeak-ng phoneme
    /// string without brackets.
    public init(_ entries: [LexiconEntry]) throws {
        var compiled = [Compiled]()
        for (n, entry) in entries.enumerated() {
            func refuse(_ why: String) -> MixdownError {
                .badInput("lexicon entry \(n + 1) ('\(MixdownError.excerpt(entry.grapheme))'): \(why)", code: .invalidProduction)
            }
            let tokens = Self.tokens(of: entry.grapheme)
            guard tokens.contains(where: { $0.kind != .space }) else { throw refuse("the grapheme is empty") }
            switch (entry.alias, entry.phoneme) {
            case (nil, nil): throw refuse("needs an alias or a phoneme")
            case (.some, .some): throw refuse("has both an alias and a phoneme; give one")
            case (let alias?, nil):
                guard !alias.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw refuse("the alias is empty") }
            case (nil, let phoneme?):
                guard !phoneme.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw refuse("the phoneme is empty") }
                switch entry.alphabet {
                case .ipa:
                    do { _ = try PhonemeAlphabet.espeak(fromIPA: phoneme, language: entry.language) } catch let e as MixdownError {
                        throw refuse(e.reason)
                    }
                    if phoneme.contains("[") || phoneme.contains("]") { throw refuse("the phoneme may not contain '[' or ']'") }
                case .espeak:
                    if let bad = phoneme.first(where: { !($0.isASCII && !$0.isNewline && $0 != "[" && $0 != "]" && ($0.asciiValue ?? 0) >= 0x20) }) {
                        throw refuse("x-espeak phonemes are ASCII mnemonics without brackets; '\(bad)' is not one")
                    }
                }
            }
            let words: [String?] = Self.trimmed(tokens).map { $0.kind == .space ? nil : String(entry.grapheme[$0.range]) }
            compiled.append(Compiled(entry: entry, tokens: words, folded: words.map { $0?.lowercased() }, order: n))
        }
        self.init(compiled: compiled)
    }

    init(compiled: [Compiled]) {
        self.compiled = compiled
        var index = [String: [Int]]()
        for (i, entry) in compiled.enumerated() {
            guard let first = entry.folded.first ?? nil else { continue }
            index[first, default: []].append(i)
        }
        for key in index.keys {
            index[key]?.sort { a, b in
                compiled[a].tokens.count != compiled[b].tokens.count
                    ? compiled[a].tokens.count > compiled[b].tokens.count : compiled[a].order < compiled[b].order
            }
        }
        self.index = index
    }

    public var isEmpty: Bool { compiled.isEmpty }

    /// The entries as given (in order).
    public var entries: [LexiconEntry] { compiled.map(\.entry) }

    /// The entries that apply to a voice: an entry's `language` is a prefix of the voice's
    /// language at a subtag boundary (`en` matches `en-GB` and `en-us`, `en-GB` matches `en_gb`
    /// but not `en-US`; case and `_`/`-` ignored; no language = every language), and its `voice`,
    /// if any, is the voice's id (case ignored).
    public func applying(language: String, voice: String) -> Lexicon {
        let lang = Self.languageKey(language)
        return Lexicon(compiled: compiled.filter { item in
            if let wanted = item.entry.language {
                let key = Self.languageKey(wanted)
                guard key.isEmpty || lang == key || lang.hasPrefix(key + "-") else { return false }
            }
            if let wanted = item.entry.voice, wanted.lowercased() != voice.lowercased() { return false }
            return true
        })
    }

    static func languageKey(_ language: String) -> String {
        language.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// `text` split into pieces: text as written (with aliases substituted), and phonemes for
    /// the matched words. Joining the pieces, each phoneme piece written as its grapheme (the
    /// words as they stand in `text`), gives `text` back wherever no alias matched.
    public func apply(to text: String) -> [LexiconPiece] {
        guard !compiled.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
        let tokens = Self.tokens(of: text)
        var folded = [String?](repeating: nil, count: tokens.count)
        func lower(_ i: Int) -> String {
            if let f = folded[i] { return f }
            let f = text[tokens[i].range].lowercased()
            folded[i] = f
            return f
        }
        var pieces = [LexiconPiece]()
        var pending = ""
        var copiedTo = text.startIndex
        var i = 0
        while i < tokens.count {
            guard tokens[i].kind != .space, let candidates = index[lower(i)] else { i += 1; continue }
            var found: (entry: Compiled, end: Int)?
            for c in candidates {
                let entry = compiled[c]
                guard i + entry.tokens.count <= tokens.count else { continue }
                var ok = true
                for (k, want) in entry.tokens.enumerated() {
                    let t = tokens[i + k]
                    if let want {
                        if t.kind == .space { ok = false; break }
                        if entry.entry.caseSensitive {
                            if text[t.range] != want[...] { ok = false; break }
                        } else if lower(i + k) != entry.folded[k] { ok = false; break }
                    } else if t.kind != .space { ok = false; break }
                }
                if ok { found = (entry, i + entry.tokens.count - 1); break }
            }
            guard let found else { i += 1; continue }
            let range = tokens[i].range.lowerBound..<tokens[found.end].range.upperBound
            pending += text[copiedTo..<range.lowerBound]
            if let alias = found.entry.entry.alias {
                pending += alias
            } else if let phoneme = found.entry.entry.phoneme {
                if !pending.isEmpty { pieces.append(.text(pending)); pending = "" }
                pieces.append(.phoneme(grapheme: String(text[range]), phoneme: phoneme.trimmingCharacters(in: .whitespacesAndNewlines),
                                       alphabet: found.entry.entry.alphabet))
            }
            copiedTo = range.upperBound
            i = found.end + 1
        }
        pending += text[copiedTo...]
        if !pending.isEmpty { pieces.append(.text(pending)) }
        return pieces
    }

    // MARK: Tokens

    struct Token {
        enum Kind { case word, space, other }
        var kind: Kind
        var range: Range<String.Index>
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    static func isApostrophe(_ c: Character) -> Bool { c == "'" || c == "\u{2019}" }

    /// Words (letters and digits, with apostrophes between them), whitespace runs, and every
    /// other character on its own.
    static func tokens(of text: String) -> [Token] {
        var tokens = [Token]()
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            var j = text.index(after: i)
            if isWordCharacter(c) {
                while j < text.endIndex {
                    let d = text[j]
                    if isWordCharacter(d) { j = text.index(after: j); continue }
                    if isApostrophe(d) {
                        let k = text.index(after: j)
                        if k < text.endIndex, isWordCharacter(text[k]) { j = k; continue }
                    }
                    break
                }
                tokens.append(Token(kind: .word, range: i..<j))
            } else if c.isWhitespace {
                while j < text.endIndex, text[j].isWhitespace { j = text.index(after: j) }
                tokens.append(Token(kind: .space, range: i..<j))
            } else {
                tokens.append(Token(kind: .other, range: i..<j))
            }
            i = j
        }
        return tokens
    }

    static func trimmed(_ tokens: [Token]) -> ArraySlice<Token> {
        var slice = tokens[...]
        while slice.first?.kind == .space { slice.removeFirst() }
        while slice.last?.kind == .space { slice.removeLast() }
        return slice
    }
}
