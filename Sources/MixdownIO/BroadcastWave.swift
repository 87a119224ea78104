import CSndFile
import Foundation
import MixdownCore

/// Broadcast WAV (EBU Tech 3285, version 2) for WAV deliveries: a `bext` chunk before the
/// audio, carrying the delivered file's loudness (EBU R 128 / Tech 3341–3342 values).
///
/// The loudness is known only once the last block has been measured, and libsndfile writes
/// the chunk before the audio. So the chunk is written first with every loudness field "not
/// set" (0x7FFF, as Tech 3285 says for a value that was not measured), and `setLoudness`
/// writes the five values into it in place when the file is complete. Nothing else in the
/// chunk depends on when or where the file was made (no date, no time), so a delivery stays
/// reproducible byte for byte.
public enum BroadcastWave {
    /// Where the five loudness fields start in the chunk's data: Description 256, Originator 32,
    /// OriginatorReference 32, OriginationDate 10, OriginationTime 8, TimeReference 8, Version 2,
    /// UMID 64.
    static let loudnessOffset = 412
    static let notSet: Int16 = 0x7FFF

    /// The measured values (nil: not measurable, e.g. a silent programme's integrated loudness).
    public struct Loudness: Sendable, Equatable {
        public var integrated: Double?
        public var range: Double?
        public var truePeak: Double?
        public var momentaryMax: Double?
        public var shortTermMax: Double?
        public init(integrated: Double?, range: Double?, truePeak: Double?, momentaryMax: Double?, shortTermMax: Double?) {
            (self.integrated, self.range, self.truePeak, self.momentaryMax, self.shortTermMax) = (integrated, range, truePeak, momentaryMax, shortTermMax)
        }

        /// Each value in hundredths (LUFS, LU, dBTP), as Tech 3285 stores them.
        var fields: [Int16] {
            [integrated, range, truePeak, momentaryMax, shortTermMax].map { value in
                guard let value, value.isFinite else { return BroadcastWave.notSet }
                return Int16(max(-32_767, min(32_766, (value * 100).rounded())))
            }
        }
    }

    /// Writes the chunk into a WAV libsndfile has just opened for writing (before any audio).
    static func prepare(_ file: OpaquePointer) -> Bool {
        var info = SF_BROADCAST_INFO()
        withUnsafeMutableBytes(of: &info.originator) { field in
            for (i, byte) in "Mixdown".utf8.enumerated() where i < field.count { field[i] = byte }
        }
        info.version = 2
        (info.loudness_value, info.loudness_range, info.max_true_peak_level, info.max_momentary_loudness, info.max_shortterm_loudness) =
            (notSet, notSet, notSet, notSet, notSet)
        info.coding_history_size = 0
        return sf_command(file, Int32(SFC_SET_BROADCAST_INFO), &info, Int32(MemoryLayout<SF_BROADCAST_INFO>.size)) == SF_TRUE
    }

    /// The loudness fields of the `bext` chunk of the WAV at `path`, filled in.
    public static func setLoudness(_ loudness: Loudness, in path: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw MixdownError.failure("\(path): cannot open to write its bext chunk") }
        defer { try? handle.close() }
        guard let offset = try chunkData("bext", in: handle) else { throw MixdownError.failure("\(path): no bext chunk to write the loudness into") }
        var bytes = [UInt8]()
        for value in loudness.fields { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        try handle.seek(toOffset: UInt64(offset + loudnessOffset))
        try handle.write(contentsOf: bytes)
    }

    /// The loudness fields of a WAV's `bext` chunk (nil when it has none).
    public static func loudness(in path: String) throws -> Loudness? {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw MixdownError.failure("\(path): cannot read") }
        defer { try? handle.close() }
        guard let offset = try chunkData("bext", in: handle) else { return nil }
        try handle.seek(toOffset: UInt64(offset + loudnessOffset))
        let bytes = [UInt8](try handle.read(upToCount: 10) ?? Data())
        guard bytes.count == 10 else { return nil }
        let values: [Double?] = (0..<5).map { i in
            let raw = Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)
            return raw == notSet ? nil : Double(raw) / 100
        }
        return Loudness(integrated: values[0], range: values[1], truePeak: values[2], momentaryMax: values[3], shortTermMax: values[4])
    }

    /// Where the data of chunk `id` starts in a RIFF/WAVE file, walking the chunk list.
    static func chunkData(_ id: String, in handle: FileHandle) throws -> Int? {
        try handle.seek(toOffset: 0)
        let head = [UInt8](try handle.read(upToCount: 12) ?? Data())
        guard head.count == 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WAVE".utf8) else { return nil }
        var position = 12
        while true {
            try handle.seek(toOffset: UInt64(position))
            let header = [UInt8](try handle.read(upToCount: 8) ?? Data())
            guard header.count == 8 else { return nil }
            let size = Int(header[4]) | Int(header[5]) << 8 | Int(header[6]) << 16 | Int(header[7]) << 24
            if Array(header[0..<4]) == Array(id.utf8) { return position + 8 }
            position += 8 + size + (size & 1)
        }
    }
}
