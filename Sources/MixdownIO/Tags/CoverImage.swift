import MixdownCore
import Foundation

extension CoverImage {
    /// A cover from a file, refused (at `keyPath`, exit 1) when it is missing, too large to
    /// read, or not a JPEG or PNG by its bytes. The size is checked before anything is read.
    public static func read(_ path: String, keyPath: String) throws -> CoverImage {
        func refuse(_ why: String) -> MixdownError { MixdownError(.badInput, why, code: .invalidProduction, keyPath: keyPath) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw refuse("\(path): cannot read the cover image (\(String(cString: strerror(errno))))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw refuse("\(path): the cover image is not a regular file") }
        guard Int(info.st_size) <= maxBytes else { throw refuse("\(path): the cover image is \(info.st_size) bytes; at most \(maxBytes) (10 MiB)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse("\(path): cannot read the cover image") }
        do { return try load([UInt8](data), source: path) } catch let e as MixdownError { throw refuse(e.reason) }
    }

    /// Larger covers bloat every delivered file and some players refuse them.
    static let maxBytes = 10 * 1024 * 1024
    /// Apple Podcasts and most stores ask for at most 3000-4096 px a side.
    static let maxSide = 4096

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Checks `bytes` as a cover picture. The type comes from the bytes, never from
    /// `source`'s extension, because a misnamed file would otherwise be embedded with
    /// a MIME type that players then fail to decode. `source` only names the file in errors.
    public static func load(_ bytes: [UInt8], source: String) throws -> CoverImage {
        guard !bytes.isEmpty else {
            throw MixdownError.failure("\(source): the cover image file is empty")
        }
        guard bytes.count <= maxBytes else {
            let mib = Double(bytes.count) / 1_048_576
            throw MixdownError.failure("\(source): the cover image is \(String(format: "%.1f", mib)) MiB; at most 10 MiB is allowed")
        }
        let image: CoverImage
        if bytes.hasPrefix(pngSignature) {
            image = try png(bytes, source: source)
        } else if bytes.hasPrefix([0xFF, 0xD8, 0xFF]) {
            image = try jpeg(bytes, source: source)
        } else {
            throw MixdownError.failure("\(source): a cover image must be a JPEG or PNG (these bytes are neither)")
        }
        guard image.width > 0, image.height > 0 else {
            throw MixdownError.failure("\(source): the cover image has a zero width or height")
        }
        guard image.width <= maxSide, image.height <= maxSide else {
            throw MixdownError.failure("\(source): the cover image is \(image.width)×\(image.height) pixels; at most \(maxSide)×\(maxSide) is allowed")
        }
        return image
    }

    // MARK: PNG

    private static func png(_ b: [UInt8], source: String) throws -> CoverImage {
        func garbled(_ why: String) -> MixdownError {
            MixdownError.failure("\(source): the PNG cover image is damaged (\(why))")
        }
        // IHDR must be the first chunk and is always 13 bytes.
        guard b.be32(at: 8) == 13, b.hasPrefix(Array("IHDR".utf8), at: 12),
              let width = b.be32(at: 16), let height = b.be32(at: 20), b.count >= 33 else {
            throw garbled("no image header")
        }
        let bitDepth = Int(b[24]), colourType = b[25]
        let channels: Int
        let allowedDepths: Set<Int>
        switch colourType {
        case 0: channels = 1; allowedDepths = [1, 2, 4, 8, 16]   // grey
        case 2: channels = 3; allowedDepths = [8, 16]            // RGB
        case 3: channels = 1; allowedDepths = [1, 2, 4, 8]       // palette
        case 4: channels = 2; allowedDepths = [8, 16]            // grey + alpha
        case 6: channels = 4; allowedDepths = [8, 16]            // RGBA
        default: throw garbled("unknown colour type \(colourType)")
        }
        guard allowedDepths.contains(bitDepth) else {
            throw garbled("bit depth \(bitDepth) with colour type \(colourType)")
        }
        guard b[26] == 0, b[27] == 0, b[28] <= 1 else { throw garbled("unknown compression, filter or interlace method") }
        // Walk the chunks to the end: a truncated download still has a valid header
        // but would show as a broken picture in every player.
        var at = 8, sawData = false, sawEnd = false
        while let length = b.be32(at: at) {
            guard length <= 0x7FFF_FFFF, at + 12 + length <= b.count else { throw garbled("truncated") }
            let type = Array(b[at + 4 ..< at + 8])
            if type == Array("IDAT".utf8) { sawData = true }
            if type == Array("IEND".utf8) { sawEnd = true; break }
            at += 12 + length
        }
        guard sawData, sawEnd else { throw garbled("truncated") }
        return CoverImage(bytes: b, mimeType: "image/png", width: width, height: height, depth: bitDepth * channels)
    }

    /// Number of palette entries for an indexed PNG, else 0: the FLAC PICTURE block
    /// (also used in Ogg) has a field for it.
    var indexedColours: Int {
        guard mimeType == "image/png", bytes.count > 25, bytes[25] == 3 else { return 0 }
        var at = 8
        while let length = bytes.be32(at: at), at + 12 + length <= bytes.count {
            if bytes.hasPrefix(Array("PLTE".utf8), at: at + 4) { return length / 3 }
            if bytes.hasPrefix(Array("IDAT".utf8), at: at + 4) { break }   // PLTE comes before IDAT
            at += 12 + length
        }
        return 0
    }

    // MARK: JPEG

    private static func jpeg(_ b: [UInt8], source: String) throws -> CoverImage {
        func garbled(_ why: String) -> MixdownError {
            MixdownError.failure("\(source): the JPEG cover image is damaged (\(why))")
        }
        var at = 2   // past SOI
        while true {
            guard at < b.count, b[at] == 0xFF else { throw garbled(at >= b.count ? "truncated" : "bad marker") }
            while at < b.count && b[at] == 0xFF { at += 1 }   // fill bytes may pad markers
            guard at < b.count else { throw garbled("truncated") }
            let marker = b[at]
            at += 1
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue   // markers without a length
            case 0x00, 0xD8:
                throw garbled("bad marker")
            case 0xD9, 0xDA:
                throw garbled("no frame header before the image data")
            default:
                guard let length = b.be16(at: at), length >= 2, at + length <= b.count else { throw garbled("truncated") }
                // SOF0-15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
                if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                    guard length >= 8, let height = b.be16(at: at + 3), let width = b.be16(at: at + 5) else {
                        throw garbled("short frame header")
                    }
                    let precision = Int(b[at + 2]), components = Int(b[at + 7])
                    guard [8, 12, 16].contains(precision), [1, 3, 4].contains(components) else {
                        throw garbled("unsupported sample layout")
                    }
                    // Scan data never holds FF D9 (an FF there is stuffed as FF 00), so an
                    // end-of-image marker after the frame header means the file is complete.
                    let headerEnd = at + length
                    var hasEnd = false
                    var i = b.count - 2
                    while i >= headerEnd {
                        if b[i] == 0xFF && b[i + 1] == 0xD9 { hasEnd = true; break }
                        i -= 1
                    }
                    guard hasEnd else { throw garbled("truncated: no end-of-image marker") }
                    return CoverImage(bytes: b, mimeType: "image/jpeg", width: width, height: height,
                                      depth: precision * components)
                }
                at += length
            }
        }
    }
}
