import Foundation
import MixdownCore

/// A JSON document as data: a client's production kept inside a job's spec, a stored report
/// inside a status. Objects are unordered (`==` compares members by key, numbers by value, as
/// `JSONNode.sameValue` does); encoded through `JSONText`, their keys come out sorted.
enum JSONValue: Codable, Sendable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// A parsed document's value (its positions left behind; keys are unique in a parsed one).
    init(_ node: JSONNode) {
        switch node.value {
        case .object(let members): self = .object(Dictionary(members.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { first, _ in first }))
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        }
    }

    /// The value as a parsed document, positions counted in its `JSONText` encoding.
    func node(file: String) throws -> JSONNode {
        try JSONParser.parse(JSONText.string(self), file: file)
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let members): try container.encode(members)
        case .array(let items): try container.encode(items)
        case .string(let s): try container.encode(s)
        case .number(let n): try container.encode(n)
        case .bool(let b): try container.encode(b)
        case .null: try container.encodeNil()
        }
    }
}

extension JSONValue {
    /// A production object with `"strict": true` when `strict` (`?strict=true`); else as it is.
    func settingStrict(_ strict: Bool) -> JSONValue {
        guard strict, case .object(var members) = self else { return self }
        members["strict"] = .bool(true)
        return .object(members)
    }
}
