import MixdownCore
import Foundation

/// Vorbis comments, as used by FLAC (VORBIS_COMMENT block), Ogg Vorbis and Ogg Opus.
public enum VorbisComment {
    /// The chapter extension numbers fields CHAPTER000...CHAPTER999, and ffmpeg parses
    /// exactly three digits; numbering starts at 001 as in the extension's examples.
    static let maxChapters = 999

    /// The fields for `m` and `chapters`, in a fixed order (byte-reproducible output).
    ///
    /// Field names (`TagField.vorbis`) are the ones ffmpeg turns into its generic keys (its
    /// dictionary is case-insensitive, plus ALBUMARTIST -> album_artist and TRACKNUMBER ->
    /// track), which are also the names mutagen, Picard, foobar2000 and the Xiph list use.
    /// The cover is not here: FLAC carries it as a PICTURE block, Ogg as
    /// METADATA_BLOCK_PICTURE (see `OggTagger`).
    public static func fields(_ m: Metadata, chapters: [Chapter], sampleRate: Int) -> [(String, String)] {
        var out: [(String, String)] = []
        for (field, value) in TagField.present(in: m) {
            // "3/12" is ID3's form; Vorbis readers expect the total in a field of its own.
            let parts = value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if field.key == "track", parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                out.append((field.vorbis, parts[0]))
                out.append(("TRACKTOTAL", parts[1]))
            } else {
                out.append((field.vorbis, value))
            }
        }
        for (index, chapter) in chapters.prefix(maxChapters).enumerated() {
            let number = String(index + 1)
            let key = "CHAPTER" + String(repeating: "0", count: max(0, 3 - number.count)) + number
            let ms = TagText.milliseconds(samples: chapter.start, sampleRate: sampleRate)
            out.append((key, timestamp(ms)))
            // ffmpeg drops empty values, and a NAME field needs its time field first.
            if let title = TagText.clean(chapter.title) { out.append((key + "NAME", title)) }
        }
        return out
    }

    /// HH:MM:SS.mmm as ffmpeg's `%02d:%02d:%02d.%03d` reads it. Hours above 99 are
    /// written in full but ffmpeg reads only two digits, so past 99 h ffmpeg misreads.
    static func timestamp(_ ms: Int) -> String {
        let ms = max(0, ms)
        let hours = ms / 3_600_000, minutes = ms / 60_000 % 60, seconds = ms / 1000 % 60, millis = ms % 1000
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))"
    }

    /// The comment structure without container framing: vendor length + vendor,
    /// field count, then each "NAME=value" with its length (all little-endian).
    /// Vorbis wraps it in "\u{3}vorbis" ... framing bit, Opus prefixes "OpusTags",
    /// FLAC stores it as is. Field names must pass `isValidName`.
    public static func packetBody(vendor: String, fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        let vendorBytes = Array(vendor.utf8)
        out.appendLE32(UInt32(truncatingIfNeeded: vendorBytes.count))
        out += vendorBytes
        out.appendLE32(UInt32(truncatingIfNeeded: fields.count))
        for (name, value) in fields {
            let entry = Array(name.utf8) + [UInt8(ascii: "=")] + Array(value.utf8)
            out.appendLE32(UInt32(truncatingIfNeeded: entry.count))
            out += entry
        }
        return out
    }

    /// The spec allows ASCII 0x20...0x7D except "=" in names; anything else makes
    /// readers split the field at the wrong place or reject the block.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7D && $0 != UInt8(ascii: "=") }
    }

    /// Throws unless every name is valid and the packet fits `limit` bytes.
    static func check(_ fields: [(String, String)], limit: Int, path: String) throws {
        var size = 8
        for (name, value) in fields {
            guard isValidName(name) else {
                throw MixdownError.failure("\(path): \"\(name)\" cannot be a Vorbis comment field name")
            }
            size += 5 + name.utf8.count + value.utf8.count
        }
        guard size <= limit else {
            throw MixdownError.failure("\(path): the tags are too large (\(size) bytes, at most \(limit))")
        }
    }

    /// The body of a FLAC PICTURE block (front cover, empty description): the form
    /// FLAC stores directly and Ogg stores base64-encoded as METADATA_BLOCK_PICTURE.
    static func pictureBlock(_ cover: CoverImage) -> [UInt8] {
        var out: [UInt8] = []
        out.appendBE32(3)   // front cover
        let mime = Array(cover.mimeType.utf8)
        out.appendBE32(UInt32(truncatingIfNeeded: mime.count))
        out += mime
        out.appendBE32(0)   // description length
        out.appendBE32(UInt32(truncatingIfNeeded: cover.width))
        out.appendBE32(UInt32(truncatingIfNeeded: cover.height))
        out.appendBE32(UInt32(truncatingIfNeeded: cover.depth))
        out.appendBE32(UInt32(truncatingIfNeeded: cover.indexedColours))
        out.appendBE32(UInt32(truncatingIfNeeded: cover.bytes.count))
        out += cover.bytes
        return out
    }

    /// The METADATA_BLOCK_PICTURE field for Ogg files.
    static func pictureField(_ cover: CoverImage) -> (String, String) {
        ("METADATA_BLOCK_PICTURE", Data(pictureBlock(cover)).base64EncodedString())
    }

    /// The vendor string of a comment structure, nil when it is garbled.
    static func vendor(in body: [UInt8], at offset: Int) -> String? {
        guard let length = body.le32(at: offset), length <= body.count - offset - 4 else { return nil }
        return String(decoding: body[offset + 4 ..< offset + 4 + length], as: UTF8.self)
    }
}
