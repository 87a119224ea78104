import MixdownCore
import Testing

/// Custom encodings (`endFormat` objects): what each codec can make is accepted with its
/// defaults; what it cannot is one line at the key that asks for it.
@Suite struct CustomFormatTests {
    func formats(_ json: String) throws -> [EndFormat] {
        try EndFormat.list(JSONField(node: JSONParser.parse(json, file: "p.json"), path: "endFormat"))
    }
    func error(_ json: String) -> (keyPath: String?, reason: String) {
        do { _ = try formats(json); return (nil, "no error") } catch let e as MixdownError { return (e.keyPath, e.reason) } catch { return (nil, "\(error)") }
    }

    @Test func acceptedWithDefaults() throws {
        let f = try formats(#"["mp3_low", {"name": "radio96", "format": "mp3", "sampleRate": 22050, "channels": 1, "bitRate": 96}, {"format": "aac"}, {"format": "flac", "bitDepth": 24}, {"format": "opus", "channels": 1}]"#)
        #expect(f.map(\.name) == ["mp3_low", "radio96", "aac_44100_stereo_160k", "flac_48000_stereo_24bit", "opus_48000_mono_64k"])
        #expect(f[1].codec == .mp3CBR(kbps: 96) && f[1].sampleRate == 22_050 && f[1].channels == 1 && f[1].fileExtension == "mp3")
        #expect(f[2].codec == .aac(kbps: 160) && f[2].fileExtension == "m4a" && !f[2].isPreset)
        #expect(f[3].codec == .flac24 && f[3].sampleRate == 48_000)
        #expect(f[4].codec == .opus(bitsPerSecond: 64_000))
        #expect(try formats(#"{"format": "mp3", "bitRate": 128, "bitRateMode": "vbr"}"#)[0].codec == .mp3ABR(kbps: 128))
        #expect(try formats(#"{"format": "mp3"}"#)[0].codec == .mp3VBR(quality: 4))
        #expect(try formats(#"{"format": "wav", "bitDepth": 32, "sampleRate": 96000}"#)[0].codec == .pcmFloat)
        // The same format twice is one delivery.
        #expect(try formats(#"[{"format": "aac"}, {"format": "aac"}]"#).count == 1)
    }

    @Test(arguments: [
        (#"[{"format": "mp4"}]"#, "endFormat[0].format", "unknown value 'mp4'"),
        (#"[{"name": "x"}]"#, "endFormat[0]", "a custom format needs \"format\""),
        (#"[{"format": "mp3", "bitrate": 96}]"#, "endFormat[0].bitrate", "unknown key (did you mean 'bitRate'?)"),
        (#"[{"format": "mp3", "sampleRate": 96000}]"#, "endFormat[0].sampleRate", "MP3 has no 96000 Hz"),
        (#"[{"format": "mp3", "sampleRate": 22050, "bitRate": 320}]"#, "endFormat[0].bitRate", "an MP3 at 22050 Hz has no constant 320 kbps"),
        (#"[{"format": "mp3", "bitRateMode": "cbr"}]"#, "endFormat[0]", "a cbr MP3 needs \"bitRate\""),
        (#"[{"format": "mp3", "bitDepth": 24}]"#, "endFormat[0].bitDepth", "MP3 has no bit depth"),
        (#"[{"format": "aac", "sampleRate": 7000}]"#, "endFormat[0].sampleRate", "must be between 8000 and 192000 Hz"),
        (#"[{"format": "aac", "sampleRate": 192000}]"#, "endFormat[0].sampleRate", "AAC has no 192000 Hz"),
        (#"[{"format": "aac", "bitRateMode": "vbr"}]"#, "endFormat[0].bitRateMode", "constant bit rate only"),
        (#"[{"format": "aac", "sampleRate": 8000, "channels": 1, "bitRate": 96}]"#, "endFormat[0].bitRate", "takes 16–48 kbps"),
        (#"[{"format": "opus", "sampleRate": 44100}]"#, "endFormat[0].sampleRate", "Ogg Opus is delivered at 48000 Hz"),
        (#"[{"format": "opus", "bitRateMode": "cbr"}]"#, "endFormat[0].bitRateMode", "variable bit rate only"),
        (#"[{"format": "opus", "channels": 1, "bitRate": 300}]"#, "endFormat[0].bitRate", "takes 6–256 kbps"),
        (#"[{"format": "ogg", "bitRate": 128}]"#, "endFormat[0].bitRate", "Vorbis is encoded here by quality"),
        (#"[{"format": "wav", "bitDepth": 8}]"#, "endFormat[0].bitDepth", "must be 16, 24 or 32"),
        (#"[{"format": "flac", "bitDepth": 32}]"#, "endFormat[0].bitDepth", "must be 16 or 24 for FLAC"),
        (#"[{"format": "wav", "bitRate": 1411}]"#, "endFormat[0].bitRate", "WAV is uncompressed PCM"),
        (#"[{"format": "wav", "channels": 6}]"#, "endFormat[0].channels", "must be 1 or 2"),
        (#"[{"format": "wav", "sampleRate": 44100.5}]"#, "endFormat[0].sampleRate", "must be a whole number"),
        (#"[{"format": "wav", "name": "mp3"}]"#, "endFormat[0].name", "'mp3' is a preset's name"),
        (#"[{"format": "wav", "name": "../x"}]"#, "endFormat[0].name", "must be 1–40 letters"),
        (#"[{"format": "wav", "name": "a"}, {"format": "flac", "name": "a"}]"#, "endFormat[1]", "another format is already named 'a'"),
        (#"[]"#, "endFormat", "names no format"),
    ])
    func refusedAtTheKey(json: String, keyPath: String, reason: String) {
        let e = error(json)
        #expect(e.keyPath == keyPath, "\(json): \(e)")
        #expect(e.reason.contains(reason), "\(json): \(e.reason)")
    }
}
