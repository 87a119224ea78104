/// A delivery format: one of the named presets of docs/formats.md, or a custom encoding a
/// production describes as an object (`EndFormat.custom`). Names and numbers of the presets are
/// a contract with outside programs; a format's `name` is what file names and reports show.
public struct EndFormat: Hashable, Sendable, CustomStringConvertible {
    public enum Codec: Hashable, Sendable {
        case pcm16, pcm24, pcmFloat, flac16, flac24, vorbis(quality: Double), opus(bitsPerSecond: Int)
        case mp3VBR(quality: Int), mp3CBR(kbps: Int)
        /// LAME's average bit rate mode: variable frames around a mean (a custom `vbr` MP3 with a `bitRate`).
        case mp3ABR(kbps: Int)
        /// AAC-LC in MP4 at a constant target bit rate.
        case aac(kbps: Int)
    }

    public let name: String
    public let codec: Codec
    public let sampleRate: Int
    public let channels: Int
    /// An MP4 audiobook (`.m4b`, brand `M4B `) rather than `.m4a`.
    public let isAudiobook: Bool
    /// One of the named presets (a custom encoding is not).
    public let isPreset: Bool

    public init(name: String, codec: Codec, sampleRate: Int, channels: Int, audiobook: Bool = false, preset: Bool = false) {
        (self.name, self.codec, self.sampleRate, self.channels, isAudiobook, isPreset) = (name, codec, sampleRate, channels, audiobook, preset)
    }

    public var description: String { name }

    static func preset(_ name: String, _ codec: Codec, _ rate: Int, _ channels: Int = 2, audiobook: Bool = false) -> EndFormat {
        EndFormat(name: name, codec: codec, sampleRate: rate, channels: channels, audiobook: audiobook, preset: true)
    }

    public static let wav = preset("wav", .pcm16, 48_000)
    public static let wav_24 = preset("wav_24", .pcm24, 48_000)
    public static let flac = preset("flac", .flac16, 48_000)
    public static let ogg = preset("ogg", .vorbis(quality: 0.6), 48_000)
    public static let opus = preset("opus", .opus(bitsPerSecond: 128_000), 48_000)
    public static let mp3 = preset("mp3", .mp3CBR(kbps: 320), 44_100)
    public static let mp3_very_low = preset("mp3_very_low", .mp3VBR(quality: 9), 44_100, 1)
    public static let mp3_low = preset("mp3_low", .mp3VBR(quality: 6), 44_100)
    public static let mp3_medium = preset("mp3_medium", .mp3VBR(quality: 4), 44_100)
    public static let mp3_high = preset("mp3_high", .mp3VBR(quality: 2), 44_100)
    public static let mp3_very_high = preset("mp3_very_high", .mp3VBR(quality: 0), 44_100)
    public static let mp3_alexa = preset("mp3_alexa", .mp3CBR(kbps: 48), 24_000, 1)
    public static let m4a = preset("m4a", .aac(kbps: 160), 44_100)
    public static let m4a_low = preset("m4a_low", .aac(kbps: 96), 44_100)
    public static let m4b = preset("m4b", .aac(kbps: 64), 44_100, 1, audiobook: true)

    /// The presets, in the order docs/formats.md lists them.
    public static let presets: [EndFormat] = [.wav, .wav_24, .flac, .ogg, .opus, .mp3, .mp3_very_low, .mp3_low, .mp3_medium,
                                              .mp3_high, .mp3_very_high, .mp3_alexa, .m4a, .m4a_low, .m4b]
    public static let presetsByName = Dictionary(uniqueKeysWithValues: presets.map { ($0.name, $0) })
    public static func preset(named name: String) -> EndFormat? { presetsByName[name] }

    public var fileExtension: String {
        switch codec {
        case .pcm16, .pcm24, .pcmFloat: return "wav"
        case .flac16, .flac24: return "flac"
        case .vorbis: return "ogg"
        case .opus: return "opus"
        case .mp3VBR, .mp3CBR, .mp3ABR: return "mp3"
        case .aac: return isAudiobook ? "m4b" : "m4a"
        }
    }

    /// The media type of a delivered file, by its extension (a custom format's name says nothing).
    public static func mimeType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "mp3": return "audio/mpeg"
        case "m4a", "m4b": return "audio/mp4"
        case "wav": return "audio/wav"
        case "flac": return "audio/flac"
        case "ogg", "opus": return "audio/ogg"
        default: return "application/octet-stream"
        }
    }

    /// A WAV delivery, written as a Broadcast WAV with its loudness (docs/formats.md).
    public var isBroadcastWave: Bool { codec == .pcm16 || codec == .pcm24 || (codec == .pcmFloat && !isPreset) }

    public var isLossy: Bool {
        switch codec {
        case .pcm16, .pcm24, .pcmFloat, .flac16, .flac24: return false
        default: return true
        }
    }

    /// The highest frequency the encoder keeps (its low-pass, read from LAME 3.100 for each
    /// preset; the full band for the lossless and Ogg formats). Sample-rate conversion for the
    /// format only has to be transparent up to here.
    public var keptBandwidth: Double {
        let nyquist = Double(sampleRate) / 2
        switch codec {
        case .mp3VBR(9) where sampleRate == 44_100: return 7_230
        case .mp3VBR(6) where sampleRate == 44_100: return 16_500
        case .mp3VBR(4) where sampleRate == 44_100: return 17_500
        case .mp3VBR(2) where sampleRate == 44_100: return 18_500
        case .mp3CBR(320) where sampleRate == 44_100: return 20_500
        case .mp3CBR(48) where sampleRate == 24_000: return 11_250
        // libavcodec's AAC encoder's own low-pass for the bit rate per channel (aacenc.h).
        case .aac(160) where sampleRate == 44_100 && channels == 2: return 17_000
        case .aac(96) where sampleRate == 44_100 && channels == 2: return 15_000
        case .aac(64) where sampleRate == 44_100 && channels == 1: return 16_000
        // Custom encodings keep the whole band: the resampler is then transparent to Nyquist,
        // whatever low-pass the encoder chooses.
        default: return nyquist
        }
    }

    /// The format a bare output name asks for: `.mp3` is mp3_medium (docs/formats.md).
    public static func forExtension(_ ext: String) -> EndFormat? {
        switch ext.lowercased() {
        case "wav", "wave": return .wav
        case "flac": return .flac
        case "ogg", "oga": return .ogg
        case "opus": return .opus
        case "mp3": return .mp3_medium
        case "m4a": return .m4a
        case "m4b": return .m4b
        default: return nil
        }
    }

    public static let names = presets.map(\.name).joined(separator: ", ")
}

/// A format is written and read by its name (a report's `endFormat`); only presets can be read
/// back from a name alone.
extension EndFormat: Codable {
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let preset = EndFormat.preset(named: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a preset format: \(name)"))
        }
        self = preset
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
