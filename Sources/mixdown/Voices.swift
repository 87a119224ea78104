import ArgumentParser
import Foundation
import Mixdown
import MixdownSpeech

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the voices of the in-process engine (espeak-ng): name, languages, gender.",
        discussion: "Use a language (en-gb) or a voice name as \\\"voice\\\"; add a variant with + (en-us+f3). Other engines: speechEngine in the production.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let voices = try Catalog.voices()
        if json {
            let data = try JSONSerialization.data(withJSONObject: voices, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for v in voices {
                let language = (v["languages"] as? [String])?.first ?? "–", name = v["name"] as? String ?? "", gender = v["gender"] as? String ?? "–"
                print("\(language.padding(toLength: 14, withPad: " ", startingAt: 0)) \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(gender.padding(toLength: 7, withPad: " ", startingAt: 0)) espeak-ng  (\(v["identifier"] ?? ""))")
            }
        }
    }
}
