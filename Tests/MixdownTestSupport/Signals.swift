import Foundation
import MixdownCore

/// Deterministic test signals, synthesised from their definitions so no fixture file is needed.
public enum Signals {
    /// A sine of peak level `dBFS` in every channel (or per channel with `phases`), optionally
    /// with raised-cosine fades of `taper` seconds at both ends (the EBU true-peak signals).
    public static func sine(frequency: Double, dBFS: Double, seconds: Double, rate: Int = 48_000, channels: Int = 2,
                            phasesDegrees: [Double]? = nil, taper: Double = 0) -> AudioBuffer {
        let n = SampleTime.samples(seconds: seconds, rate: rate)
        let amplitude = pow(10, dBFS / 20)
        let taperLength = Int(taper * Double(rate))
        let planar = (0..<channels).map { c -> [Float] in
            let phase = (phasesDegrees?[c] ?? 0) * .pi / 180
            return (0..<n).map { i in
                var v = amplitude * sin(2 * .pi * frequency * Double(i) / Double(rate) + phase)
                if taperLength > 0 {
                    let edge = min(i, n - 1 - i)
                    if edge < taperLength { v *= 0.5 - 0.5 * cos(.pi * Double(edge) / Double(taperLength)) }
                }
                return Float(v)
            }
        }
        return AudioBuffer(sampleRate: rate, channels: planar)
    }

    public static func silence(seconds: Double, rate: Int = 48_000, channels: Int = 2) -> AudioBuffer {
        AudioBuffer(sampleRate: rate, channelCount: channels, frameCount: SampleTime.samples(seconds: seconds, rate: rate))
    }

    /// Buffers one after another (same rate and channel count).
    public static func concatenate(_ parts: [AudioBuffer]) -> AudioBuffer {
        let channels = parts[0].channelCount
        return AudioBuffer(sampleRate: parts[0].sampleRate,
                           channels: (0..<channels).map { c in parts.flatMap { $0.channels[c] } })
    }

    public static func concatenate(_ parts: AudioBuffer...) -> AudioBuffer { concatenate(parts) }

    /// A 1 kHz tone sequence: (level dBFS or nil for silence, seconds) pairs, stereo 48 kHz.
    /// The phase runs on across segments, as in the EBU test files.
    public static func toneSequence(_ segments: [(dBFS: Double?, seconds: Double)], frequency: Double = 1_000,
                                    rate: Int = 48_000, channels: Int = 2) -> AudioBuffer {
        var samples = [Float]()
        var index = 0
        for segment in segments {
            let n = SampleTime.samples(seconds: segment.seconds, rate: rate)
            let amplitude = segment.dBFS.map { pow(10, $0 / 20) } ?? 0
            for _ in 0..<n {
                samples.append(Float(amplitude * sin(2 * .pi * frequency * Double(index) / Double(rate))))
                index += 1
            }
        }
        return AudioBuffer(sampleRate: rate, channels: Array(repeating: samples, count: channels))
    }

    /// Music-like programme: a chord progression of harmonic tones with a bass line, noise-burst
    /// drums on the beat, a stereo spread and a slow dynamic arc. Deterministic for a seed.
    public static func musicLike(seconds: Double, rate: Int = 48_000, seed: UInt64 = 1) -> AudioBuffer {
        var rng = SplitMix(seed: seed)
        let n = SampleTime.samples(seconds: seconds, rate: rate)
        var left = [Float](repeating: 0, count: n), right = [Float](repeating: 0, count: n)
        let chords: [[Double]] = [[220, 277.18, 329.63], [196, 246.94, 293.66], [174.61, 220, 261.63], [164.81, 207.65, 246.94]]
        let beat = 0.5   // 120 bpm
        let dt = 1 / Double(rate)
        var drum = 0.0, drumEnv = 0.0, hat = 0.0, hatEnv = 0.0
        var lowpass = 0.0
        for i in 0..<n {
            let t = Double(i) * dt
            let chord = chords[Int(t / (4 * beat)) % chords.count]
            let arc = 0.55 + 0.45 * sin(2 * .pi * t / max(seconds, 8) - .pi / 2) * 0.8 + 0.2 * sin(2 * .pi * t / 7.3)
            var l = 0.0, r = 0.0
            for (k, f) in chord.enumerated() {
                var tone = 0.0
                for h in 1...5 { tone += sin(2 * .pi * f * Double(h) * t + Double(k)) / Double(h * h) }
                let pan = 0.3 + 0.2 * Double(k)
                l += tone * (1 - pan); r += tone * pan
            }
            let bass = sin(2 * .pi * chord[0] / 2 * t) + 0.3 * sin(2 * .pi * chord[0] * t)
            // Drums: kick on every beat, hat on the off-beats.
            let phaseInBeat = t.truncatingRemainder(dividingBy: beat)
            if phaseInBeat < dt { drumEnv = 1; drum = 0 }
            if abs(phaseInBeat - beat / 2) < dt / 2 { hatEnv = 1 }
            drum += 2 * .pi * (50 + 90 * drumEnv) * dt
            let kick = sin(drum) * drumEnv
            drumEnv *= exp(-dt / 0.12)
            let noise = rng.nextSigned()
            lowpass += 0.2 * (noise - lowpass)
            hat = (noise - lowpass) * hatEnv
            hatEnv *= exp(-dt / 0.03)
            l = 0.12 * l + 0.18 * bass + 0.35 * kick + 0.12 * hat
            r = 0.12 * r + 0.18 * bass + 0.35 * kick + 0.10 * hat
            left[i] = Float(arc * l * 0.9)
            right[i] = Float(arc * r * 0.9)
        }
        return AudioBuffer(sampleRate: rate, channels: [left, right])
    }

    /// Speech-like programme: a glottal pulse train with a moving pitch through three formant
    /// resonators that change every syllable, fricative noise between syllables, and pauses
    /// between phrases — the envelope statistics of speech (≈4 syllables/s, gaps, 10–15 dB
    /// crest factor). Centred mono in both channels.
    public static func speechLike(seconds: Double, rate: Int = 48_000, seed: UInt64 = 7) -> AudioBuffer {
        var rng = SplitMix(seed: seed)
        let n = SampleTime.samples(seconds: seconds, rate: rate)
        var out = [Float](repeating: 0, count: n)
        let vowels: [[Double]] = [[730, 1090, 2440], [270, 2290, 3010], [530, 1840, 2480], [570, 840, 2410], [300, 870, 2240]]
        var resonators = vowels[0].map { Resonator(frequency: $0, bandwidth: 90, rate: rate) }
        var i = 0
        var glottalPhase = 0.0
        while i < n {
            // A phrase of 3–9 syllables, then a pause of 0.25–0.9 s.
            let syllables = 3 + Int(rng.next() * 7)
            for _ in 0..<syllables where i < n {
                let vowel = vowels[Int(rng.next() * Double(vowels.count))]
                resonators = vowel.map { Resonator(frequency: $0, bandwidth: 80 + 40 * rng.next(), rate: rate) }
                let length = Int((0.12 + 0.16 * rng.next()) * Double(rate))
                let fricative = Int(0.04 * Double(rate) * rng.next())
                let pitch = 95 + 60 * rng.next()
                let loud = 0.5 + 0.5 * rng.next()
                for j in 0..<(fricative + length) where i < n {
                    var v: Double
                    if j < fricative {
                        v = 0.05 * rng.nextSigned()
                    } else {
                        let k = Double(j - fricative) / Double(length)
                        let envelope = sin(.pi * k) * loud
                        glottalPhase += (pitch * (1.1 - 0.2 * k)) / Double(rate)
                        let pulse = glottalPhase.truncatingRemainder(dividingBy: 1) < 0.08 ? 1.0 : 0.0
                        var voiced = 0.0
                        for r in resonators.indices { voiced += resonators[r].process(pulse) }
                        v = envelope * voiced * 0.6
                    }
                    out[i] = Float(v)
                    i += 1
                }
            }
            let pause = Int((0.25 + 0.65 * rng.next()) * Double(rate))
            i += pause
        }
        return AudioBuffer(sampleRate: rate, channels: [out, out])
    }

    /// Uncorrelated white noise per channel at an RMS level.
    public static func noise(seconds: Double, rmsDBFS: Double, rate: Int = 48_000, channels: Int = 2, seed: UInt64 = 3) -> AudioBuffer {
        var rng = SplitMix(seed: seed)
        let n = SampleTime.samples(seconds: seconds, rate: rate)
        let scale = pow(10, rmsDBFS / 20) * 3.0.squareRoot()   // uniform ±a has RMS a/√3
        return AudioBuffer(sampleRate: rate, channels: (0..<channels).map { _ in (0..<n).map { _ in Float(scale * rng.nextSigned()) } })
    }
}

/// A two-pole resonator (formant filter) with unity peak gain.
struct Resonator {
    var a1, a2, gain: Double
    var y1 = 0.0, y2 = 0.0
    init(frequency: Double, bandwidth: Double, rate: Int) {
        let r = exp(-.pi * bandwidth / Double(rate))
        a1 = 2 * r * cos(2 * .pi * frequency / Double(rate))
        a2 = -r * r
        gain = 1 - r
    }
    mutating func process(_ x: Double) -> Double {
        let y = gain * x + a1 * y1 + a2 * y2
        y2 = y1; y1 = y
        return y
    }
}
