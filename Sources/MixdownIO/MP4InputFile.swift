import CFFmpeg
import Foundation
import MixdownCore

/// AAC in MP4 (`.m4a`, `.m4b`, `.mp4`) through FFmpeg's libraries, as ffmpeg itself decodes
/// it: the edit list's start (the encoder's priming, and the silence `AACStream` puts before a
/// programme) is skipped by libavformat and libavcodec, so a file Mixdown wrote decodes to
/// exactly its programme. The first audio stream is read; FFmpeg's log is silenced for the
/// process (it would otherwise print a damaged file's complaints on stderr), and what goes
/// wrong comes back as `error`.
final class MP4InputFile: AudioInputFile {
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let streamIndex: Int32
    let sampleRate: Int
    let channels: Int
    let container = AudioContainer.mp4
    let declaredFrames: Int? = nil
    var roles: [ChannelRole] { ChannelRole.defaultLayout(channels: channels) }
    private(set) var error: String?
    /// Decoded frames not yet handed out, interleaved, from `pendingStart`.
    private var pending: [Float] = []
    private var pendingStart = 0
    private var drained = false, flushed = false

    /// ID3-free MP4: an `ftyp` box at offset 4.
    static func looksLikeMP4(_ head: [UInt8]) -> Bool { head.count >= 8 && Array(head[4..<8]) == Array("ftyp".utf8) }

    init(path: String) throws {
        av_log_set_level(AV_LOG_QUIET)
        func fail(_ what: String, _ code: Int32) -> MixdownError {
            MixdownError.badInput("\(path): \(what) (\(ffmpegMessage(code)))", code: .invalidAudio)
        }
        var format: UnsafeMutablePointer<AVFormatContext>?
        var code = avformat_open_input(&format, path, nil, nil)
        guard code >= 0, let opened = format else { throw fail("not a readable audio file", code) }
        self.format = opened
        code = avformat_find_stream_info(opened, nil)
        var decoder: UnsafePointer<AVCodec>?
        let index = code < 0 ? code : av_find_best_stream(opened, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0)
        guard index >= 0, let decoder, let codec = avcodec_alloc_context3(decoder) else {
            avformat_close_input(&format)
            self.format = nil
            throw fail("no audio stream FFmpeg can decode", index < 0 ? index : code)
        }
        self.codec = codec
        streamIndex = index
        guard let stream = opened.pointee.streams[Int(index)] else { throw MixdownError.badInput("\(path): no audio stream", code: .invalidAudio) }
        code = avcodec_parameters_to_context(codec, stream.pointee.codecpar)
        if code >= 0 { code = avcodec_open2(codec, decoder, nil) }
        guard code >= 0 else {
            let e = fail("cannot open its decoder", code)
            Self.release(&self.format, &self.codec)
            throw e
        }
        sampleRate = Int(codec.pointee.sample_rate)
        channels = Int(codec.pointee.ch_layout.nb_channels)
        frame = av_frame_alloc()
        packet = av_packet_alloc()
        guard frame != nil, packet != nil else { throw MixdownError.failure("\(path): out of memory for the decoder") }
    }

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        Self.release(&format, &codec)
    }

    private static func release(_ format: inout UnsafeMutablePointer<AVFormatContext>?, _ codec: inout UnsafeMutablePointer<AVCodecContext>?) {
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }

    func read(into destination: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        let wanted = frames * channels
        while pending.count - pendingStart < wanted && !drained && error == nil { decodeMore() }
        let available = min(wanted, pending.count - pendingStart) / channels * channels
        guard available > 0 else { return 0 }
        pending.withUnsafeBufferPointer { p in destination.update(from: p.baseAddress! + pendingStart, count: available) }
        pendingStart += available
        if pendingStart > 1 << 20 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        return available / channels
    }

    /// One packet into the decoder (or the end), and every frame it gives back into `pending`.
    private func decodeMore() {
        if !flushed {
            let code = av_read_frame(format, packet)
            if code < 0 {
                if code != mixdown_averror_eof() { error = ffmpegMessage(code) }
                flushed = true
                _ = avcodec_send_packet(codec, nil)
            } else {
                defer { av_packet_unref(packet) }
                if packet!.pointee.stream_index != streamIndex { return }
                let sent = avcodec_send_packet(codec, packet)
                if sent < 0 && sent != mixdown_averror_eagain() { error = ffmpegMessage(sent); return }
            }
        }
        while true {
            let code = avcodec_receive_frame(codec, frame)
            if code == mixdown_averror_eagain() { return }
            if code == mixdown_averror_eof() { drained = true; return }
            if code < 0 { error = ffmpegMessage(code); drained = true; return }
            defer { av_frame_unref(frame) }
            append(frame!)
        }
    }

    /// A decoded frame, interleaved onto `pending` as Float.
    private func append(_ frame: UnsafeMutablePointer<AVFrame>) {
        let n = Int(frame.pointee.nb_samples)
        guard Int(frame.pointee.ch_layout.nb_channels) == channels, Int(frame.pointee.sample_rate) == sampleRate else {
            error = "the stream changes format midway"
            drained = true
            return
        }
        let start = pending.count
        pending.append(contentsOf: repeatElement(0, count: n * channels))
        let fmt = AVSampleFormat(frame.pointee.format)
        let planar = av_sample_fmt_is_planar(fmt) != 0
        pending.withUnsafeMutableBufferPointer { out in
            if fmt == AV_SAMPLE_FMT_FLTP {
                // What the AAC decoder gives: one Float plane per channel.
                for c in 0..<channels {
                    let plane = UnsafeRawPointer(frame.pointee.extended_data[c]!).assumingMemoryBound(to: Float.self)
                    for i in 0..<n { out[start + i * channels + c] = plane[i] }
                }
                return
            }
            for c in 0..<channels {
                let data = UnsafeRawPointer(frame.pointee.extended_data[planar ? c : 0]!)
                for i in 0..<n {
                    let k = planar ? i : i * channels + c
                    let value: Float
                    switch fmt {
                    case AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT: value = data.load(fromByteOffset: k * 4, as: Float.self)
                    case AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16: value = Float(data.load(fromByteOffset: k * 2, as: Int16.self)) / 32_768
                    case AV_SAMPLE_FMT_S32P, AV_SAMPLE_FMT_S32: value = Float(Double(data.load(fromByteOffset: k * 4, as: Int32.self)) / 2_147_483_648)
                    case AV_SAMPLE_FMT_DBLP, AV_SAMPLE_FMT_DBL: value = Float(data.load(fromByteOffset: k * 8, as: Double.self))
                    default:
                        error = "unsupported sample format"
                        return
                    }
                    out[start + i * channels + c] = value
                }
            }
        }
    }

    func declaredLengthShortfall() -> (declared: Int, present: Int)? { nil }
}
