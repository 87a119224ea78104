/// One item of a script (speech, break, media or effect), named once by the parser and carried
/// unchanged through the clips, the plan, the buses and the report: section number and item
/// number within it, from 0, in script order. Printed and reported as `"2.5"`.
public struct ItemID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var section: Int
    public var item: Int

    public init(section: Int, item: Int) { (self.section, self.item) = (section, item) }

    public var description: String { "\(section).\(item)" }

    public static func < (a: ItemID, b: ItemID) -> Bool { (a.section, a.item) < (b.section, b.item) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "item id '\(text)' is not SECTION.ITEM"))
        }
        (section, item) = (parts[0], parts[1])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
