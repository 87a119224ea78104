import MixdownCore
/// Replaces the comment header of an Ogg Vorbis or Ogg Opus file (one logical
/// stream, as libsndfile writes them).
///
/// The first page (identification header) is kept as it is. The comment
/// packet is rebuilt with `fields` (+ METADATA_BLOCK_PICTURE) and, with the Vorbis
/// setup packet when there is one, laid out on fresh pages; a big cover makes the
/// comment span many pages. Every later page is copied with only its sequence
/// number shifted and its CRC recomputed, streamed.
public enum OggTagger {
    /// Comment packets beyond this are refused; 10 MiB covers grow by a third in base64.
    private static let maxComment = 64 << 20

    private enum Codec { case vorbis, opus }

    public static func rewrite(_ path: String, fields: [(String, String)], cover: CoverImage?) throws {
        var all = fields
        if let cover { all.append(VorbisComment.pictureField(cover)) }
        try VorbisComment.check(all, limit: maxComment, path: path)

        try TagFile.rewrite(path) { reader, writer in
            func damaged(_ why: String) -> MixdownError { MixdownError.failure("\(path): damaged Ogg file (\(why))") }

            guard try reader.peek(4) == Array("OggS".utf8) else {
                throw MixdownError.failure("\(path): not an Ogg file (no OggS page at the start)")
            }
            guard let first = try OggPage.read(reader) else { throw damaged("no pages") }
            // Both specs put the identification header alone on the first page.
            guard first.headerType & 0x02 != 0, first.lacing.last.map({ $0 < 255 }) == true,
                  first.lacing.dropLast().allSatisfy({ $0 == 255 }) else {
                throw damaged("the first page does not hold just an identification header")
            }
            let codec: Codec
            if first.body.hasPrefix([0x01] + Array("vorbis".utf8)) {
                codec = .vorbis
            } else if first.body.hasPrefix(Array("OpusHead".utf8)) {
                codec = .opus
            } else {
                throw MixdownError.failure("\(path): only Ogg Vorbis and Ogg Opus files can be tagged")
            }
            let serial = first.serial

            // Collect the remaining header packets: comment (+ setup for Vorbis).
            let needed = codec == .vorbis ? 2 : 1
            var packets: [[UInt8]] = []
            var partial: [UInt8] = []
            var lastHeaderSequence = first.sequence
            var headerBytes = 0
            while packets.count < needed {
                guard let page = try OggPage.read(reader) else { throw damaged("the headers are incomplete") }
                guard page.serial == serial else {
                    throw MixdownError.failure("\(path): Ogg files with more than one stream cannot be tagged")
                }
                guard (page.headerType & 0x01 != 0) == !partial.isEmpty else {
                    throw damaged("header pages do not continue each other")
                }
                var offset = 0
                for (index, lace) in page.lacing.enumerated() {
                    guard packets.count < needed else {
                        // Both specs require the last header packet to end its page.
                        throw damaged("audio shares a page with the headers (segment \(index))")
                    }
                    partial += page.body[offset ..< offset + Int(lace)]
                    offset += Int(lace)
                    if lace < 255 {
                        packets.append(partial)
                        partial = []
                    }
                }
                // A garbled file must not make us gather the whole file in memory.
                headerBytes += page.body.count
                guard headerBytes <= maxComment + (16 << 20) else {
                    throw damaged("the header packets never end")
                }
                lastHeaderSequence = page.sequence
            }

            // The vendor string names the encoder (libvorbis/libopus) and is kept.
            let comment = packets[0]
            let newComment: [UInt8]
            switch codec {
            case .vorbis:
                let magic = [0x03] + Array("vorbis".utf8)
                guard comment.hasPrefix(magic), packets.count == 2,
                      packets[1].hasPrefix([0x05] + Array("vorbis".utf8)) else {
                    throw damaged("the Vorbis comment or setup header is missing")
                }
                guard let vendor = VorbisComment.vendor(in: comment, at: magic.count) else {
                    throw damaged("garbled comment header")
                }
                // The trailing 1 is Vorbis's framing bit; decoders reject the header without it.
                newComment = magic + VorbisComment.packetBody(vendor: vendor, fields: all) + [0x01]
            case .opus:
                let magic = Array("OpusTags".utf8)
                guard comment.hasPrefix(magic) else { throw damaged("the OpusTags header is missing") }
                guard let vendor = VorbisComment.vendor(in: comment, at: magic.count) else {
                    throw damaged("garbled comment header")
                }
                newComment = magic + VorbisComment.packetBody(vendor: vendor, fields: all)
            }

            let headerPages = OggPage.paginate([newComment] + packets.dropFirst(), serial: serial,
                                               firstSequence: first.sequence &+ 1)
            try writer.write(first.encoded())
            for page in headerPages { try writer.write(page.encoded()) }

            // Later pages keep everything but their sequence number, shifted by the
            // change in header page count (readers check sequence continuity).
            let shift = (first.sequence &+ UInt32(truncatingIfNeeded: headerPages.count)) &- lastHeaderSequence
            while var page = try OggPage.read(reader) {
                guard page.serial == serial else {
                    throw MixdownError.failure("\(path): Ogg files with more than one stream (or chained streams) cannot be tagged")
                }
                page.sequence = page.sequence &+ shift
                try writer.write(page.encoded())
            }
        }
    }
}

/// One Ogg page, parsed enough to renumber it and lay out header packets.
struct OggPage {
    var headerType: UInt8       // 1: continues a packet, 2: first page, 4: last page
    var granule: UInt64
    var serial: UInt32
    var sequence: UInt32
    var lacing: [UInt8]
    var body: [UInt8]

    /// The next page, or nil at the end of the file.
    static func read(_ reader: TagFileReader) throws -> OggPage? {
        if try reader.atEnd() { return nil }
        let h = try reader.read(27, "Ogg page header")
        guard h.hasPrefix(Array("OggS".utf8)), h[4] == 0 else {
            throw MixdownError.failure("\(reader.path): damaged Ogg file (no page where one should start)")
        }
        var granule: UInt64 = 0
        for i in (6 ..< 14).reversed() { granule = granule << 8 | UInt64(h[i]) }
        let serial = UInt32(truncatingIfNeeded: h.le32(at: 14) ?? 0)
        let sequence = UInt32(truncatingIfNeeded: h.le32(at: 18) ?? 0)
        let lacing = try reader.read(Int(h[26]), "Ogg page header")
        let body = try reader.read(lacing.reduce(0) { $0 + Int($1) }, "Ogg page")
        return OggPage(headerType: h[5], granule: granule, serial: serial, sequence: sequence, lacing: lacing, body: body)
    }

    /// The page's bytes with a freshly computed CRC.
    func encoded() -> [UInt8] {
        var out: [UInt8] = Array("OggS".utf8) + [0, headerType]
        for i in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: granule >> (8 * UInt64(i)))) }
        out.appendLE32(serial)
        out.appendLE32(sequence)
        out.appendLE32(0)   // CRC placeholder: the checksum covers the page with this zeroed
        out.append(UInt8(truncatingIfNeeded: lacing.count))
        out += lacing
        out += body
        let crc = OggCRC.checksum(out)
        out[22] = UInt8(truncatingIfNeeded: crc)
        out[23] = UInt8(truncatingIfNeeded: crc >> 8)
        out[24] = UInt8(truncatingIfNeeded: crc >> 16)
        out[25] = UInt8(truncatingIfNeeded: crc >> 24)
        return out
    }

    /// Lays header packets on pages of up to 255 segments (the most a page can
    /// hold), the last packet finishing the last page as both codecs require.
    /// Granule position: 0 on pages where a header packet ends, and -1 (all ones)
    /// on pages where none does - the Ogg spec's rule, which libogg also follows.
    static func paginate(_ packets: [[UInt8]], serial: UInt32, firstSequence: UInt32) -> [OggPage] {
        // (lacing value, first segment of its packet?, packet index, offset in packet)
        var segments: [(lace: UInt8, starts: Bool, packet: Int, offset: Int)] = []
        for (index, packet) in packets.enumerated() {
            var offset = 0
            repeat {
                let size = min(255, packet.count - offset)
                segments.append((UInt8(size), offset == 0, index, offset))
                offset += size
                // A packet whose size is a multiple of 255 ends with a 0 segment.
            } while offset < packet.count || (offset == packet.count && segments.last?.lace == 255)
        }
        var pages: [OggPage] = []
        var start = 0
        while start < segments.count {
            let slice = segments[start ..< min(start + 255, segments.count)]
            var body: [UInt8] = []
            for s in slice { body += packets[s.packet][s.offset ..< s.offset + Int(s.lace)] }
            let endsPacket = slice.contains { $0.lace < 255 }
            pages.append(OggPage(headerType: slice.first?.starts == false ? 0x01 : 0x00,
                                 granule: endsPacket ? 0 : UInt64.max,
                                 serial: serial,
                                 sequence: firstSequence &+ UInt32(truncatingIfNeeded: pages.count),
                                 lacing: slice.map(\.lace), body: body))
            start += slice.count
        }
        return pages
    }
}

/// Ogg's CRC-32: polynomial 0x04C11DB7, MSB first, initial value 0, no final XOR.
enum OggCRC {
    private static let table: [UInt32] = (0 ..< 256).map { n in
        var r = UInt32(n) << 24
        for _ in 0 ..< 8 { r = r & 0x8000_0000 != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1 }
        return r
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0
        table.withUnsafeBufferPointer { t in
            for byte in bytes { crc = (crc << 8) ^ t[Int((crc >> 24) ^ UInt32(byte))] }
        }
        return crc
    }
}
