import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// A key's own templates on a real `mixdown serve` (SQLite), through a real HTTP client:
/// `POST /v1/templates` (a zip), the listing and its search, a production that uses it, another
/// key that cannot, the archives refused, `DELETE`.
@Suite(.serialized) struct TemplateServiceTests {
    let folder = TemporaryFolder()

    func key(_ name: String, _ store: [String]) throws -> String {
        let r = try Tools.run(Tools.mixdown, ["keys", "add", name] + store)
        try #require(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func zip(_ name: String, top: String? = "my-bed", extra: [(String, String)] = [], change: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        let source = try TestTemplates.write(folder.file("src-\(name)"), genre: ["test-jazz"], instruments: ["test-piano"], mood: ["test-calm"], change: change)
        try TestTemplates.zip(source, to: folder.file(name + ".zip"), top: top, extra: extra)
        return try Data(contentsOf: URL(fileURLWithPath: folder.file(name + ".zip")))
    }

    func names(_ r: HTTPResult) -> [String] { ((r.json as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } }

    @Test func aKeysTemplateIsItsOwn() throws {
        let data = folder.file("data")
        let store = ["--data", data]
        let alice = try key("alice", store), bob = try key("bob", store)
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "1"] + store, environment: ["MIXDOWN_CACHE": folder.file("cache")])
        defer { withExtendedLifetime(server) {} }
        let base = server.base
        let zipped = ["Content-Type": "application/zip"]

        let added = try HTTP.send("POST", "\(base)/v1/templates?name=my-bed", key: alice, body: try zip("good"), headers: zipped)
        #expect(added.status == 201, "\(added.object)")
        let listedTemplate = added.object["template"] as? [String: Any] ?? [:]
        #expect(listedTemplate["name"] as? String == "my-bed" && listedTemplate["scope"] as? String == "key" && listedTemplate["genre"] as? [String] == ["test-jazz"])
        #expect(added.object["warnings"] as? [String] == [])

        // Alice sees hers and the server's; Bob only the server's.
        let aliceList = try HTTP.send("GET", "\(base)/v1/templates", key: alice)
        #expect(names(aliceList).contains("my-bed") && names(aliceList).contains("corporate"))
        #expect(((aliceList.json as? [[String: Any]]) ?? []).first { $0["name"] as? String == "corporate" }?["scope"] as? String == "server")
        #expect(try !names(HTTP.send("GET", "\(base)/v1/templates", key: bob)).contains("my-bed"))

        // The search: each filter one of the tags, case aside; an unknown value finds nothing.
        #expect(try names(HTTP.send("GET", "\(base)/v1/templates?genre=TEST-JAZZ&mood=test-calm", key: alice)) == ["my-bed"])
        #expect(try names(HTTP.send("GET", "\(base)/v1/templates?instrument=test-piano", key: alice)) == ["my-bed"])
        #expect(try names(HTTP.send("GET", "\(base)/v1/templates?instrument=test-piano", key: bob)) == [])
        let nothing = try HTTP.send("GET", "\(base)/v1/templates?genre=test-polka", key: alice)
        #expect(nothing.status == 200 && names(nothing).isEmpty)
        #expect(try HTTP.send("GET", "\(base)/v1/templates?style=jazz", key: alice).status == 422)

        // Alice's production renders with it: the output is its 660 Hz bed.
        let production: [String: Any] = ["scriptText": #"<<soundSegment::main>><break time="4000ms"/>"#, "soundTemplate": "my-bed", "forceLength": 6,
                                         "endFormat": ["wav"]]
        let created = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json(production))
        try #require(created.status == 202, "\(created.object)")
        let id = try #require(created.object["id"] as? String)
        let deadline = Date().addingTimeInterval(120)
        var status = ""
        while Date() < deadline {
            status = try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: alice).object["status"] as? String ?? ""
            if ["succeeded", "failed", "cancelled"].contains(status) { break }
            usleep(100_000)
        }
        let job = try HTTP.send("GET", "\(base)/v1/productions/\(id)", key: alice).object
        try #require(status == "succeeded", "\(job)")
        let wav = try HTTP.send("GET", "\(base)/v1/productions/\(id)/outputs/wav", key: alice)
        try wav.body.write(to: URL(fileURLWithPath: folder.file("out.wav")))
        let out = try AudioFileReader.read(folder.file("out.wav")).audio
        #expect(TestTemplates.toneShare(out.channels[0][48_000..<192_000], frequency: 660) > -0.5)

        // Bob's production naming it: the usual unknown template.
        let bobs = try HTTP.send("POST", "\(base)/v1/productions", key: bob, body: HTTP.json(production))
        #expect(bobs.status == 422 && bobs.error["code"] as? String == "unknownName" && bobs.error["path"] as? String == "soundTemplate", "\(bobs.object)")
        #expect(!(bobs.error["message"] as? String ?? "").contains("my-bed ") && !(bobs.error["message"] as? String ?? "").contains(", my-bed"))

        // Names: a server template's is refused (409), the key's own without replace=true too.
        let serverName = try HTTP.send("POST", "\(base)/v1/templates?name=corporate", key: alice, body: try zip("corp"), headers: zipped)
        #expect(serverName.status == 409 && serverName.error["code"] as? String == "nameTaken" && serverName.error["path"] as? String == "name")
        let twice = try HTTP.send("POST", "\(base)/v1/templates?name=my-bed", key: alice, body: try zip("twice"), headers: zipped)
        #expect(twice.status == 409 && (twice.error["message"] as? String ?? "").contains("replace=true"))
        #expect(try HTTP.send("POST", "\(base)/v1/templates?name=my-bed&replace=true", key: alice, body: try zip("again", top: nil), headers: zipped).status == 201)
        // Bob may use the same name for his own.
        #expect(try HTTP.send("POST", "\(base)/v1/templates?name=my-bed", key: bob, body: try zip("bobs"), headers: zipped).status == 201)

        // Bad archives and templates: 422 naming the entry or key path; nothing kept.
        let before = try FileManager.default.contentsOfDirectory(atPath: data + "/templates").flatMap { k in
            try FileManager.default.contentsOfDirectory(atPath: data + "/templates/" + k).map { k + "/" + $0 }
        }.sorted()
        let bad: [(Data, String, String)] = [
            (try zip("climb", extra: [("../evil.txt", "boo")]), "../evil.txt", "climbs out of the template folder"),
            (try zip("link", extra: [("my-bed/passwd.wav", "->/etc/passwd")]), "my-bed/passwd.wav", "is a symbolic link"),
            (try zip("bomb", extra: [("my-bed/bomb.bin", "lie:\(10 << 20)")]), "my-bed/bomb.bin", "inflates to more than it declares"),
            (try zip("loop") { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = ["file": "main.wav", "loopStart": 24_000, "loopEnd": 400_000]
                m["segments"] = segments
            }, "segments.main", "loop end 400000 is beyond the audio"),
            (try zip("nomain") { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = nil
                m["segments"] = segments
                m["defaultSegment"] = "intro"
            }, "segments", "a bed needs a 'main' segment"),
            (try zip("missing") { m in
                var segments = m["segments"] as! [String: Any]
                segments["outro"] = ["file": "gone.wav"]
                m["segments"] = segments
            }, "segments.outro.file", "'gone.wav' is not in the template folder"),
        ]
        for (body, path, says) in bad {
            let r = try HTTP.send("POST", "\(base)/v1/templates?name=bad-bed", key: alice, body: body, headers: zipped)
            #expect(r.status == 422 && r.error["code"] as? String == "invalidTemplate", "\(says): \(r.object)")
            #expect(r.error["path"] as? String == path && (r.error["message"] as? String ?? "").contains(says), "\(r.object)")
            #expect(!(r.error["message"] as? String ?? "").contains(data), "a server path in \(r.object)")
        }
        // 20 MB over the limit: the body is refused as too large before it is read whole.
        var big = try zip("big", top: nil)
        big.append(Data(count: (84 << 20) - big.count))
        let tooLarge = try HTTP.send("POST", "\(base)/v1/templates?name=big-bed", key: alice, body: big, headers: zipped, timeout: 120)
        #expect(tooLarge.status == 413 && tooLarge.error["code"] as? String == "tooLarge", "\(tooLarge.status) \(tooLarge.object)")
        // Declared over the limit but small on the wire (zeros deflate to nothing): 422.
        let declared = try HTTP.send("POST", "\(base)/v1/templates?name=big-bed", key: alice,
                                     body: try zip("declared", extra: [("my-bed/padding.bin", "zeros:\(84 << 20)")]), headers: zipped)
        #expect(declared.status == 422 && (declared.error["message"] as? String ?? "").contains("more than 64 MB"), "\(declared.object)")
        #expect(try HTTP.send("POST", "\(base)/v1/templates?name=x", key: alice, body: try zip("type"), headers: ["Content-Type": "text/plain"]).status == 415)
        let after = try FileManager.default.contentsOfDirectory(atPath: data + "/templates").flatMap { k in
            try FileManager.default.contentsOfDirectory(atPath: data + "/templates/" + k).map { k + "/" + $0 }
        }.sorted()
        #expect(after == before)
        #expect(!FileManager.default.fileExists(atPath: data + "/templates/evil.txt") && !FileManager.default.fileExists(atPath: data + "/evil.txt"))

        // DELETE: the key's own only.
        #expect(try HTTP.send("DELETE", "\(base)/v1/templates/corporate", key: alice).status == 404)
        #expect(try HTTP.send("DELETE", "\(base)/v1/templates/my-bed", key: alice).status == 204)
        #expect(try HTTP.send("DELETE", "\(base)/v1/templates/my-bed", key: alice).status == 404)
        #expect(try !names(HTTP.send("GET", "\(base)/v1/templates", key: alice)).contains("my-bed"))
        #expect(try names(HTTP.send("GET", "\(base)/v1/templates", key: bob)).contains("my-bed"))
        let gone = try HTTP.send("POST", "\(base)/v1/productions", key: alice, body: HTTP.json(production))
        #expect(gone.status == 422 && gone.error["code"] as? String == "unknownName")
    }

    /// With PostgreSQL, the API (no workers) keeps the template in the shared data folder and a
    /// separate `mixdown worker` renders the key's production with it.
    @Test func aWorkerRendersAKeysTemplateFromTheSharedDataFolder() throws {
        let cluster = try PostgresCluster()
        defer { withExtendedLifetime(cluster) {} }
        let store = ["--database", cluster.url, "--data", folder.file("shared")]
        let alice = try key("alice", store)
        let environment = ["MIXDOWN_CACHE": folder.file("cache")]
        let server = try ServiceProcess(["serve", "--port", "0", "--workers", "0"] + store, environment: environment)
        defer { withExtendedLifetime(server) {} }
        let added = try HTTP.send("POST", "\(server.base)/v1/templates?name=my-bed", key: alice, body: try zip("good", top: nil),
                                  headers: ["Content-Type": "application/zip"])
        try #require(added.status == 201, "\(added.object)")
        let worker = try ServiceProcess(["worker", "--workers", "1"] + store, environment: environment)
        defer { withExtendedLifetime(worker) {} }
        let production: [String: Any] = ["scriptText": #"<<soundSegment::main>><break time="4000ms"/>"#, "soundTemplate": "my-bed", "forceLength": 6,
                                         "endFormat": ["wav"]]
        let created = try HTTP.send("POST", "\(server.base)/v1/productions", key: alice, body: HTTP.json(production))
        let id = try #require(created.object["id"] as? String, "\(created.object)")
        let deadline = Date().addingTimeInterval(120)
        var job = [String: Any]()
        while Date() < deadline {
            job = try HTTP.send("GET", "\(server.base)/v1/productions/\(id)", key: alice).object
            if ["succeeded", "failed", "cancelled"].contains(job["status"] as? String ?? "") { break }
            usleep(100_000)
        }
        try #require(job["status"] as? String == "succeeded", "\(job)")
        let wav = try HTTP.send("GET", "\(server.base)/v1/productions/\(id)/outputs/wav", key: alice)
        try wav.body.write(to: URL(fileURLWithPath: folder.file("out.wav")))
        let out = try AudioFileReader.read(folder.file("out.wav")).audio
        #expect(TestTemplates.toneShare(out.channels[0][48_000..<192_000], frequency: 660) > -0.5)
    }
}
