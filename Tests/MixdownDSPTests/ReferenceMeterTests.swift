import CEbur128
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

/// Agreement with libebur128, an independent BS.1770-4 implementation (Debian's
/// libebur128-dev, linked into the tests only).
@Suite struct ReferenceMeterTests {
    struct Reference {
        var integrated, range, momentaryMax, shortTermMax, truePeakDB: Double
    }

    /// libebur128 fed in 2.5 ms chunks, reading M after each and S after every fourth, so its
    /// maxima are taken on (nearly) the same fine grid as ours.
    static func libebur128(_ buffer: AudioBuffer) -> Reference {
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue)
        var state = ebur128_init(UInt32(buffer.channelCount), UInt(buffer.sampleRate), mode)
        defer { ebur128_destroy(&state) }
        let hop = buffer.sampleRate / 400
        var interleaved = [Float](repeating: 0, count: hop * buffer.channelCount)
        var momentaryMax = -Double.infinity, shortTermMax = -Double.infinity
        var start = 0, chunk = 0
        while start < buffer.frameCount {
            let frames = min(hop, buffer.frameCount - start)
            interleaved.withUnsafeMutableBufferPointer { buffer.interleave(from: start, frames: frames, into: $0) }
            _ = ebur128_add_frames_float(state, interleaved, frames)
            start += frames
            chunk += 1
            var m = 0.0, s = 0.0
            if start >= buffer.sampleRate * 4 / 10, ebur128_loudness_momentary(state, &m) == 0 { momentaryMax = max(momentaryMax, m) }
            if chunk % 4 == 0, start >= buffer.sampleRate * 3, ebur128_loudness_shortterm(state, &s) == 0 { shortTermMax = max(shortTermMax, s) }
        }
        var integrated = 0.0, range = 0.0, peak = 0.0
        ebur128_loudness_global(state, &integrated)
        ebur128_loudness_range(state, &range)
        for c in 0..<buffer.channelCount {
            var p = 0.0
            ebur128_true_peak(state, UInt32(c), &p)
            peak = max(peak, p)
        }
        return Reference(integrated: integrated, range: range, momentaryMax: momentaryMax, shortTermMax: shortTermMax,
                         truePeakDB: 20 * log10(peak))
    }

    @Test("music-like and speech-like programmes", arguments: ["music", "speech", "speech over music"])
    func agreesWithLibebur128(programme: String) throws {
        let music = Signals.musicLike(seconds: 45)
        let speech = Signals.speechLike(seconds: 45)
        let buffer: AudioBuffer
        switch programme {
        case "music": buffer = music
        case "speech": buffer = speech
        default:
            buffer = AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { c in
                zip(music.channels[c], speech.channels[c]).map { 0.25 * $0 + $1 }
            })
        }
        let ours = AudioAnalysis.analyze(buffer)
        let reference = Self.libebur128(buffer)
        let integrated = try #require(ours.integratedLufs)
        #expect(abs(integrated - reference.integrated) <= 0.1, "I \(integrated) vs \(reference.integrated)")
        let range = try #require(ours.loudnessRangeLu)
        #expect(abs(range - reference.range) <= 0.1, "LRA \(range) vs \(reference.range)")
        let m = try #require(ours.momentaryMaxLufs), s = try #require(ours.shortTermMaxLufs)
        #expect(abs(m - reference.momentaryMax) <= 0.1, "M max \(m) vs \(reference.momentaryMax)")
        #expect(abs(s - reference.shortTermMax) <= 0.1, "S max \(s) vs \(reference.shortTermMax)")
        let tp = try #require(ours.truePeakDbtp)
        #expect(abs(tp - reference.truePeakDB) <= 0.2, "TP \(tp) vs \(reference.truePeakDB)")
        // The signals are what they claim to be: speech has pauses (wide range), music is dense.
        if programme == "speech" { #expect(try #require(ours.crestFactorDb) > 10) }
    }

    @Test("other sample rates agree too", arguments: [44_100, 32_000, 96_000])
    func otherRates(rate: Int) throws {
        let buffer = Signals.musicLike(seconds: 20, rate: rate)
        let ours = AudioAnalysis.analyze(buffer)
        let reference = Self.libebur128(buffer)
        #expect(abs(try #require(ours.integratedLufs) - reference.integrated) <= 0.1)
        #expect(abs(try #require(ours.truePeakDbtp) - reference.truePeakDB) <= 0.2)
    }
}

#if canImport(Glibc)
import Glibc
#endif
