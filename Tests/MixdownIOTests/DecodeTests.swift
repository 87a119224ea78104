import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownIO
import MixdownDelivery

/// Reading every input format into the working format (48 kHz stereo float), with files made
/// by ffmpeg so the decoder is not only reading what our own encoder wrote.
@Suite struct DecodeTests {
    static let formats: [(ext: String, args: [String])] = [
        ("wav", ["-c:a", "pcm_s16le"]), ("wav", ["-c:a", "pcm_s24le"]), ("wav", ["-c:a", "pcm_f32le"]),
        ("aiff", ["-c:a", "pcm_s16be"]), ("flac", []), ("ogg", ["-c:a", "libvorbis"]),
        ("opus", ["-c:a", "libopus"]), ("mp3", ["-c:a", "libmp3lame", "-q:a", "4"]),
    ]

    @Test("ffmpeg-made files decode to 48 kHz stereo", arguments: 0..<8)
    func decodesEveryFormat(index: Int) throws {
        let (ext, args) = Self.formats[index]
        let folder = TemporaryFolder()
        let source = folder.file("source.wav")
        // 2 s at 44.1 kHz mono: exercises resampling and channel duplication at once.
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: 440, dBFS: -12, seconds: 2, rate: 44_100, channels: 1), to: source)
        let input = folder.file("input.\(ext)")
        let made = try Tools.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", source] + args + [input])
        try #require(made.status == 0, "ffmpeg: \(made.stderr)")

        let mix = try AudioDecoder.decodeForMix(input)
        #expect(mix.sampleRate == 48_000 && mix.channelCount == 2)
        #expect(mix.channels[0] == mix.channels[1], "mono is duplicated")
        // 88,200 samples at 44.1 kHz are exactly 96,000 at 48 kHz, for the lossy codecs too:
        // their delay and padding are trimmed (LAME tag, Ogg granule positions, Opus pre-skip).
        #expect(mix.frameCount == 96_000, "\(mix.frameCount) frames")
        let rms = (mix.channels[0][4_800..<91_200].reduce(0) { $0 + Double($1 * $1) } / 86_400).squareRoot()
        #expect(abs(20 * log10(rms) - (-12 - 3.0103)) < 0.3)
    }

    /// More than two channels fold down with ITU-R BS.775 coefficients: C and the surrounds at
    /// −3 dB into their side, LFE dropped.
    @Test func surroundDownmix() throws {
        let folder = TemporaryFolder()
        let path = folder.file("surround.wav")
        // L R C LFE Ls Rs: only C and LFE carry signal (0.5 each).
        let made = try Tools.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                                            "aevalsrc=0|0|0.5|0.5|0|0:c=5.1:s=48000:d=0.1", "-c:a", "pcm_f32le", path])
        try #require(made.status == 0)
        let mix = try AudioDecoder.decodeForMix(path)
        #expect(mix.channelCount == 2)
        #expect(abs(mix.channels[0][2_400] - 0.5 * 0.707_106_77) < 1e-4)
        #expect(abs(mix.channels[1][2_400] - 0.5 * 0.707_106_77) < 1e-4)
    }

    @Test func exactResampledLength() throws {
        for (frames, from, to) in [(1_440_000, 48_000, 44_100), (144_007, 48_000, 24_000), (88_201, 44_100, 48_000)] {
            let buffer = AudioBuffer(sampleRate: from, channelCount: 1, frameCount: frames)
            let out = try Resampler.resample(buffer, to: to)
            #expect(out.frameCount == SampleTime.rescale(frames, from: from, to: to))
        }
        #expect(SampleTime.rescale(144_007, from: 48_000, to: 24_000) == 72_004)
        #expect(SampleTime.rescale(1_440_000, from: 48_000, to: 44_100) == 1_323_000)
        #expect(SampleTime.samples(seconds: 0.5 / 48_000, rate: 48_000) == 1)
        #expect(SampleTime.samples(seconds: -0.5 / 48_000, rate: 48_000) == -1)
    }

    /// A multi-format write is all or nothing: when a later output cannot be written, the
    /// earlier ones are removed too and no temporary file remains.
    @Test func failedTransactionLeavesNothing() throws {
        let folder = TemporaryFolder()
        let transaction = OutputTransaction()
        let buffer = Signals.sine(frequency: 440, dBFS: -6, seconds: 0.5)
        _ = try AudioEncoder.encode(buffer, as: .wav, to: folder.file("a.wav"), in: transaction)
        #expect(throws: MixdownError.self) {
            _ = try AudioEncoder.encode(buffer, as: .mp3, to: folder.file("missing/b.mp3"), in: transaction)
        }
        transaction.rollback()
        #expect(folder.contents.isEmpty)
    }

    /// A WAV whose LIST entry claims 4 GB kept libsndfile's header parser busy for minutes
    /// (a fuzzing find, 236 bytes): chunk sizes are checked first, and it is refused at once.
    @Test func chunkSizesThatLieAreRefusedAtOnce() throws {
        let folder = TemporaryFolder()
        func le(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        var wav = Array("RIFF".utf8) + le(200) + Array("WAVE".utf8)
        wav += Array("fmt ".utf8) + le(16) + [1, 0, 1, 0] + le(8_000) + le(16_000) + [2, 0, 16, 0]
        wav += Array("LIST".utf8) + le(26) + Array("INFO".utf8) + Array("ISFT".utf8) + le(0xFFFF_FFF3) + [UInt8](repeating: 0xFF, count: 14)
        wav += Array("data".utf8) + le(32) + [UInt8](repeating: 0, count: 32)
        let path = folder.file("lying.wav")
        try Data(wav).write(to: URL(fileURLWithPath: path))
        #expect(throws: MixdownError.badInput("\(path): not a valid WAV file: entry 'ISFT' of the LIST chunk at byte 36 claims 4294967283 bytes; the list has 14 after it")) {
            _ = try AudioFileReader.read(path)
        }
        // The fuzzer's own find, kept as a regression seed, is refused too.
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/audio/regression-list-entry-claims-4gb.wav").path
        #expect(throws: MixdownError.self) { _ = try AudioFileReader.read(seed) }
    }

    /// A LIST entry named in bytes that are not text (a 4 KB fuzzing find: ffmpeg's INFO entry
    /// with its name garbled) kept libsndfile searching for a name for good; refused at once.
    @Test func listEntriesNamedInBinaryAreRefusedAtOnce() throws {
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/audio/regression-list-entry-binary-name.wav").path
        let started = Date()
        #expect(throws: MixdownError.badInput("\(seed): not a valid WAV file: the LIST chunk at byte 36 has an entry at byte 48 whose name is not text (49 AD C0 54)")) {
            _ = try AudioFileReader.read(seed)
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
