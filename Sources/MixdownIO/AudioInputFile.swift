import CMPG123
import CSndFile
import Foundation
import MixdownCore

/// One open audio file, read as interleaved float a chunk at a time. Two decoders sit behind
/// it: libsndfile for WAV, AIFF, FLAC and Ogg, libmpg123 for MPEG audio. Both are quiet: what
/// goes wrong comes back as `error`, never as text on the process's stderr.
protocol AudioInputFile: AnyObject {
    var sampleRate: Int { get }
    var channels: Int { get }
    var container: AudioContainer { get }
    /// The length the header (or the LAME/Xing tag) promises, if it promises one.
    var declaredFrames: Int? { get }
    var roles: [ChannelRole] { get }
    /// Up to `frames` interleaved frames into `destination`; 0 at the end or on an error.
    func read(into destination: UnsafeMutablePointer<Float>, frames: Int) -> Int
    /// The decoder's complaint once reading has stopped, if it stopped on one.
    var error: String? { get }
    /// A data chunk that claims more bytes than the file holds (WAV/AIFF only).
    func declaredLengthShortfall() -> (declared: Int, present: Int)?
}

final class SndFileInputFile: AudioInputFile {
    private let file: OpaquePointer
    let sampleRate: Int
    let channels: Int
    let container: AudioContainer
    let declaredFrames: Int?
    private(set) lazy var roles: [ChannelRole] = channelRoles()

    init(path: String) throws {
        if let problem = RIFFChunks.problem(path) { throw MixdownError.badInput("\(path): \(problem)", code: .invalidAudio) }
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw MixdownError.badInput("\(path): not a readable audio file (\(libraryMessage(sf_strerror(nil))))", code: .invalidAudio)
        }
        guard let container = AudioContainer(sfFormat: info.format) else {
            sf_close(file)
            throw MixdownError.badInput("\(path): unsupported audio container (format 0x\(String(info.format, radix: 16)))", code: .invalidAudio)
        }
        self.file = file
        self.container = container
        (sampleRate, channels) = (Int(info.samplerate), Int(info.channels))
        // Pipes and streaming writers leave the length open (0 or SF_COUNT_MAX).
        declaredFrames = info.frames > 0 && info.frames != Int64.max ? Int(info.frames) : nil
    }

    deinit { sf_close(file) }

    func read(into destination: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        max(0, Int(sf_readf_float(file, destination, Int64(frames))))
    }

    /// Moves to `frame` (exact for WAV, AIFF and FLAC); false where the file cannot seek.
    func seek(to frame: Int) -> Bool { sf_seek(file, Int64(frame), SEEK_SET) == Int64(frame) }

    var error: String? {
        let err = sf_error(file)
        return err == 0 ? nil : libraryMessage(sf_error_number(err))
    }

    /// libsndfile silently shortens a WAV/AIFF whose data chunk runs past the end of the file;
    /// its log keeps the evidence: `data : 384000 (should be 99956)`. Streaming writers put a
    /// placeholder there on purpose (0, or a size of 2 GiB and more: 0x7FFFF000 from espeak-ng's
    /// --stdout, 0xFFFFFFFF from ffmpeg's pipe output), which is not truncation.
    func declaredLengthShortfall() -> (declared: Int, present: Int)? {
        var log = [CChar](repeating: 0, count: 16_384)
        sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("data ") || trimmed.hasPrefix("SSND ") else { continue }
            let numbers = trimmed.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard trimmed.contains("should be"), numbers.count >= 2 else { continue }
            let declared = numbers[0], present = numbers[1]
            if declared == 0 || declared >= 0x7FFF_0000 || declared <= present { continue }
            return (declared, present)
        }
        return nil
    }

    private func channelRoles() -> [ChannelRole] {
        var map = [Int32](repeating: 0, count: channels)
        let ok = sf_command(file, Int32(SFC_GET_CHANNEL_MAP_INFO), &map, Int32(channels * MemoryLayout<Int32>.size))
        if ok == SF_TRUE {
            // A map of nothing but unknown positions says nothing; fall back to the usual layout.
            let roles = map.map(ChannelRole.init(sfChannel:))
            if roles.contains(where: { $0 != .other }) { return roles }
        }
        return ChannelRole.defaultLayout(channels: channels)
    }
}

/// MPEG audio through libmpg123 with its own handle: gapless (the LAME tag's encoder delay and
/// padding removed, so a decode has exactly the frames that were encoded), float output, and
/// `MPG123_QUIET`, so a damaged file's warnings never reach the terminal or a service's log.
final class MPEGInputFile: AudioInputFile {
    private let handle: OpaquePointer
    let sampleRate: Int
    let channels: Int
    let container = AudioContainer.mp3
    let declaredFrames: Int?
    var roles: [ChannelRole] { ChannelRole.defaultLayout(channels: channels) }
    private(set) var error: String?
    private var finished = false

    init(path: String) throws {
        var code: Int32 = 0
        guard let handle = mpg123_new(nil, &code) else {
            throw MixdownError.failure("\(path): cannot start the MP3 decoder (\(libraryMessage(mpg123_plain_strerror(code))))")
        }
        func fail(_ what: String) -> MixdownError {
            let message = libraryMessage(mpg123_strerror(handle))
            mpg123_delete(handle)
            return MixdownError.badInput("\(path): \(what) (\(message))", code: .invalidAudio)
        }
        let flags = MPG123_QUIET.rawValue | MPG123_GAPLESS.rawValue | MPG123_FORCE_FLOAT.rawValue | MPG123_NO_FRANKENSTEIN.rawValue
        _ = mixdown_mpg123_param(handle, MPG123_ADD_FLAGS, Int(flags))
        _ = mixdown_mpg123_param(handle, MPG123_REMOVE_FLAGS, Int(MPG123_AUTO_RESAMPLE.rawValue))
        // Every rate, mono or stereo, always 32-bit float: the file's own format is what comes out.
        mpg123_format_none(handle)
        var rates: UnsafePointer<Int>?
        var count = 0
        mpg123_rates(&rates, &count)
        for i in 0..<count {
            mpg123_format(handle, rates![i], Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue), Int32(MPG123_ENC_FLOAT_32.rawValue))
        }
        guard mixdown_mpg123_open(handle, path) == MPG123_OK.rawValue else {
            throw fail("not a readable audio file")
        }
        var rate = 0
        var channels: Int32 = 0
        var encoding: Int32 = 0
        guard mpg123_getformat(handle, &rate, &channels, &encoding) == MPG123_OK.rawValue else {
            throw fail("not a readable audio file")
        }
        // Lock the format: a stream that changes rate or channels midway is refused, not resampled.
        mpg123_format_none(handle)
        mpg123_format(handle, rate, channels, encoding)
        self.handle = handle
        (sampleRate, self.channels) = (rate, Int(channels))
        let length = mixdown_mpg123_length(handle)
        declaredFrames = length > 0 ? Int(length) : nil
    }

    deinit {
        mpg123_close(handle)
        mpg123_delete(handle)
    }

    func read(into destination: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        guard !finished else { return 0 }
        let frameBytes = channels * MemoryLayout<Float>.size
        var filled = 0
        // mpg123_read may return fewer bytes than asked mid-stream; keep asking until the chunk
        // is full or the stream ends.
        while filled < frames {
            var done = 0
            let code = mpg123_read(handle, destination + filled * channels, (frames - filled) * frameBytes, &done)
            filled += done / frameBytes
            if code == MPG123_OK.rawValue { continue }
            if code == MPG123_NEW_FORMAT.rawValue {
                var rate = 0, channels: Int32 = 0, encoding: Int32 = 0
                mpg123_getformat(handle, &rate, &channels, &encoding)
                if rate == sampleRate, Int(channels) == self.channels { continue }
                error = "the stream changes format midway"
                finished = true
                break
            }
            if code != MPG123_DONE.rawValue { error = libraryMessage(mpg123_strerror(handle)) }
            finished = true
            break
        }
        return filled
    }

    func declaredLengthShortfall() -> (declared: Int, present: Int)? { nil }
}
