/// Custom encodings: an `endFormat` entry given as an object (docs/formats.md, "Custom
/// encodings"). Everything a codec cannot make is refused here, at the key that asks for it,
/// before anything is rendered: an encoder that quietly changed the rate or the bit rate would
/// deliver something other than what was ordered.
extension EndFormat {
    public static let customKeys = ["name", "format", "sampleRate", "channels", "bitRate", "bitRateMode", "bitDepth"]
    public static let customCodecs = ["mp3", "aac", "wav", "flac", "ogg", "opus"]

    /// Rates LAME encodes (MPEG-1, -2 and -2.5 Layer III).
    static let mp3Rates = [8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000]
    /// Rates of the AAC sampling-frequency table that libavcodec's encoder accepts.
    static let aacRates = [8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 64_000, 88_200, 96_000]

    /// Constant bit rates a Layer III frame header can state, by MPEG version (from the rate).
    static func mp3BitRates(rate: Int) -> [Int] {
        switch rate {
        case 32_000...: return [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case 16_000...: return [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        default: return [8, 16, 24, 32, 40, 48, 56, 64]
        }
    }

    /// A custom encoding from its object; `field` is the entry (`endFormat[1]`) for key paths.
    public static func custom(_ field: JSONField) throws -> EndFormat {
        let o = try field.object(allowed: customKeys)
        guard let codecField = o["format"] else {
            throw field.error("a custom format needs \"format\" (one of \(customCodecs.joined(separator: ", ")))")
        }
        let kind = try codecField.choice(Dictionary(uniqueKeysWithValues: customCodecs.map { ($0, $0) }))

        func integer(_ key: String) throws -> (Int, JSONField)? {
            guard let f = o[key] else { return nil }
            let v = try f.number()
            guard v == v.rounded(), abs(v) < 1e9 else { throw f.error("must be a whole number, got \(JSONField.format(v))") }
            return (Int(v), f)
        }

        // Sample rate: what the codec can carry.
        let defaultRate = kind == "mp3" || kind == "aac" ? 44_100 : 48_000
        var rate = defaultRate
        if let (r, f) = try integer("sampleRate") {
            guard (8_000...192_000).contains(r) else { throw f.error("must be between 8000 and 192000 Hz, got \(r)") }
            switch kind {
            case "mp3" where !mp3Rates.contains(r):
                throw f.error("MP3 has no \(r) Hz (LAME encodes \(mp3Rates.map(String.init).joined(separator: ", ")))")
            case "aac" where !aacRates.contains(r):
                throw f.error("AAC has no \(r) Hz (one of \(aacRates.map(String.init).joined(separator: ", ")))")
            case "opus" where r != 48_000:
                throw f.error("Ogg Opus is delivered at 48000 Hz (players decode every Opus file at 48000), got \(r)")
            case "ogg" where r > 96_000:
                throw f.error("Vorbis encodes up to 96000 Hz, got \(r)")
            default: break
            }
            rate = r
        }

        var channels = 2
        if let (c, f) = try integer("channels") {
            guard c == 1 || c == 2 else { throw f.error("must be 1 or 2, got \(c)") }
            channels = c
        }

        let modeField = o["bitRateMode"]
        let mode = try modeField.map { try $0.choice(["cbr": "cbr", "vbr": "vbr"]) }
        let bitRate = try integer("bitRate")
        let depth = try integer("bitDepth")

        func refuse(_ f: (Int, JSONField)?, _ why: String) throws { if let f { throw f.1.error(why) } }
        let codec: Codec
        switch kind {
        case "wav", "flac":
            let what = kind == "wav" ? "WAV is uncompressed PCM" : "FLAC is lossless"
            try refuse(bitRate, "\(what): it has no bit rate (give bitDepth)")
            if let modeField { throw modeField.error("\(what): it has no bit rate mode") }
            switch (kind, depth?.0 ?? 16) {
            case ("wav", 16): codec = .pcm16
            case ("wav", 24): codec = .pcm24
            case ("wav", 32): codec = .pcmFloat
            case ("flac", 16): codec = .flac16
            case ("flac", 24): codec = .flac24
            case (_, let d):
                throw depth!.1.error(kind == "wav" ? "must be 16, 24 or 32 (float), got \(d)" : "must be 16 or 24 for FLAC, got \(d)")
            }
        case "mp3":
            try refuse(depth, "MP3 has no bit depth (give bitRate)")
            switch (mode ?? (bitRate == nil ? "vbr" : "cbr"), bitRate) {
            case ("cbr", nil):
                throw field.error("a cbr MP3 needs \"bitRate\" (kbps: \(mp3BitRates(rate: rate).map(String.init).joined(separator: ", ")) at \(rate) Hz)")
            case ("cbr", let (kbps, f)?):
                let allowed = mp3BitRates(rate: rate)
                guard allowed.contains(kbps) else {
                    throw f.error("an MP3 at \(rate) Hz has no constant \(kbps) kbps (one of \(allowed.map(String.init).joined(separator: ", ")))")
                }
                codec = .mp3CBR(kbps: kbps)
            case (_, nil): codec = .mp3VBR(quality: 4)
            case (_, let (kbps, f)?):
                let allowed = mp3BitRates(rate: rate)
                guard (allowed.first!...allowed.last!).contains(kbps) else {
                    throw f.error("an MP3 at \(rate) Hz averages \(allowed.first!)–\(allowed.last!) kbps, got \(kbps)")
                }
                codec = .mp3ABR(kbps: kbps)
            }
        case "aac":
            try refuse(depth, "AAC has no bit depth (give bitRate)")
            if mode == "vbr" { throw modeField!.error("FFmpeg's AAC encoder makes a constant bit rate only: give \"cbr\" or leave it out") }
            // AAC-LC carries at most 6,144 bits per channel per frame of 1,024 samples.
            let most = min(512, 6 * rate * channels / 1_000)
            let kbps = bitRate?.0 ?? min(most, channels == 2 ? 160 : 96)
            if let (k, f) = bitRate, !(16...most).contains(k) {
                throw f.error("AAC at \(rate) Hz, \(channels) channel\(channels == 1 ? "" : "s") takes 16–\(most) kbps, got \(k)")
            }
            codec = .aac(kbps: kbps)
        case "opus":
            try refuse(depth, "Opus has no bit depth (give bitRate)")
            let kbps = bitRate?.0 ?? (channels == 2 ? 128 : 64)
            if let (k, f) = bitRate, !(6...256 * channels).contains(k) {
                throw f.error("Opus with \(channels) channel\(channels == 1 ? "" : "s") takes 6–\(256 * channels) kbps, got \(k)")
            }
            // libsndfile's Opus writer has no constant mode (SFC_SET_BITRATE_MODE is refused
            // and a "constant" file measured here varies as much as a variable one).
            if mode == "cbr" { throw modeField!.error("Ogg Opus is written with a variable bit rate only (its average is bitRate)") }
            codec = .opus(bitsPerSecond: kbps * 1_000)
        default: // ogg
            try refuse(depth, "Vorbis has no bit depth")
            try refuse(bitRate, "Vorbis is encoded here by quality (q6, about 192 kbps in stereo): leave bitRate out, or choose opus or mp3 for a bit rate")
            if mode == "cbr" { throw modeField!.error("Vorbis is encoded here with a variable bit rate only") }
            codec = .vorbis(quality: 0.6)
        }

        let name: String
        if let nameField = o["name"] {
            name = try nameField.nonEmptyString()
            guard name.count <= 40, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
                  name.first.map({ $0.isLetter || $0.isNumber }) == true else {
                throw nameField.error("must be 1–40 letters, digits, '_' or '-' (it names files and URLs), got '\(MixdownError.excerpt(name))'")
            }
            if preset(named: name) != nil { throw nameField.error("'\(name)' is a preset's name: choose another") }
        } else {
            name = defaultName(kind, codec: codec, rate: rate, channels: channels)
        }
        return EndFormat(name: name, codec: codec, sampleRate: rate, channels: channels)
    }

    /// A custom encoding's name when it gives none: what it is, e.g. `mp3_22050_mono_96k`.
    static func defaultName(_ kind: String, codec: Codec, rate: Int, channels: Int) -> String {
        var parts = [kind, String(rate), channels == 1 ? "mono" : "stereo"]
        switch codec {
        case .mp3CBR(let k), .aac(let k): parts.append("\(k)k")
        case .mp3ABR(let k): parts.append("\(k)k_vbr")
        case .opus(let bps): parts.append("\(bps / 1_000)k")
        case .pcm24, .flac24: parts.append("24bit")
        case .pcmFloat: parts.append("32bit")
        default: break
        }
        return parts.joined(separator: "_")
    }

    /// An `endFormat` value of a production or request: a preset's name, an object, or a list of either.
    public static func list(_ field: JSONField) throws -> [EndFormat] {
        let items: [JSONField] = (try? field.list()) ?? [field]
        guard !items.isEmpty else { throw field.error("names no format (one or more of \(names), or a custom object)") }
        var formats = [EndFormat]()
        for item in items {
            let format: EndFormat
            if case .object = item.node.value { format = try custom(item) } else { format = try item.choice(presetsByName) }
            if let same = formats.first(where: { $0.name == format.name }) {
                if same == format { continue }
                throw item.error("another format is already named '\(format.name)'")
            }
            formats.append(format)
        }
        return formats
    }
}
