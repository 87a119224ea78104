import MixdownCore

/// A validated production (docs/script-and-production.md): everything a render needs, with defaults applied
/// only where the design fixes them. Times are seconds here; the planner turns them into
/// samples once.
public struct Production: Sendable {
    public var script: ScriptSource
    public var voice: String?
    public var speed: Double
    /// Voice pitch relative to the voice's own (1 = unchanged, 0.5…2).
    public var pitch: Double
    public var sections: [String: SectionVoice]
    public var soundTemplate: String?
    public var sectionProperties: [String: SectionProperties]
    public var timeline: TimelineProperties
    public var audience: [String: String]
    public var mediaFiles: [String: MediaFile]
    public var masteringPreset: MasteringPreset
    public var loudnessPreset: LoudnessPreset
    public var loudnessTarget: Double?
    public var truePeak: Double?
    public var endFormats: [EndFormat]
    public var speechEngine: ExternalEngine?
    /// Strict delivery: every warning is an error (nothing is written).
    public var strict = false
    /// Pronunciations the production teaches, in order (docs/lexicons.md).
    public var lexicon: [LexiconSource] = []
    /// Numbers, dates, currency… read out as words before any engine (docs/normalisation.md).
    public var normalise = true
    /// Named speakers (`<<speaker::host>>`, `<as:sub speaker="host">`), each a voice and its settings.
    public var cast: [String: CastMember] = [:]
    /// Voices to speak with, in order, when the one asked for is not installed (a warning);
    /// empty: a missing voice is an error.
    public var voiceFallback: [String] = []
    /// Tags for the delivered files (docs/metadata.md); values may hold `{{placeholders}}`,
    /// filled per render like the script's. The cover comes separately (`coverImage`).
    public var metadata = Metadata()
    /// `metadata.coverImage`: a JPEG or PNG file (resolved path), checked by its bytes before rendering.
    public var coverImage: String?
    /// One chapter per section in every format that holds chapters (an m4b always has them).
    public var chapters = false
    /// `"stems": true`: speech.wav, music.wav and mix.wav in `<stem>.stems/` beside the outputs
    /// (where `--stems` names no folder); the API serves them.
    public var stems = false
    /// `"captions": "srt"|"vtt"`: word-timed captions beside the outputs (where `--captions` asks none).
    public var captions: String?
    /// A VAST 4.2 document beside the outputs (docs/vast.md).
    public var vast: VastRequest?
    /// Relative paths in the production resolve against this folder.
    public var baseDirectory: String

    public init(script: ScriptSource, baseDirectory: String) {
        self.script = script
        self.baseDirectory = baseDirectory
        voice = nil; speed = 1; pitch = 1; sections = [:]; soundTemplate = nil; sectionProperties = [:]
        timeline = TimelineProperties(); audience = [:]; mediaFiles = [:]
        masteringPreset = .balanced; loudnessPreset = .streaming; loudnessTarget = nil; truePeak = nil
        endFormats = []; speechEngine = nil
    }

    /// The loudness the master aims at: `loudnessTarget`/`truePeak` override the preset (§8).
    public var targetLoudness: Double { loudnessTarget ?? loudnessPreset.integrated }
    public var truePeakCeiling: Double { truePeak ?? loudnessPreset.truePeak }
}

/// The script's text and where it came from, for diagnostics (`spot.txt` or
/// `spot.json#scriptText`).
public struct ScriptSource: Sendable {
    public var text: String
    public var origin: String
    public init(text: String, origin: String) { (self.text, self.origin) = (text, origin) }
}

public struct SectionVoice: Sendable, Equatable {
    public var voice: String?
    public var speed: Double?
    public var pitch: Double?
    public var speechEngine: ExternalEngine?
    public init(voice: String? = nil, speed: Double? = nil, pitch: Double? = nil, speechEngine: ExternalEngine? = nil) {
        (self.voice, self.speed, self.pitch, self.speechEngine) = (voice, speed, pitch, speechEngine)
    }
}

public enum Justify: String, Sendable, CaseIterable {
    case flexStart = "flex-start", centre, flexEnd = "flex-end"

    /// The spellings docs/script-and-production.md accepts.
    static let spellings: [String: Justify] = [
        "flex-start": .flexStart, "start": .flexStart, "left": .flexStart,
        "flex-end": .flexEnd, "end": .flexEnd, "right": .flexEnd,
        "centre": .centre, "center": .centre, "middle": .centre,
    ]
}

public struct SectionProperties: Sendable, Equatable {
    public var endAt: Double?
    public var justify: Justify?
    public var paddingStart: Double?
    public var paddingEnd: Double?
    public var fadeIn: Double?
    public var fadeOut: Double?
    public init(endAt: Double? = nil, justify: Justify? = nil, paddingStart: Double? = nil, paddingEnd: Double? = nil,
                fadeIn: Double? = nil, fadeOut: Double? = nil) {
        (self.endAt, self.justify, self.paddingStart, self.paddingEnd, self.fadeIn, self.fadeOut) =
            (endAt, justify, paddingStart, paddingEnd, fadeIn, fadeOut)
    }
}

/// What a section whose content is longer than its fixed span does (docs/timeline.md "Overflow").
public enum OverflowPolicy: String, Sendable, CaseIterable { case fit, stretch, truncate, extend, fail }

/// How the music ends the programme (`timelineProperties.ending`, docs/templates.md "Endings").
public enum Ending: String, Sendable, CaseIterable, Codable {
    /// The template's `outro`, played once, ringing out before the end.
    case outro
    /// The template's `button`: a short sting played once, its last onset at most 1.5 s
    /// before the end.
    case button
    /// The bed fades out over `fadeOut`.
    case fade
}

public struct TimelineProperties: Sendable, Equatable {
    public var forceLength: Double?
    public var speechStart: Double?
    public var sectionGap: Double?
    public var soundTail: Double?
    public var fadeOut: Double?
    public var overflow: OverflowPolicy = .fit
    /// The most speech may be time-compressed to fit its span (1.0–1.5; nil: 1.3).
    public var maxStretch: Double?
    /// How the music ends; nil: the default for the template and length (docs/templates.md).
    public var ending: Ending?
    public init() {}
}

public enum MediaRole: String, Sendable { case insert, speech }

public struct MediaFile: Sendable, Equatable {
    /// Absolute path (relative ones are resolved against the production's folder).
    public var path: String
    public var role: MediaRole
    /// How a speech recording is cleaned before it is used (docs/cleanup.md); nil: as it is.
    public var cleanup: CleanupSettings?
    public init(path: String, role: MediaRole, cleanup: CleanupSettings? = nil) { (self.path, self.role, self.cleanup) = (path, role, cleanup) }
}

/// Any other TTS, as a command line (docs/script-and-production.md `speechEngine`).
public struct ExternalEngine: Sendable, Equatable {
    public var command: [String]
    public var stdin: String?
    public var timeoutSeconds: Double
    /// Whether the command takes SSML (`{ssml}` and the text it reads); else it gets plain text
    /// and the script's markup is rendered around it (docs/speech.md).
    public var ssml: Bool
    public init(command: [String], stdin: String?, timeoutSeconds: Double, ssml: Bool = false) {
        (self.command, self.stdin, self.timeoutSeconds, self.ssml) = (command, stdin, timeoutSeconds, ssml)
    }
}

/// One speaker of a production's `cast`: the voice and its settings (nil: the production's).
public struct CastMember: Sendable, Equatable {
    public var voice: String?
    public var speed: Double?
    public var pitch: Double?
    public init(voice: String? = nil, speed: Double? = nil, pitch: Double? = nil) { (self.voice, self.speed, self.pitch) = (voice, speed, pitch) }
}

public enum MasteringPreset: String, Sendable, CaseIterable {
    case balanced, voiceenhanced, musicenhanced, lightducking, heavyducking, radio
}

/// Loudness targets and ceilings by name (docs/mastering.md).
public enum LoudnessPreset: String, Sendable, CaseIterable {
    case streaming, podcast, ebuR128 = "ebu-r128", broadcast, atscA85 = "atsc-a85"

    public var integrated: Double {
        switch self {
        case .streaming: return -14
        case .podcast: return -16
        case .ebuR128, .broadcast: return -23
        case .atscA85: return -24
        }
    }

    public var truePeak: Double { self == .atscA85 ? -2 : -1 }
}

/// `"vast": {"adTitle", "clickThrough", "mediaBaseUrl"}`: what a VAST InLine ad needs beyond
/// the outputs themselves.
public struct VastRequest: Sendable, Equatable {
    public var adTitle: String
    public var clickThrough: String?
    /// Where the outputs will be served from: a MediaFile's URL is this plus the file's name.
    public var mediaBaseUrl: String?
    public init(adTitle: String, clickThrough: String? = nil, mediaBaseUrl: String? = nil) {
        (self.adTitle, self.clickThrough, self.mediaBaseUrl) = (adTitle, clickThrough, mediaBaseUrl)
    }
}
