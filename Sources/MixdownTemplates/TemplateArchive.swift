import CZlib
import Foundation
import MixdownCore

/// A template sent as a zip archive (`POST /v1/templates`), unpacked into a folder by a reader
/// of its own: the archive comes from a client of a shared server, so nothing in it may write
/// outside that folder or make the server unpack more than `TemplateLimits` allow.
///
/// Read from the central directory (the archive's own list of its entries); stored and deflated
/// entries only. Refused, naming the entry: a path that is absolute or climbs (`..`), a
/// symbolic link or any other special file, an encrypted entry, ZIP64, more entries than
/// `TemplateLimits.maximumEntries`, more bytes unpacked than `TemplateLimits.maximumBytes`
/// (counted from the sizes the archive declares and again while inflating, so an entry that
/// inflates to more than it declared is stopped there), and an entry whose CRC-32 is wrong.
/// Entries in one top-level folder and entries at the root both work: a single folder holding
/// everything is unwrapped. macOS's `__MACOSX/` and `.DS_Store` entries are skipped.
public enum TemplateArchive {
    /// Unpacks `archive` into `folder` (which exists and is empty).
    public static func unpack(_ archive: [UInt8], into folder: String) throws {
        let entries = try directory(archive)
        let kept = entries.filter { !$0.isSkipped }
        // Everything inside one folder (the way most tools zip a folder): that folder is the template.
        let firsts = Set(kept.map { $0.components[0] })
        let strip = firsts.count == 1 && kept.contains { $0.components.count > 1 } && !kept.contains { $0.components.count == 1 && !$0.isDirectory } ? 1 : 0
        var total = 0
        for entry in kept {
            let components = Array(entry.components.dropFirst(strip))
            guard !components.isEmpty else { continue }
            let path = folder + "/" + components.joined(separator: "/")
            // A folder where an earlier entry put a file (or the reverse) is refused, not merged.
            func makeFolder(_ at: String) throws {
                do { try FileManager.default.createDirectory(atPath: at, withIntermediateDirectories: true) } catch {
                    throw refusal(entry.name, "collides with another entry of the archive")
                }
            }
            if entry.isDirectory {
                try makeFolder(path)
                continue
            }
            try makeFolder((path as NSString).deletingLastPathComponent)
            let bytes = try contents(of: entry, in: archive, budget: TemplateLimits.maximumBytes - total)
            total += bytes.count
            // O_EXCL: two entries of one name (or a name a folder took) are refused, not merged.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw refusal(entry.name, "appears twice in the archive, or cannot be written") }
            defer { close(fd) }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw MixdownError.failure("cannot write the template's files (\(String(cString: strerror(errno))))") }
        }
    }

    struct Entry {
        var name: String
        var components: [String]
        var isDirectory: Bool
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeader: Int
        /// macOS's resource forks and Finder files, left out.
        var isSkipped: Bool { components.first == "__MACOSX" || components.last == ".DS_Store" }
    }

    static func refusal(_ entry: String, _ what: String) -> MixdownError {
        MixdownError(.badInput, "the archive's entry '\(MixdownError.excerpt(entry))' \(what)", code: .invalidTemplate, keyPath: MixdownError.excerpt(entry))
    }

    static func broken(_ what: String) -> MixdownError {
        MixdownError(.badInput, "the body is not a zip archive this server reads (\(what)); send the template folder zipped (stored or deflated entries)",
                     code: .invalidTemplate)
    }

    static func u16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }

    /// The central directory's entries, each checked.
    static func directory(_ b: [UInt8]) throws -> [Entry] {
        // The end-of-central-directory record: 22 bytes and a comment of at most 65,535.
        guard b.count >= 22 else { throw broken("too short") }
        var end = -1
        var at = b.count - 22
        while at >= max(0, b.count - 22 - 65_535) {
            if b[at] == 0x50, b[at + 1] == 0x4b, b[at + 2] == 0x05, b[at + 3] == 0x06 { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw broken("no end of central directory") }
        let count = u16(b, end + 10), size = u32(b, end + 12), offset = u32(b, end + 16)
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else { throw broken("ZIP64") }
        guard count <= TemplateLimits.maximumEntries else {
            throw MixdownError(.badInput, "the archive has \(count) entries; a template has at most \(TemplateLimits.maximumEntries)", code: .invalidTemplate)
        }
        guard offset + size <= end else { throw broken("its central directory lies outside the file") }
        var entries = [Entry](), declared = 0
        var p = offset
        for _ in 0..<count {
            guard p + 46 <= end, u32(b, p) == 0x0201_4b50 else { throw broken("a damaged central directory") }
            let madeBy = u16(b, p + 4) >> 8, flags = u16(b, p + 8), method = UInt16(u16(b, p + 10))
            let crc = UInt32(u32(b, p + 16)), compressed = u32(b, p + 20), size = u32(b, p + 24)
            let nameLength = u16(b, p + 28), extraLength = u16(b, p + 30), commentLength = u16(b, p + 32)
            let external = u32(b, p + 38), local = u32(b, p + 42)
            guard p + 46 + nameLength <= end else { throw broken("a damaged central directory") }
            let raw = Array(b[(p + 46)..<(p + 46 + nameLength)])
            p += 46 + nameLength + extraLength + commentLength
            guard let name = String(validating: raw, as: UTF8.self) ?? String(bytes: raw, encoding: .isoLatin1) else { throw broken("an unreadable name") }
            if compressed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local == 0xFFFF_FFFF { throw broken("ZIP64") }
            let isDirectory = name.hasSuffix("/")
            // Where the entry would land: never outside the folder.
            guard !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"), !(name.count >= 2 && Array(name)[1] == ":") else {
                throw refusal(name, "has an absolute path; entries are relative to the template folder")
            }
            let components = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
            guard !components.contains("..") else { throw refusal(name, "climbs out of the template folder (..)") }
            guard !components.isEmpty else { throw refusal(name, "has an empty name") }
            // The Unix file type in the upper half of the external attributes (made on Unix, 3):
            // a link, a device or a pipe is nothing a template holds.
            let type = (external >> 16) & 0o170000
            if madeBy == 3, type == 0o120000 { throw refusal(name, "is a symbolic link; a template holds its files themselves") }
            if madeBy == 3, type != 0, type != 0o100000, type != 0o040000 { throw refusal(name, "is not a regular file or folder") }
            guard flags & 1 == 0 else { throw refusal(name, "is encrypted") }
            guard isDirectory || method == 0 || method == 8 else { throw refusal(name, "is compressed by method \(method); stored and deflated entries are read") }
            let entry = Entry(name: name, components: components, isDirectory: isDirectory, method: method, crc: crc,
                              compressedSize: compressed, size: size, localHeader: local)
            guard !entry.isSkipped else { continue }
            declared += size
            guard declared <= TemplateLimits.maximumBytes else {
                throw MixdownError(.badInput, "the archive unpacks to more than \(TemplateLimits.maximumBytes >> 20) MB; a template is at most \(TemplateLimits.maximumBytes >> 20) MB",
                                   code: .invalidTemplate)
            }
            entries.append(entry)
        }
        return entries
    }

    /// An entry's bytes: at most its declared size and `budget`, however much its data inflates to.
    static func contents(of entry: Entry, in b: [UInt8], budget: Int) throws -> [UInt8] {
        let p = entry.localHeader
        guard p + 30 <= b.count, u32(b, p) == 0x0403_4b50 else { throw refusal(entry.name, "has no local header where the directory says") }
        let start = p + 30 + u16(b, p + 26) + u16(b, p + 28)
        guard start + entry.compressedSize <= b.count else { throw refusal(entry.name, "runs past the end of the archive") }
        let limit = min(entry.size, budget)
        var out: [UInt8]
        if entry.method == 0 {
            guard entry.compressedSize == entry.size else { throw refusal(entry.name, "is stored with two different sizes") }
            guard entry.size <= budget else { throw refusal(entry.name, "takes the template past \(TemplateLimits.maximumBytes >> 20) MB") }
            out = Array(b[start..<(start + entry.size)])
        } else {
            out = try inflate(b, from: start, count: entry.compressedSize, limit: limit, name: entry.name)
            guard out.count == entry.size else { throw refusal(entry.name, "inflates to \(out.count) bytes, not the \(entry.size) it declares") }
        }
        let crc = out.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc else { throw refusal(entry.name, "is damaged (its CRC-32 does not match)") }
        return out
    }

    /// Raw deflate data → at most `limit` bytes; more is refused (a zip bomb stops here).
    static func inflate(_ b: [UInt8], from start: Int, count: Int, limit: Int, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw MixdownError.failure("zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: limit + 1)
        let status: Int32 = b.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                guard let base = input.baseAddress, let target = output.baseAddress else { return Z_DATA_ERROR }
                stream.next_in = UnsafeMutablePointer(mutating: base + start)
                stream.avail_in = uInt(count)
                stream.next_out = target
                stream.avail_out = uInt(output.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        if produced > limit { throw refusal(name, "inflates to more than it declares or than a template may hold (\(TemplateLimits.maximumBytes >> 20) MB)") }
        guard status == Z_STREAM_END else { throw refusal(name, "is not valid deflate data") }
        out.removeLast(out.count - produced)
        return out
    }
}

/// What one template may hold (docs/templates.md): `mixdown templates add` and `POST
/// /v1/templates` refuse more.
public enum TemplateLimits {
    /// Every file of the folder together, unpacked: about six minutes of 48 kHz stereo FLAC.
    public static let maximumBytes = 64 << 20
    /// Files in the folder (the manifest, segments, effects, anything else).
    public static let maximumFiles = 100
    /// Entries of an archive (files and folders).
    public static let maximumEntries = 200
    /// The largest archive `POST /v1/templates` reads: the unpacked limit and 1 MB of zip
    /// headers (audio hardly deflates, so a zip is about the size of its files).
    public static let maximumArchiveBytes = maximumBytes + (1 << 20)
}
