import Foundation
import MixdownCore

/// Both script syntaxes of docs/script-and-production.md. Strict about whatever changes the timeline (every
/// `<<…::…>>` tag, breaks, sections, media, effects); lenient about harmless form
/// (spacing, indentation, `<break time = "2s">` without its slash). Vendor SSML is removed with
/// a warning and never spoken.
public enum ScriptParser {
    public static let tagNames = ["sectionName", "soundSegment", "soundEffect", "media", "speaker"]
    public static let elementNames = ["section", "sub", "fx", "media", "placeholder", "break"]
    /// SSML `<break strength=…>` in milliseconds.
    /// SSML that speech engines honour: kept as markup on the speech item (attributes as
    /// written), never spoken as text. `as:prosody` is the XML syntax's name for `prosody`.
    public static let passthroughElements = ["prosody": "prosody", "as:prosody": "prosody", "say-as": "say-as",
                                             "as:say-as": "say-as", "emphasis": "emphasis", "as:emphasis": "emphasis",
                                             "phoneme": "phoneme", "as:phoneme": "phoneme", "sub": "sub",
                                             "p": "p", "as:p": "p", "s": "s", "as:s": "s"]
    public static let breakStrengths: [String: Double] = ["none": 0, "x-weak": 0.12, "weak": 0.3, "medium": 0.5, "strong": 0.7, "x-strong": 0.9]

    public static func parse(_ source: ScriptSource, variables: [String: String]) throws -> Script {
        // Personalisation from anywhere (the production's audience, --var, a batch row, the API).
        for (key, value) in variables.sorted(by: { $0.key < $1.key }) {
            if let problem = Limits.variableProblem(value) { throw MixdownError(.badInput, problem, keyPath: "audience.\(key)") }
        }
        guard source.text.utf8.count <= Limits.maximumTextBytes else {
            throw MixdownError(.badInput, "\(source.origin): the script is \(source.text.utf8.count) bytes; at most \(Limits.maximumTextBytes)", code: .invalidScript)
        }
        var tokenizer = Tokenizer(source)
        let tokens = try tokenizer.tokens()
        let xml = tokens.first { if case .element(let e) = $0.kind { return e.name.lowercased().hasPrefix("as:") }; return false }
        let tag = tokens.first { if case .tag = $0.kind { return true }; return false }
        if let xml, let tag {
            let later = xml.location.line > tag.location.line || (xml.location.line == tag.location.line && xml.location.column > tag.location.column) ? xml : tag
            throw MixdownError.at(later.location, "this script mixes <<…::…>> tags and <as:…> elements; a script uses one syntax or the other")
        }
        var builder = SectionBuilder(origin: source.origin, variables: variables, xml: xml != nil)
        for token in tokens { try builder.consume(token) }
        return try builder.finish(end: tokens.last?.location ?? SourceLocation(file: source.origin, line: 1, column: 1))
    }
}

// MARK: - Tokens

struct Token {
    enum Kind {
        case text(String)
        /// `<<name::value>>`
        case tag(name: String, value: String)
        /// `{{key}}` or `{{key|fallback}}`
        case placeholder(key: String, fallback: String?)
        /// `<name attr="…">`, `</name>`, `<name/>`
        case element(Element)
    }
    var kind: Kind
    var location: SourceLocation
}

struct Element {
    var name: String
    var attributes: [(name: String, value: String, location: SourceLocation)]
    var closing: Bool
    var selfClosing: Bool
    var raw: String

    /// Attribute names are case-insensitive (`soundSegment=` and `soundsegment=` both occur).
    func attribute(_ name: String) -> (value: String, location: SourceLocation)? {
        attributes.first { $0.name.lowercased() == name.lowercased() }.map { ($0.value, $0.location) }
    }
}

struct Tokenizer {
    let chars: [Character]
    let origin: String
    var index = 0
    var line = 1, column = 1

    init(_ source: ScriptSource) {
        chars = Array(source.text)
        origin = source.origin
    }

    var location: SourceLocation { SourceLocation(file: origin, line: line, column: column) }

    mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where index < chars.count {
            if chars[index].isNewline { line += 1; column = 1 } else { column += 1 }
            index += 1
        }
    }

    func starts(with s: String, at i: Int) -> Bool {
        var j = i
        for c in s {
            guard j < chars.count, chars[j] == c else { return false }
            j += 1
        }
        return true
    }

    /// The index where `terminator` starts, if it comes before any character in `stops`.
    func find(_ terminator: String, from i: Int, stoppingAt stops: Set<Character>) -> Int? {
        var j = i
        while j < chars.count {
            if starts(with: terminator, at: j) { return j }
            if stops.contains(chars[j]) || chars[j].isNewline { return nil }
            j += 1
        }
        return nil
    }

    mutating func tokens() throws -> [Token] {
        var out = [Token]()
        var text = "", textStart = location
        func flush() {
            if !text.isEmpty { out.append(Token(kind: .text(text), location: textStart)) }
            text = ""
        }
        while index < chars.count {
            let here = location
            if starts(with: "<<", at: index) {
                flush()
                guard let end = find(">>", from: index + 2, stoppingAt: ["<", ">"]) else {
                    throw MixdownError.at(here, "unclosed tag '\(preview(from: index))' (a tag ends with '>>' on the same line)")
                }
                let body = String(chars[(index + 2)..<end])
                let raw = "<<\(body)>>"
                guard let separator = body.range(of: "::") else {
                    throw MixdownError.at(here, "malformed tag '\(MixdownError.excerpt(raw))' (expected <<name::value>>)")
                }
                let name = body[..<separator.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = body[separator.upperBound...].trimmingCharacters(in: .whitespaces)
                guard ScriptParser.tagNames.contains(name) else {
                    throw MixdownError.at(here, "unknown tag '\(MixdownError.excerpt(raw))'\(Suggestion.hint(for: name, in: ScriptParser.tagNames))")
                }
                guard !value.isEmpty else { throw MixdownError.at(here, "tag '\(MixdownError.excerpt(raw))' has no value") }
                out.append(Token(kind: .tag(name: name, value: value), location: here))
                advance(end + 2 - index)
                textStart = location
            } else if starts(with: "{{", at: index) {
                flush()
                guard let end = find("}}", from: index + 2, stoppingAt: ["{", "}"]) else {
                    throw MixdownError.at(here, "unclosed placeholder '\(preview(from: index))' (a placeholder ends with '}}')")
                }
                let body = String(chars[(index + 2)..<end])
                let parts = body.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { throw MixdownError.at(here, "placeholder '{{\(body)}}' has no key") }
                out.append(Token(kind: .placeholder(key: key, fallback: parts.count > 1 ? String(parts[1]) : nil), location: here))
                advance(end + 2 - index)
                textStart = location
            } else if chars[index] == "<", index + 1 < chars.count, chars[index + 1].isLetter || chars[index + 1] == "/" || chars[index + 1] == "!" {
                flush()
                if starts(with: "<!--", at: index) {
                    var j = index + 4
                    while j < chars.count, !starts(with: "-->", at: j) { j += 1 }
                    guard j < chars.count else { throw MixdownError.at(here, "unclosed comment '<!--'") }
                    advance(j + 3 - index)
                } else {
                    var j = index + 1
                    var quote: Character?
                    while j < chars.count {
                        let c = chars[j]
                        if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" || c == "<" { break }
                        j += 1
                    }
                    guard j < chars.count, chars[j] == ">" else {
                        throw MixdownError.at(here, "unclosed tag '\(preview(from: index))' (missing '>')")
                    }
                    let raw = String(chars[index...j])
                    out.append(Token(kind: .element(try element(raw, at: here)), location: here))
                    advance(j + 1 - index)
                }
                textStart = location
            } else {
                if text.isEmpty { textStart = here }
                text.append(chars[index])
                advance()
            }
        }
        flush()
        return out
    }

    func preview(from i: Int) -> String {
        var s = ""
        var j = i
        while j < chars.count, !chars[j].isNewline, s.count < 40 { s.append(chars[j]); j += 1 }
        return s
    }

    /// Parses `<name a="1" b='2' c=3/>`; column positions of attributes are approximate
    /// (the tag's own position is exact).
    func element(_ raw: String, at location: SourceLocation) throws -> Element {
        var body = Substring(raw.dropFirst().dropLast())
        let closing = body.hasPrefix("/")
        if closing { body = body.dropFirst() }
        let selfClosing = body.hasSuffix("/")
        if selfClosing { body = body.dropLast() }
        let nameEnd = body.firstIndex { $0.isWhitespace } ?? body.endIndex
        let name = String(body[..<nameEnd])
        var rest = body[nameEnd...]
        var attributes = [(name: String, value: String, location: SourceLocation)]()
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { break }
            let keyEnd = rest.firstIndex { $0 == "=" || $0.isWhitespace } ?? rest.endIndex
            let key = String(rest[..<keyEnd])
            rest = rest[keyEnd...].drop { $0.isWhitespace }
            guard rest.first == "=" else {
                attributes.append((key, "", location))
                continue
            }
            rest = rest.dropFirst().drop { $0.isWhitespace }
            var value = ""
            if let q = rest.first, q == "\"" || q == "'" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: q) else { throw MixdownError.at(location, "unclosed quote in '\(MixdownError.excerpt(raw))'") }
                value = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex { $0.isWhitespace } ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            attributes.append((key, value, location))
        }
        return Element(name: name, attributes: attributes, closing: closing, selfClosing: selfClosing, raw: raw)
    }
}

// MARK: - Sections

struct SectionBuilder {
    let origin: String
    let variables: [String: String]
    let xml: Bool

    var sections = [ScriptSection]()
    var warnings = [ScriptWarning]()
    var current: ScriptSection
    /// A soundSegment tag met after the current section had content: it belongs to the next.
    var pendingSegment: (choice: SoundSegmentChoice, location: SourceLocation)?
    var text = "", textLocation: SourceLocation?
    /// The same text as SSML, with passthrough elements; `openMarkup` are those still open,
    /// closed at the end of one speech item and reopened at the start of the next.
    var markup = "", markupUsed = false
    var openMarkup = [(name: String, tag: String, location: SourceLocation)]()
    /// Inside `<as:section>` (XML syntax), `<as:sub>`, `<as:placeholder>`.
    var openSection: SourceLocation?
    var sub: (name: String?, voice: String?, speed: Double?, speaker: String?, location: SourceLocation)?
    /// The speaker `<<speaker::NAME>>` chose for the text that follows (until the next one).
    var speaker: (name: String, location: SourceLocation)?
    var placeholder: (key: String, fallback: String, location: SourceLocation)?
    var warnedElements = Set<String>()
    /// The keys placeholders name.
    var variableNames = Set<String>()

    init(origin: String, variables: [String: String], xml: Bool) {
        (self.origin, self.variables, self.xml) = (origin, variables, xml)
        current = ScriptSection(name: "", isNamed: false, soundSegment: nil, items: [],
                                location: SourceLocation(file: origin, line: 1, column: 1))
    }

    var currentHasContent: Bool { !current.items.isEmpty || !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    mutating func appendText(_ s: String, at location: SourceLocation) {
        if placeholder != nil { placeholder!.fallback += s; return }
        markup += s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        if textLocation == nil, s.contains(where: { !$0.isWhitespace }) {
            // Point at the first visible character.
            var loc = location
            for c in s {
                if !c.isWhitespace { break }
                if c.isNewline { loc.line += 1; loc.column = 1 } else { loc.column += 1 }
            }
            textLocation = loc
        }
        text += s
    }

    mutating func flushText() {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        if !words.isEmpty, let location = textLocation {
            let spoken = words.joined(separator: " ")
            let closing = openMarkup.reversed().map { "</\($0.name)>" }.joined()
            let ssml = markupUsed ? (markup + closing).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") : nil
            var item = ScriptItem(kind: .speech(text: spoken, voice: sub?.voice, speed: sub?.speed, part: sub?.name),
                                  location: location, markup: ssml)
            if let name = sub?.speaker, let at = sub?.location { (item.speaker, item.speakerLocation) = (name, at) }
            else if let speaker { (item.speaker, item.speakerLocation) = (speaker.name, speaker.location) }
            current.items.append(item)
        }
        text = ""
        textLocation = nil
        markup = openMarkup.map(\.tag).joined()
        markupUsed = !openMarkup.isEmpty
    }

    mutating func consume(_ token: Token) throws {
        switch token.kind {
        case .text(let s):
            appendText(s, at: token.location)
        case .placeholder(let key, let fallback):
            variableNames.insert(key)
            guard let value = variables[key] ?? fallback else {
                throw MixdownError.at(token.location, MetadataPlaceholders.noValue(for: key, variables: variables))
            }
            appendText(value, at: token.location)
        case .tag(let name, let value):
            try tag(name, value, at: token.location)
        case .element(let e):
            try element(e, at: token.location)
        }
    }

    // MARK: <<tag::value>>

    mutating func tag(_ name: String, _ value: String, at location: SourceLocation) throws {
        switch name {
        case "sectionName":
            try startSection(named: value, segment: nil, at: location)
        case "soundSegment":
            let choice: SoundSegmentChoice = value == "none" ? .none : value == "*" ? .continuePrevious : .named(value)
            if currentHasContent {
                flushText()
                pendingSegment = (choice, location)
            } else {
                current.soundSegment = choice
            }
        case "soundEffect":
            flushText()
            // NAME, then optional `|align=end` and `|offset=-0.2`.
            let parts = value.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var options = [(name: String, value: String, location: SourceLocation)]()
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else {
                    throw MixdownError.at(location, "soundEffect option '\(MixdownError.excerpt(part))' is not name=value (align=start|end, offset=SECONDS)")
                }
                options.append((pair[0], pair[1], location))
            }
            guard !parts[0].isEmpty else { throw MixdownError.at(location, "soundEffect tag names no effect") }
            var item = ScriptItem(kind: .effect(name: parts[0]), location: location)
            item.effectPlacement = try effectPlacement(options, at: location)
            current.items.append(item)
        case "media":
            flushText()
            current.items.append(ScriptItem(kind: .media(name: value), location: location))
        case "speaker":
            flushText()
            let name = value.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw MixdownError.at(location, "speaker tag names no speaker") }
            speaker = (name, location)
        default:
            preconditionFailure("the tokenizer admits only known tags")
        }
    }

    mutating func startSection(named name: String, segment: SoundSegmentChoice?, at location: SourceLocation) throws {
        flushText()
        var carried: SoundSegmentChoice?
        if current.items.isEmpty {
            if current.isNamed { throw MixdownError.at(current.location, "section '\(current.name)' is empty") }
            carried = current.soundSegment   // an empty unnamed start passes its segment on
        } else {
            sections.append(current)
        }
        if sections.contains(where: { $0.isNamed && $0.name == name }) {
            throw MixdownError.at(location, "duplicate section name '\(name)'")
        }
        current = ScriptSection(name: name, isNamed: true, soundSegment: segment ?? pendingSegment?.choice ?? carried,
                                items: [], location: location)
        pendingSegment = nil
    }

    // MARK: <element>

    mutating func element(_ e: Element, at location: SourceLocation) throws {
        let lower = e.name.lowercased()
        if let name = ScriptParser.passthroughElements[lower] {
            if e.closing {
                guard let open = openMarkup.lastIndex(where: { $0.name == name }) else {
                    throw MixdownError.at(location, "</\(e.name)> without an open <\(e.name)>")
                }
                openMarkup.remove(at: open)
                markup += "</\(name)>"
            } else {
                let attributes = e.attributes.map { " \($0.name.lowercased())=\"\($0.value.replacingOccurrences(of: "\"", with: "&quot;"))\"" }.joined()
                let tag = "<\(name)\(attributes)\(e.selfClosing ? "/" : "")>"
                markup += tag
                if !e.selfClosing { openMarkup.append((name, tag, location)) }
            }
            markupUsed = true
            return
        }
        if lower == "break" || lower == "as:break" {
            guard !e.closing else { return }   // a stray </break> changes nothing
            flushText()
            current.items.append(ScriptItem(kind: .pause(seconds: try breakLength(e, at: location)), location: location))
            return
        }
        guard lower.hasPrefix("as:") else {
            // Vendor SSML (<mstts:express-as>, <prosody>, …): removed, its text kept, never spoken.
            if !e.closing && !warnedElements.contains(lower) {
                warnedElements.insert(lower)
                warnings.append(ScriptWarning(location: location, message: "removed unsupported markup '<\(e.name)>' (its text is kept)"))
            }
            return
        }
        let name = String(lower.dropFirst(3))
        switch (name, e.closing) {
        case ("section", false):
            if let open = openSection { throw MixdownError.at(location, "sections do not nest (the section opened at \(open.line):\(open.column) is still open)") }
            guard let sectionName = e.attribute("name")?.value, !sectionName.isEmpty else {
                throw MixdownError.at(location, "<as:section> needs a name=\"…\"")
            }
            let segment = e.attribute("soundsegment").map { a -> SoundSegmentChoice in
                a.value == "none" ? .none : a.value == "*" ? .continuePrevious : .named(a.value)
            }
            try startSection(named: sectionName, segment: segment, at: location)
            openSection = e.selfClosing ? nil : location
        case ("section", true):
            guard openSection != nil else { throw MixdownError.at(location, "</as:section> without an open <as:section>") }
            if sub != nil { throw MixdownError.at(location, "</as:section> inside an open <as:sub>") }
            flushText()
            if current.items.isEmpty { throw MixdownError.at(current.location, "section '\(current.name)' is empty") }
            sections.append(current)
            openSection = nil
            current = ScriptSection(name: "", isNamed: false, soundSegment: nil, items: [], location: location)
        case ("sub", false):
            if sub != nil { throw MixdownError.at(location, "<as:sub> does not nest") }
            flushText()
            let speed = try e.attribute("speed").map { a -> Double in
                guard let v = Double(a.value), v > 0 else { throw MixdownError.at(location, "<as:sub> speed '\(a.value)' is not a positive number") }
                return v >= 20 ? v / 100 : v
            }
            let speakerName = e.attribute("speaker")?.value
            if let speakerName, speakerName.trimmingCharacters(in: .whitespaces).isEmpty {
                throw MixdownError.at(location, "<as:sub> speaker names no speaker")
            }
            sub = (e.attribute("name")?.value, e.attribute("voice")?.value, speed, speakerName, location)
            if e.selfClosing { sub = nil }
        case ("sub", true):
            guard sub != nil else { throw MixdownError.at(location, "</as:sub> without an open <as:sub>") }
            flushText()
            sub = nil
        case ("fx", false), ("media", false):
            guard let value = e.attribute("name")?.value, !value.isEmpty else { throw MixdownError.at(location, "<as:\(name)> needs a name=\"…\"") }
            flushText()
            var item = ScriptItem(kind: name == "fx" ? .effect(name: value) : .media(name: value), location: location)
            if name == "fx" {
                item.effectPlacement = try effectPlacement(e.attributes.filter { $0.name.lowercased() != "name" }
                    .map { ($0.name.lowercased(), $0.value, $0.location) }, at: location)
            }
            current.items.append(item)
        case ("fx", true), ("media", true):
            return
        case ("placeholder", false):
            guard let key = e.attribute("id")?.value ?? e.attribute("name")?.value, !key.isEmpty else {
                throw MixdownError.at(location, "<as:placeholder> needs an id=\"…\"")
            }
            variableNames.insert(key)
            if e.selfClosing {
                guard let value = variables[key] else {
                    throw MixdownError.at(location, "no value for placeholder '\(MixdownError.excerpt(key))': add it to audience or pass --var \(MixdownError.excerpt(key))=…")
                }
                appendText(value, at: location)
            } else {
                placeholder = (key, "", location)
            }
        case ("placeholder", true):
            guard let p = placeholder else { throw MixdownError.at(location, "</as:placeholder> without an open <as:placeholder>") }
            placeholder = nil
            appendText(variables[p.key] ?? p.fallback, at: p.location)
        default:
            let hint = Suggestion.closest(to: name, in: ScriptParser.elementNames).map { " (did you mean '<as:\($0)>'?)" } ?? ""
            throw MixdownError.at(location, "unknown element '<\(e.name)>'\(hint)")
        }
    }

    /// An effect's `align` and `offset` (both syntaxes); nil when neither is given.
    func effectPlacement(_ options: [(name: String, value: String, location: SourceLocation)], at location: SourceLocation) throws -> EffectPlacement? {
        guard !options.isEmpty else { return nil }
        var placement = EffectPlacement()
        for option in options {
            switch option.name.lowercased() {
            case "align":
                guard let align = EffectPlacement.Align(rawValue: option.value.lowercased()) else {
                    throw MixdownError.at(option.location, "effect align '\(MixdownError.excerpt(option.value))' is not start or end")
                }
                placement.align = align
            case "offset":
                var text = option.value.lowercased()
                if text.hasSuffix("ms"), let ms = Double(text.dropLast(2)) { text = String(ms / 1_000) } else if text.hasSuffix("s") { text.removeLast() }
                guard let seconds = Double(text), seconds.isFinite, (-10.0...10.0).contains(seconds) else {
                    throw MixdownError.at(option.location, "effect offset '\(MixdownError.excerpt(option.value))' is not a number of seconds between -10 and 10")
                }
                placement.offset = seconds
            default:
                throw MixdownError.at(option.location, "unknown effect option '\(MixdownError.excerpt(option.name))'\(Suggestion.hint(for: option.name, in: ["align", "offset"])) (align=start|end, offset=SECONDS)")
            }
        }
        return placement
    }

    /// `time="500ms"`, `time = "1.5s"`, `strength="strong"`; a bare `<break/>` is medium.
    func breakLength(_ e: Element, at location: SourceLocation) throws -> Double {
        for a in e.attributes where !["time", "strength"].contains(a.name.lowercased()) {
            throw MixdownError.at(location, "unknown break attribute '\(a.name)' (use time=\"…\" or strength=\"…\")")
        }
        if let time = e.attribute("time") {
            let v = time.value.trimmingCharacters(in: .whitespaces).lowercased()
            let (number, scale): (String, Double) = v.hasSuffix("ms") ? (String(v.dropLast(2)), 0.001) : v.hasSuffix("s") ? (String(v.dropLast()), 1) : (v, 0.001)
            guard let n = Double(number.trimmingCharacters(in: .whitespaces)), n >= 0, n.isFinite else {
                throw MixdownError.at(location, "break time '\(time.value)' is not a duration (write 500ms or 1.5s)")
            }
            guard n * scale <= 60 else { throw MixdownError.at(location, "break time '\(time.value)' is longer than 60 s") }
            return n * scale
        }
        if let strength = e.attribute("strength") {
            guard let s = ScriptParser.breakStrengths[strength.value.lowercased()] else {
                let names = ScriptParser.breakStrengths.keys.sorted()
                throw MixdownError.at(location, "unknown break strength '\(strength.value)'\(Suggestion.hint(for: strength.value, in: names)) (one of \(names.joined(separator: ", ")))")
            }
            return s
        }
        return ScriptParser.breakStrengths["medium"]!
    }

    mutating func finish(end: SourceLocation) throws -> Script {
        if let open = openSection { throw MixdownError.at(open, "unclosed <as:section> (no </as:section> before the end of the script)") }
        if let s = sub { throw MixdownError.at(s.location, "unclosed <as:sub>") }
        if let p = placeholder { throw MixdownError.at(p.location, "unclosed <as:placeholder>") }
        if let open = openMarkup.last { throw MixdownError.at(open.location, "unclosed <\(open.name)> (no </\(open.name)> before the end of the script)") }
        flushText()
        if !current.items.isEmpty {
            sections.append(current)
        } else if current.isNamed {
            throw MixdownError.at(current.location, "section '\(current.name)' is empty")
        }
        if let pending = pendingSegment {
            throw MixdownError.at(pending.location, "soundSegment after the last section's content applies to no section")
        }
        guard !sections.isEmpty else {
            throw MixdownError.at(end, "the script has nothing to say: no text, media or breaks")
        }
        // Unnamed sections take the first free name of the form sectionN, N their position.
        let taken = Set(sections.filter(\.isNamed).map(\.name))
        for i in sections.indices where !sections[i].isNamed {
            var name = "section\(i + 1)", k = i + 1
            while taken.contains(name) { k += 1; name = "section\(k)" }
            sections[i].name = name
        }
        // Every item's identity, once the sections are final.
        for s in sections.indices {
            for i in sections[s].items.indices { sections[s].items[i].id = ItemID(section: s, item: i) }
        }
        return Script(sections: sections, warnings: warnings, variableNames: variableNames)
    }
}
