import CSndFile
import MixdownCore

/// Where each of `Metadata`'s text tags goes in each kind of file Mixdown writes. One table, so
/// that the four writers (ID3v2, Vorbis comments, MP4 through libavformat, RIFF INFO through
/// libsndfile) and the render's "cannot hold" warning read the same facts.
struct TagField {
    /// The production's key (`Metadata.keys`).
    let key: String
    /// The ID3v2.4 frame. `comment` (COMM) and `url` (WXXX) are not text frames and are built
    /// by `ID3v2` itself.
    let id3: String
    /// The Vorbis comment field, named as ffmpeg maps it to its generic keys (see `VorbisComment`).
    let vorbis: String
    /// libavformat's generic key for the MP4 muxer's `ilst`, nil where FFmpeg 5.1 has no atom.
    /// `language` goes on the audio stream (`mdhd`), not in `ilst`.
    let mp4: String?
    /// libsndfile's RIFF INFO string, nil where RIFF INFO has no field libsndfile writes.
    let riff: Int32?

    /// In `Metadata.keys`' order, which is also the order the fields are written in (the bytes
    /// of a tag are reproducible).
    static let all: [TagField] = [
        TagField(key: "title", id3: "TIT2", vorbis: "TITLE", mp4: "title", riff: Int32(SF_STR_TITLE)),
        TagField(key: "artist", id3: "TPE1", vorbis: "ARTIST", mp4: "artist", riff: Int32(SF_STR_ARTIST)),
        TagField(key: "album", id3: "TALB", vorbis: "ALBUM", mp4: "album", riff: Int32(SF_STR_ALBUM)),
        TagField(key: "albumArtist", id3: "TPE2", vorbis: "ALBUMARTIST", mp4: "album_artist", riff: nil),
        TagField(key: "genre", id3: "TCON", vorbis: "GENRE", mp4: "genre", riff: Int32(SF_STR_GENRE)),
        TagField(key: "year", id3: "TDRC", vorbis: "DATE", mp4: "date", riff: Int32(SF_STR_DATE)),
        TagField(key: "track", id3: "TRCK", vorbis: "TRACKNUMBER", mp4: "track", riff: Int32(SF_STR_TRACKNUMBER)),
        TagField(key: "comment", id3: "COMM", vorbis: "COMMENT", mp4: "comment", riff: Int32(SF_STR_COMMENT)),
        TagField(key: "copyright", id3: "TCOP", vorbis: "COPYRIGHT", mp4: "copyright", riff: Int32(SF_STR_COPYRIGHT)),
        // ffmpeg's "publisher"; Xiph's ORGANIZATION would not map to it.
        TagField(key: "publisher", id3: "TPUB", vorbis: "PUBLISHER", mp4: nil, riff: nil),
        TagField(key: "language", id3: "TLAN", vorbis: "LANGUAGE", mp4: "language", riff: nil),
        // ffmpeg has no generic key for a URL; CONTACT is the Xiph field defined to hold one.
        TagField(key: "url", id3: "WXXX", vorbis: "CONTACT", mp4: nil, riff: nil),
        TagField(key: "isrc", id3: "TSRC", vorbis: "ISRC", mp4: nil, riff: nil),
    ]

    /// The fields `m` has a value for, each with that value as it will be written.
    static func present(in m: Metadata) -> [(field: TagField, value: String)] {
        all.compactMap { field in TagText.clean(m[field.key]).map { (field, $0) } }
    }
}

extension FileTags {
    /// What a file with this extension cannot hold of `metadata` (production keys, plus
    /// `coverImage` and `chapters`), and why; nil when it holds everything asked for.
    public static func unheld(_ metadata: Metadata, chapters: Bool, forExtension ext: String) -> (keys: [String], reason: String)? {
        var keys: [String]
        let reason: String
        switch ext {
        case "wav":
            keys = TagField.present(in: metadata).filter { $0.field.riff == nil }.map(\.field.key)
            if metadata.cover != nil { keys.append("coverImage") }
            if chapters { keys.append("chapters") }
            reason = "a WAV's RIFF INFO has no place for them"
        case "m4a", "m4b":
            keys = AACStream.unwritten(metadata)
            // track and language have atoms, but only in one form.
            let unshaped = keys.filter { $0 == "track" || $0 == "language" }
            reason = unshaped.isEmpty ? "MP4's iTunes atoms have none"
                : "MP4's iTunes atoms have none, or take only a track number N or N/M and a three-letter ISO 639-2 language"
        default:
            return nil
        }
        return keys.isEmpty ? nil : (keys, reason)
    }
}
