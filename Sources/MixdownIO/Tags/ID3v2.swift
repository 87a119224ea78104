import MixdownCore
/// Builds an ID3v2.4.0 tag for the start of an MP3 file.
///
/// Choices, and why:
/// - v2.4 with UTF-8 (encoding 3) so any script survives without UTF-16 byte-order games.
/// - No unsynchronisation, extended header or padding: modern readers don't need the
///   first, the others add nothing, and the tag must be byte-reproducible (same input,
///   same bytes), hence also no TSSE/TDEN or other dates.
/// - Chapters as CHAP frames under one top-level, ordered CTOC (the ID3 chapter
///   addendum), which is what podcast apps, ffmpeg and mutagen read.
public enum ID3v2 {
    /// A CTOC frame's entry count is one byte.
    static let maxChapters = 255
    /// A v2.4 frame size is a 28-bit synchsafe integer.
    private static let maxFrameBody = (1 << 28) - 1 - 10

    /// The whole tag (header included), or [] when there is nothing to write.
    /// Chapters past `maxChapters` are left out, so callers should refuse more.
    public static func tag(_ m: Metadata, chapters: [Chapter], sampleRate: Int) -> [UInt8] {
        var frames: [UInt8] = []
        for (field, value) in TagField.present(in: m) {
            switch field.id3 {
            case "COMM":
                // Encoding, 3-letter language, description ("" + its terminator), text.
                frames += frame("COMM", [0x03] + commentLanguage(m.language) + [0x00] + Array(value.utf8))
            case "WXXX":
                // A user URL with an empty description rather than WOAR, which means "official
                // artist page" - narrower than a delivery's link. The URL part is always
                // ISO-8859-1, so anything beyond ASCII is percent-encoded.
                frames += frame("WXXX", [0x03, 0x00] + asciiURL(value))
            default:
                frames += textFrame(field.id3, value)
            }
        }
        if let cover = m.cover {
            // Encoding 0 (Latin-1) is enough for the empty description and is the
            // form every reader, old iTunes included, accepts.
            var body: [UInt8] = [0x00] + Array(cover.mimeType.utf8) + [0x00]
            body.append(0x03)   // picture type: front cover
            body.append(0x00)   // empty description
            body += cover.bytes
            frames += frame("APIC", body)
        }
        if !chapters.isEmpty {
            let listed = Array(chapters.prefix(maxChapters))
            var toc: [UInt8] = Array("toc".utf8) + [0x00]
            toc.append(0x03)    // flags: top-level (bit 1) + ordered (bit 0)
            toc.append(UInt8(listed.count))
            for index in listed.indices { toc += Array("ch\(index)".utf8) + [0x00] }
            frames += frame("CTOC", toc)
            for (index, chapter) in listed.enumerated() {
                var chap: [UInt8] = Array("ch\(index)".utf8) + [0x00]
                chap.appendBE32(milliseconds(chapter.start, sampleRate))
                chap.appendBE32(milliseconds(chapter.end, sampleRate))
                // Byte offsets unknown/unused: the spec's 0xFFFFFFFF makes readers use the times.
                chap.appendBE32(0xFFFF_FFFF)
                chap.appendBE32(0xFFFF_FFFF)
                if let title = TagText.clean(chapter.title) { chap += textFrame("TIT2", title) }
                frames += frame("CHAP", chap)
            }
        }
        // The tag size is 28 bits too; only text fields of hundreds of MB could pass it.
        guard !frames.isEmpty, frames.count <= (1 << 28) - 1 else { return [] }
        var tag: [UInt8] = Array("ID3".utf8) + [0x04, 0x00, 0x00]   // v2.4.0, no flags
        tag += synchsafe(frames.count)
        return tag + frames
    }

    private static func textFrame(_ id: String, _ value: String) -> [UInt8] {
        frame(id, [0x03] + Array(value.utf8))
    }

    /// One frame; an over-large one (only possible with absurd input) is left out
    /// rather than written with a wrapped size that would corrupt the whole tag.
    private static func frame(_ id: String, _ body: [UInt8]) -> [UInt8] {
        guard body.count <= maxFrameBody else { return [] }
        return Array(id.utf8) + synchsafe(body.count) + [0x00, 0x00] + body
    }

    /// Seven bits a byte, as v2.4 wants for both tag and frame sizes.
    private static func synchsafe(_ n: Int) -> [UInt8] {
        [UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)]
    }

    private static func milliseconds(_ samples: Int, _ sampleRate: Int) -> UInt32 {
        // 0xFFFFFFFF would read as "no time", so saturate one below (~49 days).
        UInt32(min(TagText.milliseconds(samples: samples, sampleRate: sampleRate), 0xFFFF_FFFE))
    }

    /// COMM needs an ISO-639-2 code; a `language` that is not three letters
    /// (e.g. "en" or "English") falls back to "eng", as most taggers do.
    private static func commentLanguage(_ language: String?) -> [UInt8] {
        if let code = TagText.clean(language), code.utf8.count == 3,
           code.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
            return Array(code.lowercased().utf8)
        }
        return Array("eng".utf8)
    }

    private static func asciiURL(_ url: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in url.utf8 {
            if byte >= 0x21 && byte < 0x7F {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return out
    }
}
