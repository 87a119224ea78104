import MixdownCore

/// A parsed script: sections in order, each a flow of speech, pauses, media and effects.
public struct Script: Sendable {
    public var sections: [ScriptSection]
    /// Harmless things removed on the way (vendor SSML), each with where it was.
    public var warnings: [ScriptWarning]
    /// Every personalisation key a placeholder names (with or without a fallback): what the
    /// script can use, for the unused-variable warning.
    public var variableNames: Set<String> = []
}

public struct ScriptWarning: Sendable, Equatable {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): \(message)" }
}

/// What plays under a section (docs/script-and-production.md). `nil` on a section means it was not set there:
/// the previous section's segment continues, as with `*`.
public enum SoundSegmentChoice: Sendable, Equatable {
    case named(String)
    case none
    case continuePrevious
}

public struct ScriptSection: Sendable {
    public var name: String
    /// False for text before the first `<<sectionName::…>>`, named `section1`, `section2`, …
    public var isNamed: Bool
    public var soundSegment: SoundSegmentChoice?
    public var items: [ScriptItem]
    public var location: SourceLocation
}

public struct ScriptItem: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Text to speak (personalised, whitespace collapsed). `voice`/`speed` come from an
        /// `<as:sub>`; `part` names the sub, which may have voice settings in `sections`.
        case speech(text: String, voice: String?, speed: Double?, part: String?)
        case pause(seconds: Double)
        case media(name: String)
        case effect(name: String)
    }

    public var kind: Kind
    public var location: SourceLocation
    /// Its identity from here to the report (set by the parser once the sections are final).
    public var id = ItemID(section: 0, item: 0)
    /// The speech as SSML for engines that read it, when the script used markup they honour
    /// (`<prosody>`, `<say-as>`, `<emphasis>`, `<phoneme>`, `<sub>`, `<p>`, `<s>`); the `text` of
    /// `kind` stays plain (the words as written).
    public var markup: String?
    /// Where an effect sits against its point in the flow (`align`, `offset`); nil: it starts there.
    public var effectPlacement: EffectPlacement?
    /// Speech only: the cast member speaking it (`<<speaker::NAME>>`, `<as:sub speaker>`), and
    /// where the script named it (for an unknown speaker's error).
    public var speaker: String?
    public var speakerLocation: SourceLocation?

    public init(kind: Kind, location: SourceLocation, markup: String? = nil) {
        (self.kind, self.location, self.markup) = (kind, location, markup)
    }
}

/// An effect's placement against its point in the flow: `align: end` ends it there (a riser
/// leading into its line), `offset` moves it (seconds, −10…10). docs/script-and-production.md.
public struct EffectPlacement: Sendable, Equatable {
    public enum Align: String, Sendable, CaseIterable { case start, end }
    public var align: Align = .start
    public var offset: Double = 0
    public init(align: Align = .start, offset: Double = 0) { (self.align, self.offset) = (align, offset) }
}
