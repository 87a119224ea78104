import CSndFile

/// The audio containers Mixdown reads, as detected from a file's content (libsndfile, and the
/// first bytes for MP3 and MP4).
public enum AudioContainer: String, Sendable, CaseIterable {
    case wav = "WAV", aiff = "AIFF", flac = "FLAC", vorbis = "Ogg Vorbis", opus = "Ogg Opus", mp3 = "MP3", mp4 = "MP4"

    init?(sfFormat format: Int32) {
        let major = format & Int32(SF_FORMAT_TYPEMASK)
        let sub = format & Int32(SF_FORMAT_SUBMASK)
        switch major {
        case Int32(SF_FORMAT_WAV), Int32(SF_FORMAT_WAVEX), Int32(SF_FORMAT_RF64), Int32(SF_FORMAT_W64): self = .wav
        case Int32(SF_FORMAT_AIFF): self = .aiff
        case Int32(SF_FORMAT_FLAC): self = .flac
        case Int32(SF_FORMAT_OGG): self = sub == Int32(SF_FORMAT_OPUS) ? .opus : .vorbis
        case Int32(SF_FORMAT_MPEG): self = .mp3
        default: return nil
        }
    }

    /// What a file's extension promises. `nil` for extensions that promise nothing in particular,
    /// which are decoded by content.
    static func expected(forExtension ext: String) -> Set<AudioContainer>? {
        switch ext.lowercased() {
        case "wav", "wave", "bwf", "rf64", "w64": return [.wav]
        case "aif", "aiff", "aifc": return [.aiff]
        case "flac": return [.flac]
        case "ogg", "oga": return [.vorbis, .opus]
        case "opus": return [.opus]
        case "mp3": return [.mp3]
        case "m4a", "m4b", "mp4": return [.mp4]
        default: return nil
        }
    }
}
