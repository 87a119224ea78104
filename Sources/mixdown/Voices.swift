import ArgumentParser
import Foundation
import MixdownSpeech

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the voices of the in-process engine (espeak-ng): name, languages, gender.",
        discussion: "Use a language (en-gb) or a voice name as \\\"voice\\\"; add a variant with + (en-us+f3). Other engines: speechEngine in the production.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let voices = try EspeakEngine.shared.voices().sorted { ($0.languages.first ?? $0.name) < ($1.languages.first ?? $1.name) }
        if json {
            let objects = voices.map { v -> [String: Any] in
                ["name": v.name, "identifier": v.identifier, "languages": v.languages, "gender": v.gender ?? NSNull(),
                 "engine": "espeak-ng"]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for v in voices {
                let language = v.languages.first ?? "–"
                print("\(language.padding(toLength: 14, withPad: " ", startingAt: 0)) \(v.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \((v.gender ?? "–").padding(toLength: 7, withPad: " ", startingAt: 0)) espeak-ng  (\(v.identifier))")
            }
        }
    }
}
