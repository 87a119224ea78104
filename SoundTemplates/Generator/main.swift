// Rebuilds the shipped sound templates: `make templates` (or
// `swift run -c release mixdown-templates SoundTemplates [NAME…]`). Each template is composed
// here (chords, patterns, arrangement, humanised timing and velocity, all seeded), played by
// FluidSynth with the General MIDI SoundFont FluidR3_GM (real instrument recordings), and given
// its own small master: one gain per template puts every `main` at −18 LUFS. The same
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
let soundFont = environment["MIXDOWN_SOUNDFONT"] ?? "/usr/share/sounds/sf2/FluidR3_GM.sf2"
guard FileManager.default.fileExists(atPath: soundFont) else {
    FileHandle.standardError.write(Data("mixdown-templates: no SoundFont at \(soundFont): install fluid-soundfont-gm (make templates does) or set MIXDOWN_SOUNDFONT\n".utf8))
    exit(1)
}
let work = NSTemporaryDirectory() + "mixdown-templates-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }
let synth = FluidSynth(soundFont: soundFont, work: work)

/// Every bed's `main` loop sits here (BS.1770 integrated, over the loop).
let bedLoudness = -18.0
/// Every effect's loudest 400 ms sits here.
let effectLoudness = -17.0
/// Audio kept after a loop's end: the ring the seam crossfades into.
let tailSamples = 4_800

struct Rendered {
    var name: String
    var audio: AudioBuffer
    var loop: (start: Int, end: Int)?
    var bars: Int
}

/// A looping segment is written as its last bar (the pickup, whose ring reaches the loop's
/// start exactly as the last bar's ring reaches the loop's end), the loop, and its first bar
/// again (the audio after the loop end, for the seam). A segment played once rings out.
func render(_ style: Style, _ segment: SegmentSpec) throws -> Rendered {
    let n = segment.chords.count
    let beats = Double(style.beatsPerBar)
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
    let used = style.parts.filter { segment.parts.contains($0.name) }
    let midi = MIDIFile.bytes(notes: notes, controls: style.setup(used), tempo: style.tempo, beatsPerBar: style.beatsPerBar)
    var audio = try synth.render(midi, name: "\(style.name)-\(segment.name)", room: style.room)
    shape(&audio, style)
    if segment.once { return Rendered(name: segment.name, audio: ringOut(audio), loop: nil, bars: n) }
    let start = style.pickupBars * style.barSamples, end = start + n * style.barSamples
    return Rendered(name: segment.name, audio: cut(audio, to: end + tailSamples), loop: (start, end), bars: n)
}

func render(_ style: Style, _ effect: EffectSpec) throws -> Rendered {
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
    var audio = try synth.render(midi, name: "\(style.name)-\(effect.name)", room: style.room)
    shape(&audio, style)
    return Rendered(name: effect.name, audio: ringOut(audio), loop: nil, bars: 0)
}

/// The template's tone: a gentle high-pass under the bass, and its high shelf.
func shape(_ audio: inout AudioBuffer, _ style: Style) {
    let chain = FilterChain([Biquad.highPass(28, rate: 48_000), Biquad.highShelf(6_000, gainDB: style.air, rate: 48_000)])
    for c in audio.channels.indices { chain.process(&audio.channels[c]) }
}

func cut(_ audio: AudioBuffer, to frames: Int) -> AudioBuffer {
    AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { ch in
        ch.count >= frames ? Array(ch.prefix(frames)) : ch + [Float](repeating: 0, count: frames - ch.count)
    })
}

/// Trims what is below −80 dBFS at the end, and fades the last 10 ms to silence.
func ringOut(_ audio: AudioBuffer) -> AudioBuffer {
    let floor: Float = 1e-4
    var last = 0
    for ch in audio.channels { if let i = ch.lastIndex(where: { abs($0) > floor }) { last = max(last, i) } }
    var out = cut(audio, to: min(audio.frameCount, last + 480))
    let fade = min(480, out.frameCount)
    for c in out.channels.indices {
        for k in 0..<fade { out.channels[c][out.frameCount - fade + k] *= Float(fade - 1 - k) / Float(fade) }
    }
    return out
}

func scaled(_ audio: AudioBuffer, _ gain: Double) -> AudioBuffer {
    AudioBuffer(sampleRate: audio.sampleRate, channels: audio.channels.map { $0.map { $0 * Float(gain) } })
}

func db(_ v: Double) -> String { String(format: "%.1f", v) }

func build(_ style: Style) throws {
    let segments = try style.segments.map { try render(style, $0) }
    let effects = try style.effects.map { try render(style, $0) }
    // One gain for the template: its main loop at the library's bed loudness.
    let main = segments.first { $0.name == "main" }!
    let loop = AudioBuffer(sampleRate: 48_000, channels: main.audio.channels.map { Array($0[main.loop!.start..<main.loop!.end]) })
    let gain = pow(10, (bedLoudness - AudioAnalysis.analyze(loop).integratedLufs!) / 20)
    let folder = library + "/" + style.name
    try? FileManager.default.removeItem(atPath: folder)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var lines = [String]()
    for s in segments {
        var out = scaled(s.audio, gain)
        // An intro is the bed thinned out: it may sit up to 3 LU under main, no further.
        if s.name == "intro", let lufs = AudioAnalysis.analyze(out).integratedLufs, lufs < bedLoudness - 3 {
            out = scaled(out, pow(10, (bedLoudness - 3 - lufs) / 20))
        }
        let a = AudioAnalysis.analyze(out)
        guard let tp = a.truePeakDbtp, tp < -1 else { throw GeneratorError("\(style.name)/\(s.name) peaks at \(a.truePeakDbtp ?? 0) dBTP") }
        _ = try AudioEncoder.encode(out, as: .flac, to: "\(folder)/\(s.name).flac")
        lines.append("  \(s.name): \(out.frameCount) samples, \(db(a.integratedLufs ?? -99)) LUFS, true peak \(db(tp)) dBTP")
    }
    for e in effects {
        let momentary = AudioAnalysis.analyze(e.audio).momentaryMaxLufs!
        let out = scaled(e.audio, pow(10, (effectLoudness - momentary) / 20))
        let tp = AudioAnalysis.analyze(out).truePeakDbtp!
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
    text += "  \"tempo\": \(Int(style.tempo)),\n"
    text += "  \"beatsPerBar\": \(style.beatsPerBar),\n"
    text += "  \"key\": \(quoted(style.key)),\n"
    text += "  \"defaultSegment\": \"main\",\n"
    text += "  \"segments\": {\n"
    text += segments.map { s in
        if s.loop != nil {
            return "    \(quoted(s.name)): { \"file\": \"\(s.name).flac\", \"loopStartBar\": \(style.pickupBars), \"loopEndBar\": \(s.bars + style.pickupBars) }"
        }
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
