import Foundation
import MixdownTestSupport
import Testing

/// Tags, cover and chapters in every delivered format, read back by tools that share no code
/// with Mixdown's writers: ffprobe (`-show_format -show_streams -show_chapters`) and mutagen
/// (Tests/Tools/read-tags.py). The audio stays exact and on target with them in place.
@Suite struct MetadataTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static let reader = root.appendingPathComponent("Tests/Tools/read-tags.py").path

    /// The tags asked for, as the readers name them ({{name}} filled with the audience's "Ana").
    static let expected: [String: String] = [
        "title": "Spring sale for Ana", "artist": "Mixdown Café", "album": "Spots 日本語", "albumArtist": "Acme",
        "genre": "Advertising", "year": "2026", "track": "3/12", "comment": "30 s spot, 🎧 = yes", "copyright": "© 2026 Acme",
        "publisher": "Acme Media", "language": "fra", "url": "https://acme.example/spring", "isrc": "GBAYE2600001",
    ]

    func production(formats: String, extra: String = "") throws -> String {
        _ = try Tools.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=red:s=600x600", "-frames:v", "1", folder.file("cover.jpg")])
        let path = folder.file("p.json")
        // Section boundaries off the millisecond grid: 2.5005 s is 120,024 samples at 48 kHz.
        try """
        {"scriptText": "<<sectionName::intro>>Hello {{name}}. <<sectionName::offer>>Our spring sale starts today. <<sectionName::close>>See you soon.",
         "soundTemplate": "news", "forceLength": 8, "audience": {"name": "Ana"},
         "sectionProperties": {"intro": {"endAt": 2.5005}, "offer": {"endAt": 5.3}},
         "metadata": {"title": "Spring sale for {{name}}", "artist": "Mixdown Café", "album": "Spots 日本語", "albumArtist": "Acme",
                      "genre": "Advertising", "year": 2026, "track": "3/12", "comment": "30 s spot, 🎧 = yes", "copyright": "© 2026 Acme",
                      "publisher": "Acme Media", "language": "fra", "url": "https://acme.example/spring", "isrc": "GBAYE2600001",
                      "coverImage": "cover.jpg"},
         "chapters": true, "endFormat": \(formats)\(extra)}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func render(_ production: String) throws -> (run: Tools.Result, report: [String: Any]) {
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try Tools.run(Tools.mixdown, ["render", production, "-o", folder.file("out/"), "--report", folder.file("r.json")],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        let report = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json"))))) as? [String: Any] ?? [:]
        return (run, report)
    }

    /// mutagen's reading of a file: tags, the cover's SHA-256, chapters [startMs, endMs?, title].
    static func mutagen(_ path: String) throws -> [String: Any] {
        let run = try Tools.run(python, [reader, path])
        try #require(run.status == 0, "read-tags.py \(path): \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    static func ffprobe(_ path: String) throws -> [String: Any] {
        let run = try Tools.run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json", path])
        try #require(run.status == 0, "ffprobe \(path): \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    /// Milliseconds as both chapter formats store them: rounded to nearest, halves up.
    static func ms(_ samples: Int, _ rate: Int) -> Int { (samples * 2_000 + rate) / (2 * rate) }

    @Test func everyFormatCarriesTagsCoverAndChapters() throws {
        let formats = #"["mp3_medium", "flac", "ogg", "opus", "wav", "m4a", "m4b", {"name": "radio", "format": "mp3", "sampleRate": 22050, "channels": 1, "bitRate": 64}]"#
        let (run, report) = try render(try production(formats: formats))
        try #require(run.status == 0, "\(run.stderr)")
        let cover = SHA256Hex.of(file: folder.file("cover.jpg"))
        let sections = try #require(report["sections"] as? [[String: Any]])
        let starts = sections.map { $0["startSample"] as! Int }, ends = sections.map { $0["endSample"] as! Int }
        #expect(starts[1] == 120_024, "the second section starts off the millisecond grid")
        // What a format cannot hold is said, per format (and refused in strict delivery).
        let warnings = (report["warnings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "tagsNotWritten" }.compactMap { $0["message"] as? String }
        #expect(warnings == ["wav cannot hold albumArtist, publisher, language, url, isrc, coverImage, chapters (a WAV's RIFF INFO has no place for them): left out of that file",
                             "m4a cannot hold publisher, url, isrc (MP4's iTunes atoms have none): left out of that file",
                             "m4b cannot hold publisher, url, isrc (MP4's iTunes atoms have none): left out of that file"], "\(warnings)")
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        for output in outputs {
            let path = output["path"] as! String, rate = output["sampleRate"] as! Int, name = output["endFormat"] as! String
            // Exact and on target with the tags in place.
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.frames == 8 * rate, "\(name): \(decoded.frames) frames")
            // (The mono m4b of this 8 s stereo programme needs 8.7 dB of limiting for −14 LUFS and
            // stops at −14.6 with a warning, tags or not; its loudness is tested on the spot.)
            let loudness = try Tools.ffmpegLoudness(path)
            #expect(name == "m4b" || abs(loudness.integrated - -14) <= 0.5, "\(name): \(loudness)")
            #expect(loudness.truePeak <= -1, "\(name): \(loudness)")

            let probe = try Self.ffprobe(path)
            let streams = probe["streams"] as? [[String: Any]] ?? []
            var tags = (probe["format"] as? [String: Any])?["tags"] as? [String: String] ?? [:]
            for s in streams where s["codec_type"] as? String == "audio" { tags.merge(s["tags"] as? [String: String] ?? [:]) { a, _ in a } }
            let title = tags.first { $0.key.lowercased() == "title" }?.value
            #expect(title == "Spring sale for Ana", "\(name): ffprobe title \(title ?? "none")")
            if name == "wav" {
                // RIFF INFO holds the common tags; a WAV has no place for a cover or chapters.
                #expect(tags["artist"] == "Mixdown Café" && tags["copyright"] == "© 2026 Acme" && tags["date"] == "2026", "\(tags)")
                #expect(try BroadcastWaveTests.bext(path) != nil, "the bext chunk is still there")
                continue
            }
            // ffprobe's chapters: at each section's start, in the file's own rate: to the sample
            // in MP4 (a chapter track in the audio's timescale), to the millisecond elsewhere
            // (ID3 CHAP and Vorbis CHAPTERxx count milliseconds).
            let chapters = probe["chapters"] as? [[String: Any]] ?? []
            let isMP4 = path.hasSuffix(".m4a") || path.hasSuffix(".m4b")
            let startSamples = starts.map { ($0 * rate * 2 + 48_000) / 96_000 }
            let fileStarts = startSamples.map { Self.ms($0, rate) }
            #expect(chapters.compactMap { ($0["tags"] as? [String: String])?["title"] } == ["intro", "offer", "close"], "\(name): \(chapters)")
            let probed = chapters.compactMap { Double($0["start_time"] as? String ?? "") }
            if isMP4 {
                #expect(probed.map { Int(($0 * Double(rate)).rounded()) } == startSamples, "\(name): \(chapters)")
            } else {
                #expect(probed.map { Int(($0 * 1000).rounded()) } == fileStarts, "\(name): \(chapters)")
            }
            // A cover shows as an attached picture.
            #expect(streams.contains { ($0["disposition"] as? [String: Any])?["attached_pic"] as? Int == 1 } || name == "opus" || name == "ogg",
                    "\(name): no attached picture in \(streams.map { $0["codec_name"] ?? "" })")

            // mutagen: every tag, the cover's bytes, the chapters (ID3 also has their ends).
            let read = try Self.mutagen(path)
            let readTags = read["tags"] as? [String: String] ?? [:]
            // MP4's iTunes atoms (FFmpeg's muxer) have no publisher, URL or ISRC; its language is the track's.
            for (key, value) in Self.expected where !isMP4 || !["publisher", "url", "isrc", "language"].contains(key) {
                #expect(readTags[key] == value, "\(name): mutagen reads \(key) = \(readTags[key] ?? "nothing")")
            }
            if isMP4 {
                let audio = streams.first { $0["codec_type"] as? String == "audio" }
                #expect((audio?["tags"] as? [String: String])?["language"] == "fra", "\(name): track language")
            }
            #expect(read["coverSha256"] as? String == cover && read["coverMime"] as? String == "image/jpeg", "\(name): cover")
            let chapterList = read["chapters"] as? [[Any]] ?? []
            #expect(chapterList.map { $0[2] as? String } == ["intro", "offer", "close"])
            if isMP4 {
                // Nero chpl: 100 ns units.
                #expect(chapterList.map { Int((($0[0] as? Double ?? -1) / 1000 * Double(rate)).rounded()) } == startSamples, "\(name): \(chapterList)")
            } else {
                #expect(chapterList.map { $0[0] as? Int } == fileStarts, "\(name): \(chapterList)")
            }
            if read["kind"] as? String == "MP3" {
                let fileEnds = ends.map { Self.ms(($0 * rate * 2 + 48_000) / 96_000, rate) }
                #expect(chapterList.map { $0[1] as? Int } == fileEnds, "\(name): ID3 chapter ends \(chapterList)")
            }
        }
    }

    @Test func strictDeliveryRefusesATagAFormatCannotHold() throws {
        let production = try production(formats: #"["wav"]"#)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try Tools.run(Tools.mixdown, ["render", production, "--strict", "-o", folder.file("out/")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        #expect(run.status == 1 && run.stderrLines.count == 1 && run.stderr.contains("strict: wav cannot hold"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).isEmpty)
    }

    /// More sections than a format holds chapters: said before any speech (`plan --estimate`).
    @Test func moreSectionsThanAFormatsChaptersAreSaid() throws {
        let script = (1...256).map { "<<sectionName::s\($0)>>Hi." }.joined(separator: " ")
        try #"{"scriptText": "\#(script)", "chapters": true, "endFormat": ["mp3_medium", "flac", "m4b"]}"#
            .write(toFile: folder.file("many.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["plan", folder.file("many.json"), "--estimate", "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let messages = (plan["warnings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "tagsNotWritten" }.compactMap { $0["message"] as? String }
        #expect(messages == ["mp3_medium holds at most 255 chapters and the script has 256 sections: those after the 255th have no chapter in that file",
                             "m4b holds at most 255 chapters and the script has 256 sections: those after the 255th have no chapter in that file"], "\(messages)")
    }

    @Test func aBatchVariantsTitleNamesItsListener() throws {
        let production = try production(formats: #"["mp3_medium"]"#)
        try "name\nSam\nPriya\n".write(toFile: folder.file("rows.csv"), atomically: true, encoding: .utf8)
        let out = folder.file("batch")
        let run = try Tools.run(Tools.mixdown, ["batch", production, "--audience", folder.file("rows.csv"), "-o", out, "--jobs", "2"],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        for (row, name) in ["Sam", "Priya"].enumerated() {
            let file = try #require(FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".mp3") }.sorted().dropFirst(row).first)
            let read = try Self.mutagen(out + "/" + file)
            #expect((read["tags"] as? [String: String])?["title"] == "Spring sale for \(name)", "\(file): \(read)")
        }
        // A column misspelt (`nmae`) where the script has a fallback and only the title needs the
        // value: one line, naming the column it probably meant, and nothing written.
        try #"{"scriptText": "Hello {{name|friend}}.", "metadata": {"title": "For {{name}}"}, "endFormat": "mp3_medium"}"#
            .write(toFile: folder.file("typo.json"), atomically: true, encoding: .utf8)
        try "nmae\nSam\n".write(toFile: folder.file("typo.csv"), atomically: true, encoding: .utf8)
        let typo = try Tools.run(Tools.mixdown, ["batch", folder.file("typo.json"), "--audience", folder.file("typo.csv"), "-o", folder.file("typo")],
                                 environment: ["MIXDOWN_CACHE": folder.file("cache")])
        #expect(typo.status == 1, "\(typo.stderr)")
        #expect(typo.stderr.contains("metadata.title") && typo.stderr.contains("no value for '{{name}}' (a variable 'nmae' is given: misspelt?)"), "\(typo.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.file("typo"))) ?? []).allSatisfy { !$0.hasSuffix(".mp3") })
    }

    /// `vast` writes `<stem>.vast.xml` beside the outputs: well-formed (xmllint), the
    /// programme's exact duration, one MediaFile per output at `mediaBaseUrl` + its file name.
    @Test func aVASTDocumentBesideTheOutputs() throws {
        let production = try production(formats: #"["mp3_medium", "m4a", "wav"]"#,
                                         extra: #", "vast": {"adTitle": "Spring & sale", "clickThrough": "https://acme.example/s?a=1&b=2", "mediaBaseUrl": "https://cdn.example.com/ads"}"#)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try Tools.run(Tools.mixdown, ["render", production, "-o", folder.file("out/spot"), "--report", folder.file("r.json")],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let path = folder.file("out/spot.vast.xml")
        let lint = try Tools.run("xmllint", ["--noout", path])
        #expect(lint.status == 0, "\(lint.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("<VAST version=\"4.2\"") && text.contains("<Duration>00:00:08.000</Duration>"), "\(text)")
        #expect(text.contains("<AdTitle>Spring &amp; sale</AdTitle>") && text.contains("<![CDATA[https://acme.example/s?a=1&b=2]]>"))
        let urls = text.components(separatedBy: "<MediaFile ").dropFirst().map { $0.components(separatedBy: "<![CDATA[")[1].components(separatedBy: "]]>")[0] }
        #expect(urls == ["https://cdn.example.com/ads/spot.mp3", "https://cdn.example.com/ads/spot.m4a", "https://cdn.example.com/ads/spot.wav"])
        for ext in ["mp3", "m4a", "wav"] { #expect(FileManager.default.fileExists(atPath: folder.file("out/spot.\(ext)"))) }
    }

    @Test(arguments: [
        ("gif", #""coverImage": "cover.gif""#, "metadata.coverImage", "a cover image must be a JPEG or PNG"),
        ("missing", #""coverImage": "nothere.png""#, "metadata.coverImage", "cannot read the cover image"),
        ("placeholder", #""title": "For {{client}}""#, "metadata.title", "no value for '{{client}}'"),
        ("language", #""language": "French""#, "metadata.language", "ISO 639-2"),
        ("key", #""titel": "x""#, "metadata.titel", "unknown key (did you mean 'title'?)"),
    ])
    func badMetadataIsOneLineAndNothingWritten(name: String, metadata: String, keyPath: String, reason: String) throws {
        try Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8).write(to: URL(fileURLWithPath: folder.file("cover.gif")))
        try #"{"scriptText": "Hello.", "metadata": {\#(metadata)}, "endFormat": "mp3_medium"}"#
            .write(toFile: folder.file("p.json"), atomically: true, encoding: .utf8)
        let (run, _) = try render(folder.file("p.json"))
        #expect(run.status == 1)
        #expect(run.stderrLines.count == 1 && run.stderr.contains(keyPath) && run.stderr.contains(reason), "\(name): \(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).isEmpty)
    }
}

/// A file's SHA-256 in hex, by the system's sha256sum (not Mixdown's own).
enum SHA256Hex {
    static func of(file: String) -> String {
        ((try? Tools.run("sha256sum", [file]))?.stdout.split(separator: " ").first).map(String.init) ?? ""
    }
}
