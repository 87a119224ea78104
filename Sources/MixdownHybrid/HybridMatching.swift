import Foundation
import Dispatch
import MixdownCore
import MixdownDSP
import MixdownMaster
import MixdownSpeech
import MixdownTimeline

/// Hybrid voice in a render (docs/hybrid-voice.md): finds where recorded and synthetic speech
/// meet in the flow, matches the synthetic clips to the recordings' room before planning (their
/// lengths do not change), and lays the room tone under the flow after it.
public struct HybridMatching: Sendable {
    public struct Boundary: Sendable {
        public var from: ItemID
        public var to: ItemID
        /// Which side is the recording.
        public var recordingFirst: Bool
        public var before: HybridVoice.Difference
        public var after: HybridVoice.Difference
    }

    /// One voice item of the speech flow, in script order.
    public struct Voice: Sendable {
        public var id: ItemID
        /// The clip as it will be placed (mono): a recording trimmed and levelled, or synthetic speech.
        public var audio: [Float]
        /// A recording's whole take, levelled like its clip: its room. Nil for synthetic speech.
        public var room: [Float]?
        public init(id: ItemID, audio: [Float], room: [Float]?) { (self.id, self.audio, self.room) = (id, audio, room) }
    }

    public var room: HybridVoice.Room
    /// Reverberation (decay time, 500 Hz–2 kHz) of the recordings and of the synthetic side
    /// as matched.
    public var decay: (recording: Double?, synthetic: Double?)
    /// The room given to the synthetic side (nil: none needed, or no decay to match).
    public var syntheticRoom: HybridVoice.SyntheticRoom?
    public var roomTone: HybridVoice.RoomTone
    public var toneGains: [Double]
    public var recordings: Set<ItemID>
    public var boundaries: [Boundary]

    /// Whether a flow needs matching at all: it holds both a recording and synthetic speech.
    public static func applies(recorded: Int, synthetic: Int) -> Bool { recorded > 0 && synthetic > 0 }

    /// The matching, and the synthetic clips as matched (by item). Nil (matching off) unless
    /// the flow holds both a recording and synthetic speech.
    public static func match(_ flow: [Voice], settings: MasteringSettings, pool: WorkerPool) throws -> (matching: HybridMatching, matched: [ItemID: [Float]])? {
        let voices = flow.map { (key: $0.id, recorded: $0.room != nil) }
        let recorded = voices.filter(\.recorded).map(\.key), synthetic = voices.filter { !$0.recorded }.map(\.key)
        guard applies(recorded: recorded.count, synthetic: synthetic.count) else { return nil }
        var clipAudio = [ItemID: [Float]]()
        for voice in flow { clipAudio[voice.id] = voice.audio }
        func mono(_ key: ItemID) -> [Float] { clipAudio[key] ?? [] }
        let recordings = flow.compactMap(\.room)
        let room = HybridVoice.room(of: recordings)
        let pairs = zip(voices, voices.dropFirst()).filter { $0.recorded != $1.recorded }
        // Loudness and reverberation are matched, and the boundaries measured, as heard:
        // through the speech bus (its de-esser and compressor treat a dry voice differently
        // from a recording), with the room tone under the synthetic side.
        let roomTone = HybridVoice.RoomTone(room)
        let listener = HybridVoice.Listener(roomTone: roomTone) { x in
            var channels = [x]
            SpeechChain.process(&channels, rate: SampleTime.renderRate, settings: settings)
            return channels[0]
        }
        let heardRecordings = listener.chain(Array(recordings.joined()))
        var heard = [ItemID: [Float]]()
        for key in recorded { heard[key] = listener.chain(mono(key)) }
        /// Each boundary's difference, the synthetic side heard through `synthetic` (once per
        /// clip: a clip between two recordings serves both boundaries).
        func differences(_ synthetic: ([Float]) -> [Float]) -> [HybridVoice.Difference] {
            var sides = [ItemID: [Float]]()
            return pairs.map { a, b in
                let (r, s) = a.recorded ? (a.key, b.key) : (b.key, a.key)
                let side = sides[s] ?? synthetic(mono(s))
                sides[s] = side
                return HybridVoice.difference(recorded: heard[r] ?? [], synthetic: side)
            }
        }
        let before = differences { listener.chain($0) }

        let dry = synthetic.map { mono($0) }
        let recordingDecay = listener.decayTime(heard: heardRecordings)
        let beside = Set(pairs.flatMap { [$0, $1] }.filter { !$0.recorded }.compactMap { v in synthetic.firstIndex(of: v.key) })
        let loudness = HybridVoice.speechLoudness(heardRecordings)
        func levelled(_ clip: [Float]) -> [Float] {
            let g = SpeechCleanup.levelGain(clip)
            return clip.map { $0 * g }
        }
        /// The synthetic side made to match: the room first (its reverberation colours the
        /// voice; the EQ then matches what is heard), one EQ for every clip, each back to the
        /// common speech level and then to the recordings' loudness as the bus lets it through.
        func matched(in syntheticRoom: HybridVoice.SyntheticRoom?) -> (audio: [[Float]], gains: [Double], decay: Double?) {
            var audio = dry
            if let syntheticRoom {
                let tail = syntheticRoom.tail()
                audio = pool.map(dry.count) { syntheticRoom.apply(dry[$0], convolver: Convolver(impulse: tail)) }
            }
            let gains = HybridVoice.matchTone(&audio, to: room, beside: beside, pool: pool)
            audio = audio.map(levelled)
            if let loudness {
                let heardGains = HybridVoice.heardLevelGains(audio, target: loudness, listener: listener, measure: beside, pool: pool)
                audio = zip(audio, heardGains).map { clip, g in clip.map { $0 * g } }
            }
            return (audio, gains, HybridVoice.heardDecayTime(audio, listener: listener))
        }
        // The search hears the clips at the level they enter the bus at (its compressor
        // lengthens decays by how far the voice goes over its threshold), but without the EQ
        // and the tails' fade that come after: the decay of the finished side is read once
        // more, and the room's decay corrected by it once if it missed by more than 8 %.
        var syntheticRoom = recordingDecay.flatMap { HybridVoice.matchRoom(dry.map(levelled), target: $0, listener: listener) }
        var result = matched(in: syntheticRoom)
        if let target = recordingDecay, let first = syntheticRoom, let measured = result.decay, abs(measured / target - 1) > 0.08 {
            var corrected = first
            corrected.decaySeconds = min(3, max(0.1, first.decaySeconds * target / measured))
            let second = matched(in: corrected)
            if let again = second.decay, abs(log(again / target)) < abs(log(measured / target)) { (syntheticRoom, result) = (corrected, second) }
        }
        let (audio, gains) = (result.audio, result.gains)
        var matchedClips = [ItemID: [Float]]()
        for (key, clip) in zip(synthetic, audio) { matchedClips[key] = clip; clipAudio[key] = clip }
        // After: the synthetic side as it will sound.
        let after = differences { listener.hear($0) }
        let decay = (recordingDecay, result.decay)
        let matching = HybridMatching(room: room, decay: decay, syntheticRoom: syntheticRoom, roomTone: roomTone, toneGains: gains,
                                      recordings: Set(recorded), boundaries: zip(pairs, zip(before, after)).map { pair, d in
                                          Boundary(from: pair.0.key, to: pair.1.key, recordingFirst: pair.0.recorded, before: d.0, after: d.1)
                                      })
        return (matching, matchedClips)
    }

    /// Where room tone plays and how the recordings' edges cross into it, as a function of
    /// position (so the speech bus can get it block by block).
    public struct RoomLayer: Sendable {
        var roomTone: HybridVoice.RoomTone
        var start = 0, end = 0
        var recordings: [Range<Int>] = []
        /// The room tone's fade at the end of the speech flow: at least 300 ms, so the room
        /// never stops dead into digital silence.
        static let fadeOut = 14_400

        public init(_ matching: HybridMatching, plan: TimelinePlan) {
            roomTone = matching.roomTone
            var voiced = [(range: Range<Int>, recorded: Bool)]()
            for section in plan.sections {
                for item in section.items {
                    let key = item.id
                    switch item.kind {
                    case .speech: voiced.append((item.startSample..<item.endSample, false))
                    case .media where matching.recordings.contains(key): voiced.append((item.startSample..<item.endSample, true))
                    default: break
                    }
                }
            }
            guard let first = voiced.first?.range.lowerBound, let last = voiced.last?.range.upperBound else { return }
            start = max(0, first - HybridVoice.bridge)
            // Through the pauses and paddings to the end of the speech flow (the last section's
            // end), then a fade of at least 300 ms.
            let flowEnd = max(last + HybridVoice.bridge, plan.sections.last?.endSample ?? last)
            end = min(plan.totalSamples, flowEnd + Self.fadeOut)
            recordings = voiced.filter(\.recorded).map(\.range)
        }

        /// Room tone from a bridge before the first voice item to a bridge after the last, except
        /// under the recordings, which carry their own room: at each recording edge the room tone
        /// and the recording's noise cross over with equal power, inside the recording's margin.
        public func add(to block: inout AudioBlock, at blockStart: Int, tone: inout [Float], gains: inout [Float]) {
            let lower = max(start, blockStart), upper = min(end, blockStart + block.frames)
            guard lower < upper else { return }
            let n = upper - lower, b = HybridVoice.bridge
            if tone.count < n { tone = [Float](repeating: 0, count: n); gains = tone }
            var speechGain = [(Int, Float)]()
            let fade = min(Self.fadeOut, end - start)
            for k in 0..<n {
                let i = lower + k - start, fromEnd = end - start - 1 - i
                gains[k] = i < b ? HybridVoice.crossfade(i, b).incoming : 1
                if fromEnd < fade { gains[k] = min(gains[k], HybridVoice.crossfade(fromEnd, fade).incoming) }
            }
            for range in recordings where range.upperBound > lower && range.lowerBound < upper {
                let bridge = min(b, range.count / 2)
                for p in max(lower, range.lowerBound)..<min(upper, range.upperBound) {
                    let fromStart = p - range.lowerBound, fromEnd = range.upperBound - 1 - p
                    let d = min(fromStart, fromEnd)
                    if d < bridge {
                        let (incoming, outgoing) = HybridVoice.crossfade(d, bridge)
                        gains[p - lower] = outgoing
                        speechGain.append((p - blockStart, incoming))
                    } else {
                        gains[p - lower] = 0
                    }
                }
            }
            tone.withUnsafeMutableBufferPointer { roomTone.render(from: lower - start, into: UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
            for c in 0..<block.channelCount {
                block.channels[c].withUnsafeMutableBufferPointer { out in
                    for (at, g) in speechGain { out[at] *= g }
                    for k in 0..<n { out[lower - blockStart + k] += tone[k] * gains[k] }
                }
            }
        }
    }
}
