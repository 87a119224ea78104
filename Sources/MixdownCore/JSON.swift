import Foundation

/// A JSON value with the line and column it started at, so that a wrong value in a production
/// file is reported where it was written as well as by its key path.
public struct JSONNode: Sendable {
    public enum Value: Sendable {
        case object([(key: String, value: JSONNode)])
        case array([JSONNode])
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    public var value: Value
    public var location: SourceLocation

    public init(value: Value, location: SourceLocation) { (self.value, self.location) = (value, location) }

    public var typeName: String {
        switch value {
        case .object: return "an object"
        case .array: return "a list"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true/false"
        case .null: return "null"
        }
    }
}

extension JSONNode {
    /// Whether two documents hold the same value wherever it was written: object members are
    /// compared by key, whatever their order (keys are unique), numbers by value. Two clients
    /// serialising one request need not agree on key order or spacing.
    public func sameValue(as other: JSONNode) -> Bool {
        switch (value, other.value) {
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            let others = Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            return a.allSatisfy { member in others[member.key].map { member.value.sameValue(as: $0) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameValue(as: $1) }
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// The member `key` of an object (nil: not an object, or no such member).
    public subscript(member key: String) -> JSONNode? {
        if case .object(let members) = value { return members.first { $0.key == key }?.value }
        return nil
    }
}

/// A strict RFC 8259 parser (no comments, no trailing commas, no duplicate keys) that keeps
/// positions. Errors are one line: `file:line:col: …`, naming the usual cause where there is
/// one (a trailing comma, single quotes, a comment, an unquoted key, NaN or Infinity).
public struct JSONParser {
    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    /// Objects and lists nest at most this deep: deeper input is refused, not recursed into.
    public static let maximumDepth = 64

    public static func parse(_ text: String, file: String) throws -> JSONNode {
        var parser = JSONParser(bytes: Array(text.utf8), file: file)
        parser.skipWhitespace()
        let node = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < parser.bytes.count { throw parser.error(parser.cause(or: "unexpected text after the JSON value")) }
        return node
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: index - lineStart + 1) }

    private func error(_ message: String) -> MixdownError { .at(location, "invalid JSON: \(message)", code: .invalidJSON) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "\n"): index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> JSONNode {
        guard index < bytes.count else { throw error("unexpected end of file") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"): return JSONNode(value: try parseObject(), location: start)
        case UInt8(ascii: "["): return JSONNode(value: try parseArray(), location: start)
        case UInt8(ascii: "\""): return JSONNode(value: .string(try parseString()), location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONNode(value: .number(try parseNumber()), location: start)
        default:
            let w = word()
            let value: JSONNode.Value? = w == "true" ? .bool(true) : w == "false" ? .bool(false) : w == "null" ? .null : nil
            guard let value else { throw error(cause(or: "unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")) }
            index += w.utf8.count
            return JSONNode(value: value, location: start)
        }
    }

    /// The ASCII letters, digits, `_` and `$` at the cursor: a bare word (`true`, or a mistake).
    private func word() -> String {
        var end = index
        while end < bytes.count, (bytes[end] | 0x20) >= UInt8(ascii: "a") && (bytes[end] | 0x20) <= UInt8(ascii: "z")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) || bytes[end] == UInt8(ascii: "_") || bytes[end] == UInt8(ascii: "$") {
            end += 1
        }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    /// What stands at the cursor where JSON cannot have it, named by its usual cause (habits
    /// from JavaScript, JSON5 or Python), or `otherwise`.
    private func cause(key: Bool = false, or otherwise: String) -> String {
        guard index < bytes.count else { return "unexpected end of file" }
        let b = bytes[index]
        if b == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") || bytes[index + 1] == UInt8(ascii: "*") {
            return "comment '\(bytes[index + 1] == UInt8(ascii: "/") ? "//" : "/*")' (JSON allows none)"
        }
        if b == UInt8(ascii: "'") { return "single quotes (JSON strings and keys take double quotes)" }
        let w = word()
        guard !w.isEmpty else { return otherwise }
        switch w.lowercased() {
        case "nan": return "\(w) is not a number JSON allows (write a number, or leave the key out)"
        case "infinity", "inf": return "\(w) is not a number JSON allows (write a number, or leave the key out)"
        default: break
        }
        if key { return "unquoted key '\(MixdownError.excerpt(w))' (JSON keys take double quotes)" }
        if ["true", "false", "null"].contains(w.lowercased()) { return "'\(w)' (JSON writes true, false and null in lower case)" }
        if w == "None" { return "'None' (JSON writes null)" }
        return "unquoted text '\(MixdownError.excerpt(w))' (JSON strings take double quotes; its only bare words are true, false and null)"
    }

    /// One level deeper, refused past `maximumDepth` (the reader recurses, the stack does not).
    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members = [(key: String, value: JSONNode)]()
        var keys = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        var comma: SourceLocation?
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if let comma, index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    throw MixdownError.at(comma, "invalid JSON: trailing comma before '}' (JSON allows none)", code: .invalidJSON)
                }
                throw error(cause(key: true, or: "expected a key in double quotes"))
            }
            let keyLocation = location
            let key = try parseString()
            if !keys.insert(key).inserted { throw MixdownError.at(keyLocation, "duplicate key '\(MixdownError.excerpt(key))'", code: .invalidJSON) }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after '\(MixdownError.excerpt(key))'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw error("unclosed object") }
            if bytes[index] == UInt8(ascii: ",") { comma = location; index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            if bytes[index] == UInt8(ascii: "\"") { throw error("expected ',' or '}' (a comma missing before this key?)") }
            throw error(cause(or: "expected ',' or '}'"))
        }
    }

    private mutating func parseArray() throws -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items = [JSONNode]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        var comma: SourceLocation?
        while true {
            skipWhitespace()
            if let comma, index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                throw MixdownError.at(comma, "invalid JSON: trailing comma before ']' (JSON allows none)", code: .invalidJSON)
            }
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unclosed list") }
            if bytes[index] == UInt8(ascii: ",") { comma = location; index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error(cause(or: "expected ',' or ']'"))
        }
    }

    private mutating func parseString() throws -> String {
        index += 1
        var out = [UInt8]()
        while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { throw error("unfinished escape") }
                let e = bytes[index + 1]
                index += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid \\u escape: a high surrogate needs a low one after it") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            case 0..<0x20:
                throw error(b == 0x0A ? "unclosed string" : "control character in a string")
            default:
                out.append(b)
                index += 1
            }
        }
        throw error("unclosed string")
    }

    private mutating func hex4() throws -> UInt32 {
        // Four hex digits exactly: UInt32(_:radix:) alone would also take a sign ("+12B").
        guard index + 4 <= bytes.count, bytes[index..<(index + 4)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
              let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape")
        }
        index += 4
        return v
    }

    private mutating func parseNumber() throws -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") || bytes[index] == UInt8(ascii: "i") || bytes[index] == UInt8(ascii: "N") {
                let problem = cause(or: "invalid number")
                index = start
                throw error(problem)
            }
        }
        func digits() { while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 } }
        digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") { index += 1; digits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            digits()
        }
        guard let v = Double(String(decoding: bytes[start..<index], as: UTF8.self)), v.isFinite else {
            index = start
            throw error("invalid number")
        }
        return v
    }
}

/// A JSON value and its key path, with typed accessors that fail with both.
public struct JSONField {
    public var node: JSONNode
    public var path: String

    public init(node: JSONNode, path: String) { (self.node, self.path) = (node, path) }

    public func error(_ message: String, code: MixdownError.Code = .invalidProduction) -> MixdownError {
        MixdownError(.badInput, message, code: code, location: node.location, keyPath: path)
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Members of an object whose keys must all be in `allowed`.
    public func object(allowed: [String]) throws -> JSONObjectFields {
        guard case .object(let members) = node.value else { throw error("must be an object, got \(node.typeName)") }
        var fields = [String: JSONField]()
        for (key, value) in members {
            guard allowed.contains(key) else {
                throw JSONField(node: value, path: child(key)).error("unknown key\(Suggestion.hint(for: key, in: allowed))")
            }
            fields[key] = JSONField(node: value, path: child(key))
        }
        return JSONObjectFields(fields: fields, owner: self)
    }

    /// An object with free keys (section names, media names), in file order.
    public func dictionary() throws -> [(String, JSONField)] {
        guard case .object(let members) = node.value else { throw error("must be an object, got \(node.typeName)") }
        return members.map { ($0.key, JSONField(node: $0.value, path: child($0.key))) }
    }

    public func list() throws -> [JSONField] {
        guard case .array(let items) = node.value else { throw error("must be a list, got \(node.typeName)") }
        return items.enumerated().map { JSONField(node: $1, path: "\(path)[\($0)]") }
    }

    public func string() throws -> String {
        guard case .string(let s) = node.value else { throw error("must be a string, got \(node.typeName)") }
        return s
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = node.value else { throw error("must be true or false, got \(node.typeName)") }
        return b
    }

    public func nonEmptyString() throws -> String {
        let s = try string()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return s
    }

    /// A finite number (the reader refuses others), checked against its range here, where it
    /// enters, before anything converts it: `atMost` bounds it above (with its unit for the message).
    public func number(positive: Bool = false, nonNegative: Bool = false, atMost limit: (value: Double, unit: String)? = nil) throws -> Double {
        guard case .number(let v) = node.value else { throw error("must be a number, got \(node.typeName)") }
        guard v.isFinite else { throw error("must be a finite number, got \(v)") }
        if positive && v <= 0 { throw error("must be greater than 0, got \(JSONField.format(v))") }
        if nonNegative && v < 0 { throw error("must not be negative, got \(JSONField.format(v))") }
        if let limit, v > limit.value { throw error("must be at most \(JSONField.format(limit.value))\(limit.unit), got \(JSONField.format(v))") }
        return v
    }

    /// Seconds within a programme: up to `Limits.maximumProgrammeSeconds`. A positive time (a
    /// length, an end) is at least a millisecond: a smaller one rounds to no samples at all.
    public func seconds(positive: Bool = false) throws -> Double {
        let v = try number(positive: positive, nonNegative: !positive, atMost: (Limits.maximumProgrammeSeconds, " s (6 hours)"))
        if positive && v < 0.001 { throw error("must be at least 0.001 s (a millisecond), got \(JSONField.format(v))") }
        return v
    }

    /// A voice name, checked before it can reach a speech library.
    public func voiceName() throws -> String {
        let s = try nonEmptyString()
        if let problem = Limits.voiceNameProblem(s) { throw error(problem) }
        return s
    }

    /// AudioStack's convention: a speed of 20 or more is a percentage (105 = 1.05x).
    public func speed() throws -> Double {
        let v = try number(positive: true)
        let speed = v >= 20 ? v / 100 : v
        guard (0.5...3).contains(speed) else { throw error("must be between 0.5 and 3 (or 50 and 300 percent), got \(JSONField.format(v))") }
        return speed
    }

    /// One of `choices`; a wrong value is suggested the closest, `preferred` spellings first.
    /// Relative pitch: 1 is the voice's own, 0.5 an octave down, 2 an octave up.
    public func pitch() throws -> Double {
        let v = try number(positive: true)
        guard (0.5...2).contains(v) else { throw error("must be between 0.5 and 2 (1 is the voice's own pitch), got \(JSONField.format(v))") }
        return v
    }

    public func choice<T>(_ choices: [String: T], preferred: [String] = []) throws -> T {
        let s = try string()
        if let v = choices[s] ?? choices[s.lowercased()] { return v }
        let names = choices.keys.sorted()
        let ordered = preferred + names.filter { !preferred.contains($0) }
        throw error("unknown value '\(MixdownError.excerpt(s))'\(Suggestion.hint(for: s, in: ordered)) (one of \(names.joined(separator: ", ")))")
    }

    /// A number as the user wrote it, whatever its size (no integer conversion past 2^53).
    public static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}

public struct JSONObjectFields {
    var fields: [String: JSONField]
    var owner: JSONField
    public subscript(key: String) -> JSONField? { fields[key] }
    public func error(_ message: String) -> MixdownError { owner.error(message) }
}
