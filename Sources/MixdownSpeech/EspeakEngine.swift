import CEspeakNG
import Foundation
import MixdownCore
import MixdownIO

/// A synthesised or recorded piece of speech: mono audio at 48 kHz and where its words fall.
public struct SpeechClip: Sendable {
    public var audio: [Float]
    public var words: [Word]

    public struct Word: Sendable, Equatable {
        public var text: String
        /// Sample offsets in `audio`.
        public var start: Int
        public var end: Int
    }

    public init(audio: [Float], words: [Word]) { (self.audio, self.words) = (audio, words) }
}

/// espeak-ng, in-process. The library keeps global state and is not thread-safe, so this is its
/// one owner: every call goes through `shared`, serialised by the lock here and nowhere else.
/// Unchecked Sendable: all mutable state is the C library's, reached only under `lock`.
public final class EspeakEngine: SpeechEngine, @unchecked Sendable {
    public static let shared = EspeakEngine()

    private let lock = NSLock()
    private var sampleRate: Int32 = 0
    /// Collects one synthesis' output; espeak hands the pointer back in each callback's events.
    private final class Collector {
        var samples = [Int16]()
        var wordEvents = [(millisecond: Int, textPosition: Int, length: Int)]()
    }

    private init() {}

    public var version: String { String(cString: espeak_Info(nil)) }
    public var identity: String { "espeak-ng \(version)" }
    /// espeak-ng keeps synthesis state between utterances (the same text can come out a few
    /// samples different depending on what was spoken before, measured), so it is called in a
    /// fixed order, never concurrently.
    public var isSerial: Bool { true }
    public var takesSSML: Bool { true }
    public var phonemeInput: PhonemeInput? { .espeak }
    /// espeak-ng's `<prosody pitch="+N%">` moves the median f0 by about 0.55 N % (measured on
    /// en-us: +20 % → +10.7 %, +50 % → +29 %), so the percentage is scaled to give the f0 asked for.
    public var ssmlPitchScale: Double { 1.8 }

    /// SSML when the request has markup (espeak-ng honours prosody, say-as, emphasis); the
    /// pitch factor scales espeak's base pitch (50).
    public func synthesize(_ request: SpeechRequest) throws -> SpeechClip {
        try synthesize(text: request.markup.map { "<speak>\($0)</speak>" } ?? request.text, voice: request.voice,
                       speed: request.speed, pitch: Int((50 * request.pitch).rounded()), ssml: request.markup != nil)
    }

    private func initialise() throws {
        guard sampleRate == 0 else { return }
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, 0)
        guard rate > 0 else { throw MixdownError.failure("espeak-ng: cannot initialise (is espeak-ng-data installed?)") }
        sampleRate = rate
        espeak_SetSynthCallback { wav, count, events in
            guard let events, let user = events.pointee.user_data else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue()
            if let wav, count > 0 { collector.samples.append(contentsOf: UnsafeBufferPointer(start: wav, count: Int(count))) }
            var e = events
            while e.pointee.type != espeakEVENT_LIST_TERMINATED {
                if e.pointee.type == espeakEVENT_WORD {
                    collector.wordEvents.append((Int(e.pointee.audio_position), Int(e.pointee.text_position), Int(e.pointee.length)))
                }
                e += 1
            }
            return 0
        }
    }

    public struct Voice: Sendable, Equatable {
        public var name: String
        public var identifier: String
        public var languages: [String]
        public var gender: String?
    }

    /// Every voice espeak-ng has.
    /// espeak-ng's own output rate (22,050 Hz; nil when it cannot initialise).
    public var nativeSampleRate: Int? {
        lock.lock(); defer { lock.unlock() }
        guard (try? initialise()) != nil else { return nil }
        return Int(sampleRate)
    }

    public func voices() throws -> [Voice] {
        lock.lock(); defer { lock.unlock() }
        try initialise()
        return listVoices()
    }

    /// espeak-ng's voice variants (`f3`, `m1`, `klatt`…), each with its gender: `en-us+f3`
    /// speaks American English with the variant `f3`.
    public func variants() throws -> [Voice] {
        lock.lock(); defer { lock.unlock() }
        try initialise()
        return "variant".withCString { languages in
            var spec = espeak_VOICE()
            spec.languages = languages
            return listVoices(&spec).map { v in
                var v = v
                v.identifier = String(v.identifier.split(separator: "/").last ?? Substring(v.identifier))
                return v
            }
        }
    }

    private func listVoices(_ spec: UnsafeMutablePointer<espeak_VOICE>? = nil) -> [Voice] {
        guard let list = espeak_ListVoices(spec) else { return [] }
        var voices = [Voice]()
        var i = 0
        while let v = list[i] {
            var languages = [String]()
            if var p = v.pointee.languages {
                // Packed: a priority byte, a language name, NUL; the list ends with a 0 priority.
                while p.pointee != 0 {
                    p += 1
                    let language = String(cString: p)
                    languages.append(language)
                    p += language.utf8.count + 1
                }
            }
            let gender = v.pointee.gender == 1 ? "male" : v.pointee.gender == 2 ? "female" : nil
            voices.append(Voice(name: String(cString: v.pointee.name), identifier: String(cString: v.pointee.identifier),
                                languages: languages, gender: gender))
            i += 1
        }
        return voices
    }

    /// Refuses a voice espeak-ng does not have, as synthesis would, without synthesising:
    /// a render checks its voices before any speech.
    public func check(voice: String) throws {
        try lock.withLock {
            try initialise()
            try select(voice)
        }
    }

    /// Selects a voice by espeak name or file (`en-us`, `gmw/en-US`), else by language
    /// (`en-gb`) or voice name, case-insensitively.
    private func select(_ requested: String) throws {
        // Checked before espeak-ng sees it: its lookup copies names into fixed buffers.
        if let problem = Limits.voiceNameProblem(requested) {
            throw MixdownError.badInput("voice \(problem)", code: .unknownName)
        }
        if try setVoice(requested, as: requested) { return }
        let wanted = requested.lowercased()
        let voices = listVoices()
        let match = voices.first { $0.languages.contains { $0.lowercased() == wanted } }
            ?? voices.first { $0.name.lowercased() == wanted || $0.identifier.lowercased() == wanted
                || $0.identifier.split(separator: "/").last?.lowercased() == wanted }
        if let match, try setVoice(match.identifier, as: requested) { return }
        let names = Array(Set(voices.flatMap { $0.languages })).sorted()
        let close = names.filter { $0.hasPrefix(String(wanted.prefix(2))) }.prefix(8)
        throw MixdownError.badInput("voice '\(requested)' is not an espeak-ng voice\(Suggestion.hint(for: requested, in: names))\(close.isEmpty ? "" : " (close: \(close.joined(separator: ", ")))")", code: .unknownName)
    }

    /// espeak_SetVoiceByName, after making sure an MBROLA voice can load: without the mbrola
    /// program or the voice's data, espeak-ng prints several lines of its own on stderr before
    /// it fails. Those are checked here and refused in one line instead.
    private func setVoice(_ name: String, as requested: String) throws -> Bool {
        let file = name.lowercased().split(separator: "/").last.map(String.init) ?? ""
        if file.hasPrefix("mb-"), let database = file.split(separator: "-").dropFirst().first.map(String.init) {
            let data = ["/usr/share/mbrola/\(database)", "/usr/share/mbrola/\(database)/\(database)", "/usr/share/mbrola/voices/\(database)"]
            let hasData = data.contains { var folder: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue }
            guard ChildProcess.locate("mbrola") != nil, hasData else {
                throw MixdownError.badInput("voice '\(requested)' is an MBROLA voice: it needs the mbrola program and MBROLA's voice data "
                                            + "'\(database)', which this machine does not have", code: .unknownName)
            }
        }
        return espeak_SetVoiceByName(name) == EE_OK
    }

    /// Speaks `text`; `speed` 1.0 is espeak's normal 175 words per minute; `pitch` 0…100 (50
    /// normal). Returns 48 kHz mono with word timings.
    public func synthesize(text: String, voice: String, speed: Double, pitch: Int = 50, ssml: Bool = false) throws -> SpeechClip {
        let (samples, rate, events) = try lock.withLock { () throws -> ([Int16], Int, [(millisecond: Int, textPosition: Int, length: Int)]) in
            try initialise()
            try select(voice)
            espeak_SetParameter(espeakRATE, Int32(min(450, max(80, (175 * speed).rounded()))), 0)
            espeak_SetParameter(espeakPITCH, Int32(min(100, max(0, pitch))), 0)
            let collector = Collector()
            let user = Unmanaged.passRetained(collector)
            defer { user.release() }
            let bytes = Array(text.utf8) + [0]
            let status = bytes.withUnsafeBufferPointer { p in
                espeak_Synth(p.baseAddress, p.count, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8 | (ssml ? espeakSSML : 0)), nil, user.toOpaque())
            }
            guard status == EE_OK else { throw MixdownError.failure("espeak-ng: synthesis failed (\(status.rawValue)) for \"\(text.prefix(40))\"", code: .speechFailed) }
            return (collector.samples, Int(sampleRate), collector.wordEvents)
        }
        let floats = samples.map { Float($0) / 32_768 }
        // espeak-ng's formant synthesis holds nothing of use above ~10 kHz at its 22.05 kHz rate:
        // the medium converter (flat to 9.9 kHz) is transparent here at a third of the cost.
        let mono = try Resampler.resample(AudioBuffer(sampleRate: rate, channels: [floats]), to: SampleTime.renderRate,
                                          quality: .medium).channels[0]
        return SpeechClip(audio: mono, words: Self.words(events, in: text, clipLength: mono.count))
    }

    /// Word events give a position in the input and a start time. Each is mapped to the
    /// whitespace-separated token of the input that holds it, so a caption shows "coffee?" as
    /// written (and "30" once, though espeak speaks two words for it); a word ends where the
    /// next begins. Markup tags and entities are removed from the shown text.
    static func words(_ events: [(millisecond: Int, textPosition: Int, length: Int)], in text: String, clipLength: Int) -> [SpeechClip.Word] {
        let bytes = Array(text.utf8)
        var tokens = [Range<Int>]()
        var i = 0
        while i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
            let start = i
            var inTag = false
            while i < bytes.count, inTag || !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D) {
                if bytes[i] == UInt8(ascii: "<") { inTag = true } else if bytes[i] == UInt8(ascii: ">") { inTag = false }
                i += 1
            }
            if i > start { tokens.append(start..<i) }
        }
        func shown(_ range: Range<Int>) -> String {
            var out = [UInt8](), inTag = false
            for b in bytes[range] {
                if b == UInt8(ascii: "<") { inTag = true } else if b == UInt8(ascii: ">") { inTag = false } else if !inTag { out.append(b) }
            }
            return String(decoding: out, as: UTF8.self).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        }
        var grouped = [(token: Int, sample: Int)]()
        for e in events {
            let offset = max(0, e.textPosition - 1)
            guard let token = tokens.firstIndex(where: { $0.contains(offset) }) ?? tokens.lastIndex(where: { $0.lowerBound <= offset }) else { continue }
            let sample = min(SampleTime.samples(seconds: Double(e.millisecond) / 1_000, rate: SampleTime.renderRate), clipLength)
            // Words only move forward: an event pointing back into an earlier token (espeak does
            // this around some compounds) adds nothing.
            if token > (grouped.last?.token ?? -1) { grouped.append((token, sample)) }
        }
        // Every token is a word: tokens that got no event of their own ("in the" comes as one
        // event) share the span of the event before them, in proportion to their characters.
        var words = [SpeechClip.Word]()
        for (k, g) in grouped.enumerated() {
            let firstToken = k == 0 ? 0 : g.token
            let lastToken = k + 1 < grouped.count ? grouped[k + 1].token : tokens.count
            let end = max(k + 1 < grouped.count ? grouped[k + 1].sample : clipLength, g.sample)
            let texts = (firstToken..<lastToken).map { shown(tokens[$0]) }.filter { !$0.isEmpty }
            let weights = texts.map { Double($0.count + 1) }
            let total = weights.reduce(0, +)
            var position = Double(g.sample)
            for (text, weight) in zip(texts, weights) {
                let start = Int(position.rounded())
                position += Double(end - g.sample) * weight / total
                words.append(SpeechClip.Word(text: text, start: start, end: Int(position.rounded())))
            }
        }
        return words
    }
}
