import MixdownCleanup
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownHybrid

/// The render report (docs/report.md): where every section and item landed, in samples on the
/// 48 kHz timeline, what the master did, and what was written.
public struct RenderReport: Sendable, EncodesEveryKey {
    public struct Engine: Sendable, EncodesEveryKey {
        public var name = "mixdown"
        public var version: String
    }

    public struct Section: Sendable, EncodesEveryKey {
        public var name: String
        public var soundSegment: String?
        public var startSample: Int
        public var endSample: Int
        public var items: [Item]
    }

    public struct Item: Sendable, Encodable {
        /// The script item: `"SECTION.ITEM"`, numbered from 0 in script order.
        public var id: ItemID
        public var kind: Kind
        public var text: String?
        public var name: String?
        public var startSample: Int
        public var endSample: Int
        public var stretch: Double?
        public var truncated: Bool?
        /// Speech only: each word on the final timeline.
        public var words: [Word]?
        /// Speech only: what the engine was given (lexicon and normalisation applied).
        public var spokenText: String?
        /// Speech only: the voice and engine that spoke it, and the cast member.
        public var voice: String?
        public var engine: String?
        public var speaker: String?

        // Only the keys that apply to the kind: a break has no text, a media item no stretch.
        enum CodingKeys: String, CodingKey { case id, kind, text, name, startSample, endSample, stretch, truncated, words, spokenText, voice, engine, speaker }
    }

    /// What an item is, as the report names it.
    public enum Kind: String, Sendable, Codable {
        case speech
        case pause = "break"
        case media, effect
    }

    public struct Word: Sendable, Codable, Equatable {
        public var text: String
        public var startSample: Int
        public var endSample: Int
    }

    /// How the speech was obtained: clips in all, served by the cache, synthesised now.
    public struct Speech: Sendable, EncodesEveryKey {
        public var clips: Int
        public var cacheHits: Int
        public var synthesised: Int
    }

    public struct Warning: Sendable, Encodable {
        /// What a warning is about; programs branch on it (docs/report.md lists them).
        public enum Code: String, Sendable, Codable {
            /// A section's content is longer than its span (cut, stretched or extended).
            case sectionOverflow
            /// SSML markup a script used that its engine cannot speak was dropped.
            case markupRemoved
            /// SSML or a phoneme an engine cannot honour: spoken without it (docs/speech.md).
            case ssmlIgnored
            /// A voice that is not installed was replaced by the production's `voiceFallback`.
            case voiceFallback
            /// The delivered loudness missed its target or the ceiling.
            case loudnessTargetMissed
            /// Reaching the target took more than 6 dB of limiting.
            case heavyLimiting
            /// Personalisation (audience, --var, a CSV column, an API row) the script never uses.
            case unusedVariable
            /// The script asks for sound segments but the production has no sound template.
            case noSoundTemplate
            /// `ending: button` asked for on a programme too short for the button: faded out.
            case endingFallback
            /// A tag, the cover or the chapters asked for cannot be held by a delivered format.
            case tagsNotWritten
            /// A recording's clean-up step could not act (a named mains frequency not found, no
            /// phrases to level or trim): the recording went on without it.
            case cleanupSkipped
        }
        public var code: Code
        public var section: String?
        public var overflowMs: Double?
        public var message: String
        public init(code: Code, section: String?, overflowMs: Double?, message: String) {
            (self.code, self.section, self.overflowMs, self.message) = (code, section, overflowMs, message)
        }
    }

    /// A speech recording cleaned on its way in (`mediaFiles.NAME.cleanup`): its settings and
    /// what cleaning changed, before and after (docs/cleanup.md).
    public struct Recording: Sendable, EncodesEveryKey {
        public var media: String
        public var cleanupSettings: CleanupSettings
        public var cleanup: RecordingCleanup.Figures
        public init(media: String, cleanupSettings: CleanupSettings, cleanup: RecordingCleanup.Figures) {
            (self.media, self.cleanupSettings, self.cleanup) = (media, cleanupSettings, cleanup)
        }
    }

    /// Where recorded and synthetic speech meet (null when the flow has no recording or no
    /// synthetic speech: matching is off). Differences are synthetic minus recorded, measured
    /// on the clips before the speech chain; "after" includes the room tone under the synthetic side.
    public struct HybridVoice: Sendable, EncodesEveryKey {
        public struct Band: Sendable, EncodesEveryKey { public var hz: Double; public var gainDb: Double }
        public struct Side: Sendable, EncodesEveryKey {
            public var section: String
            public var item: Int
            public enum Kind: String, Sendable, Codable { case recording, synthetic }
            public var kind: Kind
            public var startSample: Int
            public var endSample: Int
        }
        public struct Boundary: Sendable, EncodesEveryKey {
            /// Where the second side starts.
            public var sample: Int
            public var from: Side
            public var to: Side
            public var before: MixdownHybrid.HybridVoice.Difference
            public var after: MixdownHybrid.HybridVoice.Difference
        }
        /// The recordings' room: the noise floor the room tone is made to (dBFS, 20 ms RMS, 5th percentile).
        public var roomNoiseFloorDbfs: Double
        /// Reverberation, seconds to decay 60 dB in 500 Hz–2 kHz, read from the decays after
        /// words: of the recordings, and of the synthetic side as matched (null: too few decays).
        public var recordingDecaySeconds: Double?
        public var syntheticDecaySeconds: Double?
        /// The room put on the synthetic side so it decays like the recordings (null: none).
        public var syntheticRoom: Room?
        public struct Room: Sendable, EncodesEveryKey {
            /// Decay time of the synthetic impulse response's tail (seconds to fall 60 dB).
            public var decaySeconds: Double
            /// Direct sound over the tail, by energy (dB).
            public var directToReverberantDb: Double
        }
        /// The EQ on the synthetic clips, per third-octave band.
        public var toneEq: [Band]
        public var boundaries: [Boundary]
    }

    public struct Mastering: Sendable, EncodesEveryKey {
        public var preset: String
        public var loudnessTarget: Double
        public var truePeakLimit: Double
        public var input: AudioAnalysis
        public var output: AudioAnalysis
    }

    public var engine: Engine
    public var sampleRate: Int
    public var totalSamples: Int
    public var durationMs: Double
    public var sections: [Section]
    public var tail: TailRange?
    /// The sound template on the music bus: which segment plays where.
    public var music: [MusicRegion]
    /// How the music ends the programme: `outro`, `button` or `fade` (null: no music at the end).
    public var ending: String?
    public var warnings: [Warning]
    public var mastering: Mastering
    public var hybridVoice: HybridVoice?
    /// The speech recordings cleaned before anything measured them, by media name.
    public var recordings: [Recording] = []
    public var outputs: [EncodedOutput]
    public var runtimeSeconds: Double
    /// Where the time went, per stage (seconds): speech, hybrid (matching), plan, render, master, encode.
    public var timings: Timings
    public var speech: Speech

    public struct Timings: Sendable, EncodesEveryKey {
        public var speech = 0.0, hybrid = 0.0, plan = 0.0, render = 0.0, master = 0.0, encode = 0.0
        public init() {}
    }

    public struct MusicRegion: Sendable, EncodesEveryKey {
        public var segment: String
        public var startSample: Int
        public var endSample: Int
        /// Samples of fade at its end (the end of the programme without an outro, or a cut outro).
        public var fadeOutSamples: Int
    }

    public struct TailRange: Sendable, EncodesEveryKey {
        public var startSample: Int
        public var endSample: Int
    }
}
