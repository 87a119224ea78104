import Foundation
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownSpeech
import MixdownTestSupport
import Testing
import MixdownRender

/// The engine inside a long-lived process: several renders sharing one worker pool, progress
/// events, cancellation that leaves nothing behind, and errors as data (code, key path, JSON).
@Suite(.serialized) struct EmbeddingTests {
    let folder = TemporaryFolder()

    func write(_ name: String, _ text: String) throws { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func request(_ json: String, name: String, output: String, pool: WorkerPool) throws -> RenderRequest {
        try write("\(name).json", json)
        var request = RenderRequest(production: try ProductionDecoder.load(path: folder.file("\(name).json")), name: name, pool: pool)
        request.output = output
        request.cache = SpeechCache(directory: folder.file("cache"))
        request.temporaryDirectory = folder.path
        return request
    }

    var spot: String {
        """
        {"scriptText": "<<soundSegment::intro>><<sectionName::a>> One engine, many jobs. <<soundSegment::main>><<sectionName::b>> Each render gets its share of the cores.",
         "soundTemplate": "\(Self.repository)/SoundTemplates/corporate", "forceLength": 9, "endFormat": ["wav", "mp3_medium"]}
        """
    }

    @Test func concurrentRendersOnOnePoolMatchASerialRender() throws {
        for d in ["serial", "a", "b", "c"] { try FileManager.default.createDirectory(atPath: folder.file(d), withIntermediateDirectories: true) }
        // The reference: no helpers at all.
        _ = try Pipeline.render(request(spot, name: "spot", output: folder.file("serial/"), pool: .serial))
        let reference = try Data(contentsOf: URL(fileURLWithPath: folder.file("serial/spot.wav")))
        #expect(reference.count > 800_000)
        // Three renders at once on one two-core pool.
        let pool = WorkerPool(width: 2)
        let requests = try ["a", "b", "c"].map { try request(spot, name: "spot", output: folder.file("\($0)/"), pool: pool) }
        let failures = Locked([String?](repeating: nil, count: 3))
        DispatchQueue.concurrentPerform(iterations: 3) { i in
            do { _ = try Pipeline.render(requests[i]) } catch { failures.withLock { $0[i] = "\(error)" } }
        }
        #expect(failures.withLock { $0 } == [nil, nil, nil])
        for d in ["a", "b", "c"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("\(d)/spot.wav"))) == reference, "render \(d) differs from the serial one")
            let mp3 = try Tools.ffmpegDecode(folder.file("\(d)/spot.mp3"))
            #expect(mp3.samples.count == 396_900 * 2)   // 9 s at 44.1 kHz, stereo
        }
    }

    @Test func poolNeverLendsMoreThanItsWidth() {
        let pool = WorkerPool(width: 3)
        final class Gauge: @unchecked Sendable {
            let lock = NSLock()
            var now = 0, most = 0
            func enter() { lock.withLock { now += 1; most = max(most, now) } }
            func leave() { lock.withLock { now -= 1 } }
        }
        let gauge = Gauge()
        // Four callers, each asking for 8-way parallel work with nested 4-way work inside:
        // helpers are borrowed only while free, so at most 4 callers + 2 helpers run at once.
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            pool.forEach(8) { _ in
                pool.forEach(4) { _ in
                    gauge.enter()
                    usleep(2_000)
                    gauge.leave()
                }
            }
        }
        #expect(gauge.most <= 4 + 2)
        #expect(gauge.most >= 2)
        var sum = [Int](repeating: 0, count: 100)
        sum.withUnsafeMutableBufferPointer { s in pool.forEach(100) { s[$0] = $0 } }
        #expect(sum == Array(0..<100), "every index runs exactly once")
    }

    @Test func progressEventsGoForwardThroughEveryStage() throws {
        try FileManager.default.createDirectory(atPath: folder.file("p"), withIntermediateDirectories: true)
        final class Log: @unchecked Sendable { let lock = NSLock(); var events = [RenderEvent]() }
        let log = Log()
        var request = try request(spot, name: "spot", output: folder.file("p/"), pool: .machine())
        request.control = RenderControl { event in log.lock.withLock { log.events.append(event) } }
        let report = try Pipeline.render(request)
        // Item identities from the parser reach the report: section and item numbers in order.
        let ids = report.sections.flatMap { $0.items.map(\.id) }
        #expect(ids.map(\.description) == ["0.0", "1.0"])
        #expect(report.sections.map { $0.items.map { $0.id.section } } == [[0], [1]])
        let events = log.events
        #expect(events.count > 10)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.overall < $1.overall }, "overall only goes forward")
        #expect(events.first?.stage == .checking)
        #expect(events.last?.stage == .finishing && events.last?.overall == 1)
        let stages = events.map(\.stage)
        for stage in [RenderEvent.Stage.speaking, .rendering, .mastering, .encoding] { #expect(stages.contains(stage)) }
        #expect(events.allSatisfy { (0...1).contains($0.fraction) })
    }

    @Test(arguments: [RenderEvent.Stage.speaking, .rendering, .mastering, .encoding])
    func cancellingStopsTheRenderAndLeavesNothing(at stage: RenderEvent.Stage) throws {
        let out = folder.file("cancel-\(stage.rawValue)")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var request = try request(spot.replacingOccurrences(of: "One engine", with: "Cancelled at \(stage.rawValue)"),
                                  name: "spot", output: out + "/", pool: .machine())
        request.reportPath = out + "/report.json"
        request.cache = SpeechCache(directory: nil)   // speech really runs, so there is a speaking stage to stop
        // Cancelled by the listener itself once the stage has made some progress (as a service's
        // DELETE would, from whatever thread it runs on).
        final class Box: @unchecked Sendable { var control: RenderControl? }
        let box = Box()
        box.control = RenderControl { event in
            if event.stage == stage && event.fraction > 0 { box.control?.cancel() }
        }
        request.control = box.control!
        #expect {
            _ = try Pipeline.render(request)
        } throws: { error in
            guard let e = error as? MixdownError else { return false }
            return e.code == .cancelled && e.kind == .cancelled
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(left.isEmpty, "cancelled render left \(left)")
        let spills = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("mixdown-") }
        #expect(spills.isEmpty, "temporary files left: \(spills)")
    }

    @Test func errorsCarryCodeAndWhere() throws {
        // A production key path.
        do {
            _ = try ProductionDecoder.decode(JSONParser.parse(#"{"scriptText": "hi", "sectionProperties": {"a": {"justify": "centr"}}}"#, file: "p.json"),
                                             file: "p.json", baseDirectory: folder.path)
            Issue.record("no error")
        } catch let e as MixdownError {
            #expect(e.code == .invalidProduction)
            #expect(e.keyPath == "sectionProperties.a.justify")
            #expect(e.location == SourceLocation(file: "p.json", line: 1, column: 61))
            #expect(e.message == "p.json:1:61: sectionProperties.a.justify: \(e.reason)")
            let json = try JSONSerialization.jsonObject(with: e.json()) as! [String: [String: String]]
            #expect(json["error"]?["code"] == "invalidProduction")
            #expect(json["error"]?["path"] == "sectionProperties.a.justify")
            #expect(json["error"]?["message"]?.contains("centre") == true)
        }
        // A script mistake: file:line:col, and an unknown media name found before any speech.
        var request = try request(#"{"scriptText": "Hello.\n<<media::jingel>>", "endFormat": ["wav"]}"#, name: "bad", output: folder.file("bad.wav"), pool: .serial)
        request.cache = SpeechCache(directory: nil)
        #expect {
            _ = try Pipeline.render(request)
        } throws: { error in
            guard let e = error as? MixdownError else { return false }
            return e.code == .unknownName && e.location?.line == 2 && e.location?.column == 1 && e.message.hasPrefix(folder.file("bad.json") + "#scriptText:2:1: ")
        }
        // A timing refusal names its key path.
        request = try self.request(#"{"scriptText": "<<sectionName::a>> A. <<sectionName::b>> B.", "forceLength": 5, "sectionProperties": {"b": {"endAt": 9}}}"#,
                                   name: "late", output: folder.file("late.wav"), pool: .serial)
        #expect {
            _ = try Pipeline.render(request)
        } throws: { error in
            guard let e = error as? MixdownError else { return false }
            return e.code == .invalidTiming && e.path == "sectionProperties.b.endAt"
        }
    }
}
