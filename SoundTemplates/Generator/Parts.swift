import Foundation

/// The parts the styles are built from: each writes one bar from its chord, and in an outro's
/// final bar plays the last chord once and lets it ring.
enum Parts {
    /// Held chords: `count` tones upwards from `low`, a whole bar each.
    static func pad(_ name: String, program: Int, volume: Int, low: Int, count: Int = 4, pan: Int = 64, reverb: Int = 70, velocity: Int = 62) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let keys = bar.chord.voicing(from: low, count: count)
            let length = bar.isFinal ? Double(bar.beats) * 1.5 : Double(bar.beats) - 0.05
            return keys.map { bar.note($0, at: 0, length: length, velocity: velocity) }
        }
    }

    /// Broken chords: chord tones from `low` in the order of `pattern` (indices into the
    /// voicing), one every `step` beats.
    static func arpeggio(_ name: String, program: Int, volume: Int, low: Int, pattern: [Int], step: Double, pan: Int = 64, reverb: Int = 50,
                         velocity: Int = 78, length: Double? = nil) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let keys = bar.chord.voicing(from: low, count: (pattern.max() ?? 0) + 1)
            if bar.isFinal { return [bar.note(keys[0], at: 0, length: Double(bar.beats), velocity: velocity)] }
            var notes = [Note]()
            var t = 0.0, i = 0
            while t < Double(bar.beats) - 1e-9 {
                let accent = t == t.rounded() ? 1.0 : 0.85
                notes.append(bar.note(keys[pattern[i % pattern.count]], at: t, length: length ?? step * 1.6, velocity: Int(Double(velocity) * accent)))
                t += step; i += 1
            }
            return notes
        }
    }

    /// A bass line: (beat, length, degree) where degree is 0 root, 1 fifth, 2 octave.
    static func bass(_ name: String, program: Int, volume: Int, low: Int = 28, line: [(Double, Double, Int)], pan: Int = 64, reverb: Int = 10,
                     velocity: Int = 92) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let root = bar.chord.bass(from: low)
            if bar.isFinal { return [bar.note(root, at: 0, length: Double(bar.beats) * 1.2, velocity: velocity)] }
            return line.map { beat, length, degree in
                bar.note(degree == 0 ? root : degree == 1 ? bar.chord.fifth(from: low) : root + 12, at: beat, length: length, velocity: velocity)
            }
        }
    }

    /// Strummed chords: (beat, down?) strokes, `count` strings from `low`.
    static func strum(_ name: String, program: Int, volume: Int, low: Int, count: Int = 6, strokes: [(Double, Bool)], pan: Int = 64,
                      reverb: Int = 40, velocity: Int = 84, length: Double = 0.9) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let keys = bar.chord.voicing(from: low, count: count)
            if bar.isFinal { return bar.strum(keys, at: 0, length: Double(bar.beats) * 1.5, velocity: velocity, spread: 0.035) }
            return strokes.flatMap { beat, down in
                bar.strum(down ? keys : Array(keys.suffix(4)), at: beat, length: length, velocity: down ? velocity : velocity - 14, spread: 0.018, down: down)
            }
        }
    }

    /// Chords struck at given beats (stabs, comping), `count` tones from `low`.
    static func hits(_ name: String, program: Int, volume: Int, low: Int, count: Int = 4, at beats: [(Double, Double)], pan: Int = 64,
                     reverb: Int = 45, velocity: Int = 80) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let keys = bar.chord.voicing(from: low, count: count)
            if bar.isFinal { return keys.map { bar.note($0, at: 0, length: Double(bar.beats) * 1.5, velocity: velocity) } }
            return beats.flatMap { beat, length in keys.map { bar.note($0, at: beat, length: length, velocity: velocity) } }
        }
    }

    /// A melody over the chords: per bar, (beat, length, chord-tone index from `low`); the
    /// motif of bar `i` is `motifs[i % motifs.count]`.
    static func melody(_ name: String, program: Int, volume: Int, low: Int, motifs: [[(Double, Double, Int)]], pan: Int = 64, reverb: Int = 55,
                       velocity: Int = 84) -> Part {
        Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb) { bar in
            let tones = bar.chord.tones(from: low, to: low + 24)
            if bar.isFinal { return [bar.note(tones[min(2, tones.count - 1)], at: 0, length: Double(bar.beats), velocity: velocity - 10)] }
            return motifs[bar.index % motifs.count].map { beat, length, degree in
                bar.note(tones[min(degree, tones.count - 1)], at: beat, length: length, velocity: velocity)
            }
        }
    }

    /// Drums from step patterns, a fill in a segment's last bar, a crash on the final bar.
    /// `alt`, when given, plays on odd bars (a variation of `lines`); the fill goes in
    /// `Bar.isFillBar` bars.
    static func drums(_ name: String, kit: Int, volume: Int, lines: [(String, Int, Int)], alt: [(String, Int, Int)] = [], fill: [(String, Int, Int)] = [],
                      reverb: Int = 30, final: [(Int, Int)] = [(49, 84), (36, 96)]) -> Part {
        Part(name: name, program: kit, volume: volume, reverb: reverb, drums: true) { bar in
            if bar.isFinal { return final.map { bar.note($0.0, at: 0, length: 2, velocity: $0.1) } }
            let pattern = bar.isFillBar && !fill.isEmpty ? fill : (bar.index % 2 == 1 && !alt.isEmpty ? alt : lines)
            return pattern.flatMap { steps, key, velocity in bar.steps(steps, key: key, velocity: velocity) }
        }
    }

    /// A walking bass: root on 1, chord tones between, a chromatic step into the next root.
    static func walking(_ name: String, program: Int, volume: Int, low: Int = 31, reverb: Int = 15, velocity: Int = 88) -> Part {
        Part(name: name, program: program, volume: volume, reverb: reverb) { bar in
            let root = bar.chord.bass(from: low)
            if bar.isFinal { return [bar.note(root, at: 0, length: Double(bar.beats), velocity: velocity)] }
            let tones = bar.chord.tones(from: root, to: root + 12)
            let next = bar.next.bass(from: low)
            let approach = next + (bar.rng.next() < 0.5 ? -1 : 1)
            let line = [root, tones[min(1, tones.count - 1)], tones[min(2, tones.count - 1)], approach]
            return line.enumerated().map { i, k in bar.note(k, at: Double(i), length: 0.95, velocity: velocity - (i == 0 ? 0 : 8)) }
        }
    }

    /// One hit of an effect: notes at beats with lengths, on one program.
    static func oneShot(_ name: String, program: Int, volume: Int, notes: [(Int, Double, Double, Int)], drums: Bool = false, pan: Int = 64,
                        reverb: Int = 60, bends: [(Double, Int)] = [], swells: [(Double, Int)] = []) -> Part {
        var part = Part(name: name, program: program, volume: volume, pan: pan, reverb: reverb, drums: drums) { bar in
            notes.map { key, at, length, velocity in Note(channel: bar.channel, key: key, velocity: velocity, start: at, length: length) }
        }
        part.automation = bends.map { ($0.0, .pitchBend($0.1)) } + swells.map { ($0.0, .controller(11, $0.1)) }
        return part
    }
}
