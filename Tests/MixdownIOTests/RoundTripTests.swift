import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownIO
import MixdownDelivery

/// Every delivery format, decoded by ffmpeg (the independent decoder): the table's rate and
/// channel count, a bitrate in the format's class, and exactly round(duration × rate) samples.
@Suite struct RoundTripTests {
    /// 3 s + 7 samples at 48 kHz: lengths that do not divide evenly exercise the rounding
    /// (44.1 kHz: 132,306.43 → 132,306; 24 kHz: 72,003.5 → 72,004, half away from zero).
    /// The music is mixed with a little noise so the spectrum is as dense as a real mix and
    /// the VBR encoders spend what they would on real programme material.
    static let source: AudioBuffer = {
        let music = Signals.musicLike(seconds: 3), noise = Signals.noise(seconds: 3, rmsDBFS: -32)
        return AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { c in
            zip(music.channels[c], noise.channels[c]).map { $0 + $1 } + [Float](repeating: 0.01, count: 7)
        })
    }()

    /// Bitrate classes in kbps (bytes × 8 / duration): VBR rates depend on the programme, so the
    /// bands are wide but do not overlap their neighbours' nominal values.
    static func bitrateClass(_ format: EndFormat) -> ClosedRange<Double>? {
        let presets: [String: ClosedRange<Double>] = [
            "wav": 1_530...1_540,          // 48 kHz × 16 bit × 2
            "wav_24": 2_300...2_310,
            "flac": 200...1_536,
            "ogg": 130...320,              // q6 ≈ 192 kbps
            "opus": 100...160,             // 128 kbps
            "mp3": 315...330,              // 320 CBR (+ tag frame)
            "mp3_very_low": 35...95,       // V9 ≈ 65
            "mp3_low": 80...150,           // V6 ≈ 115
            "mp3_medium": 120...200,       // V4 ≈ 165
            "mp3_high": 150...240,         // V2 ≈ 190
            "mp3_very_high": 190...300,    // V0 ≈ 245
            "mp3_alexa": 47...52,          // 48 CBR
            "m4a": 120...190,              // AAC 160 (its rate control averages)
            "m4a_low": 70...115,           // AAC 96
            "m4b": 45...75,                // AAC 64, mono
        ]
        if format.isPreset { return presets[format.name] }
        // Custom encodings: PCM is exact; a stated bit rate is met within the codec's rate control.
        switch format.codec {
        case .pcm16, .pcm24, .pcmFloat:
            let bits: Double = format.codec == .pcm16 ? 16 : format.codec == .pcm24 ? 24 : 32
            let kbps = Double(format.sampleRate * format.channels) * bits / 1_000
            return kbps...(kbps * 1.01 + 2)   // + the bext chunk
        case .mp3CBR(let k), .mp3ABR(let k), .aac(let k): return Double(k) * 0.75...Double(k) * 1.2
        case .opus(let bps): return Double(bps) / 1_000 * 0.75...Double(bps) / 1_000 * 1.25
        default: return 1...Double(format.sampleRate * format.channels * 24) / 1_000
        }
    }

    /// A dozen and more custom encodings, read from production JSON as a user writes them:
    /// low rates, mono, 8 kHz to 96 kHz, 24- and 32-bit, constant and average bit rates.
    static let customFormats: [EndFormat] = {
        let json = """
        [{"name": "radio96", "format": "mp3", "sampleRate": 22050, "channels": 1, "bitRate": 96},
         {"format": "mp3", "sampleRate": 8000, "channels": 1, "bitRate": 16, "bitRateMode": "cbr"},
         {"format": "mp3", "sampleRate": 48000, "bitRate": 128, "bitRateMode": "vbr"},
         {"format": "mp3", "sampleRate": 16000, "channels": 1},
         {"format": "aac", "sampleRate": 22050, "channels": 1, "bitRate": 32},
         {"format": "aac", "sampleRate": 48000, "bitRate": 256},
         {"format": "aac", "sampleRate": 96000, "bitRate": 320},
         {"format": "aac", "sampleRate": 8000, "channels": 1, "bitRate": 24},
         {"format": "wav", "sampleRate": 96000, "bitDepth": 24},
         {"format": "wav", "sampleRate": 8000, "channels": 1},
         {"format": "wav", "sampleRate": 44100, "bitDepth": 32},
         {"format": "flac", "sampleRate": 96000, "bitDepth": 24},
         {"format": "flac", "sampleRate": 22050, "channels": 1},
         {"format": "ogg", "sampleRate": 22050, "channels": 1},
         {"format": "ogg", "sampleRate": 96000},
         {"format": "opus", "channels": 1, "bitRate": 32},
         {"format": "opus", "bitRate": 64}]
        """
        // swiftlint:disable:next force_try
        return try! EndFormat.list(JSONField(node: JSONParser.parse(json, file: "formats.json"), path: "endFormat"))
    }()

    @Test("encode and decode with ffmpeg", arguments: EndFormat.presets + customFormats)
    func roundTrip(format: EndFormat) throws {
        let folder = TemporaryFolder()
        let path = folder.file("out.\(format.fileExtension)")
        let output = try AudioEncoder.encode(Self.source, as: format, to: path)
        let expected = SampleTime.rescale(Self.source.frameCount, from: 48_000, to: format.sampleRate)
        #expect(output.samples == expected)
        #expect(output.sampleRate == format.sampleRate && output.channels == format.channels)

        let decoded = try Tools.ffmpegDecode(path)
        #expect(decoded.sampleRate == format.sampleRate)
        #expect(decoded.channels == format.channels)
        #expect(decoded.frames == expected, "ffmpeg decoded \(decoded.frames) frames, expected \(expected)")

        let seconds = Double(expected) / Double(format.sampleRate)
        let kbps = Double(output.bytes) * 8 / seconds / 1_000
        #expect(Self.bitrateClass(format)!.contains(kbps), "\(format) at \(kbps) kbps")
        #expect(folder.contents == ["out.\(format.fileExtension)"], "no temporary left behind")

        // The audio itself survived: the decoded programme has the source's loudness and its
        // timing (cross-correlation peak at lag 0 for the codecs that keep the phase).
        let original = try Resampler.resample(ChannelMix.conform(Self.source, channels: format.channels), to: format.sampleRate)
        let a = original.channels[0], b = decoded.channel(0)
        let energyA = a.reduce(0) { $0 + Double($1 * $1) }, energyB = b.reduce(0) { $0 + Double($1 * $1) }
        // (An ABR MP3 at 128 kbps in stereo low-passes more of this noisy source than the presets.)
        #expect(abs(10 * log10(energyB / energyA)) < (format.isPreset ? 0.5 : 0.75), "level changed by \(10 * log10(energyB / energyA)) dB")
        if !format.isLossy && format.sampleRate == 48_000 {
            let worst = zip(a, b).map { abs($0 - $1) }.max()!
            let fine = format.codec == .pcm24 || format.codec == .flac24 || format.codec == .pcmFloat
            #expect(worst < (fine ? 1e-6 : 1e-4), "lossless error \(worst)")
        } else {
            #expect(bestLag(a, b, search: 64) == 0, "\(format) is shifted in time")
        }
    }

    /// mp3_alexa is constant 48 kbps: every audio frame after the LAME tag frame says so in
    /// its header (MPEG-2 Layer III, 24 kHz, mono).
    @Test func alexaFramesAreAllFortyEightKbps() throws {
        let folder = TemporaryFolder()
        let path = folder.file("alexa.mp3")
        _ = try AudioEncoder.encode(Self.source, as: .mp3_alexa, to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let kbpsTable = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        var offset = 0, frames = [Int]()
        while offset + 4 <= bytes.count {
            try #require(bytes[offset] == 0xFF && bytes[offset + 1] == 0xF3, "frame sync at \(offset)")
            #expect(bytes[offset + 2] >> 2 & 0x3 == 1, "24 kHz")
            #expect(bytes[offset + 3] >> 6 == 3, "mono")
            let kbps = kbpsTable[Int(bytes[offset + 2] >> 4)]
            frames.append(kbps)
            offset += 72 * kbps * 1_000 / 24_000 + Int(bytes[offset + 2] >> 1 & 1)
        }
        #expect(offset == bytes.count)
        #expect(frames.count > 100)
        #expect(frames.dropFirst().allSatisfy { $0 == 48 }, "audio frames: \(Set(frames.dropFirst()))")
    }

    /// The lag (in samples, within ±search) at which b best matches a.
    func bestLag(_ a: [Float], _ b: [Float], search: Int) -> Int {
        let n = min(a.count, b.count) - 2 * search
        var best = (lag: 0, score: -Double.infinity)
        for lag in -search...search {
            var s = 0.0
            for i in search..<(search + n) where i + lag >= 0 && i + lag < b.count { s += Double(a[i] * b[i + lag]) }
            if s > best.score { best = (lag, s) }
        }
        return best.lag
    }

    /// The product's promise: a 30 s spot is 30.000 s in every format.
    @Test("30 s spot decodes to exactly 30.000 s", arguments: [EndFormat.mp3_medium, .wav, .mp3_alexa, .opus])
    func thirtySecondSpot(format: EndFormat) throws {
        let folder = TemporaryFolder()
        let spot = Signals.musicLike(seconds: 30)
        #expect(spot.frameCount == 1_440_000)
        let path = folder.file("spot.\(format.fileExtension)")
        _ = try AudioEncoder.encode(spot, as: format, to: path)
        let decoded = try Tools.ffmpegDecode(path)
        #expect(decoded.frames == 30 * format.sampleRate)
    }

    /// 16-bit outputs are dithered (TPDF): silence becomes ±1 LSB noise of ≈0.5 LSB RMS with
    /// no DC, and a tone below 1 LSB survives instead of vanishing.
    @Test func sixteenBitOutputsAreDithered() throws {
        let folder = TemporaryFolder()
        let path = folder.file("silence.wav")
        _ = try AudioEncoder.encode(Signals.silence(seconds: 1), as: .wav, to: path)
        let lsb = try Tools.ffmpegDecode(path).samples.map { Double($0) * 32_768 }
        let rms = (lsb.reduce(0) { $0 + $1 * $1 } / Double(lsb.count)).squareRoot()
        let mean = lsb.reduce(0, +) / Double(lsb.count)
        #expect(rms > 0.4 && rms < 0.6, "dither RMS \(rms) LSB")
        #expect(abs(mean) < 0.01)
        #expect(lsb.allSatisfy { abs($0) <= 1 })

        let quiet = folder.file("quiet.flac")
        let tone = Signals.sine(frequency: 1_000, dBFS: 20 * log10(0.4 / 32_768), seconds: 2)
        _ = try AudioEncoder.encode(tone, as: .flac, to: quiet)
        let decoded = try Tools.ffmpegDecode(quiet).channel(0)
        // Correlate with the tone: the 0.4 LSB sine is still there on average.
        let reference = tone.channels[0]
        let gain = zip(decoded, reference).reduce(0) { $0 + Double($1.0 * $1.1) } / reference.reduce(0) { $0 + Double($1 * $1) }
        #expect(abs(gain - 1) < 0.1, "tone gain through dither \(gain)")
    }
}
