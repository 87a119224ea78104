import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
@testable import MixdownServer
import Testing

/// What each route refuses, with the status, the error's code and its path (the key path into
/// the body, the parameter or the header), and that nothing was queued for it.
@Suite struct ValidationTests {
    @Test func productionsRefuseBadBodies() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let refusals: [(String, HTTPResponse.Status, String, String?)] = [
                ("{\"scriptText\": ", .badRequest, "invalidJSON", "production:1:16"),
                ("[1, 2", .badRequest, "invalidJSON", "production:1:6"),
                ("{\"scriptText\": \"Hi.\", \"speed\": 9}", .unprocessableContent, "invalidProduction", "speed"),
                ("{\"scriptText\": \"Hi.\", \"endFormat\": [\"mp4\"]}", .unprocessableContent, "invalidProduction", "endFormat[0]"),
                ("{\"scriptFile\": \"/etc/passwd\"}", .unprocessableContent, "forbidden", "scriptFile"),
                ("{\"scriptText\": \"Hi.\", \"mediaFiles\": {\"x\": {\"path\": \"/etc/passwd\"}}}", .unprocessableContent, "forbidden", "mediaFiles.x"),
                ("{\"scriptText\": \"Hi.\", \"mediaFiles\": {\"x\": {\"media\": \"nope\"}}}", .unprocessableContent, "unknownName", "mediaFiles.x.media"),
                ("{\"scriptText\": \"Hi.\", \"soundTemplate\": \"../../etc\"}", .unprocessableContent, "forbidden", "soundTemplate"),
                ("{\"scriptText\": \"Hi.\", \"speechEngine\": \"nope\"}", .unprocessableContent, "unknownName", "speechEngine"),
                ("{\"scriptText\": \"Hi.\", \"webhook\": {\"url\": \"file:///etc/passwd\"}}", .unprocessableContent, "invalidProduction", "webhook.url"),
                // Speech direction: no lexicon files on the server; entries and speakers checked before queueing.
                ("{\"scriptText\": \"Hi.\", \"lexicon\": [{\"grapheme\": \"Hi\", \"alias\": \"hello\"}, \"/etc/brand.pls\"]}", .unprocessableContent, "forbidden", "lexicon[1]"),
                ("{\"scriptText\": \"Hi.\", \"lexicon\": [{\"grapheme\": \"Hi\", \"alias\": \"hello\", \"phoneme\": \"haɪ\"}]}", .unprocessableContent, "invalidProduction", "lexicon[0]"),
                ("{\"scriptText\": \"<<speaker::hots>>Hi.\", \"cast\": {\"host\": {\"voice\": \"en-us\"}}}", .unprocessableContent, "unknownName", "production#scriptText:1:1"),
            ]
            for (body, status, code, path) in refusals {
                let r = try await client.send(.post, "/v1/productions", key: harness.alice, body: body)
                #expect(r.status == status, "\(body): \(r.text)")
                #expect(r.error["code"] == code && r.error["path"] == path, "\(body): \(r.text)")
                #expect(r.headers[.contentType] == "application/json")
            }
            let header = try await client.send(.post, "/v1/productions", key: harness.alice, headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "x", count: 201)],
                                               body: #"{"scriptText": "Hi."}"#)
            #expect(header.status == .badRequest && header.error["code"] == "invalidHeader" && header.error["path"] == "Idempotency-Key")
            let huge = try await client.send(.post, "/v1/productions", key: harness.alice, body: "{\"scriptText\": \"" + String(repeating: "a", count: 2 << 20) + "\"}")
            #expect(huge.status == .contentTooLarge && huge.error["code"] == "tooLarge")
        }
        #expect(try await harness.store.activeCount(key: "alice") == 0)
    }

    @Test func batchesRefuseBadBodies() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let refusals: [(String, HTTPResponse.Status, String?, String?)] = [
                ("{\"production\": ", .badRequest, "invalidJSON", "batch:1:16"),
                ("{\"rows\": [{}]}", .unprocessableContent, "invalidBatch", "production"),
                ("{\"production\": {\"scriptText\": \"Hi.\"}}", .unprocessableContent, "invalidBatch", "rows"),
                ("{\"production\": {\"scriptText\": \"Hi.\"}, \"rows\": []}", .unprocessableContent, "invalidBatch", "rows"),
                ("{\"production\": {\"scriptText\": \"Hi.\"}, \"rows\": [{}], \"extra\": 1}", .unprocessableContent, "invalidProduction", "extra"),
                ("{\"production\": {\"scriptText\": \"Hi.\", \"speed\": 9}, \"rows\": [{}]}", .unprocessableContent, "invalidProduction", "speed"),
                ("{\"production\": {\"scriptText\": \"Hi {{name}}.\"}, \"rows\": [{\"name\": \"Sam\"}, {\"city\": \"Leeds\"}]}", .unprocessableContent, nil, "rows[1]"),
                ("{\"production\": {\"scriptText\": \"Hi {{name}}.\"}, \"rows\": [{\"name\": 3}]}", .unprocessableContent, "invalidProduction", "rows[0].name"),
            ]
            for (body, status, code, path) in refusals {
                let r = try await client.send(.post, "/v1/batches", key: harness.alice, body: body)
                #expect(r.status == status, "\(body): \(r.text)")
                #expect(r.error["path"] == path, "\(body): \(r.text)")
                if let code { #expect(r.error["code"] == code, "\(body): \(r.text)") }
            }
        }
        #expect(try await harness.store.activeCount(key: "alice") == 0)
    }

    @Test func mediaRefusesBadUploads() async throws {
        let harness = try await Harness()
        let wav: HTTPFields = [.contentType: "audio/wav"]
        try await harness.test { client in
            let unknown = try await client.send(.post, "/v1/media?name=a&colour=red", key: harness.alice, headers: wav, bytes: silentWAV())
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text == #"{"error":{"code":"invalidParameter","message":"unknown query parameter (known: name)","path":"colour"}}"#)
            let name = try await client.send(.post, "/v1/media?name=a/b", key: harness.alice, headers: wav, bytes: silentWAV())
            #expect(name.status == .unprocessableContent && name.error["code"] == "invalidName" && name.error["path"] == "name")
            let type = try await client.send(.post, "/v1/media", key: harness.alice, headers: [.contentType: "text/plain"], bytes: silentWAV())
            #expect(type.status == .unsupportedMediaType && type.error["code"] == "unsupportedMediaType")
            let empty = try await client.send(.post, "/v1/media", key: harness.alice, headers: wav)
            #expect(empty.status == .unprocessableContent && empty.error["code"] == "invalidMedia")
            let notAudio = try await client.send(.post, "/v1/media", key: harness.alice, headers: wav, body: "not audio")
            #expect(notAudio.status == .unprocessableContent && notAudio.error["code"] == "invalidMedia")
            #expect(!notAudio.error["message", default: ""].contains(harness.folder), "the message names the server's folder: \(notAudio.text)")
        }
    }

    @Test func masterRefusesBadSettingsBeforeReadingTheBody() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let refusals: [(String, String, String)] = [
                ("targetLUFS=-10", "targetLUFS", "invalidParameter"), ("targetLufs=3", "targetLufs", "invalidParameter"),
                ("truePeak=abc", "truePeak", "invalidParameter"), ("endFormat=mp4", "endFormat", "invalidParameter"),
                ("preset=reference", "reference", "invalidParameter"), ("loudnessPreset=loudest", "loudnessPreset", "invalidParameter"),
                ("preset=streaming&preset=podcast", "preset", "invalidParameter"),
                ("preset=reference&reference=nope", "reference", "unknownMedia"),
                ("cleanup=%7B%22denoize%22%3A1%7D", "cleanup.denoize", "invalidParameter"),
                ("cleanup=yes", "cleanup", "invalidParameter"),
            ]
            for (query, path, code) in refusals {
                let r = try await client.send(.post, "/v1/master?\(query)", key: harness.alice, headers: [.contentType: "audio/wav"], bytes: silentWAV())
                #expect(r.status == .unprocessableContent && r.error["path"] == path && r.error["code"] == code, "\(query): \(r.text)")
            }
            let unknown = try await client.send(.post, "/v1/master?colour=red", key: harness.alice, headers: [.contentType: "audio/wav"], bytes: silentWAV())
            #expect(unknown.error["message"] == "unknown query parameter (known: cleanup, endFormat, loudnessPreset, name, preset, reference, targetLufs, truePeak)")
            let notAudio = try await client.send(.post, "/v1/master", key: harness.alice, headers: [.contentType: "audio/wav"], body: "not audio")
            #expect(notAudio.status == .unprocessableContent && notAudio.error["code"] == "invalidMedia")
        }
        #expect(try await harness.store.activeCount(key: "alice") == 0)
    }

    /// An id that is no job (or another key's): 404 on every route that takes one.
    @Test(arguments: RouteCase.all.filter { $0.template.contains("{id}") && !$0.template.hasPrefix("/v1/voices") })
    func anUnknownIdIs404(_ route: RouteCase) async throws {
        let harness = try await Harness()
        let bobs = try await harness.enqueue(spec: #"{"production":{"scriptText":"Hi."},"variables":{}}"#, key: "bob")
        try await harness.test { client in
            let what = route.template.hasPrefix("/v1/batches") ? "batch" : route.template.hasPrefix("/v1/media") ? "media" : "production"
            for path in [route.path, route.path.replacingOccurrences(of: "00000000-0000-0000-0000-000000000000", with: bobs.id)] {
                let r = try await client.send(route.method, path, key: harness.alice)
                #expect(r.status == .notFound, "\(route.method) \(path)")
                #expect(r.text == #"{"error":{"code":"notFound","message":"no \#(what) with this id"}}"#)
            }
        }
        #expect(try await harness.store.job(id: bobs.id, key: "bob")?.state == .queued, "alice's DELETE reached bob's job")
    }

    /// Another key's media is no media: a production naming it is refused where it names it.
    @Test func anotherKeysMediaIsUnknown() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let upload = try await client.send(.post, "/v1/media?name=jingle", key: harness.bob, headers: [.contentType: "audio/wav"], bytes: silentWAV())
            #expect(upload.status == .created)
            let media = try #require(upload.object["id"] as? String)
            let theft = try await client.send(.post, "/v1/productions", key: harness.alice,
                                              body: #"{"scriptText": "Hi.", "mediaFiles": {"jingle": {"media": "\#(media)"}}}"#)
            #expect(theft.status == .unprocessableContent && theft.error["path"] == "mediaFiles.jingle.media" && theft.error["code"] == "unknownName")
            let master = try await client.send(.post, "/v1/master?preset=reference&reference=\(media)", key: harness.alice,
                                               headers: [.contentType: "audio/wav"], bytes: silentWAV())
            #expect(master.status == .unprocessableContent && master.error["path"] == "reference")
        }
    }
}
