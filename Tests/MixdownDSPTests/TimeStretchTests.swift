import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

@Suite struct TimeStretchTests {
    /// Frequency of the strongest FFT bin (4096 points at 48 kHz, interpolated).
    func pitch(_ x: [Float]) -> Double {
        let n = 4_096
        let fft = RealFFT(size: n)
        var spectrum = [Float]()
        let start = (x.count - n) / 2
        fft.powerSpectrum(fill: { b in for i in 0..<n { b[i] = x[start + i] * Float(0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))) } },
                          power: { spectrum = Array($0) })
        let k = spectrum.indices.dropFirst().max { spectrum[$0] < spectrum[$1] }!
        let (a, b, c) = (Double(spectrum[k - 1]).squareRoot(), Double(spectrum[k]).squareRoot(), Double(spectrum[k + 1]).squareRoot())
        return (Double(k) + 0.5 * (a - c) / (a - 2 * b + c)) * 48_000 / Double(n)
    }

    @Test("exact length, pitch kept", arguments: [1.1, 1.3])
    func compressesWithoutChangingPitch(factor: Double) {
        let tone = Signals.sine(frequency: 440, dBFS: -6, seconds: 2, channels: 1).channels[0]
        let length = Int((Double(tone.count) / factor).rounded())
        let out = TimeStretch.stretch(tone, sampleRate: 48_000, to: length)
        #expect(out.count == length)
        #expect(abs(pitch(out) - 440) < 2, "pitch \(pitch(out)) Hz")
        // Level kept too (within 1 dB over the steady middle).
        let rms = { (x: ArraySlice<Float>) in (x.reduce(0) { $0 + Double($1 * $1) } / Double(x.count)).squareRoot() }
        let ratio = rms(out[(length / 4)..<(3 * length / 4)]) / rms(tone[(tone.count / 4)..<(3 * tone.count / 4)])
        #expect(abs(20 * log10(ratio)) < 1)
    }
}

#if canImport(Glibc)
import Glibc
#endif
