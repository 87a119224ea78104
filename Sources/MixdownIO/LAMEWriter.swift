import CLame
import Foundation
import MixdownCore

/// MP3 through LAME directly, fed block by block. The first frame is LAME's Xing/Info frame,
/// rewritten after the flush (`finish`) with the real encoder delay and padding, so a gapless
/// decoder (ffmpeg, mpg123) returns exactly the frames that went in. An ID3v2.4 tag (`header`:
/// the delivery's tags, cover and chapters) may precede it.
final class LAMEStream: BlockSink {
    private let lame: OpaquePointer
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private let channels: Int
    private var mp3: [UInt8] = []
    private var closed = false
    /// Bytes before the first MP3 frame (the ID3 tag), where the LAME tag frame starts.
    private let headerBytes: Int

    /// Bytes in one Layer III frame: 1152 samples (MPEG-1) or 576 (MPEG-2/2.5) per frame.
    static func frameBytes(kbps: Int, rate: Int) -> Int {
        (rate >= 32_000 ? 144 : 72) * kbps * 1_000 / rate
    }

    private func put(_ bytes: [UInt8], count: Int) throws {
        guard count > 0 else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, count, file) }
        guard written == count else {
            throw MixdownError.failure("\(path): write failed: \(String(cString: strerror(errno)))")
        }
    }

    init(codec: EndFormat.Codec, sampleRate: Int, channels: Int, header: [UInt8] = [], path: String) throws {
        guard let lame = lame_init() else { throw MixdownError.failure("LAME: cannot initialise the encoder") }
        self.lame = lame
        headerBytes = header.count
        self.channels = channels
        self.path = path
        let rate = Int32(sampleRate)
        lame_set_in_samplerate(lame, rate)
        lame_set_out_samplerate(lame, rate)
        lame_set_num_channels(lame, Int32(channels))
        lame_set_mode(lame, channels == 1 ? MONO : JOINT_STEREO)
        lame_set_quality(lame, 3)
        lame_set_write_id3tag_automatic(lame, 0)
        lame_set_bWriteVbrTag(lame, 1)
        switch codec {
        case .mp3VBR(let quality):
            lame_set_VBR(lame, vbr_mtrh)
            lame_set_VBR_q(lame, Int32(quality))
        case .mp3CBR(let kbps) where Self.frameBytes(kbps: kbps, rate: sampleRate) >= 208:
            lame_set_VBR(lame, vbr_off)
            lame_set_brate(lame, Int32(kbps))
        case .mp3ABR(let kbps):
            lame_set_VBR(lame, vbr_abr)
            lame_set_VBR_mean_bitrate_kbps(lame, Int32(kbps))
        case .mp3CBR(let kbps):
            // LAME writes its Info tag in a frame of the stream's own bitrate and drops the tag
            // when that frame is too small (48 kbps at 24 kHz: 144 bytes), which would cost the
            // gapless delay/padding. ABR pinned to min = max = kbps encodes every audio frame at
            // exactly kbps and puts the tag in one larger header frame, as ffmpeg's muxer does.
            lame_set_VBR(lame, vbr_abr)
            lame_set_VBR_mean_bitrate_kbps(lame, Int32(kbps))
            lame_set_VBR_min_bitrate_kbps(lame, Int32(kbps))
            lame_set_VBR_max_bitrate_kbps(lame, Int32(kbps))
            lame_set_VBR_hard_min(lame, 1)
        default:
            lame_close(lame)
            throw MixdownError.failure("LAME encodes MP3 only, not \(codec)")
        }
        guard lame_init_params(lame) >= 0 else {
            lame_close(lame)
            throw MixdownError.failure("LAME: rejected \(channels) channel(s) at \(rate) Hz for \(codec)")
        }
        guard let out = fopen(path, "w+b") else {
            lame_close(lame)
            throw MixdownError.failure("\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        file = out
        do { try put(header, count: header.count) } catch {
            fclose(out)
            closed = true
            throw error
        }
    }

    deinit {
        if !closed { fclose(file) }
        lame_close(lame)
    }

    func consume(_ block: AudioBlock) throws {
        let frames = block.frames
        guard frames > 0 else { return }
        let needed = frames * 5 / 4 + 7_200
        if mp3.count < needed { mp3 = [UInt8](repeating: 0, count: needed) }
        let bytes = block.withChannel(0) { (l: UnsafeBufferPointer<Float>) in
            block.withChannel(channels > 1 ? 1 : 0) { (r: UnsafeBufferPointer<Float>) in
                mp3.withUnsafeMutableBufferPointer { m in
                    lame_encode_buffer_ieee_float(lame, l.baseAddress, r.baseAddress, Int32(frames), m.baseAddress, Int32(m.count))
                }
            }
        }
        guard bytes >= 0 else { throw MixdownError.failure("LAME: encoding failed (\(bytes))") }
        try put(mp3, count: Int(bytes))
    }

    func finish() throws {
        if mp3.count < 7_200 { mp3 = [UInt8](repeating: 0, count: 7_200) }
        let tail = mp3.withUnsafeMutableBufferPointer { lame_encode_flush(lame, $0.baseAddress, Int32($0.count)) }
        guard tail >= 0 else { throw MixdownError.failure("LAME: flush failed (\(tail))") }
        try put(mp3, count: Int(tail))
        // Overwrite the placeholder first frame with the finished LAME tag.
        var tag = [UInt8](repeating: 0, count: 2880)
        let tagBytes = tag.withUnsafeMutableBufferPointer { lame_get_lametag_frame(lame, $0.baseAddress, $0.count) }
        guard tagBytes > 0, tagBytes <= tag.count else { throw MixdownError.failure("LAME: no LAME/Xing tag produced") }
        fseek(file, headerBytes, SEEK_SET)
        try put(tag, count: tagBytes)
        guard fflush(file) == 0 else { throw MixdownError.failure("\(path): write failed: \(String(cString: strerror(errno)))") }
        closed = true
        guard fclose(file) == 0 else { throw MixdownError.failure("\(path): write failed: \(String(cString: strerror(errno)))") }
    }
}
