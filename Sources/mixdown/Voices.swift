import ArgumentParser
import Foundation
import MixdownCore
import MixdownIO
import MixdownSpeech
import MixdownCatalog

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the voices (Piper, hibari, SVOX Pico and Kokoro's Japanese when installed, and espeak-ng's), or render an audition of one.",
        discussion: "A production's `voice` is an id: a Piper voice (en_US-joe-medium), hibari-heart, a Pico voice (pico-de-DE), a Kokoro Japanese voice (kokoro-ja-alpha, after `make voices-ja`), an espeak-ng language (en-gb) with an optional variant (en-us+f3), or a path to a Piper .onnx model. Other engines: speechEngine in the production.",
        subcommands: [List.self, Preview.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every voice with its engine, languages, gender, quality (neural, parametric, formant) and native sample rate.")

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let voices = try Catalog.voices(library: voiceLibrary())
            if json {
                print(String(decoding: try JSONOutput.encode(voices, pretty: true), as: UTF8.self))
            } else {
                func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
                for v in voices {
                    let rate = v.sampleRate.map { String(format: "%g kHz", Double($0) / 1_000) } ?? "–"
                    print("\(pad(v.id, 20)) \(pad(v.engine, 10)) \(pad(v.languages.first ?? "–", 10)) \(pad(v.gender ?? "–", 7)) "
                          + "\(pad(v.quality, 10)) \(pad(rate, 9)) \(v.name)")
                }
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Speak an audition of a voice into a WAV (48 kHz): a sentence in the voice's language, or --text.")

        @Argument(help: "The voice id (as `mixdown voices` lists it).")
        var voice: String

        @Option(name: .shortAndLong, help: "The WAV file to write (48 kHz, mono).")
        var output: String

        @Option(help: "What to say (default: a sentence in the voice's language).")
        var text: String?

        @Option(help: "Speed, 1 = the engine's normal rate (0.5–3).")
        var speed: Double = 1

        @Option(help: "Pitch, 1 = the voice's own (0.5–2).")
        var pitch: Double = 1

        /// What a voice says when no --text is given, by language.
        static let sentences = [
            "en": "This is how this voice sounds: clear, warm, and ready to read your script.",
            "de": "So klingt diese Stimme: klar, warm und bereit, Ihr Skript vorzulesen.",
            "fr": "Voici comment sonne cette voix : claire, chaleureuse et prête à lire votre texte.",
            "es": "Así suena esta voz: clara, cálida y lista para leer su guion.",
            "it": "Ecco come suona questa voce: chiara, calda e pronta a leggere il tuo testo.",
            "ja": "こんにちは。この声は、あなたの台本をはっきりと、あたたかく読み上げます。",
        ]

        static func sentence(for languages: [String]) -> String {
            for language in languages {
                if let s = sentences[String(language.prefix(2)).lowercased()] { return s }
            }
            return sentences["en"] ?? ""
        }

        func run() throws {
            guard (0.5...3).contains(speed) else { throw MixdownError.usage("--speed: \(speed) is outside 0.5–3") }
            guard (0.5...2).contains(pitch) else { throw MixdownError.usage("--pitch: \(pitch) is outside 0.5–2") }
            if let text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw MixdownError.usage("--text: nothing to say") }
            let library = voiceLibrary()
            defer { library.stop() }
            if try !VoiceLibrary.check(voice, in: library) { try EspeakEngine.shared.check(voice: voice) }
            let languages = try Catalog.voices(library: library).first { $0.id == voice }?.languages ?? [String(voice.prefix(2))]
            let request = SpeechRequest(text: text ?? Self.sentence(for: languages), voice: voice, speed: speed, pitch: pitch)
            let engine: any SpeechEngine = library.engine(for: voice) ?? EspeakEngine.shared
            let clip = SpeechCleanup.level(SpeechCleanup.trim(try engine.synthesize(request)))
            try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: SampleTime.renderRate, channels: [clip.audio]), to: output)
            print("\(output) (\(voice), \(String(format: "%.2f", Double(clip.audio.count) / Double(SampleTime.renderRate))) s)")
        }
    }
}
