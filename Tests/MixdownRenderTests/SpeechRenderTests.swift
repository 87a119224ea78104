import Foundation
import MixdownCore
import MixdownIO
import MixdownSpeech
import MixdownTestSupport
import Testing
import MixdownReport

/// The speech layer through `mixdown render`: voices per section, captions, the cache, and
/// external engines.
@Suite struct SpeechRenderTests {
    let folder = TemporaryFolder()

    func write(_ name: String, _ text: String) throws { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }

    func render(_ arguments: [String], cache: String? = nil) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, ["render"] + arguments, environment: ["MIXDOWN_CACHE": cache ?? folder.file("cache")])
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func speechItems(_ report: [String: Any]) -> [[String: Any]] {
        (report["sections"] as! [[String: Any]]).flatMap { ($0["items"] as! [[String: Any]]).filter { $0["kind"] as? String == "speech" } }
    }

    @Test func sectionVoicesDifferInTheAudio() throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::low>> This section is spoken by a low voice, slowly and clearly. <<sectionName::high>> This section is spoken by a high voice, slowly and clearly.",
         "voice": "en-us", "sections": {"high": {"voice": "en-us+f4", "pitch": 1.3}}, "endFormat": "wav"}
        """)
        let run = try render([folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"), "--stems", folder.file("s")])
        try #require(run.status == 0, "\(run.stderr)")
        let items = Self.speechItems(try json(folder.file("r.json")))
        let stem = try AudioFileReader.read(folder.file("s/speech.wav")).audio.channels[0]
        let f0 = items.map { Pitch.median(stem[($0["startSample"] as! Int)..<($0["endSample"] as! Int)])! }
        #expect(f0[1] > f0[0] * 1.4, "section pitches \(f0)")
    }

    /// `--captions vtt`: a WEBVTT file beside the output whose cues, in order, hold every word
    /// of the report once, each cue from its first word's start to its last word's end to the
    /// millisecond (the report's samples at 48 kHz, rounded), at most 42 characters and 6 s,
    /// broken after a sentence's end and at the 1 s pause.
    @Test func vttCaptionsCarryTheReportsWordTimes() throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> WebVTT captions for the web player. <break time=\\"1s\\"/> Every word is timed from the report, to the millisecond! <<sectionName::b>> And the next section is captioned as well.",
         "sectionProperties": {"b": {"endAt": 12, "justify": "centre"}}, "endFormat": ["wav"]}
        """)
        let run = try render([folder.file("p.json"), "-o", folder.file("v.wav"), "--report", folder.file("r.json"), "--captions", "vtt"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("v.srt")))
        let words = Self.speechItems(try json(folder.file("r.json"))).flatMap { $0["words"] as! [[String: Any]] }
            .map { (text: $0["text"] as! String, start: $0["startSample"] as! Int, end: $0["endSample"] as! Int) }
        #expect(words.count == 24)
        let vtt = try String(contentsOfFile: folder.file("v.vtt"), encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT\n\n"), "\(vtt.prefix(40))")
        func ms(_ sample: Int) -> Int { Int((Double(sample) * 1_000 / 48_000).rounded()) }
        func parse(_ t: Substring) -> Int? {
            let p = t.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0) }
            return p.count == 4 && t.count == 12 ? ((p[0] * 60 + p[1]) * 60 + p[2]) * 1_000 + p[3] : nil
        }
        let cues = vtt.dropFirst("WEBVTT\n\n".count).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        var next = 0, previousEnd = -1
        for cue in cues {
            let lines = cue.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            try #require(lines.count == 2, "a cue is a timing line and one line of text: \(cue)")
            let times = lines[0].components(separatedBy: " --> ").map { parse(Substring($0)) }
            let (start, end) = (try #require(times.first ?? nil, "\(lines[0])"), try #require(times.last ?? nil, "\(lines[0])"))
            let text = lines[1].split(separator: " ").map(String.init)
            try #require(next + text.count <= words.count, "more words in the captions than in the report")
            let mine = words[next..<(next + text.count)]
            #expect(text == mine.map(\.text), "cue \(lines[1]) vs report \(mine.map(\.text))")
            #expect(start == ms(mine.first!.start) && end == ms(mine.last!.end),
                    "\(lines[0]) for words \(mine.first!.start)…\(mine.last!.end) (\(ms(mine.first!.start)) … \(ms(mine.last!.end)) ms)")
            #expect(start >= previousEnd && end > start)
            #expect(lines[1].count <= 42 && end - start <= 6_000, "\(lines[1])")
            // Broken after a sentence's end and at the pause, never inside a sentence for no reason.
            if let after = words.dropFirst(next + text.count).first {
                let reason = ".!?".contains(mine.last!.text.last!) || after.start - mine.last!.end >= 24_000
                    || lines[1].count + 1 + after.text.count > 42 || after.end - mine.first!.start > 6 * 48_000
                #expect(reason, "cue \(lines[1]) ends before \(after.text) for no reason")
            }
            previousEnd = end
            next += text.count
        }
        #expect(next == words.count, "\(words.count - next) words of the report have no cue")
        #expect(cues.count >= 3, "\(cues)")
    }

    @Test func captionsFollowTheWords() throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> Captions follow every word. <break time=\\"1s\\"/> Even after a pause! <<sectionName::b>> And in the next section, too.",
         "sectionProperties": {"b": {"endAt": 9, "justify": "flex-end"}}, "endFormat": "mp3_medium"}
        """)
        let run = try render([folder.file("p.json"), "-o", folder.file("o.mp3"), "--report", folder.file("r.json"), "--captions", "srt"])
        try #require(run.status == 0, "\(run.stderr)")
        let items = Self.speechItems(try json(folder.file("r.json")))
        var last = -1
        var allWords = [String]()
        for item in items {
            let start = item["startSample"] as! Int, end = item["endSample"] as! Int
            for w in item["words"] as! [[String: Any]] {
                let ws = w["startSample"] as! Int, we = w["endSample"] as! Int
                #expect(ws >= start && we <= end && ws <= we, "word \(w) outside \(start)..<\(end)")
                #expect(ws > last, "words in order")
                last = ws
                allWords.append(w["text"] as! String)
            }
        }
        #expect(allWords.joined(separator: " ") == "Captions follow every word. Even after a pause! And in the next section, too.")
        let srt = try String(contentsOfFile: folder.file("o.srt"), encoding: .utf8)
        let cues = srt.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(cues.count >= 3)
        var previousEnd = 0.0
        for cue in cues {
            let lines = cue.split(separator: "\n")
            let times = lines[1].components(separatedBy: " --> ").map { t -> Double in
                let p = t.replacingOccurrences(of: ",", with: ":").split(separator: ":").map { Double($0)! }
                return p[0] * 3_600 + p[1] * 60 + p[2] + p[3] / 1_000
            }
            #expect(times[0] >= previousEnd - 1e-9 && times[1] > times[0])
            previousEnd = times[1]
        }
        #expect(srt.contains("Even after a pause!"))
        // The last section is flex-end at 9 s (0.3 s gap): its last word ends there.
        #expect(previousEnd <= 8.7 + 0.001 && previousEnd > 8.6)
    }

    @Test func secondRenderComesFromTheCache() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let spot = root.appendingPathComponent("Examples/spot30/spot.json").path
        let cold = try render([spot, "-o", folder.file("a.wav"), "--json"])
        let warm = try render([spot, "-o", folder.file("b.wav"), "--json"])
        try #require(cold.status == 0 && warm.status == 0, "\(cold.stderr)\(warm.stderr)")
        let c = try #require(try JSONSerialization.jsonObject(with: Data(cold.stdout.utf8)) as? [String: Any])
        let w = try #require(try JSONSerialization.jsonObject(with: Data(warm.stdout.utf8)) as? [String: Any])
        #expect((c["speech"] as! [String: Int]) == ["clips": 4, "cacheHits": 0, "synthesised": 4])
        #expect((w["speech"] as! [String: Int]) == ["clips": 4, "cacheHits": 4, "synthesised": 0])
        // The cache changes nothing in the audio: the two deliveries are identical.
        #expect(FileManager.default.contents(atPath: folder.file("a.wav")) == FileManager.default.contents(atPath: folder.file("b.wav")))
    }

    /// Renders in parallel processes sharing one cache never corrupt it: every process
    /// succeeds, every cache file is whole, and a later render finds every clip there and
    /// delivers the same audio as the cache holds.
    @Test func parallelProcessesShareTheCache() throws {
        try write("a.json", #"{"scriptText": "<<sectionName::x>> Shared line one. <<sectionName::y>> Shared line two. <<sectionName::z>> Only in A.", "endFormat": "wav"}"#)
        try write("b.json", #"{"scriptText": "<<sectionName::x>> Shared line one. <<sectionName::y>> Shared line two. <<sectionName::z>> Only in B.", "endFormat": "wav"}"#)
        let shared = folder.file("shared-cache")
        let group = DispatchGroup()
        final class Box: @unchecked Sendable { var statuses = [Int32](repeating: -1, count: 8); let lock = NSLock() }
        let box = Box()
        for i in 0..<8 {
            group.enter()
            DispatchQueue.global().async {
                let which = i % 2 == 0 ? "a" : "b"
                let r = try? render([folder.file("\(which).json"), "-o", folder.file("out\(i).wav")], cache: shared)
                box.lock.withLock { box.statuses[i] = r?.status ?? -2 }
                group.leave()
            }
        }
        group.wait()
        #expect(box.statuses == [Int32](repeating: 0, count: 8))
        for i in 0..<8 { #expect(try Tools.ffmpegDecode(folder.file("out\(i).wav")).frames > 48_000) }
        // Four distinct clips, each stored whole (it decodes), and no temporary left behind.
        let files = try FileManager.default.subpathsOfDirectory(atPath: shared + "/speech").filter { $0.contains("/") }
        let clips = files.filter { !($0.split(separator: "/").last!.hasPrefix(".")) }
        #expect(clips.count == 4, "\(files)")
        #expect(files.count == clips.count, "temporaries left: \(files)")
        for f in clips {
            let key = String(f.split(separator: "/").last!)
            #expect(SpeechCache(directory: shared).load(key) != nil, "cache file \(f) is damaged")
        }
        // Afterwards every clip comes from the cache, and two renders agree to the byte.
        let again = try render([folder.file("a.json"), "-o", folder.file("again1.wav"), "--json"], cache: shared)
        let again2 = try render([folder.file("a.json"), "-o", folder.file("again2.wav")], cache: shared)
        try #require(again.status == 0 && again2.status == 0)
        #expect(again.stdout.contains("\"cacheHits\" : 3") && again.stdout.contains("\"synthesised\" : 0"))
        #expect(FileManager.default.contents(atPath: folder.file("again1.wav")) == FileManager.default.contents(atPath: folder.file("again2.wav")))
    }

    @Test func externalEngineInARender() throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> Spoken by an external engine. <<sectionName::b>> And a second section.",
         "speechEngine": {"command": ["espeak-ng", "-v", "{voice}", "-w", "{output}", "{text}"], "timeoutSeconds": 20},
         "voice": "en-gb", "endFormat": "wav"}
        """)
        let run = try render([folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        let items = Self.speechItems(try json(folder.file("r.json")))
        #expect(items.count == 2)
        #expect((items[0]["words"] as! [[String: Any]]).count == 5)
    }

    /// External engines run side by side: of four calls to an engine, some run at the same
    /// time. Each call marks itself running in a folder, waits (up to 10 s) to see another call
    /// running beside it, notes whether it did, and unmarks itself; calls made one after the
    /// other never see each other. (How long they take: Benchmarks/speech-cache.sh.)
    @Test func externalEnginesRunInParallel() throws {
        let marks = folder.file("marks")
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        try write("engine.sh", """
        touch \(marks)/running.$$
        for i in $(seq 100); do
          if [ "$(ls \(marks) | grep -c '^running')" -ge 2 ]; then touch \(marks)/overlapped.$$; break; fi
          sleep 0.1
        done
        espeak-ng -w "$1" "$2"
        status=$?
        touch \(marks)/called.$$
        rm \(marks)/running.$$
        exit $status
        """)
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> One. <<sectionName::b>> Two. <<sectionName::c>> Three. <<sectionName::d>> Four.",
         "speechEngine": {"command": ["sh", "\(folder.file("engine.sh"))", "{output}", "{text}"]}, "endFormat": "wav"}
        """)
        let run = try render([folder.file("p.json"), "-o", folder.file("o.wav"), "--json"], cache: "off")
        try #require(run.status == 0, "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: marks)
        #expect(left.filter { $0.hasPrefix("called.") }.count == 4, "\(left)")
        #expect(left.filter { $0.hasPrefix("overlapped.") }.count >= 2, "no two engine calls ran at the same time: \(left)")
        #expect(!left.contains { $0.hasPrefix("running.") })
    }

    @Test("a failing external engine leaves nothing behind", arguments: [
        (#"["sh", "-c", "echo 'voice model missing' >&2; exit 2"]"#, "speech engine 'sh' failed (exit 2): voice model missing"),
        (#"["sh", "-c", "sleep 20"]"#, "did not finish within 1 s"),
        (#"["sh", "-c", "head -c 3000 /dev/urandom > \"$0\"", "{output}"]"#, "wrote no usable audio"),
    ])
    func failingEngine(command: String, says: String) throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> Hello there.", "speechEngine": {"command": \(command), "timeoutSeconds": 1}, "endFormat": "wav"}
        """)
        let before = folder.contents
        let run = try render([folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"), "--stems", folder.file("s")], cache: "off")
        #expect(run.status == 1)
        #expect(run.stderrLines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(says) && run.stderr.contains("p.json#scriptText:1:20"), "\(run.stderr)")
        #expect(folder.contents == before)
    }
}
