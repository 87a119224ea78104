import Foundation
import MixdownCore
import MixdownIO
import MixdownServer
import MixdownTestSupport
import Testing

/// `mixdown serve` and `mixdown worker` as real processes on loopback, driven by a real HTTP
/// client: SQLite under --data, and a real PostgreSQL shared by two workers.
@Suite(.serialized) struct ServiceTests {
    let folder = TemporaryFolder()
    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    func key(_ name: String, _ store: [String], max: Int = 64) throws -> String {
        let r = try Tools.run(Tools.mixdown, ["keys", "add", name, "--max-concurrent", String(max)] + store)
        try #require(r.status == 0, "\(r.stderr)")
        let key = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(key.hasPrefix("mxd_") && !key.contains("\n"))
        return key
    }

    /// A half-second 880 Hz jingle, as a WAV file's bytes.
    func jingle() throws -> Data {
        let path = folder.file("jingle.wav")
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: 880, dBFS: -12, seconds: 0.5), to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func waitFor(_ base: String, _ id: String, key: String, seconds: Double = 120, until done: (String) -> Bool = { ["succeeded", "failed", "cancelled"].contains($0) }) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let s = try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: key).object
            if done(s["status"] as? String ?? "") { return s }
            usleep(100_000)
        }
        throw ServiceError("job \(id) did not finish in \(seconds) s")
    }

    func jobsInQueue(_ base: String, key: String) throws -> Int {
        let text = String(decoding: try HTTP.send("GET", "\(base)/metrics", key: key).body, as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix("mixdown_jobs{") }.compactMap { Int($0.split(separator: " ").last!) }.reduce(0, +)
    }

    @Test func theServiceOnSQLiteEndToEnd() throws {
        let data = folder.file("data")
        let store = ["--data", data]
        let alice = try key("alice", store), bob = try key("bob", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "2", "--webhook-allow", "127.0.0.0/8"] + store, environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }
        let base = server.base

        // Keys: none, a wrong one; /health and the document need none.
        #expect(try HTTP.send("GET", "\(base)/v1/templates").status == 401)
        #expect(try HTTP.send("GET", "\(base)/v1/templates", key: "mxd_wrong").error["code"] as? String == "unauthorized")
        #expect(try HTTP.send("GET", "\(base)/health").status == 200)
        let document = try HTTP.send("GET", "\(base)/openapi.yaml")
        let inRepo = try String(contentsOf: repository.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(String(decoding: document.body, as: UTF8.self).trimmingCharacters(in: .newlines) == inRepo.trimmingCharacters(in: .newlines))
        let templates = try HTTP.send("GET", "\(base)/v1/templates", headers: ["x-api-key": alice])
        #expect(templates.status == 200 && ((templates.json as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "corporate" })

        // Media, then a production that uses it.
        let upload = try HTTP.send("POST", "\(base)/v1/media?name=jingle", key: alice, body: try jingle(), headers: ["Content-Type": "audio/wav"])
        #expect(upload.status == 201, "\(upload.object)")
        #expect(upload.object["durationSamples"] as? Int == 24_000 && upload.object["sampleRate"] as? Int == 48_000)
        let media = try #require(upload.object["id"] as? String)
        let production: [String: Any] = [
            "scriptText": "<<sectionName::hello>><<soundSegment::main>>Hello from the service. <<media::jingle>>",
            "soundTemplate": "corporate", "forceLength": 6, "mediaFiles": ["jingle": ["media": media]],
            "endFormat": ["wav", "mp3_medium"],
        ]
        let created = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json(production), headers: ["Idempotency-Key": "spot-1"])
        #expect(created.status == 202, "\(created.object)")
        let id = try #require(created.object["id"] as? String)
        #expect(created.header("Location") == "/v1/productions/\(id)")
        // The same Idempotency-Key gives the same job, not a second one.
        let again = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json(production), headers: ["Idempotency-Key": "spot-1"])
        #expect(again.status == 202 && again.object["id"] as? String == id)
        // So does the same production written in another key order and spacing.
        let reordered = #"{ "endFormat": ["wav", "mp3_medium"], "forceLength": 6, "mediaFiles": {"jingle": {"media": "\#(media)"}},"#
            + #" "soundTemplate": "corporate", "scriptText": "<<sectionName::hello>><<soundSegment::main>>Hello from the service. <<media::jingle>>" }"#
        let retried = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: Data(reordered.utf8), headers: ["Idempotency-Key": "spot-1"])
        #expect(retried.status == 202 && retried.object["id"] as? String == id, "\(retried.object)")
        // Another key sees none of it.
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: bob).status == 404)
        var stolen = production
        stolen["mediaFiles"] = ["jingle": ["media": media]]
        let theft = try HTTP.send("POST", "\(base)/v1/productions", key: bob, body: HTTP.json(stolen))
        #expect(theft.status == 422 && theft.error["path"] as? String == "mediaFiles.jingle.media", "\(theft.object)")

        let status = try waitFor(base, id, key: alice)
        try #require(status["status"] as? String == "succeeded", "\(status)")
        #expect(status["progress"] as? Double == 1)
        let outputs = try #require(status["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["endFormat"] as? String } == ["wav", "mp3_medium"])

        // Every format downloaded and decoded by ffmpeg: exact length, loudness on target.
        let report = try HTTP.send("GET", "\(base)/v1/productions/\(id)/report", key: alice).object
        #expect(report["totalSamples"] as? Int == 288_000)
        let target = ((report["mastering"] as? [String: Any])?["loudnessTarget"] as? Double) ?? -99
        for (format, rate, frames) in [("wav", 48_000, 288_000), ("mp3_medium", 44_100, 264_600)] {
            let file = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/\(format)", key: alice)
            #expect(file.status == 200 && file.header("Accept-Ranges") == "bytes")
            let path = folder.file("out.\(format == "wav" ? "wav" : "mp3")")
            try file.body.write(to: URL(fileURLWithPath: path))
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.sampleRate == rate && decoded.frames == frames, "\(format): \(decoded.frames) frames")
            let measured = try Tools.run("ffmpeg", ["-nostats", "-i", path, "-af", "ebur128", "-f", "null", "-"])
            let line = measured.stderr.split(separator: "\n").last { $0.contains("I:") && $0.contains("LUFS") }
            let integrated = line.flatMap { Double($0.split(separator: " ").dropLast().last ?? "") } ?? 0
            #expect(abs(integrated - target) <= 0.5, "\(format): \(integrated) LUFS for \(target)")
        }
        // The report says where the jingle landed; the WAV has it there.
        let items = ((report["sections"] as? [[String: Any]])?.first?["items"] as? [[String: Any]]) ?? []
        let jingleItem = try #require(items.first { $0["kind"] as? String == "media" })
        #expect((jingleItem["endSample"] as! Int) - (jingleItem["startSample"] as! Int) == 24_000)

        // The visual report: a page that carries the same report, plays this job's first
        // output, and may fetch nothing but media from this server.
        let page = try HTTP.send("GET", "\(base)/v1/productions/\(id)/report.html", key: alice)
        #expect(page.status == 200 && page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains(#""name":"hello""#) && html.contains(#""totalSamples":288000"#))
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/report.html", key: bob).status == 404)
        // Its player's link carries its own token (an <audio> element sends no API key): it
        // fetches that output without a key, whole or by range, and opens nothing else.
        let link = try #require(html.firstMatch(of: #/"player":"(outputs/wav\?access=[0-9a-f]+\.[0-9]+\.[0-9a-f]{64})"/#)?.1)
        let keyed = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: alice)
        let played = try HTTP.send("GET", "\(base)/v1/productions/\(id)/\(link)")
        #expect(played.status == 200 && played.body == keyed.body && played.body.count > 500_000)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/\(link)", headers: ["Range": "bytes=0-99"]).status == 206)
        let token = String(link.split(separator: "=").last!)
        let forged = String(token.dropLast()) + (token.last == "0" ? "1" : "0")
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav?access=\(forged)").status == 401)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/mp3_medium?access=\(token)").status == 401)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/00000000-0000-0000-0000-000000000000/outputs/wav?access=\(token)").status == 401)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav").status == 401)

        // A byte range of an output.
        let part = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: alice, headers: ["Range": "bytes=100-199"])
        #expect(part.status == 206 && part.body.count == 100)
        #expect(part.header("Content-Range")?.hasPrefix("bytes 100-199/") == true)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: alice, headers: ["Range": "bytes=99999999-"]).status == 416)

        // Bad productions: 400 or 422 with the key path, nothing queued.
        let queued = try jobsInQueue(base, key: alice)
        let refusals: [(Data, Int, String?, String)] = [
            (Data("{\"scriptText\": ".utf8), 400, "production:1:16", "invalidJSON"),
            (HTTP.json(["scriptText": "Hi.", "speed": 9]), 422, "speed", "invalidProduction"),
            (HTTP.json(["scriptText": "<<sectionName::a>>Hi.", "sectionProperties": ["b": ["endAt": 2]]]), 422, "sectionProperties.b", "unknownName"),
            // Nothing reaches the server's files or starts a program.
            (HTTP.json(["scriptFile": "/etc/passwd"]), 422, "scriptFile", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "mediaFiles": ["x": "/etc/passwd"]]), 422, "mediaFiles.x", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "mediaFiles": ["x": ["path": "/etc/passwd"]]]), 422, "mediaFiles.x", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "soundTemplate": "../../etc"]), 422, "soundTemplate", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "speechEngine": ["command": ["sh", "-c", "touch /tmp/pwned"]]]), 422, "speechEngine", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "sections": ["a": ["speechEngine": ["command": ["rm", "-rf", "/"]]]]]), 422, "sections.a.speechEngine", "forbidden"),
            (HTTP.json(["scriptText": "Hi.", "webhook": ["url": "file:///etc/passwd"]]), 422, "webhook.url", "invalidProduction"),
        ]
        for (body, code, path, errorCode) in refusals {
            let r = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: body)
            #expect(r.status == code, "\(String(decoding: body, as: UTF8.self)): \(r.status) \(r.object)")
            #expect(r.error["path"] as? String == path && r.error["code"] as? String == errorCode, "\(r.object)")
        }
        #expect(try jobsInQueue(base, key: alice) == queued, "a refused production was queued")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
        // 413: a body over the limit.
        let huge = Data(("{\"scriptText\": \"" + String(repeating: "a", count: 2 << 20) + "\"}").utf8)
        let tooLarge = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: huge)
        #expect(tooLarge.status == 413 && tooLarge.error["code"] as? String == "tooLarge")

        // A webhook: the status POSTed when the job ends, signed with the key, retried after
        // a failed delivery (the receiver answers 500 the first time).
        let port = Int.random(in: 41_000...49_000), received = folder.file("hook")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: try Tools.which("python3"))
        receiver.arguments = ["-c", """
            import http.server, os, sys
            calls = [0]
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    calls[0] += 1
                    if calls[0] == 1:
                        self.send_response(500); self.end_headers(); return
                    # Written whole, then renamed: the test waits for '.body' to appear.
                    with open(sys.argv[2] + '.sig', 'w') as f: f.write(self.headers.get('Mixdown-Signature', ''))
                    with open(sys.argv[2] + '.part', 'wb') as f: f.write(body)
                    os.rename(sys.argv[2] + '.part', sys.argv[2] + '.body')
                    self.send_response(204); self.end_headers()
                def log_message(self, *a): pass
            http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
            """, String(port), received]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer {
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
        }
        let hooked = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json([
            "scriptText": "Call me back.", "endFormat": ["wav"], "webhook": ["url": "http://127.0.0.1:\(port)/done"]]))
        let hookedID = try #require(hooked.object["id"] as? String)
        #expect(try waitFor(base, hookedID, key: alice)["status"] as? String == "succeeded")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !FileManager.default.fileExists(atPath: received + ".body") { usleep(100_000) }
        let hookBody = try Data(contentsOf: URL(fileURLWithPath: received + ".body"))
        let signature = try String(contentsOfFile: received + ".sig", encoding: .utf8)
        // Signed with the key's webhook secret by the documented recipe, the same as the
        // server's own check; a replay 301 s later fails it, and the API key signs nothing.
        let secret = try #require(try HTTP.send("GET", "\(base)/v1/account/webhook-secret", key: alice).object["secret"] as? String)
        #expect(secret.hasPrefix("whsec_") && secret.count == 70)
        let fields = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { part -> (String, String) in
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            return (pair[0], pair.count > 1 ? pair[1] : "")
        })
        let t = try #require(fields["t"].flatMap { Int($0) })
        #expect(abs(Date().timeIntervalSince1970 - Double(t)) < 60)
        #expect(fields["v1"] == SHA256.hex(bytes: SHA256.hmac(key: Array(secret.utf8), message: Array("\(t).".utf8) + [UInt8](hookBody))), "\(signature)")
        #expect(Webhook.verify(signature, body: [UInt8](hookBody), secret: secret, now: Double(t) + 300))
        #expect(!Webhook.verify(signature, body: [UInt8](hookBody), secret: secret, now: Double(t) + 301))
        #expect(!Webhook.verify(signature, body: [UInt8](hookBody), secret: alice, now: Double(t)))
        // No raw API key anywhere in the database.
        let dump = try Tools.run("sqlite3", ["\(data)/mixdown.sqlite", ".dump"])
        #expect(dump.status == 0 && !dump.stdout.contains(alice) && !dump.stdout.contains(bob), "a raw key is stored")
        // A rotated secret signs from then on; the old one no longer verifies anything new.
        let rotated = try #require(try HTTP.send("POST", "\(base)/v1/account/webhook-secret", key: alice).object["secret"] as? String)
        #expect(rotated != secret && rotated.hasPrefix("whsec_"))
        #expect(try HTTP.send("GET", "\(base)/v1/account/webhook-secret", key: alice).object["secret"] as? String == rotated)
        let hookStatus = try JSONSerialization.jsonObject(with: hookBody) as? [String: Any]
        #expect(hookStatus?["id"] as? String == hookedID && hookStatus?["status"] as? String == "succeeded")
        // Delivered, the signing key is no longer kept with the job.
        usleep(500_000)
        let kept = try Tools.run("sqlite3", ["\(data)/mixdown.sqlite", "SELECT COUNT(*) FROM jobs WHERE webhook IS NOT NULL"])
        #expect(kept.status == 0 && kept.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(kept.stdout) \(kept.stderr)")

        // DELETE removes the files.
        let deleted = try HTTP.send("DELETE", "\(base)/v1/productions/\(id)", key: alice)
        #expect(deleted.status == 200)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: alice).status == 404)
        #expect(!FileManager.default.fileExists(atPath: "\(data)/jobs/\(id)"))

        let metrics = String(decoding: try HTTP.send("GET", "\(base)/metrics", key: alice).body, as: UTF8.self)
        #expect(metrics.contains("mixdown_render_seconds_count{outcome=\"succeeded\"} 2"), "\(metrics)")
        #expect(metrics.contains("mixdown_http_requests_total{status=\"401\"}"))
    }

    @Test func concurrencyLimitsCancellationAndBatches() throws {
        let data = folder.file("data")
        let store = ["--data", data]
        let one = try key("one", store, max: 1)
        let many = try key("many", store)
        // No workers: jobs stay queued, so the limits are seen exactly.
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0"] + store)
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        let production = HTTP.json(["scriptText": "Hi.", "endFormat": ["wav"]])
        let first = try HTTP.send("POST", "\(base)/v1/productions", key: one, body: production)
        #expect(first.status == 202)
        let second = try HTTP.send("POST", "\(base)/v1/productions", key: one, body: production)
        #expect(second.status == 429 && second.error["code"] as? String == "tooManyJobs" && second.header("Retry-After") != nil)
        // Cancelling frees the slot.
        let id = try #require(first.object["id"] as? String)
        #expect(try HTTP.send("DELETE", "\(base)/v1/productions/\(id)", key: one).object["status"] as? String == "cancelled")
        #expect(try HTTP.send("POST", "\(base)/v1/productions", key: one, body: production).status == 202)

        let batch = try HTTP.send("POST", "\(base)/v1/batches", key: many, body: HTTP.json([
            "production": ["scriptText": "Hi {{name}}.", "endFormat": ["wav"]],
            "rows": [["name": "Sam"], ["name": "Ana"], ["name": "Kofi"]],
        ]))
        #expect(batch.status == 202, "\(batch.object)")
        #expect((batch.object["jobs"] as? [String])?.count == 3)
        let summary = try HTTP.send("GET", "\(base)/v1/batches/\(batch.object["id"] as? String ?? "")", key: many).object
        #expect(summary["status"] as? String == "queued" && (summary["counts"] as? [String: Int])?["queued"] == 3)
        let badRow = try HTTP.send("POST", "\(base)/v1/batches", key: many, body: HTTP.json([
            "production": ["scriptText": "Hi {{name}}.", "endFormat": ["wav"]], "rows": [["name": "Sam"], ["city": "Leeds"]],
        ]))
        #expect(badRow.status == 422 && badRow.error["path"] as? String == "rows[1]", "\(badRow.object)")
    }

    @Test func masteringThroughTheAPI() throws {
        let data = folder.file("data")
        let store = ["--data", data]
        let alice = try key("alice", store), bob = try key("bob", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "1"] + store)
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        // A 12 s mix at 44.1 kHz, quieter than any target.
        let mixPath = folder.file("mix.wav")
        try AudioFileWriter.writeFloatWAV(Signals.musicLike(seconds: 12, rate: 44_100), to: mixPath)
        let mix = try Data(contentsOf: URL(fileURLWithPath: mixPath))
        let wav = ["Content-Type": "audio/wav"]

        // Settings are checked before the body is stored: 422 with the parameter as path.
        let queued = try jobsInQueue(base, key: alice)
        let refusals: [(String, String)] = [
            ("targetLUFS=-10", "targetLUFS"), ("targetLufs=3", "targetLufs"), ("truePeak=abc", "truePeak"),
            ("endFormat=mp4", "endFormat"), ("preset=reference", "reference"), ("loudnessPreset=loudest", "loudnessPreset"),
            ("cleanup=%7B%22trimPauses%22%3A0.01%7D", "cleanup.trimPauses"),
        ]
        for (query, path) in refusals {
            let r = try HTTP.send("POST", "\(base)/v1/master?\(query)", key: alice, body: mix, headers: wav)
            #expect(r.status == 422 && r.error["path"] as? String == path && r.error["code"] as? String == "invalidParameter", "\(query): \(r.object)")
        }
        // A reference must be the key's own upload.
        let reference = try HTTP.send("POST", "\(base)/v1/media?name=ref", key: bob, body: mix, headers: wav)
        let bobsMedia = try #require(reference.object["id"] as? String)
        let theft = try HTTP.send("POST", "\(base)/v1/master?preset=reference&reference=\(bobsMedia)", key: alice, body: mix, headers: wav)
        #expect(theft.status == 422 && theft.error["path"] as? String == "reference", "\(theft.object)")
        #expect(try HTTP.send("POST", "\(base)/v1/master", key: alice, body: Data("not audio".utf8), headers: wav).status == 422)
        #expect(try jobsInQueue(base, key: alice) == queued, "a refused master was queued")

        let created = try HTTP.send("POST", "\(base)/v1/master?loudnessPreset=podcast&endFormat=wav,mp3_medium", key: alice, body: mix,
                                    headers: wav.merging(["Idempotency-Key": "master-1"]) { a, _ in a })
        #expect(created.status == 202 && created.object["status"] as? String == "queued", "\(created.object)")
        let id = try #require(created.object["id"] as? String)
        let again = try HTTP.send("POST", "\(base)/v1/master?loudnessPreset=podcast&endFormat=wav,mp3_medium", key: alice, body: mix,
                                  headers: wav.merging(["Idempotency-Key": "master-1"]) { a, _ in a })
        #expect(again.object["id"] as? String == id)
        #expect(try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: bob).status == 404)
        let status = try waitFor(base, id, key: alice)
        try #require(status["status"] as? String == "succeeded", "\(status)")
        let report = try HTTP.send("GET", "\(base)/v1/productions/\(id)/report", key: alice).object
        #expect(report["loudnessTarget"] as? Double == -16 && report["truePeakLimit"] as? Double == -1, "\(report)")
        // Each format decoded by ffmpeg: 12 s exactly at its rate, on target, under the ceiling.
        for (format, rate, frames) in [("wav", 48_000, 576_000), ("mp3_medium", 44_100, 529_200)] {
            let file = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/\(format)", key: alice)
            #expect(file.status == 200)
            let path = folder.file("mastered.\(format == "wav" ? "wav" : "mp3")")
            try file.body.write(to: URL(fileURLWithPath: path))
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.sampleRate == rate && decoded.frames == frames, "\(format): \(decoded.frames) frames")
            let measured = try Tools.run("ffmpeg", ["-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"])
            let lines = measured.stderr.split(separator: "\n")
            let integrated = lines.last { $0.contains("I:") && $0.contains("LUFS") }.flatMap { Double($0.split(separator: " ").dropLast().last ?? "") } ?? 0
            let peak = lines.last { $0.contains("Peak:") && $0.contains("dBFS") }.flatMap { Double($0.split(separator: " ").dropLast().last ?? "") } ?? 0
            #expect(abs(integrated + 16) <= 0.5, "\(format): \(integrated) LUFS")
            #expect(peak <= -1 + (format == "wav" ? 0.1 : 0.5), "\(format): true peak \(peak)")
        }

        // Cleaned, then mastered: the settings (standard where not given) and what cleaning
        // changed are in the report; the output still decodes to the mix's length.
        let cleaned = try HTTP.send("POST", "\(base)/v1/master?endFormat=wav&cleanup=%7B%22denoise%22%3A0.5%2C%22level%22%3Afalse%7D", key: alice, body: mix, headers: wav)
        #expect(cleaned.status == 202, "\(cleaned.object)")
        let cleanedId = try #require(cleaned.object["id"] as? String)
        let cleanedStatus = try waitFor(base, cleanedId, key: alice)
        try #require(cleanedStatus["status"] as? String == "succeeded", "\(cleanedStatus)")
        let cleanedReport = try HTTP.send("GET", "\(base)/v1/productions/\(cleanedId)/report", key: alice).object
        let settings = try #require(cleanedReport["cleanupSettings"] as? [String: Any], "\(cleanedReport)")
        #expect(settings["denoise"] as? Double == 0.5 && settings["level"] as? Bool == false && settings["dehum"] as? String == "auto", "\(settings)")
        let figures = try #require(cleanedReport["cleanup"] as? [String: Any])
        #expect(figures["frames"] as? Int == 576_000, "\(figures)")
        let file = try HTTP.send("GET", "\(base)/v1/productions/\(cleanedId)/outputs/wav", key: alice)
        try file.body.write(to: URL(fileURLWithPath: folder.file("cleaned.wav")))
        #expect(try Tools.ffmpegDecode(folder.file("cleaned.wav")).frames == 576_000)
    }

    /// schemathesis (installed by `make deps` into .venv) generates requests from
    /// docs/openapi.yaml, valid and invalid, for every route, follows its links (create →
    /// status → report → cancel), and checks every answer against the document: status codes,
    /// content types, bodies, headers, 401 without a key, 405 for other methods.
    @Test func theDocumentDescribesTheService() throws {
        let schemathesis = repository.appendingPathComponent(".venv/bin/schemathesis").path
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "run `make deps`: it installs schemathesis into .venv")
        let data = folder.file("data")
        let store = ["--data", data]
        let key = try key("schema", store, max: 100_000)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "1"] + store, environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }
        let work = folder.file("schemathesis")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let r = try Tools.run(schemathesis, ["--config-file", repository.appendingPathComponent("Tests/Service/schemathesis.toml").path,
                                             "run", "\(server.base)/openapi.yaml", "--checks", "all", "--exclude-checks", "use_after_free,ensure_resource_availability",
                                             "-H", "Authorization: Bearer \(key)", "-H", "x-api-key: \(key)"],
                              environment: ["NO_COLOR": "1", "HOME": work], directory: work)
        let summary = r.stdout.split(separator: "\n").last { $0.contains(" in ") && $0.hasPrefix("=") } ?? ""
        #expect(r.status == 0 && !summary.contains("fail") && !summary.contains("error"), "\(r.stdout.suffix(6_000))\n\(r.stderr.suffix(2_000))")
        // Every operation of the document was tested.
        let operations = r.stdout.split(separator: "\n").first { $0.contains("Tested:") }.map(String.init) ?? ""
        #expect(operations.contains("Tested: 30"), "\(operations)")
        let generated = r.stdout.split(separator: "\n").first { $0.contains(" generated, ") }.map(String.init) ?? ""
        #expect(generated.contains("passed"), "\(generated)")
    }

    @Test func twoWorkersOnPostgreSQLSurviveAKill() throws {
        let cluster = try PostgresCluster()
        defer { withExtendedLifetime(cluster) {} }
        let data = folder.file("shared")
        let store = ["--database", cluster.url, "--data", data]
        let key = try key("team", store)
        let environment = ["MIXDOWN_CACHE": folder.file("cache")]
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0"] + store, environment: environment)
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        // A job long enough to be killed in the middle of: three minutes of bed, three formats.
        let production = HTTP.json(["scriptText": "<<soundSegment::main>>A long programme.", "soundTemplate": "corporate", "forceLength": 180,
                                    "endFormat": ["wav", "flac", "mp3_high"]])
        let first = try ServiceProcess(["worker", "--workers", "1", "--lease", "2"] + store, environment: environment)
        let created = try HTTP.send("POST", "\(base)/v1/productions", key: key, body: production)
        let id = try #require(created.object["id"] as? String)
        _ = try waitFor(base, id, key: key, seconds: 60) { $0 == "running" }
        usleep(300_000)
        first.kill()
        // Another worker, and the killed one started again: the job is taken once its lease runs out.
        let second = try ServiceProcess(["worker", "--workers", "1", "--lease", "2"] + store, environment: environment)
        let restarted = try ServiceProcess(["worker", "--workers", "1", "--lease", "2"] + store, environment: environment)
        defer { withExtendedLifetime((second, restarted)) {} }
        let status = try waitFor(base, id, key: key, seconds: 180)
        #expect(status["status"] as? String == "succeeded", "\(status)")
        // Finished once: one attempt's files, each format once, each the right length.
        let attempts = (try? FileManager.default.contentsOfDirectory(atPath: "\(data)/jobs/\(id)")) ?? []
        #expect(attempts.count == 1, "attempt folders: \(attempts)")
        let outputs = status["outputs"] as? [[String: Any]] ?? []
        #expect(outputs.map { $0["endFormat"] as? String } == ["wav", "flac", "mp3_high"])
        let wav = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: key)
        try wav.body.write(to: URL(fileURLWithPath: folder.file("long.wav")))
        #expect(try Tools.ffmpegDecode(folder.file("long.wav")).frames == 180 * 48_000)
        // More jobs through both workers, each finishing once.
        var ids = [String]()
        for n in 0..<4 {
            let r = try HTTP.send("POST", "\(base)/v1/productions", key: key, body: HTTP.json(["scriptText": "Job \(n).", "endFormat": ["wav"]]))
            ids.append(try #require(r.object["id"] as? String))
        }
        for job in ids { #expect(try waitFor(base, job, key: key)["status"] as? String == "succeeded") }
        let metrics = String(decoding: try HTTP.send("GET", "\(base)/metrics", key: key).body, as: UTF8.self)
        #expect(metrics.contains("mixdown_jobs{state=\"succeeded\"} 5"), "\(metrics)")
        // `serve --workers 0` rendered none of them: the workers did (this process's count).
        #expect(metrics.contains("mixdown_render_seconds_count{outcome=\"succeeded\"} 0"), "\(metrics)")
    }
}

extension ServiceTests {
    /// `mixdown keys revoke NAME` on the store a running server uses: that key gets 401 on its
    /// next request (the server asks the store, it does not remember keys), the other key still
    /// works, and revoking a key that does not exist fails in one line.
    @Test func aRevokedKeyIsRefusedByARunningServer() throws {
        let store = ["--data", folder.file("data")]
        let alice = try key("alice", store), bob = try key("bob", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0"] + store)
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        #expect(try HTTP.send("GET", "\(base)/v1/templates", key: alice).status == 200)
        let queued = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json(["scriptText": "Hi.", "endFormat": ["wav"]]))
        #expect(queued.status == 202)
        let job = try #require(queued.object["id"] as? String)

        let revoke = try Tools.run(Tools.mixdown, ["keys", "revoke", "alice"] + store)
        #expect(revoke.status == 0 && revoke.stdout.contains("revoked alice"), "\(revoke.stderr)")
        for (method, path) in [("GET", "/v1/templates"), ("GET", "/v1/productions/\(job)"), ("POST", "/v1/productions")] {
            let r = try HTTP.send(method, base + path, key: alice, body: method == "POST" ? HTTP.json(["scriptText": "Hi.", "endFormat": ["wav"]]) : nil)
            #expect(r.status == 401 && r.error["code"] as? String == "unauthorized", "\(method) \(path) with a revoked key: \(r.status) \(r.object)")
        }
        #expect(try HTTP.send("GET", "\(base)/v1/templates", headers: ["x-api-key": alice]).status == 401)
        #expect(try HTTP.send("GET", "\(base)/v1/templates", key: bob).status == 200)
        // The listing says so; a second revoke, or an unknown name, is refused.
        let list = try Tools.run(Tools.mixdown, ["keys", "list"] + store)
        #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("alice ") && $0.hasSuffix("revoked") }, "\(list.stdout)")
        #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("bob ") && !$0.hasSuffix("revoked") }, "\(list.stdout)")
        for name in ["alice", "carol"] {
            let again = try Tools.run(Tools.mixdown, ["keys", "revoke", name] + store)
            #expect(again.status == 1 && again.stderrLines.count == 1 && again.stderr.contains("no live key named '\(name)'"), "\(again.stderr)")
        }
    }

    /// A batch through the API that finishes: three rows, polled until the batch succeeds;
    /// every row's job succeeded and each row's WAV, downloaded and decoded by ffmpeg, is the
    /// forced length and carries the row's own speech (the rows' files differ).
    @Test func aBatchFinishesAndItsRowsDownload() throws {
        let store = ["--data", folder.file("data")]
        let owner = try key("owner", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "2"] + store, environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        let batch = try HTTP.send("POST", "\(base)/v1/batches", key: owner, body: HTTP.json([
            "production": ["scriptText": "<<sectionName::a>>Hello {{name}}, this one is yours.", "forceLength": 4, "endFormat": ["wav", "mp3_medium"]],
            "rows": [["name": "Sam"], ["name": "Ana"], ["name": "Kofi"]],
        ]))
        try #require(batch.status == 202, "\(batch.object)")
        let id = try #require(batch.object["id"] as? String)
        let jobs = try #require(batch.object["jobs"] as? [String])
        #expect(jobs.count == 3)
        // Poll the batch (each poll waits 0.1 s; at most 1,200 polls).
        var summary = [String: Any]()
        for _ in 0..<1_200 {
            summary = try HTTP.send("GET", "\(base)/v1/batches/\(id)", key: owner).object
            if ["succeeded", "failed", "cancelled"].contains(summary["status"] as? String ?? "") { break }
            usleep(100_000)
        }
        try #require(summary["status"] as? String == "succeeded", "\(summary)")
        #expect(summary["progress"] as? Double == 1)
        #expect((summary["counts"] as? [String: Int])?.filter { $0.value > 0 } == ["succeeded": 3], "\(summary)")
        // (The summary lists the jobs in another order than the rows: compared as a set.)
        #expect(Set(summary["jobs"] as? [String] ?? []) == Set(jobs))
        var files = [Data]()
        for (row, job) in jobs.enumerated() {
            let status = try HTTP.send("GET", "\(base)/v1/productions/\(job)", key: owner).object
            #expect(status["status"] as? String == "succeeded", "\(status)")
            let wav = try HTTP.send("GET", "\(base)/v1/productions/\(job)/outputs/wav", key: owner)
            try #require(wav.status == 200, "row \(row): \(wav.status)")
            let path = folder.file("row\(row).wav")
            try wav.body.write(to: URL(fileURLWithPath: path))
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.sampleRate == 48_000 && decoded.channels == 2 && decoded.frames == 192_000, "row \(row): \(decoded.frames) frames at \(decoded.sampleRate) Hz")
            #expect(decoded.samples.contains { abs($0) > 0.05 }, "row \(row) is silent")
            let mp3 = try HTTP.send("GET", "\(base)/v1/productions/\(job)/outputs/mp3_medium", key: owner)
            try mp3.body.write(to: URL(fileURLWithPath: folder.file("row\(row).mp3")))
            #expect(try Tools.ffmpegDecode(folder.file("row\(row).mp3")).frames == 176_400, "row \(row): mp3 length")
            files.append(wav.body)
            let report = try HTTP.send("GET", "\(base)/v1/productions/\(job)/report", key: owner).object
            let text = (((report["sections"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(text == "Hello \(["Sam", "Ana", "Kofi"][row]), this one is yours.", "row \(row): \(text)")
        }
        #expect(Set(files).count == 3, "the rows' files are not all different")
    }
}

extension ServiceTests {
    /// A body declared larger than the route takes is answered 413 at once, before the client
    /// has sent it (a 600 MB upload learns after its headers, not after 600 MB), on a real socket.
    @Test func aDeclaredOversizedBodyIs413AtOnce() throws {
        let store = ["--data", folder.file("data")]
        let alice = try key("alice", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0"] + store)
        defer { withExtendedLifetime(server) {} }
        let url = try #require(URL(string: server.base))
        let script = """
        import socket, sys, time
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
        started = time.time()
        s.sendall(("POST /v1/media?name=big HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer " + sys.argv[3] +
                   "\\r\\nContent-Type: audio/wav\\r\\nContent-Length: 629145600\\r\\n\\r\\n").encode() + b"RIFF" + b"\\0" * 4096)
        answer = s.recv(4096).decode(errors="replace")
        print(f"{time.time() - started:.3f}")
        print(answer.split("\\r\\n")[0])
        print(answer.split("\\r\\n\\r\\n", 1)[-1])
        """
        let run = try Tools.run("python3", ["-c", script, url.host ?? "127.0.0.1", String(url.port ?? 0), alice])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count >= 3, "\(run.stdout) \(run.stderr)")
        #expect((Double(lines[0]) ?? 99) < 2, "answered after \(lines[0]) s")
        #expect(lines[1].hasPrefix("HTTP/1.1 413"), "\(lines[1])")
        #expect(lines[2].contains("\"code\":\"tooLarge\"") && lines[2].contains("629145600 bytes"), "\(lines[2])")
    }
}
