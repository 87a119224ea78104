// Rebuilds the shipped sound templates: `make templates` (or
// `swift run -c release mixdown-templates SoundTemplates [NAME…]`). Each template is composed
// here (chords, patterns, arrangement, humanised timing and velocity, all seeded), played by
// FluidSynth with the MuseScore General SoundFont (sampled instruments), and mixed here
// (Mix.swift: tone, a stereo room, texture, width, bus compression and a true-peak limiter)
// so that every `main` sits at −18 LUFS with a glued, wide, never-silent bed. The same
// SoundFont and FluidSynth give the same bytes, so the committed FLACs can always be rebuilt.
import Foundation
import MixdownCore
import MixdownDSP
import MixdownDelivery
import MixdownIO

let arguments = Array(CommandLine.arguments.dropFirst())
let library = arguments.first ?? "SoundTemplates"
let only = Set(arguments.dropFirst())
let environment = ProcessInfo.processInfo.environment
let soundFont = environment["MIXDOWN_SOUNDFONT"] ?? "/usr/share/sounds/sf2/MuseScore_General_Full.sf2"
guard FileManager.default.fileExists(atPath: soundFont) else {
    FileHandle.standardError.write(Data("mixdown-templates: no SoundFont at \(soundFont): install musescore-general-soundfont-lossless (make templates does) or set MIXDOWN_SOUNDFONT\n".utf8))
    exit(1)
}
let work = NSTemporaryDirectory() + "mixdown-templates-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }
let synth = FluidSynth(soundFont: soundFont, work: work)

/// Every bed's `main` (and `main2`) loop sits here (BS.1770 integrated, over the loop).
let bedLoudness = -18.0
/// The bus limiter's true-peak ceiling over a bed at `bedLoudness`: peak-to-loudness at most
/// 10.5 dB (a produced bed is glued; a raw General MIDI render runs 15 dB and more).
let bedCeiling = bedLoudness + 10.5
/// Every effect's loudest 400 ms sits here.
let effectLoudness = -17.0
/// Audio kept after a loop's end: the ring the seam crossfades into.
let tailSamples = 4_800
/// Silence appended to a segment played once, for the room's tail to ring into.
let ringSamples = 3 * 48_000
/// Silence put ahead of a segment played once while it is mixed (the limiter looks ahead).
let leadIn = 512

struct Rendered {
    var name: String
    var audio: AudioBuffer
    var loop: (start: Int, end: Int)?
    var bars: Int
    /// A button's last note-on (samples from the file's start).
    var lastOnset: Int?
}

/// FluidSynth's render of a segment, dry of the template's mix. A looping segment is written as
/// its loop's last bar (the pickup, whose ring reaches the loop's start exactly as the last
/// bar's ring reaches the loop's end), the loop, and its first bar again; a segment played
/// once rings out.
func perform(_ style: Style, _ segment: SegmentSpec) throws -> Rendered {
    let n = segment.chords.count
    let beats = Double(style.beatsPerBar)
    let used = style.parts.filter { segment.parts.contains($0.name) }
    if segment.name == "button" {
        let (notes, lastOnset) = style.buttonNotes(segment)
        let midi = MIDIFile.bytes(notes: notes, controls: style.setup(used), tempo: style.tempo, beatsPerBar: style.beatsPerBar)
        let audio = try synth.render(midi, name: "\(style.name)-\(segment.name)", room: style.room)
        let onset = Int((lastOnset * Double(MIDIFile.ticksPerBeat)).rounded()) * style.beatSamples / MIDIFile.ticksPerBeat
        return Rendered(name: segment.name, audio: audio, loop: nil, bars: 1, lastOnset: onset)
    }
    let bars = (0..<n).map { style.bar(segment, $0) }
    var notes = [Note]()
    func place(_ bar: [Note], at index: Int) { notes += bar.map { var m = $0; m.start += Double(index) * beats; return m } }
    if segment.once {
        for i in 0..<n { place(bars[i], at: i) }
    } else {
        let pickup = style.pickupBars
        for k in 0..<pickup { place(bars[((n - pickup + k) % n + n) % n], at: k) }
        for i in 0..<n { place(bars[i], at: i + pickup) }
        place(bars[0], at: n + pickup)
    }
    let midi = MIDIFile.bytes(notes: notes, controls: style.setup(used), tempo: style.tempo, beatsPerBar: style.beatsPerBar)
    let audio = try synth.render(midi, name: "\(style.name)-\(segment.name)", room: style.room)
    if segment.once { return Rendered(name: segment.name, audio: audio, loop: nil, bars: n) }
    let start = style.pickupBars * style.barSamples, end = start + n * style.barSamples
    return Rendered(name: segment.name, audio: cut(audio, to: end + tailSamples), loop: (start, end), bars: n)
}

func perform(_ style: Style, _ effect: EffectSpec) throws -> Rendered {
    var notes = [Note]()
    for part in effect.parts {
        var bar = Bar(chord: Chord("C"), next: Chord("C"), index: 0, count: 1, beats: style.beatsPerBar, segment: effect.name, isFinal: true,
                      rng: SplitMix(seed: style.seed("effect", effect.name, part.name)), timing: 0, velocitySpread: 0, swing: 0)
        bar.channel = style.channel(of: part, among: effect.parts)
        notes += part.play(&bar)
    }
    let automation = effect.parts.flatMap { part in
        part.automation.map { Control(channel: style.channel(of: part, among: effect.parts), kind: $0.kind, at: $0.at) }
    }
    let midi = MIDIFile.bytes(notes: notes, controls: style.setup(effect.parts) + automation, tempo: style.tempo, beatsPerBar: style.beatsPerBar)
    let audio = try synth.render(midi, name: "\(style.name)-\(effect.name)", room: style.room)
    return Rendered(name: effect.name, audio: audio, loop: nil, bars: 0)
}

/// What the template's mix needs to know beyond its settings: the level its texture and
/// saturation are set against, the width gain, the bus gain, and the seed of its noise.
struct Bus {
    var reference: Float
    var sideGain: Float = 1
    var gain: Float = 1
    var seed: UInt64
}

/// The colour stage (tone, room, saturation, texture, width), then the glue (gain, bus
/// compressor, true-peak limiter). A loop is processed as three copies of itself and the
/// middle one kept (with the pickup before it and the seam's tail after it), so every
/// stateful stage (room tail, compressor, limiter, texture) is periodic: the seam is as
/// continuous as the material.
func mixed(_ r: Rendered, _ style: Style, _ bus: Bus, glue: Bool = true, texture: Bool = true) -> AudioBuffer {
    let s = style.mix
    var input: AudioBuffer
    var period: Int?
    if let loop = r.loop {
        let length = loop.end - loop.start
        input = AudioBuffer(sampleRate: 48_000, channels: r.audio.channels.map { ch in
            let l = Array(ch[loop.start..<loop.end]); return l + l + l
        })
        period = length
    } else {
        // `leadIn` samples of silence ahead, so the limiter's look-ahead reaches a hit on the
        // very first sample; dropped again below.
        input = AudioBuffer(sampleRate: 48_000, channels: r.audio.channels.map { [Float](repeating: 0, count: leadIn) + $0 + [Float](repeating: 0, count: ringSamples) })
    }
    Mix.tone(&input, s)
    Mix.room(&input, s)
    Mix.saturate(&input, amount: s.saturation, reference: bus.reference)
    if texture, s.hiss != nil || s.crackle != nil {
        // A loop's texture repeats with the loop; a segment played once has it while its
        // music sounds, faded out over its last half second.
        let n = period ?? min(input.frameCount, r.audio.frameCount)
        let noise = Mix.texture(length: n, seed: bus.seed &+ (period == nil ? 0x5151 : 0), reference: bus.reference, hiss: s.hiss, crackle: s.crackle)
        let fade = period == nil ? min(n, 24_000) : 0
        for c in 0..<2 {
            for i in 0..<(period == nil ? n : input.frameCount) {
                let k = i % n
                input.channels[c][i] += noise[c][k] * (k >= n - fade ? Float(n - k) / Float(fade) : 1)
            }
        }
    }
    Mix.width(&input, sideGain: bus.sideGain)
    for c in 0..<2 { for i in 0..<input.frameCount { input.channels[c][i] *= bus.gain } }
    if glue {
        Compressor(thresholdDB: bedCeiling + s.glueThreshold, ratio: s.glueRatio, kneeDB: 6, attackSeconds: 0.02, releaseSeconds: 0.25)
            .process(&input.channels, rate: 48_000)
        input = PeakLimiter(ceiling: Float(pow(10, bedCeiling / 20)), lookAhead: 240, releaseSamples: 7_200, truePeak: true).process(input, gain: 1)
    }
    guard let loop = r.loop else {
        input = AudioBuffer(sampleRate: 48_000, channels: input.channels.map { Array($0.dropFirst(leadIn)) })
        // A button is heard up to 1.5 s after its last onset (the planner fades what rings
        // past the programme's end): it keeps 2 s after it, the last 0.8 s faded out.
        if let onset = r.lastOnset { return ringOut(faded(cut(input, to: min(input.frameCount, onset + 96_000)), over: 38_400)) }
        return ringOut(input)
    }
    // The processed loop is circular (three copies, the middle one kept), so it may start on
    // any of its bar lines: the seam goes where the music itself changes least (the smallest
    // 50 ms level jump), so it is never more of a jump than the material's own.
    let length = loop.end - loop.start
    let seam = (0..<(length / style.barSamples)).map { $0 * style.barSamples }
        .min { levelJump(input, at: length + $0) < levelJump(input, at: length + $1) } ?? 0
    return AudioBuffer(sampleRate: 48_000, channels: input.channels.map { Array($0[(length + seam - loop.start)..<(2 * length + seam + tailSamples)]) })
}

/// The level jump (dB) between the 50 ms before `at` and the 50 ms from it, both channels.
func levelJump(_ audio: AudioBuffer, at: Int) -> Double {
    let window = 2_400
    func level(_ start: Int) -> Double {
        var sum = 0.0
        for c in 0..<2 { for i in start..<(start + window) { let x = Double(audio.channels[c][i]); sum += x * x } }
        return 10 * log10(sum / Double(2 * window) + 1e-30)
    }
    return abs(level(at) - level(at - window))
}

func cut(_ audio: AudioBuffer, to frames: Int) -> AudioBuffer {
    AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { ch in
        ch.count >= frames ? Array(ch.prefix(frames)) : ch + [Float](repeating: 0, count: frames - ch.count)
    })
}

/// Ends where the ring falls under −60 dBFS (42 dB under the bed, inaudible under any
/// programme's last moment), the last 200 ms faded to silence.
func ringOut(_ audio: AudioBuffer) -> AudioBuffer {
    let floor: Float = 1e-3
    var last = 0
    for ch in audio.channels { if let i = ch.lastIndex(where: { abs($0) > floor }) { last = max(last, i) } }
    return faded(cut(audio, to: min(audio.frameCount, last + 2_400)), over: 9_600)
}

/// The last `over` samples faded to silence (a raised-cosine).
func faded(_ audio: AudioBuffer, over: Int) -> AudioBuffer {
    var out = audio
    let n = min(over, audio.frameCount), start = audio.frameCount - n
    for c in out.channels.indices {
        for k in 0..<n { out.channels[c][start + k] *= Float(0.5 + 0.5 * cos(Double.pi * Double(k) / Double(n))) }
    }
    return out
}

func scaled(_ audio: AudioBuffer, _ gain: Double) -> AudioBuffer {
    AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { $0.map { $0 * Float(gain) } })
}

func loopOf(_ audio: AudioBuffer, _ r: Rendered) -> AudioBuffer {
    guard let loop = r.loop else { return audio }
    return AudioBuffer(sampleRate: 48_000, channels: audio.channels.map { Array($0[loop.start..<loop.end]) })
}

/// A loop's quietest 50 ms block (dBFS), the level jump across its seam and the 99th
/// percentile of the jumps elsewhere (50 ms either side of every 10 ms point), the loop played
/// twice: what the library's tests measure.
func seamAndFloor(_ loop: AudioBuffer) -> (Double, Double, Double) {
    let n = loop.frameCount, window = 2_400
    func level(_ start: Int) -> Double {
        var sum = 0.0
        for c in 0..<2 { for i in start..<(start + window) { let x = Double(loop.channels[c][i % n]); sum += x * x } }
        return 10 * log10(sum / Double(2 * window) + 1e-30)
    }
    var quietest = 0.0, k = 0
    while k + window <= n { quietest = min(quietest, level(k)); k += window }
    var jumps = [Double]()
    var t = window
    while t < n - window { jumps.append(abs(level(t) - level(t - window))); t += 480 }
    jumps.sort()
    return (quietest, abs(level(n) - level(n - window)), jumps[min(jumps.count - 1, Int(Double(jumps.count) * 0.99))])
}

/// The gain into the glue that puts a looping segment at the bed loudness once compressed
/// and limited (each pass measures the glued loop; a few converge to 0.05 LU).
func bedGain(_ r: Rendered, _ style: Style, _ start: Bus) -> Float {
    var bus = start
    let dry = AudioAnalysis.analyze(loopOf(mixed(r, style, bus, glue: false), r)).integratedLufs ?? -30
    bus.gain = Float(pow(10, (bedLoudness - dry) / 20))
    for _ in 0..<8 {
        let lufs = AudioAnalysis.analyze(loopOf(mixed(r, style, bus), r)).integratedLufs ?? bedLoudness
        if abs(lufs - bedLoudness) < 0.05 { break }
        bus.gain *= Float(pow(10, (bedLoudness - lufs) / 20))
    }
    return bus.gain
}

func db(_ v: Double) -> String { String(format: "%.1f", v) }

func build(_ style: Style) throws {
    let segments = try style.segments.map { try perform(style, $0) }
    let effects = try style.effects.map { try perform(style, $0) }
    guard let main = segments.first(where: { $0.name == "main" }), main.loop != nil else { throw GeneratorError("\(style.name) has no looping main") }
    // The bus: texture against the dry main's level, width from the coloured main, and the
    // gain that puts the glued main loop at the bed loudness (a few passes converge to 0.05 LU).
    var bus = Bus(reference: Mix.rms(loopOf(main.audio, main)), seed: style.seed("texture"))
    bus.sideGain = Mix.sideGain(for: loopOf(mixed(main, style, bus, glue: false), main), target: style.mix.sideToMid)
    bus.gain = bedGain(main, style, bus)
    let folder = library + "/" + style.name
    try? FileManager.default.removeItem(atPath: folder)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var lines = [String]()
    for s in segments {
        // Each segment's own width to the template's side-to-mid (an intro of two
        // instruments is as wide as the full band).
        var own = bus
        own.sideGain = Mix.sideGain(for: loopOf(mixed(s, style, bus, glue: false), s), target: style.mix.sideToMid) * bus.sideGain
        // main2 gets a gain of its own into the glue (its arrangement may be lighter), so it
        // too sits at the bed loudness under the same ceiling.
        if s.name == "main2" { own.gain = bedGain(s, style, own) }
        var out = mixed(s, style, own)
        // Heavy glue narrows the mid's peaks more than the side's steady tail: where it moved
        // the image by more than 1 dB, the width is set again on the glued sound.
        if s.loop != nil, let sm = AudioAnalysis.analyze(loopOf(out, s)).sideToMidDb, abs(sm - style.mix.sideToMid) > 1 {
            own.sideGain *= Float(pow(10, (style.mix.sideToMid - sm) / 20))
            if s.name == "main2" { own.gain = bedGain(s, style, own) }
            out = mixed(s, style, own)
        }
        // What the glue's gain left (under 0.5 dB where the limiter works hardest): main and
        // main2 at the bed loudness exactly, their true peak still within 11 dB of it.
        if s.name == "main" || s.name == "main2", let lufs = AudioAnalysis.analyze(loopOf(out, s)).integratedLufs {
            out = scaled(out, pow(10, (bedLoudness - lufs) / 20))
        }
        // An intro is the bed thinned out: it may sit up to 3 LU under main, no further.
        if s.name == "intro", let lufs = AudioAnalysis.analyze(out).integratedLufs, lufs < bedLoudness - 3 {
            out = scaled(out, pow(10, (bedLoudness - 3 - lufs) / 20))
        }
        let a = AudioAnalysis.analyze(loopOf(out, s))
        guard let tp = a.truePeakDbtp, tp < -1 else { throw GeneratorError("\(style.name)/\(s.name) peaks at \(a.truePeakDbtp ?? 0) dBTP") }
        _ = try AudioEncoder.encode(out, as: .flac, to: "\(folder)/\(s.name).flac")
        var line = "  \(s.name): \(out.frameCount) samples, \(db(a.integratedLufs ?? -99)) LUFS, true peak \(db(tp)) dBTP, "
            + "correlation \(String(format: "%.2f", a.stereoCorrelation ?? 0)), side/mid \(db(a.sideToMidDb ?? -99)) dB"
        if s.loop != nil {
            let (quietest, seam, p99) = seamAndFloor(loopOf(out, s))
            line += ", quietest 50 ms \(db(quietest)) dBFS, seam jump \(db(seam)) dB (99th percentile \(db(p99)))"
        }
        lines.append(line)
    }
    for e in effects {
        let coloured = mixed(e, style, bus, glue: false, texture: false)
        let momentary = AudioAnalysis.analyze(coloured).momentaryMaxLufs ?? effectLoudness
        let out = scaled(coloured, pow(10, (effectLoudness - momentary) / 20))
        let tp = AudioAnalysis.analyze(out).truePeakDbtp ?? 0
        guard tp < -1 else { throw GeneratorError("\(style.name)/\(e.name) peaks at \(tp) dBTP") }
        _ = try AudioEncoder.encode(out, as: .flac, to: "\(folder)/\(e.name).flac")
        lines.append("  \(e.name): \(out.frameCount) samples, true peak \(db(tp)) dBTP")
    }
    try manifest(style, segments).write(toFile: "\(folder)/template.json", atomically: true, encoding: .utf8)
    print("\(folder): \(style.description)")
    lines.forEach { print($0) }
}

/// `template.json`, written by hand so that its order and layout never change.
func manifest(_ style: Style, _ segments: [Rendered]) -> String {
    func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
    var text = "{\n"
    text += "  \"name\": \(quoted(style.name)),\n"
    text += "  \"description\": \(quoted(style.description)),\n"
    text += "  \"mood\": [\(style.mood.map(quoted).joined(separator: ", "))],\n"
    text += "  \"genre\": [\(style.genre.map(quoted).joined(separator: ", "))],\n"
    text += "  \"instruments\": [\(style.instruments.map(quoted).joined(separator: ", "))],\n"
    text += "  \"tempo\": \(Int(style.tempo)),\n"
    text += "  \"beatsPerBar\": \(style.beatsPerBar),\n"
    text += "  \"key\": \(quoted(style.key)),\n"
    text += "  \"defaultSegment\": \"main\",\n"
    text += "  \"segments\": {\n"
    text += segments.map { s in
        if s.loop != nil {
            return "    \(quoted(s.name)): { \"file\": \"\(s.name).flac\", \"loopStartBar\": \(style.pickupBars), \"loopEndBar\": \(s.bars + style.pickupBars) }"
        }
        if let onset = s.lastOnset { return "    \(quoted(s.name)): { \"file\": \"\(s.name).flac\", \"lastOnsetSample\": \(onset) }" }
        return "    \(quoted(s.name)): { \"file\": \"\(s.name).flac\" }"
    }.joined(separator: ",\n") + "\n  },\n"
    text += "  \"effects\": {\n"
    text += style.effects.map { e in "    \(quoted(e.name)): { \"file\": \"\(e.name).flac\", \"description\": \(quoted(e.kind)) }" }.joined(separator: ",\n")
    text += "\n  }\n}\n"
    return text
}

for style in Library.styles where only.isEmpty || only.contains(style.name) {
    do {
        try build(style)
    } catch {
        FileHandle.standardError.write(Data("mixdown-templates: \(style.name): \(error)\n".utf8))
        exit(1)
    }
}
