import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import MixdownCore
import MixdownScript
@testable import MixdownServer
import MixdownTestSupport
import Testing

/// The routes Mixdown Studio is built on (docs/studio.md), through the router: its files,
/// `POST /v1/validate`, `GET /v1/productions`, the previews, and the report page by link.
@Suite struct StudioRouteTests {
    /// Every file of `Sources/MixdownServer/Studio` is served as it is in the repository, with
    /// its type and a policy that lets only this server's own files run or load.
    @Test func theStudiosFilesAreServedUnderItsPolicy() async throws {
        let harness = try await Harness()
        let folder = Harness.repository + "/Sources/MixdownServer/Studio"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(Set(names) == Set(StudioController.files.keys), "every file in Studio/ is embedded and served")
        try await harness.test { client in
            for name in names {
                let r = try await client.send(.get, "/studio/\(name)")
                #expect(r.status == .ok, "\(name)")
                #expect(Array(r.body.readableBytesView) == Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))), "\(name) as in the repository")
                #expect(r.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self';") == true)
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                let type = r.headers[.contentType] ?? ""
                #expect(name.hasSuffix(".js") ? type.hasPrefix("text/javascript") : name.hasSuffix(".css") ? type.hasPrefix("text/css")
                        : name.hasSuffix(".html") ? type.hasPrefix("text/html") : type == "image/svg+xml", "\(name): \(type)")
            }
            let page = try await client.send(.get, "/studio/")
            #expect(page.status == .ok && page.text.contains("<title>Mixdown Studio</title>"))
            for path in ["/", "/studio"] {
                let r = try await client.send(.get, path)
                #expect(r.status == .found && r.headers[.location] == "/studio/", "\(path)")
            }
            let missing = try await client.send(.get, "/studio/secrets.js")
            #expect(missing.status == .notFound && missing.error["code"] == "notFound")
            let escape = try await client.send(.get, "/studio/..%2F..%2Fetc%2Fpasswd")
            #expect(escape.status == .notFound)
        }
    }

    @Test func validateAnswersValidOrPlacesTheMistake() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let valid = try await client.send(.post, "/v1/validate", key: harness.alice,
                                              body: #"{"scriptText": "<<sectionName::a>> Hi {{name|friend}}.", "audience": {"nmae": "Sam"}}"#)
            #expect(valid.status == .ok, "\(valid.text)")
            #expect(valid.object["valid"] as? Bool == true)
            let warnings = try #require(valid.object["warnings"] as? [[String: Any]])
            #expect(warnings.compactMap { $0["code"] as? String } == ["unusedVariable"], "\(valid.text)")
            // A misspelt tag on the second line, seventh column.
            let tag = try await client.send(.post, "/v1/validate", key: harness.alice,
                                            body: #"{"scriptText": "Hello there.\nNow, <<sectionNme::b>> go."}"#)
            #expect(tag.status == .unprocessableContent, "\(tag.text)")
            let errors = try #require(tag.object["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            #expect(errors[0]["line"] as? Int == 2 && errors[0]["column"] as? Int == 6, "\(tag.text)")
            #expect(errors[0]["code"] as? String == "invalidScript" && (errors[0]["message"] as? String)?.contains("sectionName") == true, "\(tag.text)")
            #expect(tag.error["code"] == "invalidScript" && tag.object["valid"] as? Bool == false)
            // The same verdict in a 200, for a browser (which logs every 4xx as an error).
            let body = try await client.send(.post, "/v1/validate?verdict=body", key: harness.alice,
                                             body: #"{"scriptText": "Hello there.\nNow, <<sectionNme::b>> go."}"#)
            #expect(body.status == .ok && body.object["valid"] as? Bool == false, "\(body.text)")
            #expect(((body.object["errors"] as? [[String: Any]])?.first?["line"] as? Int) == 2)
            let bad = try await client.send(.post, "/v1/validate?verdict=maybe", key: harness.alice, body: #"{"scriptText": "Hi."}"#)
            #expect(bad.status == .badRequest && bad.error["path"] == "verdict")
            // A name the server does not have: its key path, no line.
            let template = try await client.send(.post, "/v1/validate", key: harness.alice, body: #"{"scriptText": "Hi.", "soundTemplate": "corporat"}"#)
            #expect(template.status == .unprocessableContent && template.error["path"] == "soundTemplate", "\(template.text)")
            let entry = try #require((template.object["errors"] as? [[String: Any]])?.first)
            #expect(entry["path"] as? String == "soundTemplate" && entry["line"] == nil)
            // Strict: a warning is a refusal.
            let strict = try await client.send(.post, "/v1/validate?strict=true", key: harness.alice,
                                               body: #"{"scriptText": "Hi {{name|friend}}.", "audience": {"nmae": "Sam"}}"#)
            #expect(strict.status == .unprocessableContent && strict.error["code"] == "unusedVariable", "\(strict.text)")
            let notJSON = try await client.send(.post, "/v1/validate", key: harness.alice, body: "{")
            #expect(notJSON.status == .badRequest)
        }
        #expect(try await harness.store.activeCount(key: "alice") == 0, "validating queues nothing")
    }

    @Test func aKeysJobsAreListedNewestFirstInPages() async throws {
        let harness = try await Harness()
        var ids = [String]()
        for _ in 0..<5 {
            ids.append(try await harness.enqueue(spec: #"{"production":{"scriptText":"Hi."},"variables":{}}"#).id)
            try await Task.sleep(for: .milliseconds(5))
        }
        _ = try await harness.enqueue(spec: #"{"production":{"scriptText":"Hi."},"variables":{}}"#, key: "bob")
        let newestFirst = Array(ids.reversed())
        try await harness.test { client in
            let first = try await client.send(.get, "/v1/productions?limit=3", key: harness.alice)
            #expect(first.status == .ok, "\(first.text)")
            let page = try #require(first.object["jobs"] as? [[String: Any]])
            #expect(page.compactMap { $0["id"] as? String } == Array(newestFirst.prefix(3)))
            #expect(page.allSatisfy { $0["kind"] as? String == "production" && $0["status"] as? String == "queued" })
            let next = try #require(first.object["next"] as? String)
            let second = try await client.send(.get, "/v1/productions?limit=3&after=\(next)", key: harness.alice)
            #expect((second.object["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == Array(newestFirst.suffix(2)))
            #expect(second.object["next"] == nil)
            let bad = try await client.send(.get, "/v1/productions?limit=0", key: harness.alice)
            #expect(bad.status == .badRequest && bad.error["path"] == "limit")
            let notOurs = try await client.send(.get, "/v1/productions?after=nobody", key: harness.alice)
            #expect(notOurs.status == .notFound && notOurs.error["path"] == "after")
        }
    }

    /// A finished job's status gives the report page by a link of its own, which opens that
    /// page (and its player's file) without a key, and nothing else.
    @Test func theReportPageOpensByTheStatussLink() async throws {
        let harness = try await Harness()
        let job = try await harness.succeededJob(bytes: silentWAV(), page: #"<html><script>const r = {"player":"outputs/wav"};</script></html>"#)
        try await harness.test { client in
            let status = try await client.send(.get, "/v1/productions/\(job.id)", key: harness.alice)
            let link = try #require(status.object["reportPage"] as? String)
            #expect(link.hasPrefix("/v1/productions/\(job.id)/report.html?access="))
            // The link names no key: not "alice" in any spelling (it was once the name in hex).
            let token = try #require(link.components(separatedBy: "access=").last)
            #expect(!token.contains("616c696365") && !token.lowercased().contains("alice") && token.split(separator: ".").first?.count == 16, "\(token)")
            #expect((status.object["outputs"] as? [[String: Any]])?.first?["file"] as? String == "audio.wav")
            let page = try await client.send(.get, link)
            #expect(page.status == .ok && page.text.contains(#""player":"outputs/wav?access="#), "\(page.text)")
            // The page's player link opens the file; the page's link opens no file.
            let player = try #require(page.text.components(separatedBy: #""player":""#).last?.components(separatedBy: "\"").first)
            let file = try await client.send(.get, "/v1/productions/\(job.id)/\(player)")
            #expect(file.status == .ok && file.body.readableBytes == silentWAV().count)
            let wrong = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=\(token)")
            #expect(wrong.status == .unauthorized)
            // Two characters changed (to what they are not: a link ending in "00" stays forged).
            let forged = try await client.send(.get, String(link.dropLast(2)) + (link.hasSuffix("00") ? "11" : "00"))
            #expect(forged.status == .unauthorized)
            // Deleting the finished job: `deleted`, no outputs, its files and page gone.
            let deleted = try await client.send(.delete, "/v1/productions/\(job.id)", key: harness.alice)
            #expect(deleted.status == .ok && deleted.object["status"] as? String == "deleted" && (deleted.object["outputs"] as? [Any])?.isEmpty == true, "\(deleted.text)")
            let after = try await client.send(.get, "/v1/productions/\(job.id)", key: harness.alice)
            #expect(after.object["status"] as? String == "deleted" && after.object["reportPage"] == nil && (after.object["outputs"] as? [Any])?.isEmpty == true)
            let gone = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav", key: harness.alice)
            #expect(gone.status == .notFound && gone.error["message"] == "this job was deleted, and its outputs with it", "\(gone.text)")
            #expect(try await client.send(.get, link).status == .notFound)
            let listed = try await client.send(.get, "/v1/productions", key: harness.alice)
            #expect((listed.object["jobs"] as? [[String: Any]])?.first { $0["id"] as? String == job.id }?["status"] as? String == "deleted")
        }
        #expect(!FileManager.default.fileExists(atPath: harness.service.configuration.dataDirectory + "/jobs/" + job.id))
    }

    /// A voice's preview is its voice speaking, made once: the second request is the kept file.
    @Test func previewsAreRealRendersMadeOnce() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let voices = try await client.send(.get, "/v1/voices", key: harness.alice)
            let ids = ((try JSONSerialization.jsonObject(with: Data(voices.text.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            let voice = try #require(ids.first { $0.hasPrefix("en") } ?? ids.first)
            let first = try await client.send(.get, "/v1/voices/\(voice)/preview", key: harness.alice)
            #expect(first.status == .ok && first.headers[.contentType] == "audio/mpeg", "\(first.text.prefix(300))")
            // Kept: one file under previews/voices, not written again by the second request.
            let kept = harness.service.configuration.dataDirectory + "/previews/voices"
            let files = try FileManager.default.contentsOfDirectory(atPath: kept)
            #expect(files.count == 1, "\(files)")
            let written = try FileManager.default.attributesOfItem(atPath: kept + "/" + files[0])[.modificationDate] as? Date
            let second = try await client.send(.get, "/v1/voices/\(voice)/preview", key: harness.alice)
            #expect(Array(second.body.readableBytesView) == Array(first.body.readableBytesView))
            #expect(try FileManager.default.attributesOfItem(atPath: kept + "/" + files[0])[.modificationDate] as? Date == written, "kept, not rendered again")
            #expect(try FileManager.default.contentsOfDirectory(atPath: kept) == files)
            let file = NSTemporaryDirectory() + "voice-preview-\(UUID().uuidString).mp3"
            defer { try? FileManager.default.removeItem(atPath: file) }
            try Data(first.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            let decoded = try Tools.ffmpegDecode(file)
            #expect(decoded.frames > decoded.sampleRate * 2, "a sentence, not a blip: \(decoded.frames) frames")
            #expect(decoded.samples.contains { abs($0) > 0.1 }, "speech, not silence")
            // The template's bed, 12 s exactly (mp3_medium: 44.1 kHz); a preview made from the
            // template as it was before is removed when the new one is kept.
            let server = harness.service.configuration.dataDirectory + "/previews/templates/server"
            try FileManager.default.createDirectory(atPath: server, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: server + "/corporate-0123456789abcdef.mp3", contents: Data([1, 2, 3])))
            #expect(FileManager.default.createFile(atPath: server + "/corporate-ish-0123456789abcdef.mp3", contents: Data([1, 2, 3])))
            let bed = try await client.send(.get, "/v1/templates/corporate/preview", key: harness.alice)
            let previews = try FileManager.default.contentsOfDirectory(atPath: server).sorted()
            #expect(previews.count == 2 && previews.contains("corporate-ish-0123456789abcdef.mp3") && !previews.contains("corporate-0123456789abcdef.mp3"), "\(previews)")
            #expect(bed.status == .ok, "\(bed.text.prefix(300))")
            try Data(bed.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            let music = try Tools.ffmpegDecode(file)
            #expect(music.frames == 12 * 44_100 && music.samples.contains { abs($0) > 0.05 }, "\(music.frames) frames")
            let unknown = try await client.send(.get, "/v1/voices/en-uss/preview", key: harness.alice)
            #expect(unknown.status == .notFound && unknown.error["message"]?.contains("no voice 'en-uss'") == true, "\(unknown.text)")
            let noTemplate = try await client.send(.get, "/v1/templates/corporat/preview", key: harness.alice)
            #expect(noTemplate.status == .notFound && noTemplate.error["message"]?.contains("did you mean 'corporate'?") == true, "\(noTemplate.text)")
        }
    }
}

/// The request log: one JSON line per request, with the route's pattern and the key's name,
/// never a key, a query (link tokens) or a body.
@Suite struct RequestLogTests {
    @Test func eachRequestIsOneLineWithoutSecrets() async throws {
        let harness = try await Harness()
        let lines = Locked([String]())
        var configuration = harness.service.configuration
        configuration.requestLog = { line in lines.withLock { $0.append(line) } }
        let service = try MixdownService(store: harness.store, configuration: configuration)
        let job = try await harness.succeededJob(bytes: silentWAV())
        try await Application(router: service.router()).test(.router) { client in
            _ = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=secret-token", key: harness.alice, headers: [HTTPField.Name("X-Request-Id")!: "req-42"])
            _ = try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "secret script"}"#)
            _ = try await client.send(.get, "/v1/templates", key: "mxd_wrong")
            _ = try await client.send(.get, "/studio/")
            _ = try await client.send(.get, "/nothing/here", key: harness.bob)
        }
        let logged = lines.withLock { $0 }
        #expect(logged.count == 5, "\(logged)")
        let objects = logged.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 5)
        #expect(objects.map { $0["route"] as? String } == ["/v1/productions/{id}/outputs/{endFormat}", "/v1/productions", "/v1/templates", "/studio", "/nothing/here"])
        #expect(objects.map { $0["status"] as? Int } == [200, 202, 401, 200, 404])
        #expect(objects.map { $0["key"] as? String } == ["alice", "alice", nil, nil, "bob"])
        #expect(objects[0]["id"] as? String == "req-42" && objects[0]["method"] as? String == "GET")
        #expect(objects.allSatisfy { ($0["ms"] as? Double).map { $0 >= 0 } == true && ($0["time"] as? String)?.hasSuffix("Z") == true })
        for line in logged {
            #expect(!line.contains("mxd_") && !line.contains("secret") && !line.contains("access="), "\(line)")
        }
    }
}

/// The key's media: listed newest first, one by id, deleted with its file, and kept while a
/// queued job uses it (409); another key's media is no media.
@Suite struct MediaRouteTests {
    @Test func mediaAreListedReadAndDeleted() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            var ids = [String]()
            for name in ["one", "two"] {
                let r = try await client.send(.post, "/v1/media?name=\(name)", key: harness.alice, headers: [.contentType: "audio/wav"], bytes: silentWAV())
                ids.append(try #require(r.object["id"] as? String))
                try await Task.sleep(for: .milliseconds(5))
            }
            let listed = try await client.send(.get, "/v1/media", key: harness.alice)
            #expect((listed.object["media"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["two", "one"], "\(listed.text)")
            #expect(((try await client.send(.get, "/v1/media", key: harness.bob)).object["media"] as? [Any])?.isEmpty == true)
            let one = try await client.send(.get, "/v1/media/\(ids[0])", key: harness.alice)
            #expect(one.status == .ok && one.object["name"] as? String == "one" && one.object["durationSamples"] as? Int == 4_000)
            #expect(try await client.send(.get, "/v1/media/\(ids[0])", key: harness.bob).status == .notFound)
            // In use by a queued job: kept.
            let queued = try await client.send(.post, "/v1/productions", key: harness.alice,
                                               body: #"{"scriptText": "<<media::jingle>> Hi.", "mediaFiles": {"jingle": {"media": "\#(ids[0])"}}}"#)
            #expect(queued.status == .accepted, "\(queued.text)")
            let busy = try await client.send(.delete, "/v1/media/\(ids[0])", key: harness.alice)
            #expect(busy.status == .conflict && busy.error["code"] == "inUse", "\(busy.text)")
            // Not in use: gone, with its file.
            let file = harness.service.configuration.dataDirectory + "/media/" + ids[1]
            #expect(FileManager.default.fileExists(atPath: file))
            #expect(try await client.send(.delete, "/v1/media/\(ids[1])", key: harness.bob).status == .notFound)
            #expect(try await client.send(.delete, "/v1/media/\(ids[1])", key: harness.alice).status == .noContent)
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(try await client.send(.get, "/v1/media/\(ids[1])", key: harness.alice).status == .notFound)
            #expect(try await client.send(.delete, "/v1/media/\(ids[1])", key: harness.alice).status == .notFound)
        }
    }
}

/// A report's outputs name their files, never the worker's paths.
@Suite struct ServedReportTests {
    @Test func reportsNameFilesNotServerPaths() async throws {
        let harness = try await Harness()
        let queued = try await harness.enqueue(spec: #"{"production":{"scriptText":"Hi."},"variables":{}}"#)
        let claimed = try #require(try await harness.store.claim(worker: "test", leaseSeconds: 60))
        #expect(claimed.id == queued.id)
        let report = #"{"totalSamples":48000,"outputs":[{"endFormat":"wav","path":"/srv/mixdown-data/jobs/\#(claimed.id)/1/audio.wav","bytes":10}]}"#
        #expect(try await harness.store.finish(id: claimed.id, worker: "test", outcome: JobOutcome(state: .succeeded, report: report, outputs: "[]")))
        try await harness.test { client in
            for path in ["/v1/productions/\(claimed.id)", "/v1/productions/\(claimed.id)/report"] {
                let r = try await client.send(.get, path, key: harness.alice)
                #expect(r.status == .ok && !r.text.contains("/srv/") && !r.text.contains("jobs/"), "\(path): \(r.text)")
                let body = path.hasSuffix("/report") ? r.object : (r.object["report"] as? [String: Any] ?? [:])
                #expect((body["outputs"] as? [[String: Any]])?.first?["path"] as? String == "audio.wav", "\(r.text)")
            }
        }
    }
}

/// The result cache: the same production with the same inputs, posted again by the same key,
/// is answered at once with the earlier job's files; anything that changes the output misses.
@Suite struct ResultCacheTests {
    /// Finishes the queued job `id` as a worker would, with one WAV output of `bytes`.
    func finish(_ harness: Harness, _ id: String, bytes: [UInt8]) async throws {
        let claimed = try #require(try await harness.store.claim(worker: "test", leaseSeconds: 60))
        #expect(claimed.id == id)
        let relative = "jobs/\(claimed.id)/\(claimed.attempts)"
        try FileManager.default.createDirectory(atPath: harness.service.configuration.dataDirectory + "/" + relative + "/audio.stems", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: harness.service.configuration.dataDirectory + "/" + relative + "/audio.wav", contents: Data(bytes)))
        #expect(FileManager.default.createFile(atPath: harness.service.configuration.dataDirectory + "/" + relative + "/audio.stems/speech.wav", contents: Data(bytes)))
        let outputs = JSONText.string([StoredOutput(endFormat: "wav", file: relative + "/audio.wav", bytes: bytes.count)])
        #expect(try await harness.store.finish(id: claimed.id, worker: "test", outcome: JobOutcome(state: .succeeded, report: #"{"totalSamples":48000}"#, outputs: outputs)))
    }

    @Test func aRepeatedProductionIsAnsweredFromTheCache() async throws {
        let harness = try await Harness()
        let bytes = (0..<2_000).map { UInt8($0 % 251) }
        let production = #"{"scriptText": "Hello from the cache.", "endFormat": "wav", "voice": "en-us"}"#
        try await harness.test { client in
            let first = try await client.send(.post, "/v1/productions", key: harness.alice, body: production)
            #expect(first.status == .accepted, "\(first.text)")
            let firstID = try #require(first.object["id"] as? String)
            try await finish(harness, firstID, bytes: bytes)
            // The same production (other key order, other spacing): answered at once, finished.
            let again = try await client.send(.post, "/v1/productions", key: harness.alice,
                                              body: #"{"voice":"en-us","endFormat":"wav","scriptText":"Hello from the cache."}"#)
            #expect(again.status == .ok && again.object["cached"] as? Bool == true && again.object["status"] as? String == "succeeded", "\(again.text)")
            let secondID = try #require(again.object["id"] as? String)
            #expect(secondID != firstID)
            let file = try await client.send(.get, "/v1/productions/\(secondID)/outputs/wav", key: harness.alice)
            #expect(file.status == .ok && Array(file.body.readableBytesView) == bytes)
            #expect(try await harness.store.activeCount(key: "alice") == 0, "nothing queued")
            // The earlier job deleted: the cached one keeps its own files (hard links).
            #expect(try await client.send(.delete, "/v1/productions/\(firstID)", key: harness.alice).object["status"] as? String == "deleted")
            let kept = try await client.send(.get, "/v1/productions/\(secondID)/outputs/wav", key: harness.alice)
            #expect(kept.status == .ok && Array(kept.body.readableBytesView) == bytes)
            #expect(FileManager.default.fileExists(atPath: harness.service.configuration.dataDirectory + "/jobs/\(secondID)/0/audio.stems/speech.wav"))
            // And it is a hit in its turn; the status says so.
            let status = try await client.send(.get, "/v1/productions/\(secondID)", key: harness.alice)
            #expect(status.object["cached"] as? Bool == true)
            #expect(try await client.send(.post, "/v1/productions", key: harness.alice, body: production).object["cached"] as? Bool == true)
            // Misses: opted out, another voice, another key.
            for (body, key) in [(#"{"scriptText": "Hello from the cache.", "endFormat": "wav", "voice": "en-us", "cache": false}"#, harness.alice),
                                (#"{"scriptText": "Hello from the cache.", "endFormat": "wav", "voice": "en-gb"}"#, harness.alice),
                                (production, harness.bob)] {
                let r = try await client.send(.post, "/v1/productions", key: key, body: body)
                #expect(r.status == .accepted && r.object["cached"] == nil, "\(body): \(r.text)")
            }
            let notBool = try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "Hi.", "cache": "no"}"#)
            #expect(notBool.status == .unprocessableContent && notBool.error["path"] == "cache", "\(notBool.text)")
        }
    }

    /// A changed template (a file of it rewritten) or another media upload makes another key.
    @Test func changedInputsMakeAnotherKey() async throws {
        let harness = try await Harness()
        let folder = TemporaryFolder()
        let template = folder.file("bed")
        try FileManager.default.copyItem(atPath: Harness.repository + "/SoundTemplates/corporate", toPath: template)
        /// The key of `json` as posted (`decoded`: the same without what the gate takes out).
        func key(_ json: String, decoded: String? = nil) throws -> String {
            let production = try ProductionDecoder.decode(try JSONParser.parse(decoded ?? json, file: "p"), file: "p", baseDirectory: folder.path)
            return ResultCache.key(production: JSONValue(try JSONParser.parse(json, file: "p")), admitted: production, keyName: "alice", service: harness.service)
        }
        let json = #"{"scriptText": "Hi.", "soundTemplate": "\#(template)"}"#
        let before = try key(json)
        #expect(try key(json) == before, "the same inputs, the same key")
        #expect(try key(#"{"soundTemplate": "\#(template)", "scriptText": "Hi.", "cache": true}"#, decoded: json) == before, "key order and the cache flag do not count")
        let manifest = template + "/template.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try (text + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(try key(json) != before, "a changed template misses")
        // Media are named by their upload ids, and an upload never changes: a new file is a new id.
        #expect(try key(#"{"scriptText": "Hi.", "audience": {"media": "id-1"}}"#) != (try key(#"{"scriptText": "Hi.", "audience": {"media": "id-2"}}"#)))
    }
}
