import Foundation

/// The shipped library. Tempos are chosen so that a beat is a whole number of samples at
/// 48 kHz and a bar a whole number of FluidSynth's 64-sample blocks (72, 75, 80, 90, 96, 100,
/// 120, 125, 150 bpm). Every style has an intro, a main and a `main2` of the same length (a
/// different arrangement over the same bars, for long programmes), an outro, a button (the
/// short ending of a spot) and two effects. A main of four bars at slow tempos and eight at
/// fast ones is 10–16 s: long enough not to sound like a loop under a voice, short enough for
/// the library to stay small.
enum Library {
    // General MIDI programs (0-based) and drum keys used below.
    static let (piano, brightPiano, rhodes, celesta, glockenspiel, musicBox, vibraphone, marimba, tubularBells, organ) = (0, 1, 4, 8, 9, 10, 11, 12, 14, 16)
    static let (nylonGuitar, steelGuitar, cleanGuitar, mutedGuitar, overdriveGuitar, distortionGuitar) = (24, 25, 27, 28, 29, 30)
    static let (acousticBass, fingerBass, pickBass, synthBass1, synthBass2) = (32, 33, 34, 38, 39)
    static let (tenorSax, flute, panFlute, newAgePad, haloPad, bowedPad, atmosphere, crystal) = (66, 73, 75, 88, 94, 92, 99, 98)
    static let (pizzicato, timpani, strings, slowStrings, synthStrings, choir, orchestraHit) = (45, 47, 48, 49, 50, 52, 55)
    static let (frenchHorn, brass, sawLead, warmPad, polySynth, sweepPad, taiko, reverseCymbal) = (60, 61, 81, 89, 90, 95, 116, 119)
    static let (standardKit, roomKit, powerKit, electronicKit, kit808, jazzKit, brushKit, orchestraKit) = (0, 8, 16, 24, 25, 32, 40, 48)
    static let (kick, sideStick, snare, clap, closedHat, pedalHat, openHat, crash, ride, tambourine, shaker, lowTom, midTom, rideBell, jingleBell) =
        (36, 37, 38, 39, 42, 44, 46, 49, 51, 54, 70, 45, 47, 53, 83)

    static let styles = [corporate, upbeatPop, acoustic, cinematic, electronic, lofi, news, loungeJazz, hipHop, rock, ambient, holiday]

    /// A pitch bend from none to `semitones` (of the ±2 GM range) over `beats`, in steps.
    static func bend(over beats: Double, steps: Int = 32, to semitones: Double = 2) -> [(Double, Int)] {
        (0...steps).map { i -> (Double, Int) in (beats * Double(i) / Double(steps), Int(8_191 * semitones / 2 * Double(i) / Double(steps))) }
    }

    /// An expression (CC11) swell from `from` to `to` over `beats`.
    static func swell(over beats: Double, from: Int, to: Int, steps: Int = 32) -> [(Double, Int)] {
        (0...steps).map { i -> (Double, Int) in (beats * Double(i) / Double(steps), from + (to - from) * i / steps) }
    }

    /// Repeated notes (a tremolo) of `keys`, every `step` beats for `beats`, growing louder.
    static func tremolo(_ keys: [Int], beats: Double, step: Double, from: Int, to: Int) -> [(Int, Double, Double, Int)] {
        let count = Int(beats / step)
        var notes = [(Int, Double, Double, Int)]()
        for i in 0..<count {
            let velocity = from + (to - from) * i / max(1, count - 1)
            for k in keys { notes.append((k, Double(i) * step, step * 0.95, velocity)) }
        }
        return notes
    }

    /// Eighth notes of a pulse line: the root, the octave on the last.
    static let pulseLine: [(Double, Double, Int)] = (0..<8).map { i -> (Double, Double, Int) in (Double(i) * 0.5, 0.35, i == 7 ? 2 : 0) }

    static func whoosh(_ name: String, volume: Int = 100, key: Int = 60) -> EffectSpec {
        EffectSpec(name: name, kind: "whoosh", parts: [Parts.oneShot("cymbal", program: reverseCymbal, volume: volume, notes: [(key, 0, 2.2, 110)], reverb: 70)])
    }


    // MARK: corporate — bright, confident, 100 bpm

    static let corporate = Style(
        name: "corporate", description: "Bright and confident: piano eighths, strings, clean guitar and a light band.",
        mood: ["confident", "bright", "professional", "uplifting"], genre: ["corporate", "pop"],
        instruments: ["piano", "strings", "clean guitar", "bass", "drums", "glockenspiel"], tempo: 100, key: "F major",
        room: .init(size: 0.55, damp: 0.4, width: 0.9, level: 0.4),
        parts: [
            Parts.arpeggio("piano", program: piano, volume: 96, low: 53, pattern: [0, 2, 3, 2, 1, 2, 3, 2], step: 0.5, pan: 50, reverb: 45, velocity: 80),
            Parts.pad("strings", program: strings, volume: 74, low: 60, count: 3, pan: 84, reverb: 80, velocity: 58),
            Parts.arpeggio("guitar", program: cleanGuitar, volume: 70, low: 64, pattern: [0, 1, 2, 1], step: 0.5, pan: 100, reverb: 40, velocity: 72, length: 0.4),
            Parts.bass("bass", program: fingerBass, volume: 100, low: 29, line: [(0, 1.4, 0), (1.5, 0.5, 0), (2, 1, 1), (3, 0.5, 0), (3.5, 0.5, 2)]),
            Parts.drums("drums", kit: standardKit, volume: 92, lines: [("x.....x.x.......", kick, 100), ("....x.......x...", snare, 84), ("o.x.o.x.o.x.o.x.", closedHat, 70)],
                        alt: [("x.....x.x...x...", kick, 100), ("....x.......x...", snare, 84), ("o.x.o.x.o.x.o.xx", closedHat, 70)],
                        fill: [("x.....x.x.......", kick, 100), ("....x.......x.xx", snare, 84), ("o.x.o.x.o.x.....", closedHat, 70)]),
            Parts.melody("bells", program: glockenspiel, volume: 62, low: 77, motifs: [[(0, 1, 2), (1.5, 0.5, 1), (2, 2, 0)], [(0, 1.5, 1), (2, 2, 2)]], pan: 28, velocity: 70),
            Parts.drums("ride", kit: standardKit, volume: 84, lines: [("x.....x.x.......", kick, 96), ("....x.......x...", snare, 80), ("x.x.x.x.x.x.x.x.", ride, 62)],
                        fill: [("x.....x.x.......", kick, 96), ("....x.......xxxx", snare, 80), ("x.x.x.x.x.x.....", ride, 62)]),
            Parts.strum("keys", program: rhodes, volume: 76, low: 57, count: 4, strokes: [(0, true), (1.5, true), (2.5, false)], pan: 36, reverb: 50, velocity: 70, length: 0.8),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Fmaj7", "Bbmaj7"], parts: ["piano", "strings"]),
            SegmentSpec(name: "main", chords: ["F", "C", "Dm", "Bb"], parts: ["piano", "strings", "guitar", "bass", "drums", "bells"],
                        dynamics: [0.94, 1, 0.97, 1.04], rests: ["bells": [0]]),
            SegmentSpec(name: "main2", chords: ["Dm", "Bb", "F", "C"], parts: ["piano", "strings", "keys", "bass", "ride"], dynamics: [0.92, 0.98, 1, 1.05]),
            SegmentSpec(name: "outro", chords: ["C", "F"], parts: ["piano", "strings", "guitar", "bass", "drums"], once: true),
            .button(["C", "F"], parts: ["piano", "strings", "guitar", "bass", "drums"]),
        ],
        effects: [
            whoosh("whoosh"),
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("bells", program: tubularBells, volume: 100, notes: [(77, 0, 3, 100), (84, 0.5, 3, 90)], reverb: 80)]),
        ],
        mix: MixSettings(low: 1, mid: 1, midFrequency: 3_000, air: 2, decay: 1.3, wet: -14))

    // MARK: upbeat pop — bouncy, 120 bpm

    static let upbeatPop = Style(
        name: "upbeat-pop", description: "Bouncy pop: four-on-the-floor, claps, synth bass, piano stabs and a plucky hook.",
        mood: ["happy", "energetic", "young", "fun"], genre: ["pop", "dance"], instruments: ["drums", "synth bass", "piano", "synth strings", "lead synth"],
        tempo: 120, key: "G major",
        room: .init(size: 0.45, damp: 0.5, width: 1, level: 0.35), timing: 0.008,
        parts: [
            Parts.drums("drums", kit: powerKit, volume: 96, lines: [("x...x...x...x...", kick, 110), ("....x.......x...", clap, 96),
                                                                  ("..x...x...x...x.", openHat, 60), ("xoxoxoxoxoxoxoxo", closedHat, 58)],
                        alt: [("x...x...x...x..x", kick, 110), ("....x.......x...", clap, 96), ("..x...x...x...x.", openHat, 60), ("xoxoxoxoxoxoxoxo", closedHat, 58)],
                        fill: [("x...x...x...x...", kick, 110), ("....x.......xxxx", clap, 96), ("xoxoxoxoxoxo....", closedHat, 58)]),
            Parts.bass("bass", program: synthBass1, volume: 92, low: 31, line: [(0, 0.4, 0), (0.5, 0.4, 2), (1, 0.4, 0), (1.5, 0.4, 2), (2, 0.4, 0), (2.5, 0.4, 2), (3, 0.4, 1), (3.5, 0.4, 2)], velocity: 96),
            Parts.hits("piano", program: brightPiano, volume: 84, low: 60, count: 4, at: [(0.5, 0.3), (1.5, 0.3), (2.5, 0.3), (3.5, 0.3)], pan: 44, velocity: 84),
            Parts.pad("pad", program: synthStrings, volume: 64, low: 55, count: 4, pan: 88, reverb: 70, velocity: 60),
            Parts.melody("hook", program: 80, volume: 58, low: 67, motifs: [[(0, 0.5, 2), (0.75, 0.25, 1), (1, 0.5, 0), (2, 0.5, 1), (2.5, 0.5, 2), (3, 1, 3)],
                                                                              [(0, 0.5, 3), (0.5, 0.5, 2), (1, 1, 1), (2.5, 0.5, 0), (3, 1, 1)],
                                                                              [(0, 0.5, 2), (0.75, 0.25, 1), (1, 0.5, 0), (2, 0.5, 1), (2.5, 0.5, 2), (3, 1, 3)],
                                                                              [(0.5, 0.5, 1), (1, 0.5, 2), (1.5, 0.5, 3), (2, 2, 4)]], pan: 76, reverb: 50, velocity: 90),
            Parts.arpeggio("pluck", program: cleanGuitar, volume: 70, low: 62, pattern: [0, 2, 1, 2], step: 0.5, pan: 24, reverb: 45, velocity: 76, length: 0.3),
            Parts.drums("halftime", kit: powerKit, volume: 92, lines: [("x.......x.x.....", kick, 104), ("........x.......", clap, 96), ("x.x.x.x.x.x.x.x.", closedHat, 58)],
                        fill: [("x.......x.x.....", kick, 104), ("........x...xxxx", clap, 96), ("x.x.x.x.x.x.....", closedHat, 58)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["G", "D"], parts: ["piano", "pad", "drums"]),
            SegmentSpec(name: "main", chords: ["G", "D", "Em", "C", "G", "D", "C", "D"], parts: ["drums", "bass", "piano", "pad", "hook"],
                        dynamics: [0.95, 0.98, 1, 1, 1, 1.02, 1.04, 1.06], rests: ["hook": [0, 1]]),
            SegmentSpec(name: "main2", chords: ["Em", "C", "G", "D", "Em", "C", "Am", "D"], parts: ["halftime", "bass", "pluck", "pad"],
                        dynamics: [0.9, 0.94, 0.97, 1, 1, 1.02, 1.04, 1.08]),
            SegmentSpec(name: "outro", chords: ["D", "G"], parts: ["drums", "bass", "piano", "pad"], once: true),
            .button(["D", "G"], parts: ["drums", "bass", "piano", "pad"]),
        ],
        effects: [
            EffectSpec(name: "riser", kind: "riser", parts: [
                Parts.oneShot("swell", program: synthStrings, volume: 110, notes: [(55, 0, 7.5, 90), (62, 0, 7.5, 90), (67, 0, 7.5, 90)], reverb: 60,
                              bends: bend(over: 8), swells: swell(over: 8, from: 20, to: 116)),
                Parts.oneShot("cymbal", program: reverseCymbal, volume: 100, notes: [(60, 5.8, 2.2, 110)], reverb: 60),
            ]),
            EffectSpec(name: "impact", kind: "impact", parts: [
                Parts.oneShot("kit", program: powerKit, volume: 120, notes: [(kick, 0, 1, 127), (crash, 0, 3, 120), (35, 0, 1, 127)], drums: true, reverb: 80),
                Parts.oneShot("hit", program: orchestraHit, volume: 90, notes: [(43, 0, 1, 110)], reverb: 80),
            ]),
        ],
        mix: MixSettings(low: 2, mid: 1.5, midFrequency: 3_500, air: 2.5, decay: 1.0, wet: -16, glueThreshold: -8, glueRatio: 2.5), buttonHit: 0.5)

    // MARK: acoustic — warm, organic, 96 bpm

    static let acoustic = Style(
        name: "acoustic", description: "Warm and organic: strummed steel-string and fingerpicked nylon guitars, upright bass, shaker and glockenspiel.",
        mood: ["warm", "honest", "optimistic", "calm"], genre: ["acoustic", "folk"], instruments: ["steel guitar", "nylon guitar", "upright bass", "shaker", "glockenspiel"],
        tempo: 96, key: "D major",
        room: .init(size: 0.4, damp: 0.5, width: 0.8, level: 0.4), timing: 0.015,
        parts: [
            Parts.strum("strum", program: steelGuitar, volume: 84, low: 50, count: 6, strokes: [(0, true), (1, true), (1.5, false), (2.5, false), (3, true), (3.5, false)], pan: 92, velocity: 82),
            Parts.arpeggio("picking", program: nylonGuitar, volume: 86, low: 57, pattern: [0, 2, 1, 3, 2, 1, 3, 2], step: 0.5, pan: 32, reverb: 45, velocity: 76, length: 1.2),
            Parts.bass("bass", program: acousticBass, volume: 96, low: 26, line: [(0, 1.5, 0), (2, 1, 1), (3.5, 0.5, 0)]),
            Parts.drums("drums", kit: roomKit, volume: 84, lines: [("x.......x.......", kick, 90), ("....x.......x...", sideStick, 80), ("oxoxoxoxoxoxoxox", shaker, 56)],
                        alt: [("x.......x.x.....", kick, 90), ("....x.......x...", sideStick, 80), ("oxoxoxoxoxoxoxox", shaker, 56)],
                        fill: [("x.......x.......", kick, 90), ("....x.......x...", sideStick, 80), ("oxoxoxoxoxox.xxx", shaker, 56)]),
            Parts.melody("glock", program: glockenspiel, volume: 56, low: 74, motifs: [[(0, 1, 0), (1, 1, 1), (2, 2, 2)], [(0.5, 1, 2), (2, 2, 1)]], pan: 70, velocity: 66),
            Parts.melody("whistle", program: flute, volume: 60, low: 74, motifs: [[(0, 1.5, 2), (1.5, 0.5, 1), (2, 2, 0)], [(1, 1, 1), (2, 2, 2)]], pan: 56, reverb: 60, velocity: 70),
            Parts.drums("claps", kit: roomKit, volume: 80, lines: [("x.......x.......", kick, 88), ("....x.......x...", clap, 76), ("x.x.x.x.x.x.x.x.", tambourine, 50)],
                        fill: [("x.......x.......", kick, 88), ("....x.......x.x.", clap, 76), ("x.x.x.x.x.x.xxxx", tambourine, 50)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["D", "G"], parts: ["picking", "drums"]),
            SegmentSpec(name: "main", chords: ["D", "A", "Bm", "G"], parts: ["strum", "picking", "bass", "drums", "glock"], dynamics: [0.95, 1, 0.97, 1.04]),
            SegmentSpec(name: "main2", chords: ["G", "D", "A", "Bm"], parts: ["strum", "bass", "claps", "whistle"], dynamics: [0.94, 1, 0.98, 1.04]),
            SegmentSpec(name: "outro", chords: ["A", "D"], parts: ["strum", "picking", "bass"], once: true),
            .button(["A", "D"], parts: ["strum", "picking", "bass", "drums"]),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("glock", program: glockenspiel, volume: 100,
                                                                         notes: [(74, 0, 1.5, 96), (78, 0.25, 1.5, 92), (81, 0.5, 1.5, 92), (86, 0.75, 2, 100)], reverb: 70)]),
            whoosh("whoosh", volume: 90),
        ],
        mix: MixSettings(low: 1, mid: -1, midFrequency: 800, air: 1.5, decay: 1.1, wet: -15, saturation: 0.15))

    // MARK: cinematic — epic, 72 bpm

    static let cinematic = Style(
        name: "cinematic", description: "Epic and wide: a driving string ostinato, horns, choir, piano and timpani in a large hall.",
        mood: ["epic", "dramatic", "inspiring", "powerful"], genre: ["cinematic", "orchestral", "trailer"],
        instruments: ["strings", "french horns", "choir", "piano", "timpani", "taiko"], tempo: 72, key: "D minor",
        room: .init(size: 0.7, damp: 0.4, width: 1, level: 0.45), timing: 0.01,
        parts: [
            Parts.arpeggio("ostinato", program: strings, volume: 92, low: 50, pattern: [0, 0, 1, 0, 2, 0, 1, 0], step: 0.25, pan: 30, reverb: 40, velocity: 92, length: 0.2),
            Parts.arpeggio("celli", program: strings, volume: 84, low: 38, pattern: [0, 0, 0, 1], step: 0.5, pan: 90, reverb: 40, velocity: 88, length: 0.3),
            Parts.pad("strings", program: slowStrings, volume: 72, low: 62, count: 3, pan: 100, reverb: 70, velocity: 64),
            Parts.pad("choir", program: choir, volume: 62, low: 62, count: 3, pan: 20, reverb: 90, velocity: 60),
            Parts.melody("horns", program: frenchHorn, volume: 80, low: 53, motifs: [[(0, 2, 2), (2, 1, 1), (3, 1, 2)], [(0, 3, 3), (3, 1, 2)]], pan: 54, reverb: 70, velocity: 84),
            Parts.arpeggio("piano", program: piano, volume: 66, low: 74, pattern: [0, 1, 2, 1], step: 0.5, pan: 76, reverb: 70, velocity: 62),
            Parts.bass("timpani", program: timpani, volume: 100, low: 38, line: [(0, 1, 0), (2.5, 0.5, 0), (3, 1, 1)], reverb: 50, velocity: 104),
            Parts.drums("drums", kit: orchestraKit, volume: 92, lines: [("x.......x.......", 35, 104), ("....o.......o...", 38, 70)],
                        fill: [("x...........x.x.", 35, 104), ("........oooooooo", 38, 76)], reverb: 60),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Dm", "Bb"], parts: ["strings", "piano", "celli"]),
            SegmentSpec(name: "main", chords: ["Dm", "Bb", "F", "C"], parts: ["ostinato", "celli", "strings", "choir", "horns", "timpani", "drums"],
                        dynamics: [0.92, 0.98, 1.02, 1.08]),
            SegmentSpec(name: "main2", chords: ["Bb", "F", "C", "Dm"], parts: ["ostinato", "celli", "strings", "piano", "timpani"], dynamics: [0.9, 0.95, 1, 1.06]),
            SegmentSpec(name: "outro", chords: ["C", "Dm"], parts: ["ostinato", "celli", "strings", "choir", "horns", "timpani", "drums"], once: true),
            .button(["A", "Dm"], parts: ["celli", "strings", "horns", "timpani", "drums"]),
        ],
        effects: [
            EffectSpec(name: "impact", kind: "impact", parts: [
                Parts.oneShot("taiko", program: taiko, volume: 120, notes: [(36, 0, 2, 127), (43, 0, 2, 120)], reverb: 90),
                Parts.oneShot("timpani", program: timpani, volume: 110, notes: [(38, 0, 3, 127)], reverb: 90),
                Parts.oneShot("kit", program: orchestraKit, volume: 110, notes: [(35, 0, 2, 127), (crash, 0, 3, 110)], drums: true, reverb: 90),
                Parts.oneShot("hit", program: orchestraHit, volume: 80, notes: [(50, 0, 1, 110)], reverb: 90),
            ]),
            EffectSpec(name: "riser", kind: "riser", parts: [
                Parts.oneShot("tremolo", program: strings, volume: 110, notes: tremolo([62, 69], beats: 4, step: 0.125, from: 30, to: 124), reverb: 80,
                              bends: bend(over: 4, steps: 16, to: 2)),
                Parts.oneShot("cymbal", program: reverseCymbal, volume: 100, notes: [(60, 1.8, 2.2, 110)], reverb: 80),
            ]),
        ],
        mix: MixSettings(low: 1.5, mid: 2.5, midFrequency: 2_500, air: 3, decay: 2.2, wet: -11, damping: 7_000, sideToMid: -7, glueThreshold: -7, glueRatio: 2.5),
        buttonHit: 1)

    // MARK: electronic — driving, 125 bpm

    static let electronic = Style(
        name: "electronic", description: "Driving electronic: 808 kit, pumping off-beat bass, arpeggiated saw and a warm pad.",
        mood: ["modern", "tech", "driving", "energetic"], genre: ["electronic", "house", "tech"], instruments: ["808 drums", "synth bass", "saw lead", "pad"],
        tempo: 125, key: "A minor",
        room: .init(size: 0.6, damp: 0.6, width: 1, level: 0.4), timing: 0.004, velocitySpread: 0.05,
        parts: [
            Parts.drums("drums", kit: kit808, volume: 100, lines: [("x...x...x...x...", kick, 115), ("....x.......x...", clap, 92), ("..x...x...x...x.", closedHat, 80), ("oooooooooooooooo", shaker, 46)],
                        alt: [("x...x...x...x...", kick, 115), ("....x.......x..x", clap, 92), ("..x...x...x...x.", closedHat, 80), ("oooooooooooooooo", shaker, 46)],
                        fill: [("x...x...x...x.x.", kick, 115), ("....x.......x.xx", clap, 92), ("..x...x...x...x.", closedHat, 80)]),
            Parts.bass("bass", program: synthBass2, volume: 94, low: 33, line: [(0.5, 0.4, 0), (1.5, 0.4, 0), (2.5, 0.4, 0), (3.5, 0.4, 2)], velocity: 100),
            Parts.arpeggio("arp", program: sawLead, volume: 56, low: 57, pattern: [0, 1, 2, 3, 2, 1], step: 0.25, pan: 90, reverb: 60, velocity: 80, length: 0.2),
            Parts.pad("pad", program: warmPad, volume: 84, low: 57, count: 4, pan: 40, reverb: 80, velocity: 70),
            Parts.arpeggio("pluck", program: polySynth, volume: 62, low: 69, pattern: [0, 2, 1, 3], step: 0.75, pan: 20, reverb: 70, velocity: 78, length: 0.3),
            Parts.drums("beat2", kit: kit808, volume: 96, lines: [("x.....x...x.....", kick, 112), ("....x.......x...", clap, 90), ("xxxxxxxxxxxxxxxx", closedHat, 58)],
                        fill: [("x.....x...x.....", kick, 112), ("....x.......xxxx", clap, 90), ("xxxxxxxxxxxx....", closedHat, 58)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Am", "F"], parts: ["pad", "arp"]),
            SegmentSpec(name: "main", chords: ["Am", "F", "C", "G", "Am", "F", "C", "G"], parts: ["drums", "bass", "arp", "pad"],
                        dynamics: [0.95, 0.97, 1, 1, 1, 1.02, 1.04, 1.06], rests: ["arp": [0, 1]]),
            SegmentSpec(name: "main2", chords: ["F", "G", "Am", "Am", "F", "G", "C", "G"], parts: ["beat2", "bass", "pluck", "pad"], dynamics: [0.94, 0.97, 1, 1, 1, 1.02, 1.04, 1.06]),
            SegmentSpec(name: "outro", chords: ["G", "Am"], parts: ["drums", "bass", "pad"], once: true),
            .button(["G", "Am"], parts: ["drums", "bass", "pad", "arp"]),
        ],
        effects: [
            EffectSpec(name: "riser", kind: "riser", parts: [
                Parts.oneShot("saw", program: sawLead, volume: 90, notes: [(57, 0, 7.8, 90), (64, 0, 7.8, 80)], reverb: 70,
                              bends: bend(over: 8), swells: swell(over: 8, from: 10, to: 106)),
                Parts.oneShot("cymbal", program: reverseCymbal, volume: 100, notes: [(60, 5.8, 2.2, 110)], reverb: 70),
            ]),
            EffectSpec(name: "impact", kind: "impact", parts: [
                Parts.oneShot("kit", program: kit808, volume: 120, notes: [(kick, 0, 2, 127), (crash, 0, 3, 110)], drums: true, reverb: 80),
                Parts.oneShot("sweep", program: sweepPad, volume: 90, notes: [(45, 0, 2, 110), (57, 0, 2, 100)], reverb: 90),
            ]),
        ],
        mix: MixSettings(low: 2.5, mid: 0, air: 2, decay: 1.4, wet: -15, sideToMid: -8, glueThreshold: -8, glueRatio: 3), buttonHit: 0.5)

    // MARK: lo-fi chill — dusty, 75 bpm

    static let lofi = Style(
        name: "lofi-chill", description: "Dusty and relaxed: electric piano in ninth chords, lazy swung drums, round bass, tape and vinyl.",
        mood: ["chill", "relaxed", "nostalgic", "calm"], genre: ["lofi", "hip-hop", "chill"], instruments: ["electric piano", "bass", "jazz drums", "vibraphone"],
        tempo: 75, key: "Eb major",
        room: .init(size: 0.35, damp: 0.8, width: 0.9, level: 0.35), timing: 0.025, velocitySpread: 0.12, swing: 0.1,
        parts: [
            Parts.hits("keys", program: rhodes, volume: 92, low: 55, count: 5, at: [(0, 1.5), (1.5, 1.0), (2.5, 1.5)], pan: 40, reverb: 50, velocity: 70),
            Parts.bass("bass", program: fingerBass, volume: 96, low: 27, line: [(0, 1.4, 0), (1.5, 0.4, 0), (2.5, 1, 1), (3.5, 0.4, 2)], velocity: 82),
            Parts.drums("drums", kit: jazzKit, volume: 88, lines: [("x.....x...x.....", kick, 92), ("....o.......o...", snare, 90), ("o.o.o.o.o.o.o.o.", closedHat, 58)],
                        alt: [("x.....x.x.x.....", kick, 92), ("....o.......o...", snare, 90), ("o.o.o.o.o.o.oxo.", closedHat, 58)],
                        fill: [("x.....x...x.....", kick, 92), ("....o.......o.o.", snare, 90), ("o.o.o.o.o.o.o.o.", closedHat, 58)]),
            Parts.melody("vibes", program: vibraphone, volume: 60, low: 70, motifs: [[(0.5, 1, 2), (2, 1.5, 1)], [(1, 0.5, 3), (1.5, 2, 2)]], pan: 92, reverb: 60, velocity: 66),
            Parts.arpeggio("guitar", program: cleanGuitar, volume: 64, low: 62, pattern: [0, 2, 1, 3], step: 1, pan: 96, reverb: 55, velocity: 62, length: 0.9),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Ebmaj9", "Cm9"], parts: ["keys", "vibes"]),
            SegmentSpec(name: "main", chords: ["Ebmaj9", "Cm9", "Fm9", "Bb9"], parts: ["keys", "bass", "drums", "vibes"], dynamics: [0.96, 1, 0.97, 1.03]),
            SegmentSpec(name: "main2", chords: ["Abmaj7", "Gm7", "Fm9", "Bb9"], parts: ["keys", "bass", "drums", "guitar"], dynamics: [0.95, 1, 0.98, 1.03]),
            SegmentSpec(name: "outro", chords: ["Bb9", "Ebmaj9"], parts: ["keys", "bass", "drums"], once: true),
            .button(["Bb9", "Ebmaj9"], parts: ["keys", "bass", "drums"]),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("vibes", program: vibraphone, volume: 100,
                                                                         notes: [(70, 0, 2, 90), (74, 0.2, 2, 86), (79, 0.4, 2, 86), (82, 0.6, 2.5, 90)], reverb: 70)]),
            whoosh("whoosh", volume: 80, key: 55),
        ],
        mix: MixSettings(low: 2, mid: -1.5, midFrequency: 1_200, air: -3, lowPass: 11_000, decay: 1.0, wet: -14, damping: 4_000,
                         saturation: 0.45, hiss: -44, crackle: -30, sideToMid: -9), buttonHit: 0.75)

    // MARK: news — urgent, 150 bpm

    static let news = Style(
        name: "news", description: "Urgent and driving: staccato strings, brass stabs, timpani and a pulsing bass, and a brass sting.",
        mood: ["urgent", "serious", "driving"], genre: ["news", "broadcast", "orchestral"], instruments: ["strings", "brass", "synth bass", "timpani", "drums"],
        tempo: 150, key: "C minor",
        room: .init(size: 0.55, damp: 0.4, width: 0.9, level: 0.4), timing: 0.006,
        parts: [
            Parts.arpeggio("strings", program: strings, volume: 90, low: 55, pattern: [0, 1, 2, 1], step: 0.5, pan: 36, reverb: 50, velocity: 90, length: 0.22),
            Parts.hits("brass", program: brass, volume: 84, low: 55, count: 4, at: [(0, 0.4), (1.5, 0.3)], pan: 88, reverb: 55, velocity: 96),
            Parts.bass("pulse", program: synthBass2, volume: 86, low: 24, line: pulseLine, velocity: 96),
            Parts.bass("timpani", program: timpani, volume: 92, low: 36, line: [(0, 1, 0), (2, 1, 1)], reverb: 60, velocity: 104),
            Parts.drums("drums", kit: standardKit, volume: 90, lines: [("x.....x.x.......", kick, 104), ("....x.......x...", snare, 92), ("xoxoxoxoxoxoxoxo", closedHat, 60)],
                        alt: [("x.....x.x.....x.", kick, 104), ("....x.......x...", snare, 92), ("xoxoxoxoxoxoxoxo", closedHat, 60)],
                        fill: [("x.......x.......", kick, 104), ("....x...xxxx....", snare, 92), ("............xxxx", lowTom, 96)]),
            Parts.pad("pad", program: synthStrings, volume: 70, low: 55, count: 3, pan: 64, reverb: 70, velocity: 64),
            Parts.drums("ticks", kit: standardKit, volume: 86, lines: [("x.......x.......", kick, 100), ("x.x.x.x.x.x.x.x.", rideBell, 60)],
                        fill: [("x.......x.......", kick, 100), ("........xxxxxxxx", snare, 80)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Cm", "Cm"], parts: ["pulse", "strings"]),
            SegmentSpec(name: "main", chords: ["Cm", "Cm", "Ab", "Bb", "Cm", "Cm", "Fm", "G"], parts: ["strings", "brass", "pulse", "timpani", "drums"],
                        dynamics: [0.95, 0.97, 1, 1.02, 0.97, 1, 1.03, 1.06]),
            SegmentSpec(name: "main2", chords: ["Ab", "Bb", "Cm", "Cm", "Ab", "Bb", "G", "G"], parts: ["strings", "pad", "pulse", "ticks"], dynamics: [0.94, 0.96, 1, 1, 1, 1.02, 1.05, 1.08]),
            SegmentSpec(name: "outro", chords: ["Bb", "Cm"], parts: ["strings", "brass", "pulse", "timpani", "drums"], once: true),
            .button(["G", "Cm"], parts: ["brass", "strings", "pulse", "timpani", "drums"]),
        ],
        effects: [
            EffectSpec(name: "sting", kind: "sting", parts: [
                Parts.oneShot("brass", program: brass, volume: 110, notes: [(48, 0, 1.5, 110), (55, 0, 1.5, 110), (60, 0, 1.5, 110), (63, 0, 1.5, 110)], reverb: 60),
                Parts.oneShot("timpani", program: timpani, volume: 110, notes: [(36, 0, 2, 127)], reverb: 60),
                Parts.oneShot("kit", program: standardKit, volume: 110, notes: [(crash, 0, 3, 115), (kick, 0, 1, 120)], drums: true, reverb: 60),
            ]),
            whoosh("whoosh"),
        ],
        mix: MixSettings(low: 1, mid: 2, midFrequency: 2_800, air: 2, decay: 1.1, wet: -15, glueThreshold: -8, glueRatio: 2.5), buttonHit: 0.5)

    // MARK: lounge jazz — smooth, swung, 90 bpm

    static let loungeJazz = Style(
        name: "lounge-jazz", description: "Smooth and swung: walking upright bass, piano comping, brushes and vibraphone over a ii–V–I.",
        mood: ["smooth", "elegant", "relaxed", "calm"], genre: ["jazz", "lounge"], instruments: ["upright bass", "piano", "brushes", "vibraphone", "tenor sax"],
        tempo: 90, key: "Bb major",
        room: .init(size: 0.45, damp: 0.6, width: 0.8, level: 0.4), timing: 0.018, velocitySpread: 0.1, swing: 0.16,
        parts: [
            Parts.walking("bass", program: acousticBass, volume: 100, low: 31, velocity: 92),
            Parts.hits("piano", program: piano, volume: 84, low: 58, count: 4, at: [(0, 0.6), (1.5, 0.4), (3, 0.5)], pan: 40, reverb: 45, velocity: 72),
            Parts.drums("drums", kit: brushKit, volume: 92, lines: [("x...x.x.x...x.x.", ride, 74), ("....x.......x...", pedalHat, 70), ("oooooooooooooooo", snare, 40)],
                        alt: [("x...x.x.x...x.x.", ride, 74), ("....x.......x...", pedalHat, 70), ("oooooooooooooooo", snare, 44), ("..........x.....", kick, 60)],
                        fill: [("x...x.x.x...x.x.", ride, 74), ("....x.......x...", pedalHat, 70), ("oooooooooooox.x.", snare, 56)]),
            Parts.melody("vibes", program: vibraphone, volume: 70, low: 70, motifs: [[(0, 1, 2), (1.5, 0.5, 1), (2, 1.5, 3)], [(0.5, 1, 3), (2, 1, 2), (3, 1, 1)]], pan: 88, reverb: 55, velocity: 74),
            Parts.melody("sax", program: tenorSax, volume: 66, low: 58, motifs: [[(0, 1.5, 3), (1.5, 0.5, 2), (2, 2, 1)], [(0.5, 1, 2), (1.5, 1, 3), (2.5, 1.5, 4)]], pan: 84, reverb: 55, velocity: 72),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Cm7", "F7"], parts: ["bass", "piano"]),
            SegmentSpec(name: "main", chords: ["Cm7", "F7", "Bbmaj7", "Gm7"], parts: ["bass", "piano", "drums", "vibes"], dynamics: [0.96, 1, 0.98, 1.02]),
            SegmentSpec(name: "main2", chords: ["Ebmaj7", "Ab7", "Dm7", "G7"], parts: ["bass", "piano", "drums", "sax"], dynamics: [0.95, 1, 0.98, 1.03]),
            SegmentSpec(name: "outro", chords: ["F7", "Bbmaj9"], parts: ["bass", "piano", "drums", "vibes"], once: true),
            .button(["F7", "Bbmaj9"], parts: ["bass", "piano", "drums", "vibes"]),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("vibes", program: vibraphone, volume: 100,
                                                                         notes: [(70, 0, 2, 86), (74, 0.17, 2, 84), (77, 0.33, 2, 84), (81, 0.5, 2.5, 92)], reverb: 60)]),
            EffectSpec(name: "sting", kind: "sting", parts: [
                Parts.oneShot("piano", program: piano, volume: 110, notes: [(46, 0, 3, 100), (62, 0, 3, 90), (67, 0, 3, 90), (69, 0, 3, 90), (74, 0, 3, 96)], reverb: 60),
                Parts.oneShot("bass", program: acousticBass, volume: 110, notes: [(34, 0, 2, 110)], reverb: 30),
                Parts.oneShot("kit", program: brushKit, volume: 100, notes: [(ride, 0, 2, 100), (kick, 0, 1, 90)], drums: true, reverb: 50),
            ]),
        ],
        mix: MixSettings(low: 0.5, mid: -1, midFrequency: 900, air: 1, decay: 1.5, wet: -12, damping: 5_000, saturation: 0.1, glueThreshold: -4, glueRatio: 2),
        buttonHit: 0.66)

    // MARK: hip-hop — boom bap, 90 bpm

    static let hipHop = Style(
        name: "hip-hop", description: "Boom bap: a heavy kick and cracking snare, dusty piano and strings, a round bass, vinyl.",
        mood: ["confident", "cool", "urban", "driving"], genre: ["hip-hop", "boom bap"], instruments: ["drums", "piano", "strings", "bass", "vinyl"],
        tempo: 90, key: "F minor",
        room: .init(size: 0.3, damp: 0.7, width: 0.8, level: 0.3), timing: 0.012, velocitySpread: 0.08, swing: 0.08,
        parts: [
            Parts.drums("drums", kit: standardKit, volume: 104, lines: [("x.....x...x.....", kick, 118), ("....x.......x...", snare, 110), ("x.x.x.x.x.x.x.x.", closedHat, 64)],
                        alt: [("x.....x...x..x..", kick, 118), ("....x.......x...", snare, 110), ("x.x.x.x.x.x.x.xx", closedHat, 64)],
                        fill: [("x.....x...x.....", kick, 118), ("....x.......x.x.", snare, 110), ("x.x.x.x.x.x.....", closedHat, 64), ("..............x.", openHat, 70)]),
            Parts.hits("piano", program: piano, volume: 82, low: 56, count: 4, at: [(0, 0.9), (1.75, 0.4), (2.5, 1.2)], pan: 34, reverb: 40, velocity: 74),
            Parts.pad("strings", program: strings, volume: 62, low: 60, count: 3, pan: 96, reverb: 60, velocity: 56),
            Parts.bass("bass", program: fingerBass, volume: 104, low: 29, line: [(0, 1.2, 0), (1.75, 0.5, 0), (2.5, 1, 1), (3.5, 0.4, 0)], velocity: 96),
            Parts.melody("bells", program: musicBox, volume: 56, low: 72, motifs: [[(0, 1, 2), (1, 1, 1), (2, 2, 0)], [(0.5, 1, 3), (2, 2, 2)]], pan: 76, reverb: 60, velocity: 64),
            Parts.drums("sparse", kit: standardKit, volume: 100, lines: [("x.........x.....", kick, 116), ("....x.......x...", snare, 106), ("x...x...x...x...", closedHat, 60)],
                        fill: [("x.........x.....", kick, 116), ("....x.......x.xx", snare, 106), ("x...x...x.......", closedHat, 60)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Fm7", "Db"], parts: ["piano", "strings"]),
            SegmentSpec(name: "main", chords: ["Fm7", "Db", "Bbm7", "C7"], parts: ["drums", "piano", "strings", "bass"], dynamics: [0.97, 1, 0.98, 1.02]),
            SegmentSpec(name: "main2", chords: ["Db", "C7", "Fm7", "Fm7"], parts: ["sparse", "bass", "bells", "strings"], dynamics: [0.96, 1, 0.98, 1.02]),
            SegmentSpec(name: "outro", chords: ["C7", "Fm7"], parts: ["drums", "piano", "strings", "bass"], once: true),
            .button(["C7", "Fm7"], parts: ["drums", "piano", "bass"]),
        ],
        effects: [
            EffectSpec(name: "scratch", kind: "riser", parts: [
                Parts.oneShot("sweep", program: sweepPad, volume: 100, notes: [(53, 0, 3.8, 96)], reverb: 40, bends: bend(over: 4, steps: 24, to: 2), swells: swell(over: 4, from: 30, to: 120)),
                Parts.oneShot("cymbal", program: reverseCymbal, volume: 96, notes: [(60, 1.8, 2.2, 110)], reverb: 40),
            ]),
            EffectSpec(name: "impact", kind: "impact", parts: [
                Parts.oneShot("kit", program: standardKit, volume: 120, notes: [(kick, 0, 1.5, 127), (snare, 0, 1, 120), (crash, 0, 3, 110)], drums: true, reverb: 60),
                Parts.oneShot("bass", program: fingerBass, volume: 110, notes: [(29, 0, 1.5, 120)], reverb: 20),
            ]),
        ],
        mix: MixSettings(low: 3, mid: -1, midFrequency: 1_000, air: -1, lowPass: 14_000, decay: 0.8, wet: -16, damping: 4_500,
                         saturation: 0.35, hiss: -48, crackle: -32, sideToMid: -9, glueThreshold: -8, glueRatio: 3), buttonHit: 0.5)

    // MARK: rock — driving guitars, 120 bpm

    static let rock = Style(
        name: "rock", description: "Driving rock: overdriven guitars, pick bass, a live kit with crashes, and an organ behind.",
        mood: ["energetic", "bold", "powerful", "driving"], genre: ["rock"], instruments: ["overdriven guitar", "distortion guitar", "pick bass", "drums", "organ"],
        tempo: 120, key: "E major",
        room: .init(size: 0.5, damp: 0.5, width: 1, level: 0.35), timing: 0.008,
        parts: [
            Parts.drums("drums", kit: roomKit, volume: 100, lines: [("x.....x.x.......", kick, 112), ("....x.......x...", snare, 104), ("x.x.x.x.x.x.x.x.", closedHat, 72)],
                        alt: [("x.....x.x.x.....", kick, 112), ("....x.......x...", snare, 104), ("x.x.x.x.x.x.x.x.", openHat, 60)],
                        fill: [("x.....x.x.......", kick, 112), ("....x.......xxxx", snare, 104), ("........xx..xx..", midTom, 96), ("............xx..", lowTom, 100)]),
            Parts.strum("rhythm", program: overdriveGuitar, volume: 80, low: 40, count: 3, strokes: [(0, true), (0.5, true), (1, true), (1.5, true), (2, true), (2.5, true), (3, true), (3.5, true)],
                        pan: 8, reverb: 25, velocity: 90, length: 0.4),
            Parts.strum("rhythm2", program: distortionGuitar, volume: 72, low: 40, count: 3, strokes: [(0, true), (1.5, true), (2.5, true), (3.5, true)], pan: 120, reverb: 25, velocity: 88, length: 0.45),
            Parts.bass("bass", program: pickBass, volume: 98, low: 28, line: pulseLine, velocity: 96),
            Parts.pad("organ", program: organ, volume: 56, low: 59, count: 3, pan: 64, reverb: 50, velocity: 60),
            Parts.melody("lead", program: overdriveGuitar, volume: 66, low: 64, motifs: [[(0, 1, 2), (1, 0.5, 3), (1.5, 1.5, 2)], [(0, 0.5, 1), (0.5, 0.5, 2), (1, 2, 3)]], pan: 64, reverb: 45, velocity: 86),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["E5", "E5"], parts: ["rhythm", "drums"]),
            SegmentSpec(name: "main", chords: ["E5", "C5", "G5", "D5", "E5", "C5", "A5", "B5"], parts: ["drums", "rhythm", "rhythm2", "bass"],
                        dynamics: [0.96, 0.98, 1, 1, 0.98, 1, 1.03, 1.06]),
            SegmentSpec(name: "main2", chords: ["A5", "C5", "G5", "D5", "A5", "C5", "B5", "B5"], parts: ["drums", "rhythm", "bass", "organ", "lead"],
                        dynamics: [0.95, 0.98, 1, 1, 0.98, 1, 1.04, 1.08]),
            SegmentSpec(name: "outro", chords: ["D5", "E5"], parts: ["drums", "rhythm", "rhythm2", "bass"], once: true),
            .button(["B5", "E5"], parts: ["drums", "rhythm", "rhythm2", "bass"]),
        ],
        effects: [
            EffectSpec(name: "impact", kind: "impact", parts: [
                Parts.oneShot("kit", program: roomKit, volume: 120, notes: [(kick, 0, 1, 127), (crash, 0, 3, 124), (snare, 0, 1, 120)], drums: true, reverb: 70),
                Parts.oneShot("guitar", program: distortionGuitar, volume: 100, notes: [(40, 0, 2, 120), (47, 0, 2, 116), (52, 0, 2, 112)], reverb: 50),
            ]),
            EffectSpec(name: "riser", kind: "riser", parts: [
                Parts.oneShot("feedback", program: overdriveGuitar, volume: 90, notes: [(64, 0, 3.8, 100)], reverb: 60, bends: bend(over: 4, steps: 24, to: 2), swells: swell(over: 4, from: 20, to: 120)),
                Parts.oneShot("cymbal", program: reverseCymbal, volume: 100, notes: [(60, 1.8, 2.2, 110)], reverb: 60),
            ]),
        ],
        mix: MixSettings(low: 1.5, mid: 1.5, midFrequency: 2_000, air: 1.5, decay: 1.0, wet: -16, saturation: 0.2, sideToMid: -7, glueThreshold: -8, glueRatio: 3),
        buttonHit: 0.5)

    // MARK: ambient — slow, spacious, 80 bpm

    static let ambient = Style(
        name: "ambient", description: "Spacious and calm: evolving pads, a halo choir, soft piano and a bowed-glass shimmer in a long hall.",
        mood: ["calm", "peaceful", "spacious", "reflective"], genre: ["ambient", "meditation"], instruments: ["pads", "choir", "piano", "bowed glass", "celesta"],
        tempo: 80, key: "C major",
        room: .init(size: 0.8, damp: 0.4, width: 1, level: 0.5), pickupBars: 1, timing: 0.02, velocitySpread: 0.1,
        parts: [
            Parts.pad("pad", program: newAgePad, volume: 88, low: 55, count: 4, pan: 40, reverb: 90, velocity: 66),
            Parts.pad("halo", program: haloPad, volume: 74, low: 64, count: 3, pan: 96, reverb: 100, velocity: 60),
            Parts.arpeggio("piano", program: piano, volume: 70, low: 67, pattern: [0, 2, 1, 3], step: 1, pan: 76, reverb: 90, velocity: 56, length: 2),
            Parts.bass("bass", program: bowedPad, volume: 74, low: 36, line: [(0, 3.9, 0)], reverb: 60, velocity: 70),
            Parts.melody("celesta", program: celesta, volume: 58, low: 76, motifs: [[(0, 2, 2), (2, 2, 1)], [(1, 3, 0)], [(0, 1, 3), (1, 3, 2)], [(2, 2, 1)]], pan: 24, reverb: 100, velocity: 58),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Cmaj7", "Am7"], parts: ["pad", "halo"]),
            SegmentSpec(name: "main", chords: ["Cmaj7", "Am7", "Fmaj7", "G6"], parts: ["pad", "halo", "piano", "bass"], dynamics: [0.95, 1, 1.02, 0.98]),
            SegmentSpec(name: "main2", chords: ["Fmaj7", "Em7", "Dm7", "G6"], parts: ["pad", "halo", "celesta", "bass"], dynamics: [0.96, 1, 1.02, 0.98]),
            SegmentSpec(name: "outro", chords: ["G6", "Cmaj7"], parts: ["pad", "halo", "piano", "bass"], once: true),
            .button(["G6", "Cmaj7"], parts: ["piano", "halo", "bass"]),
        ],
        effects: [
            EffectSpec(name: "shimmer", kind: "chime", parts: [Parts.oneShot("celesta", program: celesta, volume: 100,
                                                                          notes: [(72, 0, 2, 84), (79, 0.33, 2, 80), (84, 0.66, 2, 80), (88, 1, 3, 86)], reverb: 100)]),
            EffectSpec(name: "swell", kind: "riser", parts: [
                Parts.oneShot("glass", program: bowedPad, volume: 110, notes: [(60, 0, 5.5, 90), (67, 0, 5.5, 86), (72, 0, 5.5, 84)], reverb: 100,
                              swells: swell(over: 6, from: 10, to: 120)),
            ]),
        ],
        mix: MixSettings(low: 0, mid: -1, midFrequency: 600, air: 2, decay: 3.0, wet: -9, damping: 6_000, sideToMid: -6, glueThreshold: -4, glueRatio: 1.8),
        buttonHit: 1, buttonRing: 2)

    // MARK: holiday — festive, 100 bpm

    static let holiday = Style(
        name: "holiday", description: "Festive and bright: sleigh bells, celesta and glockenspiel, pizzicato strings, upright bass and brushes.",
        mood: ["festive", "happy", "warm", "playful"], genre: ["holiday", "seasonal", "christmas"],
        instruments: ["sleigh bells", "celesta", "glockenspiel", "pizzicato strings", "upright bass", "brushes"], tempo: 100, key: "C major",
        room: .init(size: 0.5, damp: 0.4, width: 0.9, level: 0.4), timing: 0.012, swing: 0.06,
        parts: [
            Parts.drums("bells", kit: brushKit, volume: 96, lines: [("x.x.x.x.x.x.x.x.", jingleBell, 76), ("....x.......x...", snare, 56), ("x.......x.......", kick, 70)],
                        alt: [("xxx.x.x.xxx.x.x.", jingleBell, 76), ("....x.......x...", snare, 56), ("x.......x.......", kick, 70)],
                        fill: [("x.x.x.x.xxxxxxxx", jingleBell, 80), ("....x.......x.x.", snare, 60), ("x.......x.......", kick, 70)]),
            Parts.arpeggio("pizz", program: pizzicato, volume: 90, low: 55, pattern: [0, 2, 1, 2], step: 0.5, pan: 36, reverb: 50, velocity: 84, length: 0.4),
            Parts.walking("bass", program: acousticBass, volume: 96, low: 31, velocity: 88),
            Parts.melody("celesta", program: celesta, volume: 76, low: 72, motifs: [[(0, 0.5, 2), (0.5, 0.5, 2), (1, 1, 2), (2, 0.5, 2), (2.5, 0.5, 2), (3, 1, 2)],
                                                                                [(0, 0.5, 2), (0.5, 0.5, 3), (1, 0.75, 0), (1.75, 0.25, 1), (2, 2, 2)]], pan: 92, reverb: 60, velocity: 80),
            Parts.pad("strings", program: strings, volume: 66, low: 60, count: 3, pan: 100, reverb: 70, velocity: 58),
            Parts.melody("glock", program: glockenspiel, volume: 62, low: 79, motifs: [[(0, 1, 2), (1.5, 0.5, 1), (2, 2, 0)], [(0, 1.5, 1), (2, 2, 2)]], pan: 20, reverb: 60, velocity: 70),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["C", "Am"], parts: ["bells", "celesta"]),
            SegmentSpec(name: "main", chords: ["C", "Am", "F", "G7"], parts: ["bells", "pizz", "bass", "celesta", "strings"], dynamics: [0.96, 1, 0.98, 1.04]),
            SegmentSpec(name: "main2", chords: ["F", "C", "D7", "G7"], parts: ["bells", "pizz", "bass", "glock", "strings"], dynamics: [0.95, 1, 0.98, 1.04]),
            SegmentSpec(name: "outro", chords: ["G7", "C"], parts: ["bells", "pizz", "bass", "celesta", "strings"], once: true),
            .button(["G7", "C"], parts: ["bells", "pizz", "bass", "celesta"]),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("celesta", program: celesta, volume: 100,
                                                                         notes: [(72, 0, 1.5, 90), (76, 0.25, 1.5, 88), (79, 0.5, 1.5, 88), (84, 0.75, 2.5, 96)], reverb: 70)]),
            EffectSpec(name: "sleigh", kind: "whoosh", parts: [
                Parts.oneShot("bells", program: brushKit, volume: 110, notes: tremolo([jingleBell], beats: 3, step: 0.125, from: 40, to: 110), drums: true, reverb: 70),
            ]),
        ],
        mix: MixSettings(low: 0, mid: 0.5, midFrequency: 3_000, air: 2.5, decay: 1.4, wet: -13), buttonHit: 0.5)
}
