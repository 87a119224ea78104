import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
@testable import MixdownServer
import MixdownCore
import Testing

/// Jobs through the router, no worker running: what is answered and what is stored.
@Suite struct JobsTests {
    @Test func aProductionIsQueuedReadAndCancelled() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let body = #"{ "scriptText": "Hi.",  "endFormat": ["wav"] }"#
            let created = try await client.send(.post, "/v1/productions", key: harness.alice, headers: [HTTPField.Name("Idempotency-Key")!: "one"], body: body)
            #expect(created.status == .accepted)
            let id = try #require(created.object["id"] as? String)
            #expect(created.text == #"{"id":"\#(id)","status":"queued"}"#)
            #expect(created.headers[.location] == "/v1/productions/\(id)" && created.headers[.contentType] == "application/json")
            // Stored in the spec's shape, the production as data.
            let stored = try #require(try await harness.store.job(id: id, key: "alice"))
            #expect(stored.spec == #"{"production":{"endFormat":["wav"],"scriptText":"Hi."},"variables":{}}"#)

            // The same Idempotency-Key and production (other order and spacing): the same job.
            let again = try await client.send(.post, "/v1/productions", key: harness.alice, headers: [HTTPField.Name("Idempotency-Key")!: "one"],
                                              body: #"{"endFormat":["wav"],"scriptText":"Hi."}"#)
            #expect(again.status == .accepted && again.object["id"] as? String == id)
            let other = try await client.send(.post, "/v1/productions", key: harness.alice, headers: [HTTPField.Name("Idempotency-Key")!: "one"],
                                              body: #"{"endFormat":["mp3_medium"],"scriptText":"Hi."}"#)
            #expect(other.status == .unprocessableContent && other.error["code"] == "idempotencyKeyReused" && other.error["path"] == "Idempotency-Key")

            let status = try await client.send(.get, "/v1/productions/\(id)", key: harness.alice)
            #expect(status.status == .ok)
            #expect(status.text == #"{"error":null,"id":"\#(id)","outputs":[],"progress":0,"report":null,"status":"queued"}"#)
            for path in ["report", "report.html", "outputs/wav"] {
                let r = try await client.send(.get, "/v1/productions/\(id)/\(path)", key: harness.alice)
                #expect(r.status == .conflict && r.error["code"] == "notReady", "\(path): \(r.text)")
            }
            #expect(try await client.send(.get, "/v1/productions/\(id)", key: harness.bob).status == .notFound)
            #expect(try await client.send(.delete, "/v1/productions/\(id)", key: harness.bob).status == .notFound)

            let cancelled = try await client.send(.delete, "/v1/productions/\(id)", key: harness.alice)
            #expect(cancelled.status == .ok)
            #expect(cancelled.text == #"{"error":null,"id":"\#(id)","outputs":[],"progress":0,"report":null,"status":"cancelled"}"#)
            #expect(try await client.send(.get, "/v1/productions/\(id)", key: harness.alice).object["status"] as? String == "cancelled")
        }
    }

    @Test func aKeyIsHeldToItsJobsAtOnce() async throws {
        let harness = try await Harness(aliceMaxConcurrent: 1)
        try await harness.test { client in
            #expect(try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "Hi."}"#).status == .accepted)
            let second = try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "Hi."}"#)
            #expect(second.status == .tooManyRequests && second.headers[.retryAfter] == "5")
            #expect(second.text == #"{"error":{"code":"tooManyJobs","message":"this key has 1 jobs queued or running and may have 1 at once"}}"#)
            let batch = try await client.send(.post, "/v1/batches", key: harness.alice, body: #"{"production": {"scriptText": "Hi."}, "rows": [{}, {}]}"#)
            #expect(batch.status == .tooManyRequests && batch.error["message"] == "this key has 1 jobs queued or running and may have 1 at once; this request adds 2")
        }
    }

    @Test func aBatchIsQueuedAndSummedUp() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let created = try await client.send(.post, "/v1/batches", key: harness.alice,
                                                body: #"{"rows": [{"name": "Sam"}, {"name": "Ana"}], "production": {"scriptText": "Hi {{name}}.", "endFormat": ["wav"]}}"#)
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            let jobs = try #require(created.object["jobs"] as? [String])
            #expect(jobs.count == 2 && created.headers[.location] == "/v1/batches/\(id)")
            #expect(created.text == #"{"id":"\#(id)","jobs":["\#(jobs[0])","\#(jobs[1])"]}"#)
            let first = try #require(try await harness.store.job(id: jobs[0], key: "alice"))
            #expect(first.spec == #"{"production":{"endFormat":["wav"],"scriptText":"Hi {{name}}."},"variables":{"name":"Sam"}}"#)
            #expect(first.batch == id)

            let summary = try await client.send(.get, "/v1/batches/\(id)", key: harness.alice)
            // The jobs in the store's order: by creation, then id (these two were made in one instant).
            let listed = try #require(summary.object["jobs"] as? [String])
            #expect(Set(listed) == Set(jobs) && listed.count == 2)
            #expect(summary.text == #"{"counts":{"cancelled":0,"deleted":0,"failed":0,"queued":2,"running":0,"succeeded":0},"id":"\#(id)","jobs":["\#(listed[0])","\#(listed[1])"],"progress":0,"status":"queued"}"#)
            #expect(try await client.send(.get, "/v1/batches/\(id)", key: harness.bob).status == .notFound)
            // A batch's job carries its batch in its status.
            let job = try await client.send(.get, "/v1/productions/\(jobs[1])", key: harness.alice)
            #expect(job.object["batch"] as? String == id)
            _ = try await client.send(.delete, "/v1/productions/\(jobs[0])", key: harness.alice)
            let after = try await client.send(.get, "/v1/batches/\(id)", key: harness.alice).object
            #expect(after["status"] as? String == "running" && after["progress"] as? Double == 0.5)
        }
    }

    @Test func mediaAndAMasterAreStored() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let upload = try await client.send(.post, "/v1/media?name=jingle", key: harness.alice, headers: [.contentType: "audio/wav"], bytes: silentWAV())
            #expect(upload.status == .created)
            let media = try #require(upload.object["id"] as? String)
            // Field by field: `created` is a time (JSON may spell a Double with more digits than Swift prints).
            let created = try #require(upload.object["created"] as? Double)
            #expect(abs(created - Date().timeIntervalSince1970) < 600)
            #expect(Set(upload.object.keys) == ["channels", "created", "durationSamples", "id", "name", "sampleRate"])
            #expect(upload.object["channels"] as? Int == 1 && upload.object["durationSamples"] as? Int == 4_000 && upload.object["name"] as? String == "jingle"
                    && upload.object["sampleRate"] as? Int == 8_000 && upload.object["id"] as? String == media, "\(upload.text)")

            let master = try await client.send(.post, "/v1/master?loudnessPreset=podcast&endFormat=wav,mp3_medium&preset=reference&reference=\(media)",
                                               key: harness.alice, headers: [.contentType: "audio/wav", HTTPField.Name("Idempotency-Key")!: "m"], bytes: silentWAV())
            #expect(master.status == .accepted, "\(master.text)")
            let id = try #require(master.object["id"] as? String)
            let job = try #require(try await harness.store.job(id: id, key: "alice"))
            let mix = try #require(JobSpec(text: job.spec).flatMap { if case .master(let m) = $0 { m.media } else { nil } })
            #expect(job.spec == #"{"master":{"endFormat":["wav","mp3_medium"],"loudnessPreset":"podcast","media":"\#(mix)","preset":"reference","reference":"\#(media)"}}"#)
            // A retry with the same settings gets the job, without storing the mix again.
            let again = try await client.send(.post, "/v1/master?loudnessPreset=podcast&endFormat=wav,mp3_medium&preset=reference&reference=\(media)",
                                              key: harness.alice, headers: [.contentType: "audio/wav", HTTPField.Name("Idempotency-Key")!: "m"], bytes: silentWAV())
            #expect(again.object["id"] as? String == id)
            let changed = try await client.send(.post, "/v1/master?loudnessPreset=broadcast", key: harness.alice,
                                                headers: [.contentType: "audio/wav", HTTPField.Name("Idempotency-Key")!: "m"], bytes: silentWAV())
            #expect(changed.status == .unprocessableContent && changed.error["code"] == "idempotencyKeyReused")
            #expect(try await client.send(.get, "/v1/productions/\(id)", key: harness.alice).object["status"] as? String == "queued")
        }
    }

    /// Rows written before the spec became a type read as they always did: a production as its
    /// client sent it (any key order and spacing), a master's settings.
    @Test func specsStoredByEarlierVersionsStillRead() async throws {
        let harness = try await Harness()
        let production = try await harness.enqueue(spec: #"{"production":{ "scriptText": "Hi {{name}}.",  "endFormat": ["wav", "flac"] },"variables":{"name":"Sam"}}"#,
                                                   idempotencyKey: "old")
        guard case .production(let admitted, let variables) = try await harness.service.admit(production) else {
            Issue.record("not a production")
            return
        }
        #expect(variables == ["name": "Sam"])
        #expect(admitted.endFormats.map(\.name) == ["wav", "flac"])
        let master = try await harness.enqueue(spec: #"{"master":{"endFormat":["wav"],"media":"m1","preset":"streaming"}}"#)
        guard case .master(let settings) = try await harness.service.admit(master) else {
            Issue.record("not a master")
            return
        }
        #expect(settings == MasterJob(media: "m1", preset: "streaming", reference: nil, loudnessPreset: nil, targetLufs: nil, truePeak: nil, endFormat: ["wav"]))
        await #expect(throws: MixdownError.self) { try await harness.service.admit(try await harness.enqueue(spec: #"{"nothing":1}"#)) }

        // An Idempotency-Key of such a row still finds it.
        try await harness.test { client in
            let retried = try await client.send(.post, "/v1/productions", key: harness.alice, headers: [HTTPField.Name("Idempotency-Key")!: "old"],
                                                body: #"{"endFormat": ["wav", "flac"], "scriptText": "Hi {{name}}."}"#)
            #expect(retried.status == .accepted && retried.object["id"] as? String == production.id, "\(retried.text)")
        }
    }

    @Test func theSpecEncodesToItsStoredShapes() throws {
        let production = JobSpec.production(.init(production: .object(["scriptText": .string("Hi/there"), "forceLength": .number(6), "x": .array([.bool(true), .null])]),
                                                  variables: ["b": "2", "a": "1"]))
        #expect(production.text == #"{"production":{"forceLength":6,"scriptText":"Hi/there","x":[true,null]},"variables":{"a":"1","b":"2"}}"#)
        #expect(JobSpec(text: production.text) == production)
        let master = JobSpec.master(MasterJob(media: "m", preset: "podcast", reference: nil, loudnessPreset: nil, targetLufs: -16, truePeak: -1.5, endFormat: ["wav"]))
        #expect(master.text == #"{"master":{"endFormat":["wav"],"media":"m","preset":"podcast","targetLufs":-16,"truePeak":-1.5}}"#)
        #expect(JobSpec(text: master.text) == master)
        // A production row without variables (none was ever written so, but it reads).
        #expect(JobSpec(text: #"{"production":{"scriptText":"Hi."}}"#) == .production(.init(production: .object(["scriptText": .string("Hi.")]), variables: [:])))
        #expect(JobSpec(text: "[]") == nil && JobSpec(text: #"{"variables":{}}"#) == nil)
    }

    /// A finished job: its status, report, outputs (whole, by range) and report page, and the
    /// page's player link, which opens that one output without a key and nothing else.
    @Test func aFinishedJobsOutputsAndPlayerLink() async throws {
        let harness = try await Harness()
        let bytes = (0..<1_000).map { UInt8($0 % 251) }
        let job = try await harness.succeededJob(bytes: bytes, page: #"<script>const r = {"player":"outputs/wav"};</script>"#)
        try await harness.test { client in
            let status = try await client.send(.get, "/v1/productions/\(job.id)", key: harness.alice)
            // `reportPage` carries a token made now: checked up to it (StudioRouteTests opens it).
            let reportLink = try #require(status.object["reportPage"] as? String)
            #expect(reportLink.hasPrefix("/v1/productions/\(job.id)/report.html?access="))
            #expect(status.text == #"{"error":null,"id":"\#(job.id)","outputs":[{"bytes":1000,"endFormat":"wav","file":"audio.wav","url":"/v1/productions/\#(job.id)/outputs/wav"}],"progress":1,"report":{"totalSamples":48000},"reportPage":"\#(reportLink)","status":"succeeded"}"#)
            let report = try await client.send(.get, "/v1/productions/\(job.id)/report", key: harness.alice)
            #expect(report.status == .ok && report.text == #"{"totalSamples":48000}"#)

            let whole = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav", key: harness.alice)
            #expect(whole.status == .ok && Array(whole.body.readableBytesView) == bytes)
            #expect(whole.headers[.contentType] == "audio/wav" && whole.headers[.acceptRanges] == "bytes" && whole.headers[.contentLength] == "1000")
            let part = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav", key: harness.alice, headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent && Array(part.body.readableBytesView) == Array(bytes[100...199]))
            #expect(part.headers[.contentRange] == "bytes 100-199/1000")
            let outside = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav", key: harness.alice, headers: [.range: "bytes=5000-"])
            #expect(outside.status == .rangeNotSatisfiable && outside.headers[.contentRange] == "bytes */1000" && outside.error["code"] == "rangeNotSatisfiable")
            let mp3 = try await client.send(.get, "/v1/productions/\(job.id)/outputs/mp3_medium", key: harness.alice)
            #expect(mp3.status == .notFound && mp3.error["message"] == "no output in format 'mp3_medium' for this production")

            let page = try await client.send(.get, "/v1/productions/\(job.id)/report.html", key: harness.alice)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy] == "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'")
            let link = try #require(page.text.firstMatch(of: #/"player":"outputs/wav\?access=([0-9a-f]+\.[0-9]+\.[0-9a-f]{64})"/#)?.1)
            let token = String(link)

            // The link, without a key: that output, whole or by range.
            let played = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=\(token)")
            #expect(played.status == .ok && Array(played.body.readableBytesView) == bytes)
            #expect(try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=\(token)", headers: [.range: "bytes=0-9"]).status == .partialContent)
            // Nothing else: another format or job, a forged token, another route, no token.
            let invalid = #"{"error":{"code":"unauthorized","message":"this player link is not valid (expired, or its key revoked): open the report page again"}}"#
            let forged = String(token.dropLast()) + (token.last == "0" ? "1" : "0")
            for path in ["/v1/productions/\(job.id)/outputs/mp3_medium?access=\(token)", "/v1/productions/00000000-0000-0000-0000-000000000000/outputs/wav?access=\(token)",
                         "/v1/productions/\(job.id)/outputs/wav?access=\(forged)", "/v1/productions/\(job.id)/outputs/wav?access=garbage"] {
                let r = try await client.send(.get, path)
                #expect(r.status == .unauthorized && r.text == invalid, "\(path): \(r.text)")
            }
            for path in ["/v1/productions/\(job.id)?access=\(token)", "/v1/productions/\(job.id)/report?access=\(token)", "/v1/productions/\(job.id)/outputs/wav"] {
                let r = try await client.send(.get, path)
                #expect(r.status == .unauthorized && r.error["message"] == "send an API key: Authorization: Bearer KEY (or x-api-key: KEY)", "\(path): \(r.text)")
            }
            // Another method on the output's path: the link authenticates, the method does not exist.
            let delete = try await client.send(.delete, "/v1/productions/\(job.id)/outputs/wav?access=\(token)")
            #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "GET, HEAD")
            #expect(try await client.send(.delete, "/v1/productions/\(job.id)/outputs/wav?access=\(forged)").text == invalid)
            // A key sent with the link is the key that counts.
            #expect(try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=\(token)", key: harness.bob).status == .notFound)
        }
        // Revoking the key closes its links.
        #expect(try await harness.store.revokeKey(name: "alice"))
        let token = PlayerAccess.token(job: job.id, format: "wav", key: try #require(try await harness.store.keys().first { $0.name == "alice" }))
        try await harness.test { client in
            let r = try await client.send(.get, "/v1/productions/\(job.id)/outputs/wav?access=\(token)")
            #expect(r.status == .unauthorized)
        }
    }
}
