// Rebuilds the shipped sound templates: `make templates` (or
// `swift run -c release mixdown-templates SoundTemplates`). Everything is synthesised here,
// deterministically, so the audio in SoundTemplates/ can always be regenerated and changed.
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

let rate = 48_000
let tempo = 120.0
let beat = Int(Double(rate) * 60 / tempo)   // 24,000 samples
let bar = 4 * beat

/// A stereo work buffer with a reverb send, and the instruments that play into it.
struct Studio {
    var left: [Float], right: [Float]
    var sendL: [Float], sendR: [Float]
    var rng = SplitMix(seed: 2026)

    init(bars: Double) {
        let n = Int(bars * Double(bar))
        left = [Float](repeating: 0, count: n); right = left; sendL = left; sendR = left
    }

    var count: Int { left.count }

    mutating func put(_ i: Int, _ v: Double, pan: Double, send: Double) {
        guard i >= 0, i < count else { return }
        let l = Float(v * (1 - pan) * 1.4), r = Float(v * pan * 1.4)
        left[i] += l; right[i] += r
        sendL[i] += l * Float(send); sendR[i] += r * Float(send)
    }

    /// Warm pad: three detuned band-limited saws per note, softened by a one-pole low-pass.
    mutating func pad(_ notes: [Double], at start: Int, length: Int, level: Double) {
        let attack = 0.25 * Double(rate), release = 0.5 * Double(rate)
        for (k, f) in notes.enumerated() {
            let pan = 0.35 + 0.3 * Double(k) / Double(max(1, notes.count - 1))
            var lp = 0.0
            for i in 0..<(length + Int(release)) {
                let t = Double(i) / Double(rate)
                var v = 0.0
                for detune in [-0.004, 0, 0.005] {
                    let ff = f * (1 + detune)
                    for h in 1...10 where ff * Double(h) < 9_000 { v += sin(2 * .pi * ff * Double(h) * t + Double(h)) / Double(h) }
                }
                lp += 0.08 * (v - lp)
                let env = min(1, Double(i) / attack) * (i < length ? 1 : max(0, 1 - Double(i - length) / release))
                put(start + i, lp * env * level * 0.08, pan: pan, send: 0.5)
            }
        }
    }

    /// Plucked string (Karplus–Strong): a noise burst circulating in a tuned, damped delay line.
    mutating func pluck(_ f: Double, at start: Int, level: Double, pan: Double) {
        let n = max(2, Int(Double(rate) / f))
        var line = (0..<n).map { _ in rng.nextSigned() }
        var previous = 0.0, index = 0
        for i in 0..<Int(1.4 * Double(rate)) {
            let current = line[index]
            let next = 0.5 * (current + line[(index + 1) % n]) * 0.996
            line[index] = next
            index = (index + 1) % n
            previous += 0.5 * (current - previous)
            put(start + i, previous * level * 0.35, pan: pan, send: 0.35)
        }
    }

    /// Round synth bass: sine and octave, gently saturated.
    mutating func bass(_ f: Double, at start: Int, length: Int, level: Double) {
        var phase = 0.0
        for i in 0..<(length + 1_200) {
            phase += 2 * .pi * f / Double(rate)
            let env = min(1, Double(i) / 200) * (0.55 + 0.45 * exp(-Double(i) / (0.15 * Double(rate)))) * (i < length ? 1 : max(0, 1 - Double(i - length) / 1_200))
            put(start + i, tanh(1.5 * (sin(phase) + 0.35 * sin(2 * phase))) * env * level * 0.3, pan: 0.5, send: 0.05)
        }
    }

    mutating func kick(at start: Int, level: Double) {
        var phase = 0.0
        for i in 0..<Int(0.45 * Double(rate)) {
            let t = Double(i) / Double(rate)
            phase += 2 * .pi * (44 + 90 * exp(-t / 0.035)) / Double(rate)
            let click = i < 96 ? rng.nextSigned() * 0.3 * (1 - Double(i) / 96) : 0
            put(start + i, (sin(phase) * exp(-t / 0.22) + click) * level * 0.55, pan: 0.5, send: 0.05)
        }
    }

    mutating func snare(at start: Int, level: Double) {
        var hp = 0.0, lp = 0.0, last = 0.0, phase = 0.0
        for i in 0..<Int(0.3 * Double(rate)) {
            let t = Double(i) / Double(rate)
            let x = rng.nextSigned()
            hp = 0.9 * (hp + x - last); last = x
            lp += 0.5 * (hp - lp)
            phase += 2 * .pi * 185 / Double(rate)
            put(start + i, (lp * exp(-t / 0.09) * 0.6 + sin(phase) * exp(-t / 0.05) * 0.4) * level * 0.35, pan: 0.52, send: 0.3)
        }
    }

    mutating func hat(at start: Int, level: Double, open: Bool) {
        var hp1 = 0.0, hp2 = 0.0, last1 = 0.0, last2 = 0.0
        for i in 0..<Int((open ? 0.25 : 0.06) * Double(rate)) {
            let t = Double(i) / Double(rate)
            let x = rng.nextSigned()
            hp1 = 0.6 * (hp1 + x - last1); last1 = x
            hp2 = 0.6 * (hp2 + hp1 - last2); last2 = hp1
            put(start + i, hp2 * exp(-t / (open ? 0.08 : 0.018)) * level * 0.16, pan: 0.62, send: 0.15)
        }
    }

    /// Adds the reverb of the send bus (Schroeder: four combs into two all-passes per side,
    /// different lengths left and right for width).
    mutating func reverb(mix: Float) {
        func schroeder(_ input: [Float], combs: [Int], allpasses: [Int]) -> [Float] {
            var out = [Float](repeating: 0, count: input.count)
            for d in combs {
                var line = [Float](repeating: 0, count: d), damp: Float = 0
                for i in 0..<input.count {
                    let y = line[i % d]
                    damp += 0.3 * (y - damp)
                    line[i % d] = input[i] + damp * 0.8
                    out[i] += y * 0.25
                }
            }
            for d in allpasses {
                var line = [Float](repeating: 0, count: d)
                for i in 0..<out.count {
                    let delayed = line[i % d]
                    let v = out[i] + delayed * 0.5
                    line[i % d] = v
                    out[i] = delayed - v * 0.5
                }
            }
            return out
        }
        let l = schroeder(sendL, combs: [1_557, 1_617, 1_491, 1_422].map { $0 * 2 }, allpasses: [225 * 2, 556 * 2])
        let r = schroeder(sendR, combs: [1_580, 1_640, 1_514, 1_445].map { $0 * 2 }, allpasses: [248 * 2, 579 * 2])
        for i in 0..<count { left[i] += l[i] * mix; right[i] += r[i] * mix }
    }

    var buffer: AudioBuffer { AudioBuffer(sampleRate: rate, channels: [left, right]) }
}

func hz(_ midi: Int) -> Double { 440 * pow(2, Double(midi - 69) / 12) }

// C – Am – F – G, as MIDI notes: pad voicing, arpeggio tones, bass root.
let progression: [(pad: [Int], arp: [Int], root: Int)] = [
    ([60, 64, 67], [72, 76, 79, 76], 36),
    ([57, 60, 64], [69, 72, 76, 72], 33),
    ([53, 57, 60], [65, 69, 72, 69], 29),
    ([55, 59, 62], [67, 71, 74, 71], 31),
]

/// Plays bars of the progression. `chords` lists which chord each bar plays.
func play(_ s: inout Studio, chords: [Int], from firstBar: Int, drums: Bool, arp: Bool, padLevel: Double) {
    for (b, chord) in chords.enumerated() {
        let start = (firstBar + b) * bar
        let c = progression[chord]
        s.pad(c.pad.map(hz), at: start, length: bar, level: padLevel)
        if arp {
            for e in 0..<8 { s.pluck(hz(c.arp[e % 4]), at: start + e * beat / 2, level: e % 2 == 0 ? 0.9 : 0.6, pan: e % 2 == 0 ? 0.4 : 0.6) }
        }
        if drums {
            s.bass(hz(c.root), at: start, length: beat * 3 / 2, level: 1)
            s.bass(hz(c.root), at: start + beat * 2, length: beat, level: 0.8)
            s.bass(hz(c.root + 12), at: start + beat * 7 / 2, length: beat / 2, level: 0.6)
            for k in 0..<4 { s.kick(at: start + k * beat, level: k % 2 == 0 ? 1 : 0.85) }
            s.snare(at: start + beat, level: 1); s.snare(at: start + 3 * beat, level: 1)
            for e in 0..<8 { s.hat(at: start + e * beat / 2, level: e % 2 == 1 ? 1 : 0.6, open: e == 7) }
        } else {
            for e in 0..<8 where e % 2 == 1 { s.hat(at: start + e * beat / 2, level: 0.5, open: false) }
        }
    }
}

func render(_ build: (inout Studio) -> Void, bars: Double) -> AudioBuffer {
    var s = Studio(bars: bars)
    build(&s)
    s.reverb(mix: 0.35)
    return s.buffer
}

// Segments. Looping ones start with a one-bar pickup on G, so the ring that reaches the loop
// start (bar 1) is the same ring that reaches the loop end (bar 5 / bar 3): the seam is seamless.
let intro = render({ play(&$0, chords: [3, 0, 1, 0], from: 0, drums: false, arp: true, padLevel: 0.8) }, bars: 4)
let main = render({ play(&$0, chords: [3, 0, 1, 2, 3, 0], from: 0, drums: true, arp: true, padLevel: 0.6) }, bars: 6)
let outro = render({ s in
    play(&s, chords: [2, 3], from: 0, drums: true, arp: true, padLevel: 0.6)
    s.pad(progression[0].pad.map(hz) + [hz(48)], at: 2 * bar, length: bar, level: 0.8)
    s.kick(at: 2 * bar, level: 1)
    s.pluck(hz(72), at: 2 * bar, level: 1, pan: 0.5)
    s.pluck(hz(79), at: 2 * bar + beat / 2, level: 0.7, pan: 0.6)
}, bars: 4)

let whoosh = render({ s in
    // Noise through a resonant band-pass sweeping up then down, panned across.
    var low = 0.0, band = 0.0
    let n = Int(1.3 * Double(rate))
    for i in 0..<n {
        let x = Double(i) / Double(n)
        let f = 250 * pow(24, sin(.pi * x))
        let g = 2 * sin(.pi * f / Double(rate))
        let input = s.rng.nextSigned()
        low += g * band
        band += g * (input - low - 0.25 * band)
        s.put(i, band * sin(.pi * x) * 0.35, pan: 0.15 + 0.7 * x, send: 0.4)
    }
}, bars: 0.75)

let chime = render({ s in
    // FM bell: inharmonic partials (ratio 3.5) decaying at different rates.
    for (f, pan) in [(hz(84), 0.45), (hz(91), 0.58)] {
        for i in 0..<Int(2.2 * Double(rate)) {
            let t = Double(i) / Double(rate)
            let modulator = sin(2 * .pi * f * 3.5 * t) * 2.2 * exp(-t / 0.6)
            s.put(i + (pan > 0.5 ? beat / 4 : 0), sin(2 * .pi * f * t + modulator) * exp(-t / 0.9) * 0.25, pan: pan, send: 0.5)
        }
    }
}, bars: 1.25)

// One gain for the whole template, so the segments keep their balance: main at −18 LUFS.
let mainLoudness = AudioAnalysis.analyze(main).integratedLufs!
let gain = Float(pow(10, (-18 - mainLoudness) / 20))
func scaled(_ b: AudioBuffer) -> AudioBuffer { AudioBuffer(sampleRate: rate, channels: b.channels.map { $0.map { $0 * gain } }) }

let folder = (CommandLine.arguments.dropFirst().first ?? "SoundTemplates") + "/corporate"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
for (name, buffer) in [("intro", intro), ("main", main), ("outro", outro), ("whoosh", whoosh), ("chime", chime)] {
    let out = scaled(buffer)
    let tp = AudioAnalysis.analyze(out).truePeakDbtp ?? -100
    precondition(tp < -1, "\(name) peaks at \(tp) dBTP")
    _ = try AudioEncoder.encode(out, as: .flac, to: "\(folder)/\(name).flac")
    print("\(folder)/\(name).flac  \(out.frameCount) samples  true peak \(String(format: "%.1f", tp)) dBTP")
}
let manifest = """
{
  "name": "corporate",
  "tempo": 120,
  "beatsPerBar": 4,
  "defaultSegment": "main",
  "segments": {
    "intro": { "file": "intro.flac", "loopStartBar": 1, "loopEndBar": 3 },
    "main":  { "file": "main.flac",  "loopStartBar": 1, "loopEndBar": 5 },
    "outro": { "file": "outro.flac" }
  },
  "effects": {
    "effect1": { "file": "whoosh.flac", "gain": -2 },
    "effect2": { "file": "chime.flac", "gain": -4 }
  }
}

"""
try manifest.write(toFile: "\(folder)/template.json", atomically: true, encoding: .utf8)
print("\(folder)/template.json")
