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
        switch format {
        case .wav: return 1_530...1_540          // 48 kHz × 16 bit × 2
        case .wav_24: return 2_300...2_310
        case .flac: return 200...1_536
        case .ogg: return 130...320              // q6 ≈ 192 kbps
        case .opus: return 100...160             // 128 kbps
        case .mp3: return 315...330              // 320 CBR (+ tag frame)
        case .mp3_very_low: return 35...95       // V9 ≈ 65
        case .mp3_low: return 80...150           // V6 ≈ 115
        case .mp3_medium: return 120...200       // V4 ≈ 165
        case .mp3_high: return 150...240         // V2 ≈ 190
        case .mp3_very_high: return 190...300    // V0 ≈ 245
        case .mp3_alexa: return 47...52          // 48 CBR
        case .m4a: return 120...190              // AAC 160 (its rate control averages)
        case .m4a_low: return 70...115           // AAC 96
        case .m4b: return 45...75                // AAC 64, mono
        }
    }

    @Test("encode and decode with ffmpeg", arguments: EndFormat.allCases)
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
        #expect(abs(10 * log10(energyB / energyA)) < 0.5, "level changed by \(10 * log10(energyB / energyA)) dB")
        if !format.isLossy {
            let worst = zip(a, b).map { abs($0 - $1) }.max()!
            #expect(worst < (format == .wav_24 ? 1e-6 : 1e-4), "lossless error \(worst)")
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
