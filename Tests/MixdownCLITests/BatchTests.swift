import Foundation
import MixdownTestSupport
import Testing

/// `mixdown batch` through the CLI: a failed row fails alone, the manifest says what happened
/// to every row, a killed batch run again does not redo its finished rows, and shards add up
/// to the whole batch.
@Suite struct BatchTests {
    let folder = TemporaryFolder()

    /// Two seconds of speech per row: short enough for hundreds of rows.
    func production() throws -> String {
        let path = folder.file("hello.json")
        try #"{"scriptText": "<<sectionName::a>>Hi {{name}}, from {{city|here}}.", "forceLength": 2, "endFormat": ["wav"]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func batch(_ arguments: [String]) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, ["batch"] + arguments, environment: ["MIXDOWN_CACHE": folder.file("cache")])
    }

    /// The manifest's lines, as objects.
    func manifest(_ directory: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: directory + "/manifest.jsonl", encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    let names = ["Sam", "Ana", "Priya", "Kofi", "Mei", "Lena", "Omar", "Ivy", "Raj", "Zoe", "Tom", "Eva"]

    @Test func twoHundredRowsWithBadOnes() throws {
        let production = try production()
        var csv = "name,city\n"
        for row in 1...200 {
            switch row {
            case 7: csv += "Sam,Leeds,extra\n"                                           // one field too many
            case 50: csv += String(repeating: "a", count: 10_001) + ",York\n"           // a value over the limit
            case 120: csv += ",Bath\n"                                                  // {{name}} has no value
            default: csv += "\(names[row % names.count]),\"City \(row), UK\"\n"
            }
        }
        let rows = folder.file("rows.csv")
        try csv.write(toFile: rows, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let result = try batch([production, "--audience", rows, "-o", out, "--jobs", "2"])

        #expect(result.status == 1)
        // The copy is fitted to forceLength 2 in every row that renders: a warning each, counted.
        #expect(result.stderrLines == ["mixdown: batch: 200 rows: 197 ok (197 with warnings, in the manifest), 3 failed (rows 7, 50, 120); the reasons are in \(out)/manifest.jsonl"])
        let lines = try manifest(out)
        #expect(lines.count == 200)
        #expect(Set(lines.map { $0["row"] as! Int }) == Set(1...200))
        for line in lines {
            let row = line["row"] as! Int, id = line["id"] as! String
            #expect(id == String(format: "%05d", row))
            if [7, 50, 120].contains(row) {
                #expect(line["status"] as? String == "failed")
                #expect((line["outputs"] as? [Any])?.isEmpty == true)
                #expect(!FileManager.default.fileExists(atPath: "\(out)/\(id).wav"))
            } else {
                #expect(line["status"] as? String == "ok", "row \(row): \(line["error"] ?? "")")
                #expect(line["durationSamples"] as? Int == 96_000)
                let outputs = line["outputs"] as! [[String: Any]]
                #expect(outputs.map { $0["path"] as? String } == ["\(id).wav"])
            }
        }
        func error(_ row: Int) -> String { lines.first { $0["row"] as? Int == row }?["error"] as? String ?? "" }
        #expect(error(7) == "\(rows):8:1: 3 fields in this row; the header has 2")
        #expect(error(50) == "\(rows):51:1: 'name' is 10001 characters long; a personalisation value has at most 10000")
        #expect(error(120).contains("no value for '{{name}}'"), "\(error(120))")
        // Exactly the rows that succeeded are there, each as long as the report says, and
        // each says its own row's text (rows with different names differ).
        let files = folder.contents(of: out).filter { $0.hasSuffix(".wav") }
        #expect(files.count == 197)
        for id in ["00001", "00100", "00200"] {
            let decoded = try Tools.ffmpegDecode("\(out)/\(id).wav")
            #expect(decoded.frames == 96_000 && decoded.sampleRate == 48_000)
            #expect(decoded.samples.contains { abs($0) > 0.05 }, "row \(id) is silent")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/00001.wav")) != Data(contentsOf: URL(fileURLWithPath: "\(out)/00002.wav")))
        #expect(!folder.contents(of: out).contains { $0.hasSuffix(".partial") })
    }

    @Test func aKilledBatchRunAgainSkipsTheRowsItFinished() throws {
        let production = try production()
        let rows = folder.file("rows.csv")
        try ("id,name\n" + (1...40).map { "v\($0),\(names[$0 % names.count])" }.joined(separator: "\n")).write(toFile: rows, atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.mixdown)
        process.arguments = ["batch", production, "--audience", rows, "-o", out, "--jobs", "1"]
        process.environment = ProcessInfo.processInfo.environment.merging(["MIXDOWN_CACHE": folder.file("cache")]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? manifest(out))?.count ?? 0) < 5 { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try manifest(out)
        try #require(before.count >= 5 && before.count < 40, "\(before.count) rows finished before the kill")
        // What the first run finished, with when each file was written.
        var written = [String: Date]()
        for line in before {
            let id = line["id"] as! String
            written[id] = try FileManager.default.attributesOfItem(atPath: "\(out)/\(id).wav")[.modificationDate] as? Date
        }

        let again = try batch([production, "--audience", rows, "-o", out, "--jobs", "2"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("batch: 40 rows: 40 ok, 0 failed, \(before.count) done before"), "\(again.stdout)")
        let after = try manifest(out)
        #expect(after.count == 40, "one line per row, none twice")
        #expect(Set(after.map { $0["id"] as! String }) == Set((1...40).map { "v\($0)" }))
        for (id, date) in written {
            let now = try FileManager.default.attributesOfItem(atPath: "\(out)/\(id).wav")[.modificationDate] as? Date
            #expect(now == date, "\(id) was rendered again")
        }
        #expect(folder.contents(of: out).filter { $0.hasSuffix(".wav") }.count == 40)
        #expect(!folder.contents(of: out).contains { $0.hasPrefix(".") }, "\(folder.contents(of: out))")
    }

    @Test func shardsTogetherMakeTheWholeBatch() throws {
        let production = try production()
        let rows = folder.file("rows.csv")
        try ("name\n" + (1...9).map { names[$0] }.joined(separator: "\n") + "\n").write(toFile: rows, atomically: true, encoding: .utf8)
        let whole = folder.file("whole"), first = folder.file("first"), second = folder.file("second")
        #expect(try batch([production, "--audience", rows, "-o", whole]).status == 0)
        #expect(try batch([production, "--audience", rows, "-o", first, "--shard", "0/2"]).status == 0)
        #expect(try batch([production, "--audience", rows, "-o", second, "--shard", "1/2"]).status == 0)
        let a = folder.contents(of: first).filter { $0.hasSuffix(".wav") }, b = folder.contents(of: second).filter { $0.hasSuffix(".wav") }
        #expect(a == ["00001.wav", "00003.wav", "00005.wav", "00007.wav", "00009.wav"])
        #expect(b == ["00002.wav", "00004.wav", "00006.wav", "00008.wav"])
        for name in a { #expect(FileManager.default.contentsEqual(atPath: "\(first)/\(name)", andPath: "\(whole)/\(name)")) }
        for name in b { #expect(FileManager.default.contentsEqual(atPath: "\(second)/\(name)", andPath: "\(whole)/\(name)")) }
        #expect(try manifest(first).count + manifest(second).count == manifest(whole).count)
        let usage = try batch([production, "--audience", rows, "-o", first, "--shard", "2/2"])
        #expect(usage.status == 2 && usage.stderr.contains("--shard takes I/N with 0 <= I < N"))
    }

    @Test func whatFailsEveryRowFailsTheBatchBeforeAnyRender() throws {
        let production = try production()
        let out = folder.file("out")
        let unclosed = folder.file("unclosed.csv")
        try "name,city\nSam,\"Leeds\nAna,York\n".write(toFile: unclosed, atomically: true, encoding: .utf8)
        var result = try batch([production, "--audience", unclosed, "-o", out])
        #expect(result.status == 1 && result.stderrLines == ["mixdown: \(unclosed):2:5: the quoted field that starts here is never closed (a \" is missing)"])
        let twice = folder.file("twice.csv")
        try "name,city,name\nSam,Leeds,Sam\n".write(toFile: twice, atomically: true, encoding: .utf8)
        result = try batch([production, "--audience", twice, "-o", out])
        #expect(result.stderrLines == ["mixdown: \(twice):1:11: column 'name' is named twice (columns 1 and 3)"])
        // A production that cannot render for any row: refused before the first row speaks.
        let bad = folder.file("bad.json")
        try #"{"scriptText": "<<sectionName::a>>Hi {{name}}.", "sectionProperties": {"b": {"endAt": 1}}, "endFormat": ["wav"]}"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let rows = folder.file("rows.csv")
        try "name\nSam\n".write(toFile: rows, atomically: true, encoding: .utf8)
        result = try batch([bad, "--audience", rows, "-o", out])
        #expect(result.status == 1 && result.stderrLines.count == 1 && result.stderr.contains("sectionProperties.b: no section 'b' in the script"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is made for a batch refused as a whole")
        // Ids that cannot name a file, and an id used twice, fail their rows alone.
        let ids = folder.file("ids.csv")
        try "id,name\n../up,Sam\nok,Ana\nok,Kofi\n".write(toFile: ids, atomically: true, encoding: .utf8)
        result = try batch([production, "--audience", ids, "-o", out])
        #expect(result.status == 1)
        let lines = try manifest(out)
        #expect(lines.first { $0["row"] as? Int == 1 }?["error"] as? String == "\(ids):2:1: id '../up' cannot name a file (letters, digits, . _ - only, not starting with a dot)")
        #expect(lines.first { $0["row"] as? Int == 3 }?["error"] as? String == "\(ids):4:1: id 'ok' is already row 2's")
        #expect(folder.contents(of: out).filter { $0.hasSuffix(".wav") } == ["ok.wav"])
    }
}

extension TemporaryFolder {
    func contents(of path: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}
