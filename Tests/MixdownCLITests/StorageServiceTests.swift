import Foundation
import MixdownTestSupport
import Testing

/// `--storage s3://…` (docs/service.md, "Object storage"): two `serve --workers 0` front ends
/// and two `worker`s, each with a --data folder of its own, sharing nothing but a real
/// PostgreSQL and a real S3 API (moto's server). The bucket is read back directly, not
/// through Mixdown's client.
extension ServiceTests {
    static let bucket = "mixdown-test"

    /// The options every process of one S3 deployment shares.
    func s3Options(_ s3: S3Server) -> [String] {
        ["--storage", "s3://\(Self.bucket)/prod", "--s3-endpoint", s3.endpoint, "--s3-path-style"]
    }

    /// Every file under `folder` (a process's own --data), relative.
    func files(under folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// What every process of one test deployment shares: a PostgreSQL cluster and a bucket
    /// (kept alive by the caller), the --database option, a key, and the environment.
    struct Deployment {
        var cluster: PostgresCluster
        var s3: S3Server
        var database: [String]
        var key: String
        var environment: [String: String]
    }

    func deployment() throws -> Deployment {
        let cluster = try PostgresCluster()
        let s3 = try S3Server(repository: repository)
        try s3.createBucket(Self.bucket)
        let database = ["--database", cluster.url]
        var environment = s3.environment
        environment["MIXDOWN_CACHE"] = folder.file("cache")
        return Deployment(cluster: cluster, s3: s3, database: database, key: try key("team", database + ["--data", folder.file("keys")]),
                          environment: environment)
    }

    @Test func twoServersAndTwoWorkersShareOnlyPostgreSQLAndABucket() throws {
        let deployment = try deployment()
        defer { withExtendedLifetime(deployment) {} }
        let (s3, database, key, environment) = (deployment.s3, deployment.database, deployment.key, deployment.environment)
        let front = ["serve", "--port", "0", "--workers", "0"] + database + s3Options(s3)
        let a = try ServiceProcess(front + ["--data", folder.file("a")], environment: environment)
        let b = try ServiceProcess(front + ["--data", folder.file("b")], environment: environment)
        let workers = try (1...2).map { try ServiceProcess(["worker", "--workers", "1"] + database + s3Options(s3) + ["--data", folder.file("w\($0)")],
                                                          environment: environment) }
        defer { withExtendedLifetime((a, b, workers)) {} }

        // An upload through A lands in the bucket, not in A's folder.
        let upload = try HTTP.send("POST", "\(a.base)/v1/media?name=jingle", key: key, body: try jingle(), headers: ["Content-Type": "audio/wav"])
        #expect(upload.status == 201, "\(upload.object)")
        let media = try #require(upload.object["id"] as? String)
        #expect(try s3.objects(Self.bucket, prefix: "prod/media/\(media)").map(\.size) == [Int(try jingle().count)])
        #expect(!FileManager.default.fileExists(atPath: folder.file("a") + "/media/\(media)"))
        // B lists it (the database), and serves it to a production.
        #expect((try HTTP.send("GET", "\(b.base)/v1/media/\(media)", key: key)).status == 200)

        let formats = ["wav", "flac", "ogg", "opus", "mp3_medium", "m4a"]
        let production: [String: Any] = [
            "scriptText": "<<soundSegment::main>>Hello from the bucket. <<media::jingle>>", "soundTemplate": "corporate", "forceLength": 6,
            "mediaFiles": ["jingle": ["media": media]], "endFormat": formats, "stems": true, "captions": "srt",
        ]
        let created = try HTTP.send("POST", "\(a.base)/v1/productions", key: key, body: HTTP.json(production))
        #expect(created.status == 202, "\(created.object)")
        let id = try #require(created.object["id"] as? String)
        let status = try waitFor(b.base, id, key: key)
        #expect(status["status"] as? String == "succeeded", "\(status)")
        #expect((status["outputs"] as? [[String: Any]] ?? []).map { $0["file"] as? String } == formats.map { "audio." + ($0 == "mp3_medium" ? "mp3" : $0) })

        // Every format through either server: the same bytes, decoding to exactly 6 s.
        for format in formats {
            let fromA = try HTTP.send("GET", "\(a.base)/v1/productions/\(id)/outputs/\(format)", key: key)
            let fromB = try HTTP.send("GET", "\(b.base)/v1/productions/\(id)/outputs/\(format)", key: key)
            #expect(fromA.status == 200 && fromB.status == 200 && fromA.body == fromB.body && !fromA.body.isEmpty, "\(format)")
            let path = folder.file("s3-out.\(format)")
            try fromA.body.write(to: URL(fileURLWithPath: path))
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.frames == 6 * decoded.sampleRate, "\(format): \(decoded.frames) frames at \(decoded.sampleRate) Hz")
        }
        // A byte range streams through, as the file route gives it.
        let range = try HTTP.send("GET", "\(b.base)/v1/productions/\(id)/outputs/wav", key: key, headers: ["Range": "bytes=0-11"])
        #expect(range.status == 206 && range.body.count == 12 && String(decoding: range.body.prefix(4), as: UTF8.self) == "RIFF")
        #expect(range.header("Content-Range")?.hasPrefix("bytes 0-11/") == true)
        let stem = try HTTP.send("GET", "\(a.base)/v1/productions/\(id)/stems/speech", key: key)
        #expect(stem.status == 200 && stem.body.prefix(4) == Data("RIFF".utf8))
        #expect(try HTTP.send("GET", "\(b.base)/v1/productions/\(id)/captions.srt", key: key).status == 200)
        let page = try HTTP.send("GET", "\(a.base)/v1/productions/\(id)/report.html", key: key)
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("<html"))

        // The job's files are in the bucket, one attempt's; the front ends rendered nothing
        // and keep no job files; the workers keep none once published.
        let stored = try s3.objects(Self.bucket, prefix: "prod/jobs/\(id)/").map(\.key)
        #expect(Set(stored.map { $0.split(separator: "/")[3] }) == ["1"], "\(stored)")
        #expect(stored.contains("prod/jobs/\(id)/1/audio.m4a") && stored.contains("prod/jobs/\(id)/1/report.html"), "\(stored)")
        for process in [a, b] {
            let metrics = String(decoding: try HTTP.send("GET", "\(process.base)/metrics", key: key).body, as: UTF8.self)
            #expect(metrics.contains("mixdown_render_seconds_count{outcome=\"succeeded\"} 0"), "\(metrics)")
        }
        for own in ["a", "b", "w1", "w2"] {
            #expect(files(under: folder.file(own)).filter { $0.hasPrefix("jobs/") }.isEmpty, "\(own): \(files(under: folder.file(own)))")
        }

        // The same production again, through B: answered at once from the cache, with its
        // own copies of the files (server-side copies in the bucket).
        let started = Date()
        let again = try HTTP.send("POST", "\(b.base)/v1/productions", key: key, body: HTTP.json(production))
        let cachedSeconds = Date().timeIntervalSince(started)
        #expect(again.status == 200 && again.object["cached"] as? Bool == true && again.object["status"] as? String == "succeeded", "\(again.object)")
        let copy = try #require(again.object["id"] as? String)
        print("cached answer through S3 in \(Int(cachedSeconds * 1_000)) ms")
        let copied = try HTTP.send("GET", "\(a.base)/v1/productions/\(copy)/outputs/flac", key: key)
        let original = try HTTP.send("GET", "\(a.base)/v1/productions/\(id)/outputs/flac", key: key)
        #expect(copied.status == 200 && copied.body == original.body)
        // A new upload of the same sound is a new input: it renders.
        let second = try HTTP.send("POST", "\(b.base)/v1/media?name=jingle", key: key, body: try jingle(), headers: ["Content-Type": "audio/wav"])
        var changed = production
        changed["mediaFiles"] = ["jingle": ["media": try #require(second.object["id"] as? String)]]
        let miss = try HTTP.send("POST", "\(a.base)/v1/productions", key: key, body: HTTP.json(changed))
        #expect(miss.status == 202, "\(miss.object)")

        // A key's template added through B is rendered by whichever worker takes the job.
        let source = try TestTemplates.write(folder.file("bed-src"), genre: ["test-jazz"], instruments: ["test-piano"], mood: ["test-calm"])
        try TestTemplates.zip(source, to: folder.file("bed.zip"), top: "my-bed")
        let added = try HTTP.send("POST", "\(b.base)/v1/templates?name=my-bed", key: key, body: try Data(contentsOf: URL(fileURLWithPath: folder.file("bed.zip"))),
                                  headers: ["Content-Type": "application/zip"])
        #expect(added.status == 201, "\(added.object)")
        #expect(try s3.objects(Self.bucket, prefix: "prod/templates/").contains { $0.key.hasSuffix("/my-bed/template.json") })
        let listed = try HTTP.send("GET", "\(a.base)/v1/templates", key: key)
        #expect(((listed.json as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "my-bed" && $0["scope"] as? String == "key" })
        var ids = [try #require(miss.object["id"] as? String)]
        for n in 0..<3 {
            let bed: [String: Any] = ["scriptText": #"<<soundSegment::main>><break time="2000ms"/>"#, "soundTemplate": "my-bed", "forceLength": 3 + n,
                                      "endFormat": ["wav"]]
            let r = try HTTP.send("POST", "\(a.base)/v1/productions", key: key, body: HTTP.json(bed))
            #expect(r.status == 202, "\(r.object)")
            ids.append(try #require(r.object["id"] as? String))
        }
        for job in ids { #expect(try waitFor(a.base, job, key: key)["status"] as? String == "succeeded") }

        // DELETE removes the job's objects and the media's.
        #expect(try HTTP.send("DELETE", "\(a.base)/v1/productions/\(id)", key: key).status == 200)
        #expect(try s3.objects(Self.bucket, prefix: "prod/jobs/\(id)/").isEmpty)
        #expect(try s3.objects(Self.bucket, prefix: "prod/jobs/\(copy)/").count == stored.count, "the cached copy stays whole")
        #expect(try HTTP.send("GET", "\(b.base)/v1/productions/\(id)/outputs/wav", key: key).status == 404)
        #expect(try HTTP.send("DELETE", "\(b.base)/v1/media/\(media)", key: key).status == 204)
        #expect(try s3.objects(Self.bucket, prefix: "prod/media/\(media)").isEmpty)

        // Every table of the shared database, after all that: the API key is nowhere in it
        // (keys are kept as hashes, webhooks signed with a secret of their own).
        _ = try HTTP.send("GET", "\(a.base)/v1/account/webhook-secret", key: key)
        let dump = try deployment.cluster.dump()
        #expect(dump.contains("CREATE TABLE") && dump.contains("whsec_") && !dump.contains(key), "the raw API key is stored")
    }

    @Test func aWorkerKilledDuringItsUploadLeavesNothingHalfWritten() throws {
        let deployment = try deployment()
        defer { withExtendedLifetime(deployment) {} }
        let (s3, database, key, environment) = (deployment.s3, deployment.database, deployment.key, deployment.environment)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0", "--data", folder.file("front")] + database + s3Options(s3),
                                        environment: environment)
        defer { withExtendedLifetime(server) {} }
        let worker = ["worker", "--workers", "1", "--lease", "2"] + database + s3Options(s3)
        let first = try ServiceProcess(worker + ["--data", folder.file("k1")], environment: environment)
        // Five minutes of bed: a WAV of 55 MB, sent as a multipart upload of seven parts.
        let production: [String: Any] = ["scriptText": "<<soundSegment::main>>A long programme.", "soundTemplate": "corporate", "forceLength": 300,
                                         "endFormat": ["wav", "mp3_medium"]]
        let created = try HTTP.send("POST", "\(server.base)/v1/productions", key: key, body: HTTP.json(production))
        let id = try #require(created.object["id"] as? String)
        // Killed while its upload is under way.
        var caught: [String] = []
        let deadline = Date().addingTimeInterval(240)
        while caught.isEmpty && Date() < deadline {
            caught = try s3.unfinishedUploads(Self.bucket, prefix: "prod/jobs/\(id)/")
            if caught.isEmpty {
                let state = try HTTP.send("GET", "\(server.base)/v1/productions/\(id)", key: key).object["status"] as? String
                try #require(state == "queued" || state == "running", "the job ended (\(state ?? "?")) before its upload was seen")
                usleep(5_000)
            }
        }
        first.kill()
        try #require(!caught.isEmpty, "no multipart upload seen")
        #expect(caught.allSatisfy { $0.hasPrefix("prod/jobs/\(id)/1/") }, "\(caught)")

        // Another worker, and the killed one started again: the job is taken once its lease runs out.
        let second = try ServiceProcess(worker + ["--data", folder.file("k2")], environment: environment)
        let restarted = try ServiceProcess(worker + ["--data", folder.file("k1")], environment: environment)
        defer { withExtendedLifetime((second, restarted)) {} }
        let status = try waitFor(server.base, id, key: key, seconds: 240)
        #expect(status["status"] as? String == "succeeded", "\(status)")
        // Finished once: one attempt's objects, none half-written, no upload left open.
        let stored = try s3.objects(Self.bucket, prefix: "prod/jobs/\(id)/")
        let attempts = Set(stored.map { $0.key.split(separator: "/")[3] })
        #expect(attempts.count == 1 && !attempts.contains("1"), "\(stored.map(\.key))")
        #expect(try s3.unfinishedUploads(Self.bucket, prefix: "prod/jobs/\(id)/").isEmpty)
        let wav = try HTTP.send("GET", "\(server.base)/v1/productions/\(id)/outputs/wav", key: key)
        #expect(wav.body.count == stored.first { $0.key.hasSuffix("/audio.wav") }?.size)
        try wav.body.write(to: URL(fileURLWithPath: folder.file("killed.wav")))
        #expect(try Tools.ffmpegDecode(folder.file("killed.wav")).frames == 300 * 48_000)
    }
}
