import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MixdownTestSupport
import Testing

/// Studio delivery through the API (a real `mixdown serve`, a real HTTP client): a cover
/// uploaded as media, tags and chapters in the outputs, and the VAST document whose MediaFile
/// links download the right files with no API key.
@Suite(.serialized) struct DeliveryServiceTests {
    let folder = TemporaryFolder()

    @Test func coverTagsAndVASTThroughTheAPI() throws {
        let store = ["--data", folder.file("data")]
        let added = try Tools.run(Tools.mixdown, ["keys", "add", "studio"] + store)
        try #require(added.status == 0, "\(added.stderr)")
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "1"] + store, environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }
        let base = server.base

        // The cover: a JPEG uploaded as media (checked by its bytes; a GIF is refused).
        _ = try Tools.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=blue:s=320x320", "-frames:v", "1", folder.file("c.jpg")])
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: folder.file("c.jpg")))
        let gif = try HTTP.send("POST", "\(base)/v1/media?name=c.gif", key: key, body: Data("GIF89a....".utf8), headers: ["Content-Type": "image/png"])
        #expect(gif.status == 422 && (gif.error["message"] as? String ?? "").contains("JPEG or PNG"), "\(gif.object)")
        let upload = try HTTP.send("POST", "\(base)/v1/media?name=cover.jpg", key: key, body: jpeg, headers: ["Content-Type": "image/jpeg"])
        try #require(upload.status == 201, "\(upload.object)")
        let cover = try #require(upload.object["id"] as? String)

        // A picture is no audio, and a path is no media id.
        func submit(_ production: [String: Any]) throws -> HTTPResult {
            try HTTP.send("POST", "\(base)/v1/productions", key: key, body: HTTP.json(production), headers: ["Content-Type": "application/json"])
        }
        let asAudio = try submit(["scriptText": "<<media::x>>", "mediaFiles": ["x": ["media": cover]]])
        #expect(asAudio.status == 422 && asAudio.error["path"] as? String == "mediaFiles.x.media", "\(asAudio.object)")
        let asPath = try submit(["scriptText": "Hello.", "metadata": ["coverImage": "/etc/passwd"]])
        #expect(asPath.error["code"] as? String == "forbidden" && asPath.error["path"] as? String == "metadata.coverImage", "\(asPath.status) \(asPath.object)")

        let accepted = try submit([
            "scriptText": "<<sectionName::intro>>Spring is here. <<sectionName::offer>>Everything half price this week.",
            "soundTemplate": "news", "forceLength": 6, "sectionProperties": ["intro": ["endAt": 2.5]],
            "metadata": ["title": "Spring sale", "artist": "Acme", "coverImage": cover], "chapters": true,
            "vast": ["adTitle": "Spring sale", "clickThrough": "https://acme.example/spring"], "stems": true, "captions": "vtt",
            "endFormat": ["mp3_medium", "m4a", ["name": "radio", "format": "mp3", "sampleRate": 22050, "channels": 1, "bitRate": 64]],
        ])
        try #require(accepted.status == 202, "\(accepted.object)")
        let id = try #require(accepted.object["id"] as? String)
        let deadline = Date().addingTimeInterval(120)
        var status = [String: Any]()
        while Date() < deadline {
            status = try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: key).object
            if ["succeeded", "failed"].contains(status["status"] as? String ?? "") { break }
            usleep(100_000)
        }
        try #require(status["status"] as? String == "succeeded", "\(status)")
        let report = try #require(status["report"] as? [String: Any])

        // The VAST document: well-formed (xmllint), its Duration the programme's, one MediaFile per output.
        let vast = try HTTP.send("GET", "\(base)/v1/productions/\(id)/vast.xml", key: key)
        try #require(vast.status == 200, "\(String(decoding: vast.body, as: UTF8.self))")
        #expect(vast.header("content-type")?.hasPrefix("application/xml") == true)
        try vast.body.write(to: URL(fileURLWithPath: folder.file("ad.xml")))
        let lint = try Tools.run("xmllint", ["--noout", folder.file("ad.xml")])
        #expect(lint.status == 0, "\(lint.stderr)")
        let xml = try XMLDocument(contentsOf: URL(fileURLWithPath: folder.file("ad.xml")))
        let duration = try xml.nodes(forXPath: "//*[local-name()='Duration']").first?.stringValue
        let ms = report["durationMs"] as? Double ?? -1
        #expect(duration == String(format: "00:00:%02d.%03d", Int(ms) / 1000, Int(ms) % 1000) && ms == 6_000, "\(duration ?? "none") for \(ms) ms")
        #expect(try xml.nodes(forXPath: "//*[local-name()='AdTitle']").first?.stringValue == "Spring sale")
        let files = try xml.nodes(forXPath: "//*[local-name()='MediaFile']").compactMap { $0 as? XMLElement }
        func attribute(_ e: XMLElement, _ name: String) -> String? { e.attributes?.first { $0.localName == name || $0.name == name }?.stringValue }
        #expect(files.compactMap { attribute($0, "id") } == ["mp3_medium", "m4a", "radio"], "\(String(decoding: vast.body, as: UTF8.self))")
        #expect(files.compactMap { attribute($0, "type") } == ["audio/mpeg", "audio/mp4", "audio/mpeg"])
        for file in files {
            let name = attribute(file, "id") ?? ""
            let url = (file.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            // Each URL downloads, with no API key, exactly the file the key's own route serves.
            let player = try HTTP.send("GET", url)
            let own = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/\(name)", key: key)
            #expect(player.status == 200 && own.status == 200 && player.body == own.body && !own.body.isEmpty, "\(name): \(url) → \(player.status) \(String(decoding: player.body.prefix(300), as: UTF8.self)); own \(own.status)")
            // The delivered file carries the uploaded cover and the tags (mutagen).
            let path = folder.file("dl-\(name)")
            try own.body.write(to: URL(fileURLWithPath: path))
            let read = try MetadataTests.mutagen(path)
            #expect((read["tags"] as? [String: String])?["title"] == "Spring sale", "\(name): \(read)")
            #expect(read["coverSha256"] as? String == SHA256Hex.of(file: folder.file("c.jpg")), "\(name): cover")
            #expect((read["chapters"] as? [[Any]])?.count == 2, "\(name): chapters \(read["chapters"] ?? "none")")
        }
        // Stems and captions, as asked: each stem the programme's exact length (ffmpeg).
        for stem in ["speech", "music", "mix"] {
            let r = try HTTP.send("GET", "\(base)/v1/productions/\(id)/stems/\(stem)", key: key)
            #expect(r.status == 200 && r.header("content-type") == "audio/wav", "\(stem): \(r.status)")
            try r.body.write(to: URL(fileURLWithPath: folder.file("\(stem).wav")))
            let decoded = try Tools.ffmpegDecode(folder.file("\(stem).wav"))
            #expect(decoded.frames == 288_000 && decoded.sampleRate == 48_000, "\(stem): \(decoded.frames) frames")
        }
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/stems/voice", key: key).status == 404)
        let vtt = try HTTP.send("GET", "\(base)/v1/productions/\(id)/captions.vtt", key: key)
        let cues = String(decoding: vtt.body, as: UTF8.self)
        #expect(vtt.status == 200 && cues.hasPrefix("WEBVTT") && cues.contains("Spring") && cues.contains("-->"), "\(cues)")
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/captions.srt", key: key).status == 404)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/stems/speech").status == 401)
        // A production that asked for no VAST has none.
        let plain = try submit(["scriptText": "Hi.", "endFormat": "wav"])
        let plainId = try #require(plain.object["id"] as? String)
        while Date() < deadline, try HTTP.send("GET", "\(base)/v1/productions/\(plainId)", key: key).object["status"] as? String != "succeeded" { usleep(100_000) }
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(plainId)/vast.xml", key: key).status == 404)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(plainId)/stems/mix", key: key).status == 404)
    }
}
