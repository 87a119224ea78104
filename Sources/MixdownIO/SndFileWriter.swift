import CSndFile
import MixdownCore

/// WAV, FLAC, Ogg Vorbis and Ogg Opus through libsndfile. The buffer is already at the
/// format's rate and channel count.
enum SndFileWriter {
    /// Writes at the buffer's own rate and channel count; no conversion happens here.
    static func write(_ buffer: AudioBuffer, codec: EndFormat.Codec, to path: String) throws {
        let stream = try SndFileStream(codec: codec, sampleRate: buffer.sampleRate, channels: buffer.channelCount, path: path)
        try BufferSource(buffer).forEachBlock(capacity: 16_384) { try stream.consume($0) }
        try stream.finish()
    }
}

/// WAV, FLAC, Ogg Vorbis and Ogg Opus through libsndfile, fed block by block (already at the
/// format's rate and channel count). 16-bit formats are TPDF-dithered.
final class SndFileStream: BlockSink {
    private let file: OpaquePointer
    private let path: String
    private let codec: EndFormat.Codec
    private let channels: Int
    private var interleaved: [Float] = []
    private var shorts: [Int16] = []
    private var dither = TPDFDither()
    private var closed = false
    private let sampleRate: Int
    private let tags: FileTags?

    /// `broadcast`: a Broadcast WAV (bext chunk) whatever the sample format; 16- and 24-bit
    /// WAVs are always deliveries and always get one.
    /// `tags`: LIST/INFO in a WAV (set before the audio, so libsndfile writes them in the
    /// header); Vorbis comments, picture and chapters in FLAC and Ogg, written over the finished
    /// file's own (libsndfile cannot write pictures or arbitrary comments).
    init(codec: EndFormat.Codec, sampleRate: Int, channels: Int, broadcast: Bool = false, tags: FileTags? = nil, path: String) throws {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        var compressionLevel: Double?
        switch codec {
        case .pcm16: info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .pcm24: info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .pcmFloat: info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac16: info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        case .vorbis(let quality):
            info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
            // libsndfile's level is 1 − Vorbis quality (0…1): q6 is level 0.4.
            compressionLevel = 1 - quality
        case .opus(let bitsPerSecond):
            info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
            // libsndfile maps level ℓ to ((1 − ℓ)·250 kbps + 6 kbps) per channel.
            let perChannel = Double(bitsPerSecond) / Double(channels)
            compressionLevel = 1 - (perChannel - 6_000) / 250_000
        case .mp3VBR, .mp3CBR, .mp3ABR, .aac:
            throw MixdownError.failure("MP3 and AAC are written by LAME and FFmpeg, not libsndfile")
        }
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw MixdownError.failure("\(path): cannot write: \(libraryMessage(sf_strerror(nil)))")
        }
        self.file = file
        self.path = path
        self.codec = codec
        self.channels = channels
        self.sampleRate = sampleRate
        self.tags = tags
        if var level = compressionLevel {
            guard sf_command(file, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) == SF_TRUE else {
                sf_close(file)
                closed = true
                throw MixdownError.failure("\(path): libsndfile refused compression level \(level)")
            }
        }
        // 16- and 24-bit WAVs are deliveries: Broadcast WAVs, their loudness filled in at the end.
        if codec == .pcm16 || codec == .pcm24 || broadcast, !BroadcastWave.prepare(file) {
            sf_close(file)
            closed = true
            throw MixdownError.failure("\(path): libsndfile refused the bext chunk")
        }
        if let tags, info.format & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_WAV) {
            for (id, value) in Self.infoStrings(tags.metadata) where sf_set_string(file, id, value) != 0 {
                sf_close(file)
                closed = true
                throw MixdownError.failure("\(path): libsndfile refused the WAV's LIST/INFO tags")
            }
        }
        if codec == .pcm24 || codec == .flac24 {
            var on = Int32(SF_TRUE)
            sf_command(file, Int32(SFC_SET_CLIPPING), &on, Int32(MemoryLayout<Int32>.size))
        }
    }

    deinit { if !closed { sf_close(file) } }

    func consume(_ block: AudioBlock) throws {
        let frames = block.frames
        guard frames > 0 else { return }
        let count = frames * channels
        if interleaved.count < count { interleaved = [Float](repeating: 0, count: count); shorts = [Int16](repeating: 0, count: count) }
        let written: Int64 = interleaved.withUnsafeMutableBufferPointer { inter in
            block.interleave(into: inter)
            let slice = UnsafeBufferPointer(rebasing: inter[0..<count])
            if codec == .pcm16 || codec == .flac16 {
                return shorts.withUnsafeMutableBufferPointer { out in
                    dither.quantize(slice, into: UnsafeMutableBufferPointer(rebasing: out[0..<count]))
                    return sf_writef_short(file, out.baseAddress, Int64(frames))
                }
            }
            return sf_writef_float(file, inter.baseAddress, Int64(frames))
        }
        guard written == Int64(frames) else {
            throw MixdownError.failure("\(path): write failed: \(libraryMessage(sf_strerror(file)))")
        }
    }

    func finish() throws {
        closed = true
        let status = sf_close(file)
        guard status == 0 else {
            throw MixdownError.failure("\(path): closing failed: \(libraryMessage(sf_error_number(status)))")
        }
        guard let tags else { return }
        switch codec {
        case .flac16, .flac24:
            try FLACTagger.rewrite(path, fields: VorbisComment.fields(tags.metadata, chapters: tags.chapters, sampleRate: sampleRate), cover: tags.metadata.cover)
        case .vorbis, .opus:
            try OggTagger.rewrite(path, fields: VorbisComment.fields(tags.metadata, chapters: tags.chapters, sampleRate: sampleRate), cover: tags.metadata.cover)
        default: break
        }
    }

    /// The RIFF INFO fields libsndfile writes (INAM, IART, IPRD, ICMT, ICOP, ICRD, IGNR, ITRK);
    /// a WAV has no place for a cover, a publisher, a language, a URL or an ISRC.
    static func infoStrings(_ m: Metadata) -> [(Int32, String)] {
        TagField.present(in: m).compactMap { field, value in field.riff.map { ($0, value) } }
    }
}
