import MixdownCore
/// Replaces the tags of a FLAC file (as written by libsndfile/libFLAC).
///
/// The metadata blocks are rebuilt: STREAMINFO first (the format requires it),
/// then SEEKTABLE, CUESHEET, APPLICATION and unknown blocks in their old order,
/// then the new VORBIS_COMMENT (with the old vendor string) and the PICTURE.
/// Old comments and pictures are dropped so retagging replaces rather than adds,
/// and PADDING is dropped because this writer always rewrites the whole file.
/// The audio frames are streamed across unchanged.
public enum FLACTagger {
    private static let maxBlock = (1 << 24) - 1   // block length is 24 bits

    public static func rewrite(_ path: String, fields: [(String, String)], cover: CoverImage?) throws {
        try VorbisComment.check(fields, limit: maxBlock, path: path)
        try TagFile.rewrite(path) { reader, writer in
            guard try reader.peek(4) == Array("fLaC".utf8) else {
                throw MixdownError.failure("\(path): not a FLAC file (no fLaC signature at the start)")
            }
            _ = try reader.read(4, "signature")
            var kept: [(type: UInt8, body: [UInt8])] = []
            var vendor: String?
            var isLast = false, isFirst = true
            while !isLast {
                let header = try reader.read(4, "metadata")
                isLast = header[0] & 0x80 != 0
                let type = header[0] & 0x7F
                let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                if isFirst {
                    guard type == 0, length == 34 else {
                        throw MixdownError.failure("\(path): damaged FLAC file (STREAMINFO is not the first block)")
                    }
                    isFirst = false
                }
                switch type {
                case 1, 6:   // PADDING, PICTURE: dropped (see above)
                    _ = try reader.read(length, "metadata")
                case 4:      // VORBIS_COMMENT: only its vendor string survives
                    let body = try reader.read(length, "metadata")
                    vendor = VorbisComment.vendor(in: body, at: 0)
                case 127:
                    throw MixdownError.failure("\(path): damaged FLAC file (invalid metadata block type)")
                default:
                    kept.append((type, try reader.read(length, "metadata")))
                }
            }
            // Guard against a misparse: audio must start with a frame sync code
            // (14 bits 11111111111110). An empty stream (no frames) is fine.
            let sync = try reader.peek(2)
            guard sync.isEmpty || (sync.count == 2 && sync[0] == 0xFF && sync[1] & 0xFE == 0xF8) else {
                throw MixdownError.failure("\(path): damaged FLAC file (no audio frame after the metadata)")
            }

            // libFLAC always writes a comment block; "Mixdown" only covers files without one.
            kept.append((4, VorbisComment.packetBody(vendor: vendor ?? "Mixdown", fields: fields)))
            if let cover {
                kept.append((6, VorbisComment.pictureBlock(cover)))
            }
            var head: [UInt8] = Array("fLaC".utf8)
            for (index, block) in kept.enumerated() {
                guard block.body.count <= maxBlock else {
                    throw MixdownError.failure("\(path): a metadata block would exceed FLAC's 16 MiB limit")
                }
                let last: UInt8 = index == kept.count - 1 ? 0x80 : 0
                head += [last | block.type,
                         UInt8(truncatingIfNeeded: block.body.count >> 16),
                         UInt8(truncatingIfNeeded: block.body.count >> 8),
                         UInt8(truncatingIfNeeded: block.body.count)]
                head += block.body
            }
            try writer.write(head)
            while true {
                let chunk = try reader.nextChunk()
                if chunk.isEmpty { break }
                try writer.write(chunk)
            }
        }
    }
}
