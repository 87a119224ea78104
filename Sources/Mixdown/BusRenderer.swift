import MixdownCore
import MixdownDSP
import MixdownTemplates
import MixdownTimeline

/// Turns a plan into audio: the speech bus (speech and media inserts, stretched or cut as
/// planned) and the music bus (template segments and effects). Reads only the plan and the
/// prepared clips; every position comes from the plan.
enum BusRenderer {
    /// New segment: a 5 ms fade-in at the boundary; the old one fades out over 150 ms after it.
    static let segmentFadeIn = 240
    static let segmentCrossfade = 7_200
    /// A cut item ends with a 10 ms fade.
    static let cutFade = 480

    /// The speech flow as two buses: speech clips (which the speech chain processes) and media
    /// inserts (placed exactly as they are).
    static func speechBuses(_ plan: TimelinePlan, clips: PreparedClips, insertNames: Set<String>) -> (speech: [[Float]], inserts: [[Float]]) {
        var speech = Array(repeating: [Float](repeating: 0, count: plan.totalSamples), count: 2)
        var inserts = speech
        for (s, section) in plan.sections.enumerated() {
            for item in section.items {
                let isInsert: Bool
                switch item.kind {
                case .speech: isInsert = false
                case .media(let name): isInsert = insertNames.contains(name)
                default: continue
                }
                guard var audio = clips.audio[PreparedClips.Key(section: s, item: item.index)] else { continue }
                if item.placedLength != item.sourceLength {
                    audio = audio.map { TimeStretch.stretch($0, sampleRate: plan.sampleRate, to: item.placedLength) }
                }
                let played = item.endSample - item.startSample
                audio = audio.map { Array($0.prefix(played)) }
                if isInsert {
                    Mixing.add(audio, into: &inserts, at: item.startSample, gain: 1, fadeOut: item.truncated ? cutFade : 0)
                } else {
                    Mixing.add(audio, into: &speech, at: item.startSample, gain: 1, fadeOut: item.truncated ? cutFade : 0)
                }
            }
        }
        return (speech, inserts)
    }

    static func musicBus(_ plan: TimelinePlan, template: SoundTemplate?, clips: PreparedClips) -> [[Float]] {
        var bus = Array(repeating: [Float](repeating: 0, count: plan.totalSamples), count: 2)
        guard let template else { return bus }
        for (r, region) in plan.music.enumerated() {
            guard let segment = template.segments[region.segment] else { continue }
            let previousAbuts = r > 0 && plan.music[r - 1].endSample == region.startSample
            let nextAbuts = r + 1 < plan.music.count && plan.music[r + 1].startSample == region.endSample
            // A region followed by another rings on under it for the crossfade.
            let length = region.endSample - region.startSample + (nextAbuts ? segmentCrossfade : 0)
            segment.render(into: &bus, at: region.startSample, count: length,
                           fadeIn: previousAbuts ? segmentFadeIn : 0,
                           fadeOut: nextAbuts ? segmentCrossfade : region.fadeOut)
        }
        // Section fades shape the bed at the section's edges.
        for section in plan.sections {
            applyFade(&bus, from: section.startSample, length: section.fadeIn, rising: true)
            applyFade(&bus, from: section.endSample - section.fadeOut, length: section.fadeOut, rising: false)
        }
        // Effects play once, where they stand in the flow, on top of the bed.
        for (s, section) in plan.sections.enumerated() {
            for item in section.items {
                guard case .effect = item.kind, let audio = clips.audio[PreparedClips.Key(section: s, item: item.index)] else { continue }
                Mixing.add(audio.map { Array($0.prefix(item.endSample - item.startSample)) }, into: &bus, at: item.startSample,
                           gain: 1, fadeOut: item.truncated ? cutFade : 0)
            }
        }
        return bus
    }

    static func applyFade(_ bus: inout [[Float]], from start: Int, length: Int, rising: Bool) {
        guard length > 0 else { return }
        for c in bus.indices {
            bus[c].withUnsafeMutableBufferPointer { b in
                for i in 0..<length where start + i >= 0 && start + i < b.count {
                    let r = Float(Mixing.ramp(rising ? i : length - 1 - i, length))
                    b[start + i] *= r
                }
            }
        }
    }
}
