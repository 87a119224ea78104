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

    /// Silence put before the programme so that it ends on a frame boundary.
    static func leadingSilence(frames: Int) -> Int { (frameSize - frames % frameSize) % frameSize }

    /// `brand`: the file's major brand, `M4A ` or `M4B ` (an audiobook), whatever its temporary name.
    init(kbps: Int, sampleRate: Int, channels: Int, frames: Int, brand: String, path: String) throws {
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
            try Self.check(avio_open(&format.pointee.pb, path, AVIO_FLAG_WRITE), "cannot write", path)
            var options: OpaquePointer?
            av_dict_set(&options, "movflags", "+faststart", 0)
            av_dict_set(&options, "brand", brand, 0)
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
