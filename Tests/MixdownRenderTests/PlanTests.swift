import Foundation
import MixdownCore
import MixdownIO
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTestSupport
import Testing
import MixdownRender

/// `mixdown plan` (docs/plan.md): the plan's boundaries are the render's, sample for sample;
/// overflow is fitted (pauses, then compression, then a cut at a word boundary); strict
/// delivery refuses every kind of warning with nothing written.
@Suite(.serialized) struct PlanTests {
    let folder = TemporaryFolder()

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func request(_ json: String, name: String = "p", output: String? = nil) throws -> RenderRequest {
        try json.write(toFile: folder.file("\(name).json"), atomically: true, encoding: .utf8)
        var request = RenderRequest(production: try ProductionDecoder.load(path: folder.file("\(name).json")), name: name, pool: WorkerPool(width: 2))
        request.output = output ?? folder.file("\(name).wav")
        request.cache = SpeechCache(directory: folder.file("cache"))
        request.temporaryDirectory = folder.path
        request.templateLibraries = [Self.repository + "/SoundTemplates"]
        return request
    }

    static let sentences = [
        "Fresh coffee, warm bread.", "Open late every day this week.", "Call now and save thirty percent.",
        "Hi there, and welcome back.", "The best seat in the house is yours.", "Terms apply.",
        "Visit us online, or drop by the shop on Main Street.", "Nothing beats a morning like this one.",
        "Your order ships today.", "Thanks for listening.", "Ask for the family deal, it feeds four.",
    ]

    /// A production from a seed: 1–4 sections of 1–3 sentences (with breaks and effects),
    /// endAt on some sections (generous or too tight), random justify, overflow, voice, speed,
    /// forceLength, template.
    static func production(seed: UInt64) -> String {
        var rng = SplitMix(seed: seed)
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.nextBits() % UInt64(r.count)) }
        let template = int(0...1) == 0
        var script = "", properties = [String]()
        var nominal = template ? 0.5 : 0, lastEnd = 0.0
        let sections = int(1...4)
        for s in 0..<sections {
            script += "<<sectionName::s\(s)>>" + (template ? ["", "<<soundSegment::intro>>", "<<soundSegment::main>>"][int(0...2)] : "")
            var words = 0
            for k in 0..<int(1...3) {
                if k > 0 { script += [" ", " <break time=\"\(int(0...400))ms\"/> ", " "][int(0...2)] }
                if template && int(0...4) == 0 { script += "<<soundEffect::whoosh\(["", "|align=end", "|align=end|offset=-0.1", "|offset=0.25"][int(0...3)])>> " }
                let sentence = sentences[int(0...(sentences.count - 1))]
                script += sentence
                words += sentence.split(separator: " ").count
            }
            script += "\n"
            nominal += Double(words) * 0.36 + 0.3
            var props = [String]()
            if int(0...2) > 0 {
                nominal *= [0.7, 0.85, 1.0, 1.2, 1.5][int(0...4)]
                let endAt = max(lastEnd + 0.2, (nominal * 1_000).rounded() / 1_000)
                props.append("\"endAt\": \(endAt)")
                lastEnd = endAt; nominal = endAt
            }
            if int(0...1) == 0 { props.append("\"justify\": \"\(["flex-start", "centre", "flex-end"][int(0...2)])\"") }
            if !props.isEmpty { properties.append("\"s\(s)\": {\(props.joined(separator: ", "))}") }
        }
        var top = ["\"scriptText\": \(String(reflecting: script))", "\"endFormat\": [\"wav\"]",
                   "\"voice\": \"\(["en-us", "en-gb", "en-us"][int(0...2)])\"", "\"speed\": \([1.0, 0.9, 1.15][int(0...2)])",
                   "\"sectionProperties\": {\(properties.joined(separator: ", "))}",
                   "\"timelineProperties\": {\"overflow\": \"\(["fit", "fit", "stretch", "truncate", "extend"][int(0...4)])\"}"]
        if template { top.append("\"soundTemplate\": \"corporate\"") }
        if int(0...2) == 0 { top.append("\"forceLength\": \(((max(nominal, lastEnd) + Double(int(200...3_000)) / 1_000) * 1_000).rounded() / 1_000)") }
        return "{" + top.joined(separator: ",\n ") + "}"
    }

    /// What a plan and a render's report must agree on: every section's and item's samples.
    static func boundaries(_ sections: [(String, Int, Int, [RenderReport.Item])]) -> [String] {
        sections.flatMap { name, start, end, items in
            ["\(name) \(start)..<\(end)"] + items.map { "  \($0.id) \($0.kind.rawValue) \($0.startSample)..<\($0.endSample)\($0.truncated == true ? " cut" : "")"
                + " words " + ($0.words ?? []).map { "\($0.startSample)-\($0.endSample)" }.joined(separator: ",") }
        }
    }

    @Test func planEqualsRenderOnGeneratedProductions() throws {
        var overflowed = 0, cut = 0, planned = 0
        for seed in UInt64(1)...56 {
            let json = Self.production(seed: seed)
            let request = try request(json, name: "g\(seed)")
            let plan: PlanReport
            do { plan = try Planning.plan(request) } catch let e as MixdownError {
                // The one refusal these can meet: an endAt the sections before it already passed.
                #expect(e.code == .invalidTiming, "\(e.message) for \(json)")
                continue
            }
            planned += 1
            let report = try Pipeline.render(request)
            #expect(plan.totalSamples == report.totalSamples, "\(json)")
            let fromPlan = Self.boundaries(plan.sections.map { ($0.name, $0.startSample, $0.endSample, $0.items) })
            let fromRender = Self.boundaries(report.sections.map { ($0.name, $0.startSample, $0.endSample, $0.items) })
            #expect(fromPlan == fromRender, "seed \(seed): \(json)")
            #expect(plan.tail?.endSample == report.tail?.endSample && plan.music.count == report.music.count)
            #expect(plan.warnings.map(\.message) == report.warnings.filter { $0.code != .loudnessTargetMissed && $0.code != .heavyLimiting }.map(\.message))
            // The audio is as long as the plan says.
            #expect(try AudioFileReader.read(folder.file("g\(seed).wav")).audio.frameCount == plan.totalSamples)
            if plan.sections.contains(where: { $0.slackSamples < 0 }) { overflowed += 1 }
            cut += plan.sections.flatMap(\.items).filter { $0.truncated == true }.count
        }
        #expect(planned >= 50, "only \(planned) of 56 planned")
        #expect(overflowed >= 10 && cut >= 3, "overflowed \(overflowed), cut \(cut)")
    }

    /// The examples (Piper voices, a template, personalisation, hybrid voice), through the CLI:
    /// `mixdown plan --json` and `mixdown render --report` agree on every boundary.
    @Test(arguments: ["spot30/spot.json", "narration/narration.json", "personalised/personalised.json", "hybrid/hybrid.json"])
    func planEqualsRenderForTheExamples(example: String) throws {
        let environment = ["MIXDOWN_CACHE": folder.file("cache")]
        let production = Self.repository + "/Examples/" + example
        let plan = try Tools.run(Tools.mixdown, ["plan", production, "--json"], environment: environment)
        try #require(plan.status == 0, "\(plan.stderr)")
        let render = try Tools.run(Tools.mixdown, ["render", production, "-o", folder.file("out.wav"), "--report", folder.file("r.json")], environment: environment)
        try #require(render.status == 0, "\(render.stderr)")
        func boundaries(_ object: Any?) -> [String] {
            ((object as? [String: Any])?["sections"] as? [[String: Any]] ?? []).flatMap { s in
                ["\(s["name"] ?? "") \(s["startSample"] ?? "")..<\(s["endSample"] ?? "")"]
                    + (s["items"] as? [[String: Any]] ?? []).map { "  \($0["id"] ?? "") \($0["startSample"] ?? "")..<\($0["endSample"] ?? "")" }
            }
        }
        let planned = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8))
        let rendered = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json"))))
        #expect(boundaries(planned) == boundaries(rendered), "\(example)")
        #expect(boundaries(planned).count > 2)
    }

    /// A truncated section's cut is a word boundary: the item's words as spoken (the same
    /// section planned with `extend`, where nothing moves) have one ending exactly there, and
    /// none spans it.
    @Test func truncationCutsAtAWordBoundaryInTheAudio() throws {
        let text = "Hi Bartholomew, this is the Thirsty Lion, with the longest happy hour in town and a brand new menu."
        let extended = try Planning.plan(request(#"{"scriptText": "<<sectionName::a>> \#(text)", "sectionProperties": {"a": {"endAt": 1.3, "paddingEnd": 0}}, "timelineProperties": {"overflow": "extend"}}"#, name: "ext"))
        let words = try #require(extended.sections[0].items[0].words)
        for policy in ["truncate", "stretch", "fit"] {
            let r = try request(#"{"scriptText": "<<sectionName::a>> \#(text)", "sectionProperties": {"a": {"endAt": 1.3, "paddingEnd": 0}}, "timelineProperties": {"overflow": "\#(policy)", "maxStretch": 1.0}, "endFormat": ["wav"]}"#,
                                name: "cut-\(policy)")
            let report = try Pipeline.render(r)
            let item = report.sections[0].items[0]
            #expect(item.truncated == true)
            let end = item.endSample - item.startSample
            // maxStretch 1.0: nothing compressed; `fit` may have tightened pauses before the cut.
            if policy != "fit" {
                // Both plans place the item at the section's start (0): offsets compare directly.
                #expect(words.contains { $0.endSample == end } || words.contains { $0.startSample == end },
                        "\(policy): cut at \(end) is no word boundary of \(words.map { "\($0.startSample)-\($0.endSample)" })")
                #expect(!words.contains { $0.startSample < end && end < $0.endSample }, "\(policy): cut inside a word")
            }
            // The last word heard ends at the cut, and the audio after the cut is silent.
            #expect(item.words?.last?.endSample == item.endSample)
            let mix = try AudioFileReader.read(folder.file("cut-\(policy).wav")).audio
            // (The speech chain's filters ring on for a few ms after the 10 ms fade, below −40 dBFS, then −50.)
            let after = mix.channels[0][item.endSample..<min(mix.frameCount, item.endSample + 4_800)]
            #expect(after.allSatisfy { abs($0) < 0.01 } && after.dropFirst(480).allSatisfy { abs($0) < 0.003 }, "\(policy): sound after the cut")
            #expect(report.warnings.contains { $0.code == .sectionOverflow && $0.message.contains("word boundary") })
        }
    }

    /// 15 % too long for its span: the engine's own pauses give it all, for espeak-ng and Piper
    /// (through the CLI, as a producer runs it: plan, then render).
    @Test(arguments: ["en-us", "en_US-joe-medium"]) func fitResolvesFifteenPercentWithoutCompression(voice: String) throws {
        let script = "<<sectionName::main>> Fresh coffee. Warm bread. Open late, every day, all week. Come in, sit down, relax. Bring a friend."
        let environment = ["MIXDOWN_CACHE": folder.file("cli-cache")]
        func json(_ args: [String]) throws -> [String: Any] {
            let run = try Tools.run(Tools.mixdown, args, environment: environment)
            try #require(run.status == 0, "\(run.stderr)")
            let text = args.contains("--report") ? try String(contentsOfFile: args[args.firstIndex(of: "--report")! + 1], encoding: .utf8) : run.stdout
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        try #"{"scriptText": "\#(script)", "voice": "\#(voice)", "sectionProperties": {"main": {"paddingEnd": 0}}}"#
            .write(toFile: folder.file("free.json"), atomically: true, encoding: .utf8)
        let free = try json(["plan", folder.file("free.json"), "--json"])
        let content = try #require((free["sections"] as? [[String: Any]])?.first?["contentSamples"] as? Int)
        let span = Int((Double(content) / 1.15).rounded(.up))
        try #"{"scriptText": "\#(script)", "voice": "\#(voice)", "sectionProperties": {"main": {"paddingEnd": 0, "endAt": \#(Double(span) / 48_000)}}, "endFormat": ["wav"]}"#
            .write(toFile: folder.file("fit.json"), atomically: true, encoding: .utf8)
        let report = try json(["render", folder.file("fit.json"), "-o", folder.file("fit.wav"), "--report", folder.file("fit-report.json")])
        let section = try #require((report["sections"] as? [[String: Any]])?.first)
        let item = try #require((section["items"] as? [[String: Any]])?.first)
        let warnings = (report["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(item["stretch"] as? Double == 1 && item["truncated"] == nil, "\(warnings)")
        #expect(section["endSample"] as? Int == SampleTime.samples(seconds: Double(span) / 48_000, rate: 48_000))
        #expect((item["endSample"] as? Int ?? .max) <= section["endSample"] as? Int ?? 0)
        #expect(warnings.contains { $0.contains("pauses tightened") && !$0.contains("compressed") }, "\(warnings)")
        // Every word is still heard.
        #expect((item["words"] as? [Any])?.count == 18)
        #expect(try AudioFileReader.read(folder.file("fit.wav")).audio.frameCount == section["endSample"] as? Int)
    }
}
