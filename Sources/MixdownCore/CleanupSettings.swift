/// How a speech recording is cleaned (docs/cleanup.md): `"cleanup": true` or an object of these
/// keys on a speech recording in a production, `mixdown clean --cleanup JSON`,
/// `mixdown master --cleanup[=JSON]`, `POST /v1/master?cleanup=…`.
public struct CleanupSettings: Sendable, Equatable, Codable {
    public enum Dehum: Sendable, Equatable {
        /// Look for 50 and 60 Hz; remove what is found.
        case auto
        /// This mains frequency (found within ±1 Hz of it); nothing removed when it is not there.
        case mains(Int)
        case off
    }

    /// Noise reduction strength 0…1 (0: off; 1 takes noise down by up to 30 dB).
    public var denoise: Double
    public var dehum: Dehum
    /// Evens loudness from phrase to phrase.
    public var level: Bool
    /// Pauses longer than this (seconds) are shortened to it; nil: pauses stay.
    public var trimPauses: Double?
    /// Removes mouth clicks.
    public var declick: Bool

    public init(denoise: Double = 0.8, dehum: Dehum = .auto, level: Bool = true, trimPauses: Double? = nil, declick: Bool = true) {
        (self.denoise, self.dehum, self.level, self.trimPauses, self.declick) = (denoise, dehum, level, trimPauses, declick)
    }

    /// What `"cleanup": true` means: everything that keeps the recording's timing.
    public static let standard = CleanupSettings()

    public static let keys = ["denoise", "dehum", "level", "trimPauses", "declick"]

    /// `true` (the standard settings), `false` (none: nil) or an object of `keys`; an object's
    /// missing keys are the standard's.
    public static func decode(_ field: JSONField) throws -> CleanupSettings? {
        if case .bool(let on) = field.node.value { return on ? .standard : nil }
        guard case .object = field.node.value else { throw field.error("must be true, false or an object of \(keys.joined(separator: ", ")), got \(field.node.typeName)") }
        let fields = try field.object(allowed: keys)
        var settings = CleanupSettings.standard
        if let f = fields["denoise"] {
            if case .bool(let on) = f.node.value { settings.denoise = on ? CleanupSettings.standard.denoise : 0 } else {
                let v = try f.number(nonNegative: true, atMost: (1, ""))
                settings.denoise = v
            }
        }
        if let f = fields["dehum"] {
            switch f.node.value {
            case .bool(let on): settings.dehum = on ? .auto : .off
            case .number(let v):
                guard v == 50 || v == 60 else { throw f.error("must be \"auto\", 50, 60 or false, got \(JSONField.format(v))") }
                settings.dehum = .mains(Int(v))
            case .string:
                settings.dehum = try f.choice(["auto": Dehum.auto])
            default: throw f.error("must be \"auto\", 50, 60 or false, got \(f.node.typeName)")
            }
        }
        if let f = fields["level"] { settings.level = try f.bool() }
        if let f = fields["declick"] { settings.declick = try f.bool() }
        if let f = fields["trimPauses"] {
            if case .bool(let on) = f.node.value {
                guard !on else { throw f.error("must be a number of seconds (pauses longer are shortened to it) or false") }
                settings.trimPauses = nil
            } else {
                let v = try f.number(positive: true, atMost: (60, " s"))
                guard v >= 0.1 else { throw f.error("must be at least 0.1 s (shorter would run words together), got \(JSONField.format(v))") }
                settings.trimPauses = v
            }
        }
        return settings
    }

    /// From text (a command-line option, a query parameter): `true`, `false` or a JSON object.
    public static func parse(_ text: String, name: String) throws -> CleanupSettings? {
        let node = try JSONParser.parse(text, file: name)
        return try decode(JSONField(node: node, path: name))
    }

    // Codable as the same JSON the settings are written in (reports, job records).
    enum CodingKeys: String, CodingKey { case denoise, dehum, level, trimPauses, declick }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        denoise = try c.decode(Double.self, forKey: .denoise)
        level = try c.decode(Bool.self, forKey: .level)
        declick = try c.decode(Bool.self, forKey: .declick)
        trimPauses = try? c.decode(Double.self, forKey: .trimPauses)   // false: no trimming
        if let n = try? c.decode(Int.self, forKey: .dehum) { dehum = .mains(n) }
        else if let s = try? c.decode(String.self, forKey: .dehum), s == "auto" { dehum = .auto }
        else { dehum = .off }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(denoise, forKey: .denoise)
        switch dehum {
        case .auto: try c.encode("auto", forKey: .dehum)
        case .mains(let n): try c.encode(n, forKey: .dehum)
        case .off: try c.encode(false, forKey: .dehum)
        }
        try c.encode(level, forKey: .level)
        if let trimPauses { try c.encode(trimPauses, forKey: .trimPauses) } else { try c.encode(false, forKey: .trimPauses) }
        try c.encode(declick, forKey: .declick)
    }
}
