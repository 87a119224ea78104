import Foundation

/// The shipped library. Tempos are chosen so that a beat is a whole number of samples at
/// 48 kHz and a bar a whole number of FluidSynth's 64-sample blocks (72, 75, 90, 96, 100, 120,
/// 125, 150 bpm).
enum Library {
    // General MIDI programs (0-based) and drum keys used below.
    static let (piano, brightPiano, rhodes, glockenspiel, vibraphone, tubularBells) = (0, 1, 4, 9, 11, 14)
    static let (nylonGuitar, steelGuitar, cleanGuitar) = (24, 25, 27)
    static let (acousticBass, fingerBass, synthBass1, synthBass2) = (32, 33, 38, 39)
    static let (pizzicato, timpani, strings, slowStrings, synthStrings, choir, orchestraHit) = (45, 47, 48, 49, 50, 52, 55)
    static let (frenchHorn, brass, sawLead, warmPad, polySynth, sweepPad, taiko, reverseCymbal) = (60, 61, 81, 89, 90, 95, 116, 119)
    static let (standardKit, roomKit, powerKit, electronicKit, kit808, jazzKit, brushKit, orchestraKit) = (0, 8, 16, 24, 25, 32, 40, 48)
    static let (kick, sideStick, snare, clap, closedHat, pedalHat, openHat, crash, ride, tambourine, shaker, lowTom, midTom) =
        (36, 37, 38, 39, 42, 44, 46, 49, 51, 54, 70, 45, 47)

    static let styles = [corporate, upbeatPop, acoustic, cinematic, electronic, lofi, news, loungeJazz]

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
        mood: ["confident", "bright", "professional"], tempo: 100, key: "F major",
        room: .init(size: 0.55, damp: 0.4, width: 0.9, level: 0.55),
        parts: [
            Parts.arpeggio("piano", program: piano, volume: 96, low: 53, pattern: [0, 2, 3, 2, 1, 2, 3, 2], step: 0.5, pan: 54, reverb: 45, velocity: 80),
            Parts.pad("strings", program: strings, volume: 74, low: 60, count: 3, pan: 76, reverb: 80, velocity: 58),
            Parts.arpeggio("guitar", program: cleanGuitar, volume: 70, low: 64, pattern: [0, 1, 2, 1], step: 0.5, pan: 96, reverb: 40, velocity: 72, length: 0.4),
            Parts.bass("bass", program: fingerBass, volume: 100, low: 29, line: [(0, 1.4, 0), (1.5, 0.5, 0), (2, 1, 1), (3, 0.5, 0), (3.5, 0.5, 2)]),
            Parts.drums("drums", kit: standardKit, volume: 92, lines: [("x.....x.x.......", kick, 100), ("....x.......x...", snare, 84), ("o.x.o.x.o.x.o.x.", closedHat, 70)],
                        fill: [("x.....x.x.......", kick, 100), ("....x.......x.xx", snare, 84), ("o.x.o.x.o.x.....", closedHat, 70)]),
            Parts.melody("bells", program: glockenspiel, volume: 62, low: 77, motifs: [[(0, 1, 2), (1.5, 0.5, 1), (2, 2, 0)], [(0, 1.5, 1), (2, 2, 2)]], pan: 40, velocity: 70),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Fmaj7", "Bbmaj7"], parts: ["piano", "strings"]),
            SegmentSpec(name: "main", chords: ["F", "C", "Dm", "Bb"], parts: ["piano", "strings", "guitar", "bass", "drums", "bells"]),
            SegmentSpec(name: "outro", chords: ["Bb", "C", "F"], parts: ["piano", "strings", "guitar", "bass", "drums"], once: true),
        ],
        effects: [
            whoosh("whoosh"),
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("bells", program: tubularBells, volume: 100, notes: [(77, 0, 3, 100), (84, 0.5, 3, 90)], reverb: 80)]),
        ],
        air: 1)

    // MARK: upbeat pop — bouncy, 120 bpm

    static let upbeatPop = Style(
        name: "upbeat-pop", description: "Bouncy pop: four-on-the-floor, claps, synth bass, piano stabs and a plucky hook.",
        mood: ["happy", "energetic", "young"], tempo: 120, key: "G major",
        room: .init(size: 0.45, damp: 0.5, width: 1, level: 0.45), timing: 0.008,
        parts: [
            Parts.drums("drums", kit: powerKit, volume: 96, lines: [("x...x...x...x...", kick, 110), ("....x.......x...", clap, 96),
                                                                  ("..x...x...x...x.", openHat, 60), ("xoxoxoxoxoxoxoxo", closedHat, 58)],
                        fill: [("x...x...x...x...", kick, 110), ("....x.......xxxx", clap, 96), ("xoxoxoxoxoxo....", closedHat, 58)]),
            Parts.bass("bass", program: synthBass1, volume: 92, low: 31, line: [(0, 0.4, 0), (0.5, 0.4, 2), (1, 0.4, 0), (1.5, 0.4, 2), (2, 0.4, 0), (2.5, 0.4, 2), (3, 0.4, 1), (3.5, 0.4, 2)], velocity: 96),
            Parts.hits("piano", program: brightPiano, volume: 84, low: 60, count: 4, at: [(0.5, 0.3), (1.5, 0.3), (2.5, 0.3), (3.5, 0.3)], pan: 50, velocity: 84),
            Parts.pad("pad", program: synthStrings, volume: 64, low: 55, count: 4, pan: 80, reverb: 70, velocity: 60),
            Parts.melody("hook", program: 80, volume: 58, low: 67, motifs: [[(0, 0.5, 2), (0.75, 0.25, 1), (1, 0.5, 0), (2, 0.5, 1), (2.5, 0.5, 2), (3, 1, 3)],
                                                                              [(0, 0.5, 3), (0.5, 0.5, 2), (1, 1, 1), (2.5, 0.5, 0), (3, 1, 1)]], pan: 70, reverb: 50, velocity: 90),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["G", "D"], parts: ["piano", "pad", "drums"]),
            SegmentSpec(name: "main", chords: ["G", "D", "Em", "C"], parts: ["drums", "bass", "piano", "pad", "hook"]),
            SegmentSpec(name: "outro", chords: ["C", "D", "G"], parts: ["drums", "bass", "piano", "pad"], once: true),
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
        air: 2)

    // MARK: acoustic — warm, organic, 96 bpm

    static let acoustic = Style(
        name: "acoustic", description: "Warm and organic: strummed steel-string and fingerpicked nylon guitars, upright bass, shaker and glockenspiel.",
        mood: ["warm", "honest", "optimistic"], tempo: 96, key: "D major",
        room: .init(size: 0.4, damp: 0.5, width: 0.8, level: 0.5), timing: 0.015,
        parts: [
            Parts.strum("strum", program: steelGuitar, volume: 84, low: 50, count: 6, strokes: [(0, true), (1, true), (1.5, false), (2.5, false), (3, true), (3.5, false)], pan: 84, velocity: 82),
            Parts.arpeggio("picking", program: nylonGuitar, volume: 86, low: 57, pattern: [0, 2, 1, 3, 2, 1, 3, 2], step: 0.5, pan: 40, reverb: 45, velocity: 76, length: 1.2),
            Parts.bass("bass", program: acousticBass, volume: 96, low: 26, line: [(0, 1.5, 0), (2, 1, 1), (3.5, 0.5, 0)]),
            Parts.drums("drums", kit: roomKit, volume: 84, lines: [("x.......x.......", kick, 90), ("....x.......x...", sideStick, 80), ("oxoxoxoxoxoxoxox", shaker, 56)],
                        fill: [("x.......x.......", kick, 90), ("....x.......x...", sideStick, 80), ("oxoxoxoxoxox.xxx", shaker, 56)]),
            Parts.melody("glock", program: glockenspiel, volume: 56, low: 74, motifs: [[(0, 1, 0), (1, 1, 1), (2, 2, 2)], [(0.5, 1, 2), (2, 2, 1)]], pan: 70, velocity: 66),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["D", "G"], parts: ["picking", "drums"]),
            SegmentSpec(name: "main", chords: ["D", "A", "Bm", "G"], parts: ["strum", "picking", "bass", "drums", "glock"]),
            SegmentSpec(name: "outro", chords: ["G", "A", "D"], parts: ["strum", "picking", "bass"], once: true),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("glock", program: glockenspiel, volume: 100,
                                                                         notes: [(74, 0, 1.5, 96), (78, 0.25, 1.5, 92), (81, 0.5, 1.5, 92), (86, 0.75, 2, 100)], reverb: 70)]),
            whoosh("whoosh", volume: 90),
        ])

    // MARK: cinematic — epic, 72 bpm

    static let cinematic = Style(
        name: "cinematic", description: "Epic and wide: string ostinato, horns, choir, piano and timpani in a large hall.",
        mood: ["epic", "dramatic", "inspiring"], tempo: 72, key: "D minor",
        room: .init(size: 0.85, damp: 0.3, width: 1, level: 0.75), pickupBars: 2, timing: 0.01,
        parts: [
            Parts.arpeggio("ostinato", program: strings, volume: 86, low: 38, pattern: [0, 0, 1, 0, 2, 0, 1, 0], step: 0.5, pan: 48, reverb: 60, velocity: 86, length: 0.45),
            Parts.pad("strings", program: slowStrings, volume: 84, low: 57, count: 4, pan: 76, reverb: 90, velocity: 70),
            Parts.pad("choir", program: choir, volume: 70, low: 62, count: 3, pan: 64, reverb: 100, velocity: 64),
            Parts.melody("horns", program: frenchHorn, volume: 84, low: 53, motifs: [[(0, 2, 2), (2, 1, 1), (3, 1, 2)], [(0, 3, 3), (3, 1, 2)]], pan: 60, reverb: 90, velocity: 84),
            Parts.arpeggio("piano", program: piano, volume: 70, low: 74, pattern: [0, 1, 2, 1], step: 0.5, pan: 86, reverb: 80, velocity: 64),
            Parts.bass("timpani", program: timpani, volume: 96, low: 38, line: [(0, 1, 0), (2.5, 0.5, 0), (3, 1, 1)], reverb: 70, velocity: 100),
            Parts.drums("drums", kit: orchestraKit, volume: 84, lines: [("x...............", 35, 100)], fill: [("x...........x.x.", 35, 100), ("........oooooooo", 38, 70)], reverb: 80),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Dm", "Bb"], parts: ["strings", "piano"]),
            SegmentSpec(name: "main", chords: ["Dm", "Bb", "F", "C"], parts: ["ostinato", "strings", "choir", "horns", "timpani", "drums"]),
            SegmentSpec(name: "outro", chords: ["Bb", "C", "Dm"], parts: ["ostinato", "strings", "choir", "horns", "timpani", "drums"], once: true),
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
        air: 0.5)

    // MARK: electronic — driving, 125 bpm

    static let electronic = Style(
        name: "electronic", description: "Driving electronic: 808 kit, pumping off-beat bass, arpeggiated saw and a warm pad.",
        mood: ["modern", "tech", "driving"], tempo: 125, key: "A minor",
        room: .init(size: 0.6, damp: 0.6, width: 1, level: 0.5), timing: 0.004, velocitySpread: 0.05,
        parts: [
            Parts.drums("drums", kit: kit808, volume: 100, lines: [("x...x...x...x...", kick, 115), ("....x.......x...", clap, 92), ("..x...x...x...x.", closedHat, 80), ("oooooooooooooooo", shaker, 46)],
                        fill: [("x...x...x...x.x.", kick, 115), ("....x.......x.xx", clap, 92), ("..x...x...x...x.", closedHat, 80)]),
            Parts.bass("bass", program: synthBass2, volume: 94, low: 33, line: [(0.5, 0.4, 0), (1.5, 0.4, 0), (2.5, 0.4, 0), (3.5, 0.4, 2)], velocity: 100),
            Parts.arpeggio("arp", program: sawLead, volume: 56, low: 57, pattern: [0, 1, 2, 3, 2, 1], step: 0.25, pan: 80, reverb: 60, velocity: 80, length: 0.2),
            Parts.pad("pad", program: warmPad, volume: 84, low: 57, count: 4, pan: 50, reverb: 80, velocity: 70),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Am", "F"], parts: ["pad", "arp"]),
            SegmentSpec(name: "main", chords: ["Am", "F", "C", "G"], parts: ["drums", "bass", "arp", "pad"]),
            SegmentSpec(name: "outro", chords: ["F", "G", "Am"], parts: ["drums", "bass", "pad"], once: true),
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
        air: 1.5)

    // MARK: lo-fi chill — dusty, 75 bpm

    static let lofi = Style(
        name: "lofi-chill", description: "Dusty and relaxed: electric piano in ninth chords, lazy swung drums, round bass, dark tone.",
        mood: ["chill", "relaxed", "nostalgic"], tempo: 75, key: "Eb major",
        room: .init(size: 0.35, damp: 0.8, width: 0.7, level: 0.45), timing: 0.025, velocitySpread: 0.12, swing: 0.1,
        parts: [
            Parts.hits("keys", program: rhodes, volume: 92, low: 55, count: 5, at: [(0, 1.5), (1.5, 1.0), (2.5, 1.5)], pan: 56, reverb: 50, velocity: 70),
            Parts.bass("bass", program: fingerBass, volume: 96, low: 27, line: [(0, 1.4, 0), (1.5, 0.4, 0), (2.5, 1, 1), (3.5, 0.4, 2)], velocity: 82),
            Parts.drums("drums", kit: jazzKit, volume: 88, lines: [("x.....x...x.....", kick, 92), ("....o.......o...", snare, 90), ("o.o.o.o.o.o.o.o.", closedHat, 58)],
                        fill: [("x.....x...x.....", kick, 92), ("....o.......o.o.", snare, 90), ("o.o.o.o.o.o.o.o.", closedHat, 58)]),
            Parts.melody("vibes", program: vibraphone, volume: 60, low: 70, motifs: [[(0.5, 1, 2), (2, 1.5, 1)], [(1, 0.5, 3), (1.5, 2, 2)]], pan: 80, reverb: 60, velocity: 66),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Ebmaj9", "Cm9"], parts: ["keys"]),
            SegmentSpec(name: "main", chords: ["Ebmaj9", "Cm9", "Fm9", "Bb9"], parts: ["keys", "bass", "drums", "vibes"]),
            SegmentSpec(name: "outro", chords: ["Fm9", "Bb9", "Ebmaj9"], parts: ["keys", "bass", "drums"], once: true),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("vibes", program: vibraphone, volume: 100,
                                                                         notes: [(70, 0, 2, 90), (74, 0.2, 2, 86), (79, 0.4, 2, 86), (82, 0.6, 2.5, 90)], reverb: 70)]),
            whoosh("whoosh", volume: 80, key: 55),
        ],
        air: -7)

    // MARK: news — urgent, 150 bpm

    static let news = Style(
        name: "news", description: "Urgent and driving: staccato strings, brass stabs, timpani and a pulsing bass, and a brass sting.",
        mood: ["urgent", "serious", "driving"], tempo: 150, key: "C minor",
        room: .init(size: 0.55, damp: 0.4, width: 0.9, level: 0.5), timing: 0.006,
        parts: [
            Parts.arpeggio("strings", program: strings, volume: 90, low: 55, pattern: [0, 1, 2, 1], step: 0.5, pan: 50, reverb: 50, velocity: 90, length: 0.22),
            Parts.hits("brass", program: brass, volume: 84, low: 55, count: 4, at: [(0, 0.4), (1.5, 0.3)], pan: 76, reverb: 55, velocity: 96),
            Parts.bass("pulse", program: synthBass2, volume: 86, low: 24, line: pulseLine, velocity: 96),
            Parts.bass("timpani", program: timpani, volume: 92, low: 36, line: [(0, 1, 0), (2, 1, 1)], reverb: 60, velocity: 104),
            Parts.drums("drums", kit: standardKit, volume: 90, lines: [("x.....x.x.......", kick, 104), ("....x.......x...", snare, 92), ("xoxoxoxoxoxoxoxo", closedHat, 60)],
                        fill: [("x.......x.......", kick, 104), ("....x...xxxx....", snare, 92), ("............xxxx", lowTom, 96)]),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Cm", "Cm"], parts: ["pulse", "strings"]),
            SegmentSpec(name: "main", chords: ["Cm", "Cm", "Ab", "Bb"], parts: ["strings", "brass", "pulse", "timpani", "drums"]),
            SegmentSpec(name: "outro", chords: ["Ab", "Bb", "Cm"], parts: ["strings", "brass", "pulse", "timpani", "drums"], once: true),
        ],
        effects: [
            EffectSpec(name: "sting", kind: "sting", parts: [
                Parts.oneShot("brass", program: brass, volume: 110, notes: [(48, 0, 1.5, 110), (55, 0, 1.5, 110), (60, 0, 1.5, 110), (63, 0, 1.5, 110)], reverb: 60),
                Parts.oneShot("timpani", program: timpani, volume: 110, notes: [(36, 0, 2, 127)], reverb: 60),
                Parts.oneShot("kit", program: standardKit, volume: 110, notes: [(crash, 0, 3, 115), (kick, 0, 1, 120)], drums: true, reverb: 60),
            ]),
            whoosh("whoosh"),
        ],
        air: 1)

    // MARK: lounge jazz — smooth, swung, 90 bpm

    static let loungeJazz = Style(
        name: "lounge-jazz", description: "Smooth and swung: walking upright bass, piano comping, brushes and vibraphone over a ii–V–I.",
        mood: ["smooth", "elegant", "relaxed"], tempo: 90, key: "Bb major",
        room: .init(size: 0.45, damp: 0.6, width: 0.8, level: 0.45), timing: 0.018, velocitySpread: 0.1, swing: 0.16,
        parts: [
            Parts.walking("bass", program: acousticBass, volume: 100, low: 31, velocity: 92),
            Parts.hits("piano", program: piano, volume: 84, low: 58, count: 4, at: [(0, 0.6), (1.5, 0.4), (3, 0.5)], pan: 52, reverb: 45, velocity: 72),
            Parts.drums("drums", kit: brushKit, volume: 92, lines: [("x...x.x.x...x.x.", ride, 74), ("....x.......x...", pedalHat, 70), ("oooooooooooooooo", snare, 40)],
                        fill: [("x...x.x.x...x.x.", ride, 74), ("....x.......x...", pedalHat, 70), ("oooooooooooox.x.", snare, 56)]),
            Parts.melody("vibes", program: vibraphone, volume: 70, low: 70, motifs: [[(0, 1, 2), (1.5, 0.5, 1), (2, 1.5, 3)], [(0.5, 1, 3), (2, 1, 2), (3, 1, 1)]], pan: 80, reverb: 55, velocity: 74),
        ],
        segments: [
            SegmentSpec(name: "intro", chords: ["Cm7", "F7"], parts: ["bass", "piano"]),
            SegmentSpec(name: "main", chords: ["Cm7", "F7", "Bbmaj7", "Gm7"], parts: ["bass", "piano", "drums", "vibes"]),
            SegmentSpec(name: "outro", chords: ["Cm7", "F7", "Bbmaj9"], parts: ["bass", "piano", "drums", "vibes"], once: true),
        ],
        effects: [
            EffectSpec(name: "chime", kind: "chime", parts: [Parts.oneShot("vibes", program: vibraphone, volume: 100,
                                                                         notes: [(70, 0, 2, 86), (74, 0.17, 2, 84), (77, 0.33, 2, 84), (81, 0.5, 2.5, 92)], reverb: 60)]),
            EffectSpec(name: "sting", kind: "sting", parts: [
                Parts.oneShot("piano", program: piano, volume: 110, notes: [(46, 0, 3, 100), (62, 0, 3, 90), (67, 0, 3, 90), (69, 0, 3, 90), (74, 0, 3, 96)], reverb: 60),
                Parts.oneShot("bass", program: acousticBass, volume: 110, notes: [(34, 0, 2, 110)], reverb: 30),
                Parts.oneShot("kit", program: brushKit, volume: 100, notes: [(ride, 0, 2, 100), (kick, 0, 1, 90)], drums: true, reverb: 50),
            ]),
        ])
}
