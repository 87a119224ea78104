import Foundation
import MixdownCore

/// A chord by name: a root (`C`, `F#`, `Bb`) and a quality (`""`, `m`, `7`, `maj7`, `m7`,
/// `sus4`, `sus2`, `add9`, `m9`, `maj9`, `6`, `m6`, `9`, `dim`, `5`).
struct Chord {
    var root: Int
    var intervals: [Int]

    init(_ name: String) {
        let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
        var rest = Substring(name)
        var root = letters[rest.removeFirst()]!
        if rest.first == "#" { root += 1; rest.removeFirst() } else if rest.first == "b" { root -= 1; rest.removeFirst() }
        self.root = (root + 12) % 12
        let qualities: [String: [Int]] = [
            "": [0, 4, 7], "m": [0, 3, 7], "7": [0, 4, 7, 10], "maj7": [0, 4, 7, 11], "m7": [0, 3, 7, 10],
            "sus4": [0, 5, 7], "sus2": [0, 2, 7], "add9": [0, 4, 7, 14], "m9": [0, 3, 7, 10, 14], "maj9": [0, 4, 7, 11, 14],
            "6": [0, 4, 7, 9], "m6": [0, 3, 7, 9], "9": [0, 4, 7, 10, 14], "dim": [0, 3, 6], "5": [0, 7], "m11": [0, 3, 7, 10, 14, 17],
        ]
        intervals = qualities[String(rest)]!
    }

    /// The chord's tones between `low` and `high` (MIDI keys), lowest first.
    func tones(from low: Int, to high: Int) -> [Int] {
        let classes = Set(intervals.map { (root + $0) % 12 })
        return (low...high).filter { classes.contains($0 % 12) }
    }

    /// `count` chord tones upwards from the first at or above `low` (a close voicing).
    func voicing(from low: Int, count: Int) -> [Int] { Array(tones(from: low, to: low + 36).prefix(count)) }

    /// The root in the octave starting at `low`.
    func bass(from low: Int) -> Int { low + ((root - low) % 12 + 12) % 12 }
    /// The fifth above `bass(from:)`.
    func fifth(from low: Int) -> Int { bass(from: low) + (intervals.contains(6) ? 6 : 7) }
}

/// What a part knows when it writes one bar: the chord, the next bar's chord, where in the
/// segment it is, and a random source seeded by (template, segment, part, bar), so a bar is
/// the same wherever it is copied (a loop's pickup bar equals its last bar).
struct Bar {
    var chord: Chord
    var next: Chord
    var index: Int
    var count: Int
    var beats: Int
    var segment: String
    /// The outro's last bar: the final chord, held and left to ring.
    var isFinal: Bool
    var rng: SplitMix
    /// Timing spread (beats) and velocity spread of the humanising.
    var timing: Double
    var velocitySpread: Double
    /// Swing: the off-beat eighth moves this far (beats) towards the next beat.
    var swing: Double
    var channel = 0
    /// The bar's dynamics: every velocity is scaled by it (a segment's shape over its bars).
    var energy = 1.0

    var isLast: Bool { index == count - 1 }
    /// Where a drum fill goes: the segment's last bar, and in a segment of eight bars or more
    /// also the bar before its second half.
    var isFillBar: Bool { isLast || (count >= 8 && index == count / 2 - 1) }

    /// A note `at` beats into the bar, humanised: a little early or late, a little louder or softer.
    mutating func note(_ key: Int, at beat: Double, length: Double, velocity: Int) -> Note {
        var at = beat
        let fraction = beat - beat.rounded(.down)
        if swing > 0, abs(fraction - 0.5) < 0.01 { at += swing }
        at += timing * rng.nextSigned()
        let v = Double(velocity) * energy * (1 + velocitySpread * rng.nextSigned())
        return Note(channel: channel, key: key, velocity: Int(v.rounded()), start: at, length: length)
    }

    /// Notes of a strummed or rolled chord: each string a few milliseconds after the last.
    mutating func strum(_ keys: [Int], at beat: Double, length: Double, velocity: Int, spread: Double = 0.02, down: Bool = true) -> [Note] {
        let ordered = down ? keys : keys.reversed()
        return ordered.enumerated().map { i, k in note(k, at: beat + Double(i) * spread, length: length - Double(i) * spread, velocity: velocity - i * 3) }
    }

    /// A drum line from a step pattern: one character per step (`x` hit, `o` soft hit,
    /// `.` rest) spread over the bar.
    mutating func steps(_ pattern: String, key: Int, velocity: Int) -> [Note] {
        let steps = Array(pattern)
        let step = Double(beats) / Double(steps.count)
        var notes = [Note]()
        for (i, c) in steps.enumerated() where c != "." {
            notes.append(note(key, at: Double(i) * step, length: step * 0.9, velocity: c == "x" ? velocity : velocity * 3 / 5))
        }
        return notes
    }
}

/// An instrument of a template: a General MIDI program on its own channel with its mix
/// (volume, pan, reverb send) and what it plays in a bar.
struct Part: Sendable {
    var name: String
    var program: Int
    var volume: Int
    var pan: Int = 64
    var reverb: Int = 40
    /// Drums play on the percussion channel; `program` is then the kit.
    var drums = false
    /// Controller moves in an effect (pitch bends, expression swells), in beats.
    var automation: [(at: Double, kind: Control.Kind)] = []
    var play: @Sendable (inout Bar) -> [Note]
}

/// One segment: its chords (one per bar) and the parts that play.
struct SegmentSpec: Sendable {
    var name: String
    var chords: [String]
    var parts: [String]
    /// A segment that plays once (the outro, a sting): no loop, rings out to silence.
    var once = false
    /// Velocity scale per bar (cycled): the segment's dynamics.
    var dynamics: [Double] = [1]
    /// Bars (indices) in which a part rests: how a segment thins out and builds.
    var rests: [String: [Int]] = [:]

    /// A button: a short "da-DUM" on the segment's two chords, the second hit on
    /// `hitBeat`, every note cut to `ring` beats (it must end promptly, not ring out).
    static func button(_ chords: [String], parts: [String]) -> SegmentSpec {
        SegmentSpec(name: "button", chords: chords, parts: parts, once: true)
    }
}

/// An effect: notes written straight (not per bar), played once.
struct EffectSpec: Sendable {
    var name: String
    var kind: String
    var parts: [Part]
}

struct Style: Sendable {
    var name: String
    var description: String
    var mood: [String]
    var genre: [String] = []
    var instruments: [String] = []
    var tempo: Double
    var key: String
    var beatsPerBar = 4
    var room = FluidSynth.Room()
    /// Bars before a loop's start holding copies of its last bars: enough for everything that
    /// rings into the loop end (a long hall needs two) to ring into the loop start the same way.
    var pickupBars = 1
    var timing = 0.012
    var velocitySpread = 0.08
    var swing = 0.0
    var parts: [Part]
    var segments: [SegmentSpec]
    var effects: [EffectSpec]
    /// The template's mix (tone, room, texture, width, glue).
    var mix = MixSettings()
    /// The button's second hit (beats after the first) and how long its notes last (beats).
    var buttonHit = 1.0, buttonRing = 1.5

    /// Samples per beat at 48 kHz: the tempos are chosen so that it is whole, and a bar a
    /// multiple of FluidSynth's 64-sample block, so every bar renders alike.
    var beatSamples: Int { Int(48_000 * 60 / tempo) }
    var barSamples: Int { beatSamples * beatsPerBar }
}

extension Style {
    func seed(_ parts: String...) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (name + "/" + parts.joined(separator: "/")).utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    func channel(of part: Part, among parts: [Part]) -> Int {
        if part.drums { return 9 }
        let melodic = parts.filter { !$0.drums }
        let i = melodic.firstIndex { $0.name == part.name }!
        return i < 9 ? i : i + 1
    }

    /// The program, volume, pan and reverb of each part at the file's start.
    func setup(_ parts: [Part]) -> [Control] {
        parts.flatMap { p -> [Control] in
            let ch = channel(of: p, among: parts)
            return [Control(channel: ch, kind: .program(p.program), at: 0), Control(channel: ch, kind: .controller(7, p.volume), at: 0),
                    Control(channel: ch, kind: .controller(10, p.pan), at: 0), Control(channel: ch, kind: .controller(91, p.reverb), at: 0),
                    Control(channel: ch, kind: .controller(93, 0), at: 0)]
        }
    }

    /// Bar `i` of a segment, every part, beats from the bar's start.
    func bar(_ segment: SegmentSpec, _ i: Int) -> [Note] {
        let chords = segment.chords.map(Chord.init)
        return parts.filter { segment.parts.contains($0.name) && !(segment.rests[$0.name] ?? []).contains(i) }.flatMap { part -> [Note] in
            var bar = Bar(chord: chords[i], next: chords[(i + 1) % chords.count], index: i, count: chords.count, beats: beatsPerBar,
                          segment: segment.name, isFinal: segment.once && i == chords.count - 1,
                          rng: SplitMix(seed: seed(segment.name, part.name, String(i))), timing: part.drums ? timing * 0.6 : timing,
                          velocitySpread: velocitySpread, swing: swing)
            bar.channel = channel(of: part, among: parts)
            bar.energy = segment.dynamics[i % segment.dynamics.count]
            return part.play(&bar)
        }
    }

    /// The button's notes: every part's final chord (its `isFinal` bar) struck short on the
    /// first chord at beat 0 (drums: a snare) and again on the last chord at `buttonHit`,
    /// without humanising (its last onset is written in the manifest), cut to `buttonRing`.
    func buttonNotes(_ segment: SegmentSpec) -> (notes: [Note], lastOnset: Double) {
        let chords = segment.chords.map(Chord.init)
        var notes = [Note]()
        for part in parts where segment.parts.contains(part.name) {
            for (k, chord) in [chords[0], chords[chords.count - 1]].enumerated() {
                var bar = Bar(chord: chord, next: chord, index: 0, count: 1, beats: beatsPerBar, segment: segment.name, isFinal: true,
                              rng: SplitMix(seed: seed(segment.name, part.name, String(k))), timing: 0, velocitySpread: 0, swing: 0)
                bar.channel = channel(of: part, among: parts)
                if k == 0 {
                    if part.drums { notes.append(bar.note(38, at: 0, length: 0.25, velocity: 84)); continue }
                    notes += part.play(&bar).map { var n = $0; n.length = min(n.length, 0.3); n.velocity = max(1, n.velocity - 12); return n }
                } else {
                    notes += part.play(&bar).map { var n = $0; n.start += buttonHit; n.length = min(n.length, buttonRing); n.velocity = min(127, n.velocity + 8); return n }
                }
            }
        }
        return (notes, notes.map(\.start).max() ?? 0)
    }
}
