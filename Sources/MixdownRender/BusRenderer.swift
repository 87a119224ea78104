import MixdownCore
import MixdownDSP
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

/// Turns a plan into audio, block by block: the speech bus (speech clips, stretched or cut as
/// planned), the insert bus (media inserts, placed exactly as they are) and the music bus
/// (template segments, their seams and crossfades, section fades, effects). Reads only the plan
/// and the prepared clips; every position comes from the plan. A clip is loaded when the render
/// reaches it and dropped when the render has passed it, so memory holds only what is playing.
struct BusRenderer {
    /// New segment: a 5 ms fade-in at the boundary; the old one fades out over 150 ms after it.
    static let segmentFadeIn = 240
    static let segmentCrossfade = 7_200
    /// A cut item ends with a 10 ms fade.
    static let cutFade = 480

    enum Bus { case speech, insert, effect }

    struct Placement {
        var key: ItemID
        var bus: Bus
        var start: Int, end: Int
        var placedLength: Int, sourceLength: Int
        var truncated: Bool
        /// Parts of the clip's pauses taken out before any stretch (clip samples).
        var tightened: [SampleRange]
    }

    let plan: TimelinePlan
    let clips: PreparedClips
    let template: SoundTemplate?
    let placements: [Placement]
    /// Where a playing clip's samples come from: memory (media, effects, stretched speech), or
    /// its file, read a block's worth at a time (speech as spoken: memory stays a block).
    enum Source { case memory([[Float]]), disk(StoredClip) }
    /// Clips playing now, by placement index.
    private var playing: [Int: Source] = [:]
    private var window1: [Float] = []
    private var next = 0
    private var scratch: [[Float]] = [[], []]
    /// The bed before it joins the effects on the music bus.
    private var bedBlock = AudioBlock(channels: 2, capacity: 0)

    init(plan: TimelinePlan, clips: PreparedClips, template: SoundTemplate?, insertNames: Set<String>) {
        self.plan = plan
        self.clips = clips
        self.template = template
        var placements = [Placement]()
        for section in plan.sections {
            for item in section.items {
                let bus: Bus
                switch item.kind {
                case .speech: bus = .speech
                case .media(let name): bus = insertNames.contains(name) ? .insert : .speech
                case .effect: bus = .effect
                case .pause: continue
                }
                let key = item.id
                guard clips.audio[key] != nil, item.endSample > item.startSample else { continue }
                placements.append(Placement(key: key, bus: bus, start: item.startSample, end: item.endSample,
                                            placedLength: item.placedLength, sourceLength: item.sourceLength, truncated: item.truncated,
                                            tightened: item.tightened))
            }
        }
        self.placements = placements.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// The buses for [start, start + frames): each block is overwritten. Pass nil for a bus not wanted.
    mutating func render(at start: Int, frames: Int, speech: inout AudioBlock, inserts: inout AudioBlock?, music: inout AudioBlock?) throws {
        speech.clear(frames: frames)
        inserts?.clear(frames: frames)
        music?.clear(frames: frames)
        let end = start + frames
        // Take on what starts before the block ends; drop what ended before it starts.
        while next < placements.count && placements[next].start < end {
            let p = placements[next]
            if p.end > start && (p.bus == .speech || (p.bus == .insert && inserts != nil) || (p.bus == .effect && music != nil)) {
                playing[next] = try source(for: p)
            }
            next += 1
        }
        // In placement order: sums come out the same whatever the block size.
        for (index, source) in playing.sorted(by: { $0.key < $1.key }) {
            let p = placements[index]
            if p.end <= start { playing[index] = nil; continue }
            let played = p.end - p.start
            let fadeOut = p.truncated ? Self.cutFade : 0
            // The part of the clip this block needs: all of it in memory, or read from disk.
            let window: (audio: [[Float]], offset: Int, count: Int)
            switch source {
            case .memory(let audio):
                window = (audio, 0, played)
            case .disk(let clip):
                let lower = max(0, start - p.start), upper = min(played, end - p.start)
                try clip.read(from: lower, count: upper - lower, into: &window1)
                window = ([window1], lower, upper - lower)
            }
            switch p.bus {
            case .speech:
                Mixing.add(window.audio, count: window.count, sourceOffset: window.offset, sourceLength: played, at: p.start, into: &speech, blockStart: start, gain: 1, fadeOut: fadeOut)
            case .insert:
                if inserts != nil { Mixing.add(window.audio, count: window.count, sourceOffset: window.offset, sourceLength: played, at: p.start, into: &inserts!, blockStart: start, gain: 1, fadeOut: fadeOut) }
            case .effect:
                if music != nil { Mixing.add(window.audio, count: window.count, sourceOffset: window.offset, sourceLength: played, at: p.start, into: &music!, blockStart: start, gain: 1, fadeOut: fadeOut) }
            }
        }
        if music != nil { bed(at: start, into: &music!) }
    }

    /// A clip as placed: stretched to its placed length, cut where the plan cuts it.
    private func source(for p: Placement) throws -> Source {
        if case .stored(let clip) = clips.audio[p.key], p.placedLength == p.sourceLength, p.tightened.isEmpty, p.end - p.start <= clip.length {
            return .disk(clip)
        }
        guard var audio = try clips.load(p.key) else { return .memory([]) }
        if !p.tightened.isEmpty { audio = audio.map { Self.removing(p.tightened, from: $0) } }
        if p.bus == .speech || p.bus == .insert, p.placedLength != audio[0].count {
            audio = audio.map { TimeStretch.stretch($0, sampleRate: plan.sampleRate, to: p.placedLength) }
        }
        let played = p.end - p.start
        return .memory(audio.map { $0.count > played ? Array($0.prefix(played)) : $0 + [Float](repeating: 0, count: played - $0.count) })
    }

    /// A pause's part taken out is joined with a 2.5 ms crossfade: the pause is near silence,
    /// and the crossfade keeps its room tone from clicking.
    static let tightenCrossfade = 120

    /// `audio` without the `ranges` (ascending, disjoint), each join crossfaded.
    static func removing(_ ranges: [SampleRange], from audio: [Float]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(audio.count)
        var from = 0
        for r in ranges {
            out.append(contentsOf: audio[from..<r.startSample])
            // The last samples kept fade into the last ones taken out, which lead into the rest.
            let fade = min(tightenCrossfade, r.length, r.startSample - from)
            for k in 0..<fade {
                let t = Float(k + 1) / Float(fade + 1)
                let i = out.count - fade + k
                out[i] = out[i] * (1 - t) + audio[r.endSample - fade + k] * t
            }
            from = r.endSample
        }
        out.append(contentsOf: audio[from...])
        return out
    }

    /// The template's segments and the sections' fades, added into `music` (effects are already in it).
    private mutating func bed(at start: Int, into music: inout AudioBlock) {
        guard let template else { return }
        let end = start + music.frames
        if bedBlock.capacity < music.frames { bedBlock = AudioBlock(channels: music.channelCount, capacity: music.frames) }
        var bed = bedBlock
        bedBlock = AudioBlock(channels: 0, capacity: 0)   // moved out and back: no copy
        defer { bedBlock = bed }
        bed.clear(frames: music.frames)
        for (r, region) in plan.music.enumerated() {
            guard let segment = template.segments[region.segment] else { continue }
            let previousAbuts = r > 0 && plan.music[r - 1].endSample == region.startSample
            let nextAbuts = r + 1 < plan.music.count && plan.music[r + 1].startSample == region.endSample
            // A region followed by another rings on under it for the crossfade.
            let length = region.endSample - region.startSample + (nextAbuts ? Self.segmentCrossfade : 0)
            let from = max(0, start - region.startSample), to = min(length, end - region.startSample)
            guard from < to else { continue }
            let fadeOut = nextAbuts ? Self.segmentCrossfade : region.fadeOut
            if scratch[0].count < to - from { scratch = Array(repeating: [Float](repeating: 0, count: max(to - from, 4_096)), count: music.channelCount) }
            // Segment time: a region may enter its segment past the file's start (main2's loop start).
            segment.playback(from: region.sourceStart + from, count: to - from, once: region.playsOnce, into: &scratch)
            Mixing.add(scratch, count: to - from, sourceOffset: from, sourceLength: length, at: region.startSample, into: &bed,
                       blockStart: start, gain: segment.gain, fadeIn: previousAbuts ? Self.segmentFadeIn : 0, fadeOut: fadeOut)
        }
        // Section fades shape the bed at the section's edges.
        for section in plan.sections {
            fade(&bed, at: start, from: section.startSample, length: section.fadeIn, rising: true)
            fade(&bed, at: start, from: section.endSample - section.fadeOut, length: section.fadeOut, rising: false)
        }
        music.add(bed)
    }

    private func fade(_ block: inout AudioBlock, at blockStart: Int, from: Int, length: Int, rising: Bool) {
        guard length > 0 else { return }
        let lower = max(from, blockStart), upper = min(from + length, blockStart + block.frames)
        guard lower < upper else { return }
        for c in 0..<block.channelCount {
            block.channels[c].withUnsafeMutableBufferPointer { b in
                for p in lower..<upper {
                    let i = p - from
                    b[p - blockStart] *= Float(Mixing.ramp(rising ? i : length - 1 - i, length))
                }
            }
        }
    }
}
