import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MixdownCore
import MixdownScript

/// W3C Pronunciation Lexicon Specification 1.0 files (docs/lexicons.md): `<lexicon
/// version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa"
/// xml:lang="en-US">` holding `<lexeme>`s, each with one or more `<grapheme>` and a `<phoneme>`
/// (its own `alphabet` may override the lexicon's) or an `<alias>`. Every grapheme becomes one
/// entry; the lexicon's `xml:lang` becomes each entry's language. Read with Foundation's XML
/// parser; a document type declaration (and with it any entity definition) is refused.
public enum PLSReader {
    public static let namespace = "http://www.w3.org/2005/01/pronunciation-lexicon"

    /// A PLS file read whole (at most `Limits.maximumTextBytes`).
    public static func read(path: String) throws -> [LexiconEntry] {
        let text: String
        do { text = try InputFile.readText(path, limit: Limits.maximumTextBytes) } catch let e as MixdownError {
            throw MixdownError.badInput("pronunciation lexicon \(e.message)", code: .invalidProduction)
        }
        return try entries(xml: text, origin: path)
    }

    /// The entries of a PLS document; `origin` names it in errors (`origin:line:col: …`).
    public static func entries(xml source: String, origin: String) throws -> [LexiconEntry] {
        // Line ends as XML reads them (CR LF and CR are LF), so lines count alike here and in the parser.
        let xml = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        func fail(_ line: Int, _ column: Int, _ why: String) -> MixdownError {
            .at(SourceLocation(file: origin, line: max(1, line), column: max(1, column)), why, code: .invalidProduction)
        }
        if let doctype = xml.range(of: "<!DOCTYPE") {
            let (line, column) = position(of: doctype.lowerBound, in: xml)
            throw fail(line, column, "a document type declaration (<!DOCTYPE …>) is not allowed in a pronunciation lexicon")
        }
        let tree = TreeBuilder(lines: lines)
        let parser = XMLParser(data: Data(xml.utf8))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = tree
        _ = parser.parse()
        if let error = tree.error { throw fail(error.line, error.column, error.reason) }
        if let code = (parser.parserError as NSError?)?.code {
            throw fail(parser.lineNumber, parser.columnNumber, describe(code: code, openElement: nil))
        }
        guard let root = tree.root else { throw fail(1, 1, "not a pronunciation lexicon: no root element") }
        guard root.name == "lexicon" else {
            throw fail(root.line, root.column, "the root element is <\(MixdownError.excerpt(root.name))>, not <lexicon>")
        }
        guard root.namespace == namespace else {
            throw fail(root.line, root.column, "<lexicon> must be in the PLS namespace: xmlns=\"\(namespace)\"")
        }
        guard let version = root.attributes["version"] else { throw fail(root.line, root.column, "<lexicon> needs version=\"1.0\"") }
        guard version == "1.0" else {
            throw fail(root.line, root.column, "PLS version '\(MixdownError.excerpt(version))' is not supported (only 1.0)")
        }
        let language = root.attributes["xml:lang"] ?? root.attributes["lang"]
        func alphabet(_ element: Element, default fallback: LexiconEntry.Alphabet) throws -> LexiconEntry.Alphabet {
            guard let name = element.attributes["alphabet"] else { return fallback }
            guard let alphabet = LexiconEntry.Alphabet(rawValue: name.lowercased()) else {
                throw fail(element.line, element.column, "alphabet '\(MixdownError.excerpt(name))' is not supported (ipa or x-espeak)")
            }
            return alphabet
        }
        let lexiconAlphabet = try alphabet(root, default: .ipa)
        var entries = [LexiconEntry]()
        for child in root.children {
            switch child.name {
            case "meta", "metadata": continue
            case "lexeme": break
            default: throw fail(child.line, child.column, "unexpected element <\(MixdownError.excerpt(child.name))> in <lexicon>")
            }
            var graphemes = [String]()
            var pronunciation: (element: Element, preferred: Bool)?
            for part in child.children {
                switch part.name {
                case "grapheme":
                    let text = part.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard !text.isEmpty else { throw fail(part.line, part.column, "empty <grapheme>") }
                    graphemes.append(text)
                case "phoneme", "alias":
                    guard !part.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                        throw fail(part.line, part.column, "empty <\(part.name)>")
                    }
                    // The first pronunciation, unless a later one says prefer="true".
                    let preferred = part.attributes["prefer"] == "true"
                    if pronunciation == nil || (preferred && pronunciation?.preferred == false) { pronunciation = (part, preferred) }
                case "example": continue
                default: throw fail(part.line, part.column, "unexpected element <\(MixdownError.excerpt(part.name))> in <lexeme>")
                }
            }
            guard !graphemes.isEmpty else { throw fail(child.line, child.column, "<lexeme> without a <grapheme>") }
            guard let (element, _) = pronunciation else { throw fail(child.line, child.column, "<lexeme> without a <phoneme> or <alias>") }
            let text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
            for grapheme in graphemes {
                if element.name == "alias" {
                    entries.append(LexiconEntry(grapheme: grapheme, alias: text, language: language))
                } else {
                    let chosen = try alphabet(element, default: lexiconAlphabet)
                    entries.append(LexiconEntry(grapheme: grapheme, phoneme: text, alphabet: chosen, language: language))
                }
            }
        }
        return entries
    }

    /// Line and column (1-based, in characters) of `index` in `text`.
    static func position(of index: String.Index, in text: String) -> (Int, Int) {
        let before = text[..<index]
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = before.reversed().prefix { $0 != "\n" }.count + 1
        return (line, column)
    }

    /// What the XML parser's error codes mean (libxml2's numbers, as `XMLParser.ErrorCode`).
    static func describe(code: Int, openElement: String?) -> String {
        switch code {
        case 4: "not XML: the document is empty or starts with something other than '<'"
        case 5:
            if let openElement { "the document ends inside <\(openElement)>, which is never closed" } else { "text after the root element (or the document is incomplete)" }
        case 9: "a character that XML does not allow"
        case 23, 24, 26, 27: "an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#…; are allowed)"
        case 38, 39, 40, 41, 65: "a malformed attribute (values must be quoted: name=\"value\")"
        case 42: "an attribute is given twice"
        case 68, 73: "a malformed tag (expected '>')"
        case 76: "the closing tag does not match the open element"
        case 77: "a tag that is never finished"
        case 201, 202, 203: "an undeclared namespace prefix"
        default: "malformed XML (XML parser error \(code))"
        }
    }

    // MARK: The document as a small tree

    final class Element {
        let name: String
        let namespace: String?
        let attributes: [String: String]
        let line: Int
        let column: Int
        var children = [Element]()
        var text = ""
        init(name: String, namespace: String?, attributes: [String: String], line: Int, column: Int) {
            (self.name, self.namespace, self.attributes, self.line, self.column) = (name, namespace, attributes, line, column)
        }
    }

    /// Builds the tree, and keeps the first error with where it happened.
    final class TreeBuilder: NSObject, XMLParserDelegate {
        let lines: [Substring]
        var root: Element?
        var stack = [Element]()
        var error: (line: Int, column: Int, reason: String)?

        init(lines: [Substring]) { self.lines = lines }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            guard error == nil else { return }
            let (line, column) = tagStart(line: parser.lineNumber, column: parser.columnNumber)
            let element = Element(name: elementName, namespace: namespaceURI, attributes: attributes, line: line, column: column)
            if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard error == nil else { return }
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard error == nil else { return }
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard error == nil else { return }
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            guard error == nil else { return }
            let code = (parseError as NSError).code
            error = (parser.lineNumber, parser.columnNumber, PLSReader.describe(code: code, openElement: stack.last?.name))
            parser.abortParsing()
        }

        /// The parser reports a start tag where it ends; the tag's `<` is the last one before.
        func tagStart(line: Int, column: Int) -> (Int, Int) {
            var l = min(max(line, 1), lines.count)
            guard l >= 1 else { return (line, column) }
            var text = Array(lines[l - 1])
            var c = min(max(column, 1), text.count)
            while true {
                while c >= 1 {
                    if text[c - 1] == "<" { return (l, c) }
                    c -= 1
                }
                guard l > 1 else { return (line, column) }
                l -= 1
                text = Array(lines[l - 1])
                c = text.count
            }
        }
    }
}
