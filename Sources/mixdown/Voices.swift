import ArgumentParser
import Foundation
import MixdownCore
import MixdownSpeech
import MixdownCatalog

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the voices: Piper neural voices (when installed) and espeak-ng's, with languages, gender and quality.",
        discussion: "A production's `voice` is an id: a Piper voice (en_US-joe-medium), an espeak-ng language (en-gb) with an optional variant (en-us+f3), or a path to a Piper .onnx model. Other engines: speechEngine in the production.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let voices = try Catalog.voices(piper: piperLibrary())
        if json {
            print(String(decoding: try JSONOutput.encode(voices, pretty: true), as: UTF8.self))
        } else {
            for v in voices {
                let language = v.languages.first ?? "–", gender = v.gender ?? "–", quality = v.quality ?? "–"
                print("\(v.id.padding(toLength: 20, withPad: " ", startingAt: 0)) \(v.engine.padding(toLength: 10, withPad: " ", startingAt: 0)) \(language.padding(toLength: 10, withPad: " ", startingAt: 0)) \(gender.padding(toLength: 7, withPad: " ", startingAt: 0)) \(quality.padding(toLength: 8, withPad: " ", startingAt: 0)) \(v.name)")
            }
        }
    }
}
