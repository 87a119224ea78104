import Foundation
import MixdownCore

/// A WAV file's chunk structure, checked before libsndfile parses it. libsndfile trusts the
/// sizes inside a `LIST` chunk: a 236-byte file whose INFO entry claims 4 GB keeps its header
/// parser busy for minutes, and one whose INFO entry has a name that is not text keeps it
/// searching for good (both found by fuzzing). Every chunk before the audio must fit in the
/// file, and every entry of a list in its list, named in text; a file that breaks this is
/// refused in one line.
/// (The `data` chunk itself may claim more than the file holds: that is reported elsewhere,
/// as a truncated file.)
enum RIFFChunks {
    /// The most header a WAV may carry before its audio: chunks are walked in it.
    static let maximumHeaderBytes = 1 << 20

    /// Why `path` (a RIFF/WAVE file) cannot be read safely, or nil. Files of other kinds: nil.
    static func problem(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: maximumHeaderBytes)) ?? Data())
        guard head.count >= 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        let fileSize = Int((try? handle.seekToEnd()) ?? UInt64(head.count))
        func word(_ at: Int) -> Int { Int(head[at]) | Int(head[at + 1]) << 8 | Int(head[at + 2]) << 16 | Int(head[at + 3]) << 24 }
        func name(_ at: Int) -> String {
            String(head[at..<at + 4].map { (32..<127).contains($0) ? Character(UnicodeScalar($0)) : "?" })
        }
        var at = 12
        var chunks = 0
        while at + 8 <= head.count {
            chunks += 1
            if chunks > 10_000 { return "not a valid WAV file: more than 10000 chunks before the audio" }
            let id = name(at), size = word(at + 4)
            if id == "data" { return nil }
            guard at + 8 + size <= fileSize else {
                return "not a valid WAV file: chunk '\(id)' at byte \(at) claims \(size) bytes; the file has \(max(0, fileSize - at - 8)) after it"
            }
            if id == "LIST" && size >= 4 && at + 8 + size <= head.count {
                // Entries of the list: each inside it.
                var entry = at + 12
                let end = at + 8 + size
                while entry + 8 <= end {
                    // An entry's name is four characters of text; libsndfile meets any other
                    // by searching for the next name byte by byte, and a 4 KB file kept it
                    // searching for good (a fuzzing find).
                    guard head[entry..<entry + 4].allSatisfy({ (32..<127).contains($0) }) else {
                        let bytes = head[entry..<entry + 4].map { String(format: "%02X", $0) }.joined(separator: " ")
                        return "not a valid WAV file: the LIST chunk at byte \(at) has an entry at byte \(entry) whose name is not text (\(bytes))"
                    }
                    let entrySize = word(entry + 4)
                    guard entry + 8 + entrySize <= end else {
                        return "not a valid WAV file: entry '\(name(entry))' of the LIST chunk at byte \(at) claims \(entrySize) bytes; the list has \(end - entry - 8) after it"
                    }
                    entry += 8 + entrySize + (entrySize & 1)
                }
            }
            at += 8 + size + (size & 1)
        }
        return nil
    }
}
