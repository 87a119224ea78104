import CFFmpeg
import Foundation
import MixdownCore

/// AAC-LC in an MP4 file (`.m4a`, `.m4b`) through FFmpeg's own libraries: libavcodec's AAC
/// encoder, libavformat's MP4 muxer (the `ipod` flavour, brand M4A, `moov` moved to the front
/// so a player can start before the download ends), fed block by block.
///
/// **Exact length.** The encoder primes 1,024 samples and works in frames of 1,024, so its
/// stream is longer than the programme at both ends. The muxer declares the priming in the
/// MP4 edit list (`elst` media time), but ffmpeg's decoder honours only the start of an edit
/// list: the last frame's padding would be decoded as audio. So the padding goes at the front
/// instead: `frames` (the programme's length, known before the first block) is rounded up to
/// whole frames with silence *before* the programme, those samples are given negative
/// timestamps, and the edit list's media time becomes priming + that silence. Every decoder
/// that honours the edit list's start (ffmpeg, browsers, Apple's) then returns exactly
/// `frames` samples, and one that honours its duration too agrees.
///
/// **Tags, cover, chapters** (`tags`), all through libavformat's `ipod` muxer (FFmpeg 5.1):
/// - the iTunes `ilst` atoms ©nam ©ART ©alb aART ©gen ©day trkn ©cmt cprt (and ©too, the
///   muxer's own "Lavf…"); `language` as the audio track's `mdhd` language when it is an ISO
///   639-2 code. The muxer has no atom for `publisher`, `url` or `isrc` (FFmpeg 5.1 writes
///   no freeform `----` atoms): see `unwritten`.
/// - the cover as `covr` (type 13 JPEG, 14 PNG): a stream marked only `attached_pic`, whose
///   one packet the muxer keeps for `covr` and never makes a track of.
/// - chapters twice, as the muxer writes them: a QuickTime chapter text track (disabled,
///   referenced by `tref/chap` from the audio track; ffmpeg/ffprobe, Apple) and a Nero `chpl`
///   atom in `moov/udta` (mutagen, many players; at most 255 chapters there, starts only, in
///   100 ns). Both are on the movie timeline, which the audio track's edit list starts at the
///   programme's first sample: a chapter's programme position *is* its movie time, no offset.
///   The movie timescale is the sample rate (not the muxer's 1000), so the chapter track and
///   the edit list's duration are exact to the sample. The chapter track has no gaps: a
///   chapter lasts until the next one starts, and the first starts at 0 (FFmpeg 5.1 starts
///   that track's first sample at 0 whatever its time), so a first chapter given later is
///   written from 0 in both, which then agree.
final class AACStream: BlockSink {
    static let frameSize = 1_024

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let stream: UnsafeMutablePointer<AVStream>
    private let path: String
    private let channels: Int
    /// The programme's frames, and how many have come in.
    private let declared: Int
    private var received = 0
    /// Samples in the frame being filled, and the next frame's timestamp.
    private var filled = 0
    private var pts: Int64
    private var closed = false
    /// The cover's stream (`attached_pic`), whose one packet goes after the header.
    private var coverStream: UnsafeMutablePointer<AVStream>?
    /// The longest chapter title, in UTF-8 bytes: `chpl` keeps a byte count and cuts there,
    /// mid-character if need be (and mutagen then refuses the whole file).
    static let maxChapterTitleBytes = 255

    /// Silence put before the programme so that it ends on a frame boundary.
    static func leadingSilence(frames: Int) -> Int { (frameSize - frames % frameSize) % frameSize }

    /// `brand`: the file's major brand, `M4A ` or `M4B ` (an audiobook), whatever its temporary name.
    /// `tags`: metadata (with its cover) and chapters; a chapter's `start`/`end` are programme
    /// sample positions at `sampleRate` (0 is the first programme sample; the last ends at `frames`).
    init(kbps: Int, sampleRate: Int, channels: Int, frames: Int, brand: String, path: String,
         tags: (metadata: Metadata, chapters: [Chapter])? = nil) throws {
        // FFmpeg's log would print notes on stderr (a temporary name's extension, the second
        // pass); failures come back as return codes and are reported as one line.
        av_log_set_level(AV_LOG_QUIET)
        self.path = path
        self.channels = channels
        declared = frames
        let lead = Self.leadingSilence(frames: frames)
        pts = Int64(-lead)

        var format: UnsafeMutablePointer<AVFormatContext>?
        try Self.check(avformat_alloc_output_context2(&format, nil, "ipod", path), "cannot set up the MP4 muxer", path)
        guard let format else { throw MixdownError.failure("\(path): cannot set up the MP4 muxer") }
        self.format = format
        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_AAC), let codec = avcodec_alloc_context3(encoder) else {
            avformat_free_context(format)
            throw MixdownError.failure("\(path): FFmpeg's AAC encoder is not available")
        }
        self.codec = codec
        guard let stream = avformat_new_stream(format, nil) else {
            Self.release(format: format, codec: codec)
            throw MixdownError.failure("\(path): cannot add an audio stream to the MP4 file")
        }
        self.stream = stream
        codec.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        codec.pointee.sample_rate = Int32(sampleRate)
        av_channel_layout_default(&codec.pointee.ch_layout, Int32(channels))
        codec.pointee.bit_rate = Int64(kbps) * 1_000
        codec.pointee.profile = FF_PROFILE_AAC_LOW
        codec.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        if format.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            codec.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        do {
            try Self.check(avcodec_open2(codec, encoder, nil), "cannot open the AAC encoder (\(kbps) kbps, \(channels) ch, \(sampleRate) Hz)", path)
            guard Int(codec.pointee.frame_size) == Self.frameSize else {
                throw MixdownError.failure("\(path): the AAC encoder works in frames of \(codec.pointee.frame_size), expected \(Self.frameSize)")
            }
            try Self.check(avcodec_parameters_from_context(stream.pointee.codecpar, codec), "cannot describe the AAC stream", path)
            stream.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
            if let tags {
                try Self.tag(format, audio: stream, tags.metadata, path: path)
                try Self.chapters(format, tags.chapters, sampleRate: sampleRate, frames: frames, path: path)
                if let cover = tags.metadata.cover { coverStream = try Self.coverStream(format, cover, path: path) }
            }
            try Self.check(avio_open(&format.pointee.pb, path, AVIO_FLAG_WRITE), "cannot write", path)
            var options: OpaquePointer?
            av_dict_set(&options, "movflags", "+faststart", 0)
            av_dict_set(&options, "brand", brand, 0)
            // The unit of the edit list's duration and the chapter track's timescale: the
            // muxer's 1000 would round both to the millisecond (an edit up to 0.5 ms short of
            // the programme, chapters up to 0.5 ms off).
            av_dict_set(&options, "movie_timescale", String(sampleRate), 0)
            defer { av_dict_free(&options) }
            try Self.check(avformat_write_header(format, &options), "cannot write the MP4 header", path)
            guard let frame = av_frame_alloc(), let packet = av_packet_alloc() else {
                throw MixdownError.failure("\(path): out of memory for the AAC encoder")
            }
            self.frame = frame
            self.packet = packet
            frame.pointee.nb_samples = Int32(Self.frameSize)
            frame.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            frame.pointee.sample_rate = Int32(sampleRate)
            try Self.check(av_channel_layout_copy(&frame.pointee.ch_layout, &codec.pointee.ch_layout), "cannot set the channel layout", path)
            try Self.check(av_frame_get_buffer(frame, 0), "out of memory for the AAC encoder", path)
            if let coverStream, let cover = tags?.metadata.cover { try writeCover(cover, to: coverStream) }
        } catch {
            close()
            throw error
        }
        // The silence before the programme (see the type's comment).
        try writable()
        for c in 0..<channels { plane(c).update(repeating: 0, count: lead) }
        filled = lead
    }

    deinit { close() }

    // MARK: Tags, cover, chapters

    /// The text tags `metadata` has that this writer cannot put in the file (production keys):
    /// `publisher`, `url` and `isrc` always (FFmpeg 5.1's MP4 muxer has no atom for them),
    /// `language` unless it is an ISO 639-2 code (three letters), `track` unless it is a
    /// number from 1 to 65535, optionally `/total`.
    static func unwritten(_ metadata: Metadata) -> [String] {
        TagField.present(in: metadata).compactMap { field, value in
            switch field.key {
            case "track": trackNumber(value) == nil ? field.key : nil
            case "language": languageCode(value) == nil ? field.key : nil
            default: field.mp4 == nil ? field.key : nil
            }
        }
    }

    /// `N` or `N/M` as the muxer's `trkn` takes it (two 16-bit numbers, the first not 0).
    static func trackNumber(_ value: String?) -> String? {
        guard let text = TagText.clean(value)?.trimmingCharacters(in: .whitespaces) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 5 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
              let number = Int(parts[0]), (1...65_535).contains(number) else { return nil }
        guard parts.count == 2 else { return String(number) }
        guard let total = Int(parts[1]), total <= 65_535 else { return nil }
        return "\(number)/\(total)"
    }

    /// Three ASCII letters, lower-cased (`mdhd` packs them in 5 bits each), or nil.
    static func languageCode(_ value: String) -> String? {
        let code = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (0x61...0x7A).contains($0) }) else { return nil }
        return code
    }

    /// The text tags, as libavformat's generic keys on the file (`ilst`) and the audio
    /// stream (`language`: `mdhd`).
    private static func tag(_ format: UnsafeMutablePointer<AVFormatContext>, audio: UnsafeMutablePointer<AVStream>,
                            _ m: Metadata, path: String) throws {
        for (field, value) in TagField.present(in: m) {
            guard let key = field.mp4 else { continue }
            switch key {
            case "language":
                guard let code = languageCode(value) else { continue }
                try check(av_dict_set(&audio.pointee.metadata, key, code, 0), "cannot set the language", path)
            case "track":
                guard let number = trackNumber(value) else { continue }
                try check(av_dict_set(&format.pointee.metadata, key, number, 0), "cannot set the track tag", path)
            default:
                try check(av_dict_set(&format.pointee.metadata, key, value, 0), "cannot set the \(key) tag", path)
            }
        }
    }

    /// `AVFormatContext.chapters`, allocated as libavformat's own, so that avformat_free_context
    /// frees them. Times stay in samples (time base 1/rate): the muxer rounds them once, to the
    /// movie timescale (the rate itself: exact) and to `chpl`'s 100 ns.
    private static func chapters(_ format: UnsafeMutablePointer<AVFormatContext>, _ chapters: [Chapter], sampleRate: Int,
                                 frames: Int, path: String) throws {
        guard !chapters.isEmpty else { return }
        var previous = 0
        for (i, c) in chapters.enumerated() {
            guard c.start >= previous, c.start <= c.end, c.end <= frames else {
                throw MixdownError.failure("\(path): chapter \(i + 1) (\(c.start)–\(c.end)) is out of order or outside the programme (\(frames) samples)")
            }
            previous = c.start
        }
        guard chapters.count <= Int(Int32.max) / MemoryLayout<UnsafeMutablePointer<AVChapter>?>.stride,
              let table = av_mallocz(chapters.count * MemoryLayout<UnsafeMutablePointer<AVChapter>?>.stride) else {
            throw MixdownError.failure("\(path): out of memory for the chapters")
        }
        format.pointee.chapters = table.assumingMemoryBound(to: UnsafeMutablePointer<AVChapter>?.self)
        for (i, c) in chapters.enumerated() {
            guard let chapter = av_mallocz(MemoryLayout<AVChapter>.size)?.assumingMemoryBound(to: AVChapter.self) else {
                throw MixdownError.failure("\(path): out of memory for the chapters")
            }
            format.pointee.chapters[i] = chapter
            format.pointee.nb_chapters = UInt32(i + 1)
            chapter.pointee.id = Int64(i)
            chapter.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
            chapter.pointee.start = i == 0 ? 0 : Int64(c.start)   // see the type's comment
            chapter.pointee.end = Int64(c.end)
            // Always a title, if empty: the muxer writes no chapter-track sample for a chapter
            // without one, which would stretch the one before over it.
            try check(av_dict_set(&chapter.pointee.metadata, "title", chapterTitle(c.title), 0), "cannot set a chapter title", path)
        }
    }

    /// At most `maxChapterTitleBytes` bytes of UTF-8, cut between characters; no NULs.
    static func chapterTitle(_ title: String) -> String {
        var text = TagText.clean(title) ?? ""
        while text.utf8.count > maxChapterTitleBytes { text.removeLast() }
        return text
    }

    /// The cover's stream: a picture stream marked `attached_pic` and nothing else, which the
    /// muxer turns into `covr` (its one packet) rather than a video track.
    private static func coverStream(_ format: UnsafeMutablePointer<AVFormatContext>, _ cover: CoverImage,
                                    path: String) throws -> UnsafeMutablePointer<AVStream> {
        let codec: AVCodecID
        switch cover.mimeType {
        case "image/jpeg": codec = AV_CODEC_ID_MJPEG
        case "image/png": codec = AV_CODEC_ID_PNG
        default: throw MixdownError.failure("\(path): a cover must be a JPEG or PNG (not \(cover.mimeType))")
        }
        guard !cover.bytes.isEmpty, cover.bytes.count < Int(Int32.max) - 64, cover.width > 0, cover.height > 0 else {
            throw MixdownError.failure("\(path): the cover is empty or has no size")
        }
        guard let stream = avformat_new_stream(format, nil) else {
            throw MixdownError.failure("\(path): cannot add the cover to the MP4 file")
        }
        stream.pointee.codecpar.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        stream.pointee.codecpar.pointee.codec_id = codec
        // The muxer refuses a picture stream without its size.
        stream.pointee.codecpar.pointee.width = Int32(cover.width)
        stream.pointee.codecpar.pointee.height = Int32(cover.height)
        stream.pointee.disposition = Int32(AV_DISPOSITION_ATTACHED_PIC)
        stream.pointee.time_base = AVRational(num: 1, den: 90_000)
        return stream
    }

    private func writeCover(_ cover: CoverImage, to stream: UnsafeMutablePointer<AVStream>) throws {
        guard let packet else { throw MixdownError.failure("\(path): out of memory for the cover") }
        try Self.check(av_new_packet(packet, Int32(cover.bytes.count)), "out of memory for the cover", path)
        defer { av_packet_unref(packet) }
        cover.bytes.withUnsafeBufferPointer { packet.pointee.data.update(from: $0.baseAddress!, count: $0.count) }
        packet.pointee.stream_index = stream.pointee.index
        packet.pointee.flags |= AV_PKT_FLAG_KEY
        packet.pointee.pts = 0
        packet.pointee.dts = 0
        try Self.check(av_write_frame(format, packet), "cannot write the cover", path)
    }

    /// Frees everything; the file is left as it is (the delivery's transaction removes it).
    private func close() {
        if let format, !closed, format.pointee.pb != nil { avio_closep(&format.pointee.pb) }
        closed = true
        av_frame_free(&frame)
        av_packet_free(&packet)
        Self.release(format: format, codec: codec)
        format = nil
        codec = nil
    }

    private static func release(format: UnsafeMutablePointer<AVFormatContext>?, codec: UnsafeMutablePointer<AVCodecContext>?) {
        var codec = codec
        avcodec_free_context(&codec)
        if let format { avformat_free_context(format) }
    }

    static func check(_ code: Int32, _ what: String, _ path: String) throws {
        guard code < 0 else { return }
        throw MixdownError.failure("\(path): \(what): \(ffmpegMessage(code))")
    }

    private func plane(_ c: Int) -> UnsafeMutablePointer<Float> {
        // FLTP: one plane of Floats per channel.
        UnsafeMutableRawPointer(frame!.pointee.extended_data[c]!).assumingMemoryBound(to: Float.self)
    }

    /// The encoder may still hold the frame's buffer: make it ours before writing into it.
    private func writable() throws { try Self.check(av_frame_make_writable(frame), "out of memory for the AAC encoder", path) }

    func consume(_ block: AudioBlock) throws {
        guard block.frames > 0 else { return }
        guard received + block.frames <= declared else {
            throw MixdownError.failure("\(path): the AAC encoder was told \(declared) frames and given more")
        }
        var done = 0
        while done < block.frames {
            let run = min(block.frames - done, Self.frameSize - filled)
            for c in 0..<channels {
                let target = plane(c) + filled
                block.withChannel(min(c, block.channelCount - 1)) { (x: UnsafeBufferPointer<Float>) in
                    target.update(from: x.baseAddress! + done, count: run)
                }
            }
            filled += run
            done += run
            if filled == Self.frameSize { try send(frame) }
        }
        received += block.frames
    }

    /// Hands the full frame (or nil: the end) to the encoder and writes what it gives back.
    private func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        if let frame {
            frame.pointee.pts = pts
            pts += Int64(Self.frameSize)
        }
        try Self.check(avcodec_send_frame(codec, frame), "AAC encoding failed", path)
        while true {
            let code = avcodec_receive_packet(codec, packet)
            if code == mixdown_averror_eagain() || code == mixdown_averror_eof() { break }
            try Self.check(code, "AAC encoding failed", path)
            av_packet_rescale_ts(packet, codec!.pointee.time_base, stream.pointee.time_base)
            packet!.pointee.stream_index = stream.pointee.index
            try Self.check(av_write_frame(format, packet), "write failed", path)
        }
        if frame != nil {
            try writable()
            filled = 0
        }
    }

    func finish() throws {
        guard received == declared else {
            throw MixdownError.failure("\(path): the AAC encoder was told \(declared) frames and given \(received)")
        }
        // The programme ends on a frame boundary (the silence before it saw to that).
        try send(nil)
        try Self.check(av_write_trailer(format), "cannot finish the MP4 file", path)
        try Self.check(avio_closep(&format!.pointee.pb), "write failed", path)
        closed = true
    }
}
