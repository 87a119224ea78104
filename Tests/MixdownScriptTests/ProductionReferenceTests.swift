import Foundation
import MixdownCore
import Testing
@testable import MixdownScript

/// docs/production-reference.md lists exactly the keys the production decoder accepts: a key
/// added to the code and not the reference (or the reverse) fails here.
@Suite struct ProductionReferenceTests {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/production-reference.md").path

    /// The key paths of the reference's table rows, `NAME` read as `*`:
    /// "| `sections.NAME.voice` | …" → "sections.*.voice".
    static func documentedKeys() throws -> [String] {
        try String(contentsOfFile: reference, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "`" }).replacingOccurrences(of: "NAME", with: "*")
        }
    }

    /// Every key of `ProductionDecoder.keys` as a path ("timelineProperties.maxStretch").
    static var decoderKeys: [String] {
        ProductionDecoder.keys.flatMap { object, keys in keys.map { object.isEmpty ? $0 : "\(object).\($0)" } }
    }

    @Test func theReferenceListsExactlyTheKeysTheDecoderAccepts() throws {
        let documented = try Self.documentedKeys()
        #expect(documented.count > 30, "the reference's tables were not found (rows start with \"| `\")")
        #expect(Set(documented).count == documented.count, "a key is listed twice: \(documented.sorted())")
        let missing = Set(Self.decoderKeys).subtracting(documented).sorted()
        let unknown = Set(documented).subtracting(Self.decoderKeys).sorted()
        #expect(missing.isEmpty, "accepted by ProductionDecoder but not in docs/production-reference.md: \(missing)")
        #expect(unknown.isEmpty, "in docs/production-reference.md but refused by ProductionDecoder: \(unknown)")
    }

    /// The lists are what the decoder checks: a key one letter off, written in each object,
    /// is refused with the listed key as the suggestion.
    @Test func theDecoderChecksEachObjectAgainstItsList() throws {
        let objects: [String: (String) -> String] = [
            "": { #"{"scriptText": "x", "\#($0)": 1}"# },
            "sections.*": { #"{"scriptText": "x", "sections": {"a": {"\#($0)": 1}}}"# },
            "sectionProperties.*": { #"{"scriptText": "x", "sectionProperties": {"a": {"\#($0)": 1}}}"# },
            "timelineProperties": { #"{"scriptText": "x", "timelineProperties": {"\#($0)": 1}}"# },
            "mediaFiles.*": { #"{"scriptText": "x", "mediaFiles": {"a": {"\#($0)": 1}}}"# },
            "speechEngine": { #"{"scriptText": "x", "speechEngine": {"\#($0)": 1}}"# },
            "cast.*": { #"{"scriptText": "x", "cast": {"a": {"\#($0)": 1}}}"# },
            "lexicon[]": { #"{"scriptText": "x", "lexicon": [{"\#($0)": 1}]}"# },
            "metadata": { #"{"scriptText": "x", "metadata": {"\#($0)": 1}}"# },
            "vast": { #"{"scriptText": "x", "vast": {"\#($0)": 1}}"# },
        ]
        #expect(Set(objects.keys) == Set(ProductionDecoder.keys.keys))
        for (object, keys) in ProductionDecoder.keys {
            for key in keys {
                let json = objects[object]!(key + "x")
                var message = "no error"
                do { _ = try ProductionDecoder.decode(JSONParser.parse(json, file: "p.json"), file: "p.json", baseDirectory: "/") } catch let e as MixdownError { message = e.message }
                #expect(message.hasSuffix("\(key)x: unknown key (did you mean '\(key)'?)"), "\(object).\(key): \(message)")
            }
        }
    }
}
