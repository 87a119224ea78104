import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

@Suite struct AnalysisTests {
    /// A sine inside each band reads −3.01 dB + its level there and far less elsewhere.
    @Test("band energies", arguments: [(40.0, 0), (120, 1), (330, 2), (1_000, 3), (3_500, 4), (9_000, 5)])
    func bandEnergy(frequency: Double, band: Int) throws {
        let analysis = AudioAnalysis.analyze(Signals.sine(frequency: frequency, dBFS: -20, seconds: 2))
        let b = analysis.bands
        let values = [b.sub, b.bass, b.lowMid, b.mid, b.presence, b.air]
        let inBand = try #require(values[band])
        #expect(abs(inBand - -23.01) < 0.1, "band \(band) read \(inBand)")
        for (i, v) in values.enumerated() where i != band { #expect((v ?? -200) < inBand - 30) }
    }

    @Test func stereoImage() throws {
        let tone = Signals.sine(frequency: 500, dBFS: -12, seconds: 1)
        let same = AudioAnalysis.analyze(tone)
        #expect(abs(try #require(same.stereoCorrelation) - 1) < 1e-6)
        #expect(same.sideToMidDb == nil)   // no side signal at all: the ratio does not exist

        let inverted = AudioAnalysis.analyze(AudioBuffer(sampleRate: 48_000, channels: [tone.channels[0], tone.channels[0].map { -$0 }]))
        #expect(abs(try #require(inverted.stereoCorrelation) + 1) < 1e-6)

        let leftOnly = AudioAnalysis.analyze(AudioBuffer(sampleRate: 48_000, channels: [tone.channels[0], [Float](repeating: 0, count: tone.frameCount)]))
        #expect(abs(try #require(leftOnly.sideToMidDb)) < 1e-6)   // L only: M = S = L/2
        #expect(leftOnly.stereoCorrelation == nil)

        let noise = AudioAnalysis.analyze(Signals.noise(seconds: 2, rmsDBFS: -20))
        #expect(abs(try #require(noise.stereoCorrelation)) < 0.02)
        #expect(abs(try #require(noise.sideToMidDb)) < 0.2)
    }

    @Test func crestFactorOfASineIsThreeDecibels() throws {
        let a = AudioAnalysis.analyze(Signals.sine(frequency: 997, dBFS: -6, seconds: 1))
        #expect(abs(try #require(a.crestFactorDb) - 3.0103) < 0.01)
        #expect(abs(try #require(a.samplePeakDbfs) - -6) < 0.01)
    }

    /// Silence has no loudness, peak or balance: every such value is null in JSON, never -inf.
    @Test func silenceEncodesAsNull() throws {
        let a = AudioAnalysis.analyze(Signals.silence(seconds: 4))
        #expect(a.integratedLufs == nil && a.momentaryMaxLufs == nil && a.shortTermMaxLufs == nil)
        #expect(a.loudnessRangeLu == nil && a.truePeakDbtp == nil && a.samplePeakDbfs == nil && a.crestFactorDb == nil)
        #expect(a.durationSamples == 192_000)
        let json = String(decoding: try JSONEncoder().encode(a), as: UTF8.self)
        #expect(json.contains("\"integratedLufs\":null"))
        #expect(json.contains("\"bands\":{"))
        #expect(!json.lowercased().contains("inf"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["integratedLufs", "momentaryMaxLufs", "shortTermMaxLufs", "loudnessRangeLu", "truePeakDbtp",
                    "samplePeakDbfs", "crestFactorDb", "durationSamples", "sampleRate", "channels", "bands",
                    "stereoCorrelation", "sideToMidDb"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
    }

    /// Shorter than one momentary window: there is no loudness to report, and nothing crashes.
    @Test func veryShortSignal() {
        let a = AudioAnalysis.analyze(Signals.sine(frequency: 1_000, dBFS: -10, seconds: 0.1))
        #expect(a.integratedLufs == nil && a.momentaryMaxLufs == nil)
        #expect(a.truePeakDbtp != nil)
    }
}
