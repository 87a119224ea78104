import Foundation
import MixdownCore
import MixdownDSP

/// A template's mix: what turns FluidSynth's dry General MIDI render into a produced bed.
/// Tone (a low cut, a low shelf, a presence peak and an air shelf), a stereo room of its own
/// (so the bed never drops to digital black between notes and the image is wide), texture
/// where the style needs it (tape saturation, hiss and vinyl crackle for lo-fi), the stereo
/// width set to a side-to-mid target, and bus glue: a compressor and a true-peak limiter.
///
/// Everything here is plain arithmetic on Float arrays in a fixed order, seeded where it is
/// random, so a rebuild gives the same bytes (no FFT library whose plan could differ between
/// machines).
struct MixSettings: Sendable {
    /// Tone, in dB: a low shelf at 120 Hz, a peak at `presence` Hz (Q 0.9), a high shelf at 7 kHz.
    var low = 0.0, mid = 0.0, midFrequency = 2_500.0, air = 0.0
    /// A low-pass (Hz) for dark styles; nil for none.
    var lowPass: Double?
    /// The room: decay time (s), wet level (dB under the dry signal) and damping (the
    /// frequency above which the tail darkens, Hz).
    var decay = 1.2, wet = -14.0, damping = 6_000.0
    /// Texture: tape saturation (0 none … 1 heavy), hiss and vinyl crackle levels in dB under
    /// the bed's RMS (nil for none).
    var saturation = 0.0
    var hiss: Double?
    var crackle: Double?
    /// The side-to-mid ratio the image is set to (dB).
    var sideToMid = -8.0
    /// Bus compressor threshold relative to the limiter's ceiling (dB; its detector follows
    /// peaks) and ratio.
    var glueThreshold = -6.0, glueRatio = 2.0
}

enum Mix {
    static let rate = 48_000

    /// Tone: the same chain on both channels.
    static func tone(_ audio: inout AudioBuffer, _ s: MixSettings) {
        var stages = [Biquad.highPass(32, rate: rate), Biquad.lowShelf(120, gainDB: s.low, rate: rate),
                      Biquad.peaking(s.midFrequency, gainDB: s.mid, q: 0.9, rate: rate), Biquad.highShelf(7_000, gainDB: s.air, rate: rate)]
        if let f = s.lowPass { stages.append(Biquad.lowPass(f, rate: rate)) }
        let chain = FilterChain(stages)
        for c in audio.channels.indices { chain.process(&audio.channels[c]) }
    }

    /// A stereo room: an eight-line feedback delay network (Hadamard feedback, a one-pole
    /// damping filter in every line), left fed into four lines and right into the other four,
    /// the outputs taken with orthogonal signs so the tail is decorrelated between the sides.
    static func room(_ audio: inout AudioBuffer, _ s: MixSettings) {
        let n = audio.frameCount
        guard n > 0, audio.channelCount == 2 else { return }
        let lengths = [1_109, 1_277, 1_493, 1_699, 1_951, 2_161, 2_399, 2_713]
        let gains = lengths.map { Float(pow(10, -3 * Double($0) / (s.decay * Double(rate)))) }
        let damp = Float(exp(-2 * Double.pi * s.damping / Double(rate)))
        var lines = lengths.map { [Float](repeating: 0, count: $0) }
        var positions = [Int](repeating: 0, count: 8)
        var lowState = [Float](repeating: 0, count: 8)
        let wet = Float(pow(10, s.wet / 20))
        let signsL: [Float] = [1, -1, 1, -1, 1, -1, 1, -1], signsR: [Float] = [1, 1, -1, -1, 1, 1, -1, -1]
        var out = [Float](repeating: 0, count: 8)
        let left = audio.channels[0], right = audio.channels[1]
        var wetL = [Float](repeating: 0, count: n), wetR = [Float](repeating: 0, count: n)
        for i in 0..<n {
            for k in 0..<8 {
                // Damped line output.
                let y = lines[k][positions[k]]
                lowState[k] = (1 - damp) * y + damp * lowState[k]
                out[k] = lowState[k] * gains[k]
            }
            var yl: Float = 0, yr: Float = 0
            for k in 0..<8 { yl += signsL[k] * out[k]; yr += signsR[k] * out[k] }
            wetL[i] = yl * 0.35
            wetR[i] = yr * 0.35
            // Hadamard 8 (fast Walsh–Hadamard), scaled to stay lossless.
            var h = out
            var span = 1
            while span < 8 {
                var j = 0
                while j < 8 {
                    for m in j..<(j + span) { let a = h[m], b = h[m + span]; h[m] = a + b; h[m + span] = a - b }
                    j += 2 * span
                }
                span *= 2
            }
            let inL = left[i] * 0.5, inR = right[i] * 0.5
            for k in 0..<8 {
                lines[k][positions[k]] = h[k] * 0.353_553_39 + (k < 4 ? inL : inR)
                positions[k] = positions[k] + 1 == lengths[k] ? 0 : positions[k] + 1
            }
        }
        for i in 0..<n {
            audio.channels[0][i] += wet * wetL[i]
            audio.channels[1][i] += wet * wetR[i]
        }
    }

    static func rms(_ audio: AudioBuffer) -> Float {
        var sum = 0.0, count = 0
        for ch in audio.channels { for x in ch { sum += Double(x) * Double(x) }; count += ch.count }
        return Float((sum / Double(max(1, count))).squareRoot())
    }

    /// Tape saturation: tanh(d·x)/d, unity gain for quiet signals, its knee a few dB above
    /// the bed's RMS (`reference`), lower the more `amount`.
    static func saturate(_ audio: inout AudioBuffer, amount: Double, reference: Float) {
        guard amount > 0, reference > 0 else { return }
        let drive = Float(amount) / (3 * reference)
        for c in audio.channels.indices {
            for i in audio.channels[c].indices { audio.channels[c][i] = tanh(drive * audio.channels[c][i]) / drive }
        }
    }

    /// Texture noise of `length` samples per channel (hiss: pink, by Kellet's filter; crackle:
    /// sparse clicks with a short decay), seeded, at `hiss`/`crackle` dB under `reference`.
    static func texture(length: Int, seed: UInt64, reference: Float, hiss: Double?, crackle: Double?) -> [[Float]] {
        var out = [[Float]](repeating: [Float](repeating: 0, count: length), count: 2)
        for c in 0..<2 {
            var rng = SplitMix(seed: seed &+ UInt64(c) &* 0x9E37)
            if let hiss {
                let level = reference * Float(pow(10, hiss / 20)) * 3.5
                var b0: Float = 0, b1: Float = 0, b2: Float = 0
                for i in 0..<length {
                    let w = Float(rng.nextSigned())
                    b0 = 0.997_65 * b0 + w * 0.099_046
                    b1 = 0.963 * b1 + w * 0.296_516_4
                    b2 = 0.57 * b2 + w * 1.052_691_3
                    out[c][i] += level * (b0 + b1 + b2 + w * 0.1848) * 0.18
                }
            }
            if let crackle {
                let level = reference * Float(pow(10, crackle / 20)) * 8
                var i = 0
                while i < length {
                    // About nine clicks a second, each a few samples of decaying, alternating impulse.
                    i += 800 + Int(rng.next() * 9_000)
                    let amplitude = level * Float(0.2 + 0.8 * rng.next() * rng.next())
                    var v = amplitude * (rng.next() < 0.5 ? 1 : -1)
                    for k in 0..<24 where i + k < length {
                        out[c][i + k] += v
                        v *= -0.72
                    }
                }
            }
        }
        return out
    }

    /// The side signal scaled so that side-to-mid (energy ratio) becomes `target` dB;
    /// returns the gain used. `measure` only computes it.
    static func sideGain(for audio: AudioBuffer, target: Double) -> Float {
        var mid = 0.0, side = 0.0
        for i in 0..<audio.frameCount {
            let l = Double(audio.channels[0][i]), r = Double(audio.channels[1][i])
            mid += (l + r) * (l + r); side += (l - r) * (l - r)
        }
        guard side > 0, mid > 0 else { return 1 }
        let now = 10 * log10(side / mid)
        // Bounded, but wide enough to fold in a stereo patch that is mostly side (a rotary
        // organ, a chorused synth string) as well as to open a nearly mono one.
        return Float(min(4, max(0.05, pow(10, (target - now) / 20))))
    }

    static func width(_ audio: inout AudioBuffer, sideGain: Float) {
        for i in 0..<audio.frameCount {
            let l = audio.channels[0][i], r = audio.channels[1][i]
            let m = (l + r) * 0.5, s = (l - r) * 0.5 * sideGain
            audio.channels[0][i] = m + s
            audio.channels[1][i] = m - s
        }
    }
}
