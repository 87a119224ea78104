/// The delivery formats of docs/formats.md. Names and numbers are a contract with outside programs.
public enum EndFormat: String, CaseIterable, Sendable, Codable {
    case wav, wav_24, flac, ogg, opus
    case mp3, mp3_very_low, mp3_low, mp3_medium, mp3_high, mp3_very_high, mp3_alexa
    case m4a, m4a_low, m4b

    public enum Codec: Sendable, Equatable {
        case pcm16, pcm24, pcmFloat, flac16, vorbis(quality: Double), opus(bitsPerSecond: Int)
        case mp3VBR(quality: Int), mp3CBR(kbps: Int)
        /// AAC-LC in MP4 at a constant target bit rate.
        case aac(kbps: Int)
    }

    public var codec: Codec {
        switch self {
        case .wav: return .pcm16
        case .wav_24: return .pcm24
        case .flac: return .flac16
        case .ogg: return .vorbis(quality: 0.6)
        case .opus: return .opus(bitsPerSecond: 128_000)
        case .mp3: return .mp3CBR(kbps: 320)
        case .mp3_very_low: return .mp3VBR(quality: 9)
        case .mp3_low: return .mp3VBR(quality: 6)
        case .mp3_medium: return .mp3VBR(quality: 4)
        case .mp3_high: return .mp3VBR(quality: 2)
        case .mp3_very_high: return .mp3VBR(quality: 0)
        case .mp3_alexa: return .mp3CBR(kbps: 48)
        case .m4a: return .aac(kbps: 160)
        case .m4a_low: return .aac(kbps: 96)
        case .m4b: return .aac(kbps: 64)
        }
    }

    public var sampleRate: Int {
        switch self {
        case .wav, .wav_24, .flac, .ogg, .opus: return 48_000
        case .mp3_alexa: return 24_000
        case .mp3, .mp3_very_low, .mp3_low, .mp3_medium, .mp3_high, .mp3_very_high: return 44_100
        case .m4a, .m4a_low, .m4b: return 44_100
        }
    }

    public var channels: Int {
        switch self {
        case .mp3_very_low, .mp3_alexa, .m4b: return 1
        default: return 2
        }
    }

    public var fileExtension: String {
        switch self {
        case .wav, .wav_24: return "wav"
        case .flac: return "flac"
        case .ogg: return "ogg"
        case .opus: return "opus"
        case .m4a, .m4a_low: return "m4a"
        case .m4b: return "m4b"
        default: return "mp3"
        }
    }

    /// A WAV delivery, written as a Broadcast WAV with its loudness (docs/formats.md).
    public var isBroadcastWave: Bool { self == .wav || self == .wav_24 }

    public var isLossy: Bool {
        switch codec {
        case .pcm16, .pcm24, .pcmFloat, .flac16: return false
        default: return true
        }
    }

    /// The highest frequency the encoder keeps (its low-pass, read from LAME 3.100 for each
    /// preset; the full band for the lossless and Ogg formats). Sample-rate conversion for the
    /// format only has to be transparent up to here.
    public var keptBandwidth: Double {
        switch self {
        case .mp3_very_low: return 7_230
        case .mp3_low: return 16_500
        case .mp3_medium: return 17_500
        case .mp3_high: return 18_500
        case .mp3: return 20_500
        case .mp3_alexa: return 11_250
        // libavcodec's AAC encoder's own low-pass for the bit rate per channel (aacenc.h).
        case .m4a: return 17_000
        case .m4a_low: return 15_000
        case .m4b: return 16_000
        default: return Double(sampleRate) / 2
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

    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
