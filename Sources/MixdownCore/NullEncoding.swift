/// JSON for outside readers: every stored property is written, and nil becomes `null`.
/// Synthesised `Encodable` drops nil keys (`encodeIfPresent`), which would make a reader's
/// `integratedLufs` disappear for silence instead of reading `null`. Conforming types get this
/// `encode(to:)`; keys are the property names, in declaration order.
public protocol EncodesEveryKey: Encodable {
    static var omittedWhenNil: Set<String> { get }
}

extension EncodesEveryKey {
    /// Optional properties left out when they are nil, instead of written as null (a key that
    /// only some entries have, like a voice's `variant`).
    public static var omittedWhenNil: Set<String> { [] }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: PropertyKey.self)
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let value = child.value as? any Encodable else { continue }
            if Self.omittedWhenNil.contains(label) {
                let optional = Mirror(reflecting: child.value)
                if optional.displayStyle == .optional && optional.children.isEmpty { continue }
            }
            try container.encode(EncodableBox(value), forKey: PropertyKey(label))
        }
    }
}

struct PropertyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Lets an existential value encode itself; `Optional.none` encodes as `null`.
struct EncodableBox: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
