import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownTemplates

@Suite struct SegmentPlayerTests {
    /// A 441.3 Hz tone: a 1 s loop is not a whole number of periods, so a hard loop would jump.
    static func segment(frames: Int, loopStart: Int, loopEnd: Int) -> SoundTemplate.Segment {
        let tone = (0..<frames).map { Float(0.5 * sin(2 * Double.pi * 441.3 * Double($0) / 48_000)) }
        return SoundTemplate.Segment(name: "t", audio: AudioBuffer(sampleRate: 48_000, channels: [tone, tone]),
                                     loopStart: loopStart, loopEnd: loopEnd, gain: 1)
    }

    static func largestStep(_ x: [Float]) -> Float { zip(x, x.dropFirst()).map { abs($1 - $0) }.max()! }

    @Test("seams are click-free", arguments: [
        ("into the tail", 60_000, 0, 48_000),
        ("from the pre-roll", 60_000, 12_000, 60_000),
        ("overlapping end and start", 48_000, 0, 48_000),
    ])
    func seamsAreClickFree(mode: String, frames: Int, loopStart: Int, loopEnd: Int) {
        let s = Self.segment(frames: frames, loopStart: loopStart, loopEnd: loopEnd)
        let out = s.playback(count: 200_000)[0]
        let toneStep = Float(0.5 * 2 * Double.pi * 441.3 / 48_000)   // the tone's own largest step
        #expect(Self.largestStep(out) <= toneStep * 1.05, "\(mode): largest step \(Self.largestStep(out)) vs \(toneStep)")
        // Without the crossfade the same loop would click: the raw jump at loopEnd → loopStart.
        let raw = abs(s.audio.channels[0][loopStart] - s.audio.channels[0][loopEnd - 1])
        #expect(raw > toneStep * 2, "\(mode): the test loop must be a hard one")
    }

    @Test func playbackFollowsTheLoopPoints() {
        let s = Self.segment(frames: 60_000, loopStart: 0, loopEnd: 48_000)
        let out = s.playback(count: 150_000)[0]
        let src = s.audio.channels[0]
        // Before the first seam: the file itself; after each seam's crossfade: the loop again.
        #expect(Array(out[0..<48_000]) == Array(src[0..<48_000]))
        #expect(Array(out[(48_000 + 960)..<96_000]) == Array(src[960..<48_000]))
        #expect(Array(out[(96_000 + 960)..<144_000]) == Array(src[960..<48_000]))
    }
}
