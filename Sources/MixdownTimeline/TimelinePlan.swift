import MixdownCore
import MixdownScript

/// What the planner needs to know about the content: per section its flow of items and their
/// lengths in samples (speech after trimming, media as decoded, breaks as written, effects
/// as their audio — effects play over the flow and take no time in it).
public struct PlanInput: Sendable {
    public struct Item: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case speech(text: String)
            case pause
            case media(name: String)
            case effect(name: String)
        }
        public var kind: Kind
        public var length: Int
        /// The script item it is (nil in plans made without a script: the planner numbers them).
        public var id: ItemID?
        /// Speech: the silent runs inside the clip (clip samples), the pauses the engine made,
        /// which `overflow: fit` may shorten.
        public var pauses: [SampleRange] = []
        /// Speech: where its words are in the clip (clip samples, in order). A cut falls only at
        /// a word's start or end, never inside one.
        public var words: [SampleRange] = []
        /// An effect: ends at its point (`align: end`) rather than starting there.
        public var alignEnd = false
        /// An effect: moved by this many samples (negative: earlier).
        public var offset = 0
        public init(_ kind: Kind, length: Int, id: ItemID? = nil) { (self.kind, self.length, self.id) = (kind, length, id) }
        var takesTime: Bool { if case .effect = kind { return false }; return true }
        var isSpeech: Bool { if case .speech = kind { return true }; return false }
    }

    public struct Section: Sendable {
        public var name: String
        public var soundSegment: SoundSegmentChoice?
        public var items: [Item]
        public var properties: SectionProperties
        public init(name: String, soundSegment: SoundSegmentChoice?, items: [Item], properties: SectionProperties = .init()) {
            (self.name, self.soundSegment, self.items, self.properties) = (name, soundSegment, items, properties)
        }
    }

    /// The shape of the sound template, as far as timing cares.
    public struct Template: Sendable {
        public var segments: [String]
        /// The segment under a first section that names none.
        public var defaultSegment: String
        /// Length of the `outro` segment's audio, which ends the file when there is one.
        public var outroLength: Int?
        /// Samples per beat (a template with a tempo): segment changes then land on the beat.
        public var beatLength: Int?
        /// The `button` segment (a short ending sting): its length, and where its last onset
        /// is (samples from its start).
        public var button: Button?
        /// Loop geometry of the looping segments, by name (`main` and `main2` alternate on
        /// loop boundaries in long regions).
        public var loops: [String: Loop] = [:]
        /// For messages: the template's name.
        public var name: String?
        public init(segments: [String], defaultSegment: String, outroLength: Int?, beatLength: Int? = nil,
                    button: Button? = nil, loops: [String: Loop] = [:], name: String? = nil) {
            (self.segments, self.defaultSegment, self.outroLength, self.beatLength) = (segments, defaultSegment, outroLength, beatLength)
            (self.button, self.loops, self.name) = (button, loops, name)
        }

        public struct Button: Sendable, Equatable {
            public var length: Int
            public var lastOnset: Int
            public init(length: Int, lastOnset: Int) { (self.length, self.lastOnset) = (length, lastOnset) }
        }

        /// Playback runs from the file's start to `end`, then repeats `restart..<end`.
        public struct Loop: Sendable, Equatable {
            public var restart: Int
            public var end: Int
            public init(restart: Int, end: Int) { (self.restart, self.end) = (restart, end) }
            public var length: Int { end - restart }
        }
    }

    public var sections: [Section]
    public var timeline: TimelineProperties
    public var template: Template?
    public init(sections: [Section], timeline: TimelineProperties, template: Template?) {
        (self.sections, self.timeline, self.template) = (sections, timeline, template)
    }
}

/// Where everything goes, in samples at 48 kHz (docs/timeline.md). The renderer reads only this.
public struct TimelinePlan: Sendable, Equatable {
    public var sampleRate = SampleTime.renderRate
    public var totalSamples: Int
    public var sections: [PlannedSection]
    /// Music only, after the last section (forceLength beyond the last endAt, or soundTail).
    public var tail: SampleRange?
    public var music: [MusicRegion]
    /// How the music ended the programme (nil: no music plays at the end).
    public var ending: Ending?
    public var warnings: [PlanWarning]
}

public struct SampleRange: Sendable, Equatable, Codable {
    public var startSample: Int
    public var endSample: Int
    public init(_ start: Int, _ end: Int) { (startSample, endSample) = (start, end) }
    public var length: Int { endSample - startSample }
}

public struct PlannedSection: Sendable, Equatable {
    public var name: String
    /// The segment playing under it, nil for none.
    public var soundSegment: String?
    public var startSample: Int
    public var endSample: Int
    /// What the content needs (speech, media and breaks as they are, before any fitting).
    public var contentSamples: Int
    /// The room the content has between the paddings: a fixed span's, or (a section without
    /// `endAt`) the content's own. `spanSamples - contentSamples` is the slack (negative:
    /// the content overflows and was fitted).
    public var spanSamples: Int
    public var items: [PlannedItem]
    public var fadeIn: Int
    public var fadeOut: Int
}

public struct PlannedItem: Sendable, Equatable {
    public var kind: PlanInput.Item.Kind
    /// The script item placed here.
    public var id: ItemID
    public var startSample: Int
    public var endSample: Int
    /// Length of the source audio before stretching or cutting.
    public var sourceLength: Int
    /// Length after tightening and stretching, before any cut: the renderer makes exactly this.
    public var placedLength: Int
    /// Time compression applied (tightened length / placed length); 1 = none.
    public var stretch: Double
    /// Cut short (at a word boundary) because the content did not fit its span.
    public var truncated: Bool
    /// Parts of the engine's pauses taken out of the clip (clip samples, in order) by
    /// `overflow: fit`, before any stretch.
    public var tightened: [SampleRange] = []

    /// Where a sample of the source clip lands, counted from the item's start: the tightened
    /// parts taken out, then the stretch. Words in the report and cut points use this.
    public func placedOffset(ofSource sample: Int) -> Int {
        var removed = 0
        for r in tightened {
            if sample >= r.endSample { removed += r.length } else if sample > r.startSample { removed += sample - r.startSample }
        }
        let tight = sample - removed
        let tightLength = sourceLength - tightened.reduce(0) { $0 + $1.length }
        guard tightLength > 0, placedLength != tightLength else { return tight }
        return Int((Double(tight) * Double(placedLength) / Double(tightLength)).rounded())
    }
}

/// A stretch of one sound-template segment on the music bus.
public struct MusicRegion: Sendable, Equatable {
    public var segment: String
    public var startSample: Int
    public var endSample: Int
    /// Fade at the very end of the programme (no outro, an outro cut short, a button's ring
    /// past the end): samples.
    public var fadeOut: Int
    /// Segment time at the region's start: 0 plays the file from its start (pickup and all);
    /// a `main`/`main2` region of an alternation enters on its loop start, on the bar line.
    public var sourceStart: Int = 0

    /// An outro or a button plays its audio once and is never looped: a loop seam near its end
    /// would start a new attack just before the programme ends.
    public var playsOnce: Bool { MusicRegion.onceSegments.contains(segment) }
    public static let onceSegments: Set<String> = ["outro", "button"]
}

public struct PlanWarning: Sendable, Equatable {
    public enum Code: String, Sendable {
        /// A section's content does not fit its span: cut, stretched or extended.
        case sectionOverflow
        /// The ending asked for could not be played (a button longer than the programme): faded.
        case endingFallback
    }
    public var code: Code
    public var section: String?
    public var overflowMs: Double?
    public var message: String
}
