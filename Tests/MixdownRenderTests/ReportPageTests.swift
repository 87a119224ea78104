import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// The visual report (`--report-html`) opened in a real browser (headless Chromium): what it
/// draws is checked against the report JSON and against ffmpeg's meter on the output.
@Suite(.serialized) struct ReportPageTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The SVG's scale as the page wrote it.
    struct Scale {
        var left, width, from, to: Double
        func x(seconds: Double) -> Double { left + (seconds - from) / (to - from) * width }
        func seconds(x: Double) -> Double { from + (x - left) / width * (to - from) }
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Every start tag `<NAME …>` in `dom` whose attributes include all of `having`.
    static func tags(_ name: String, in dom: String, having: [String] = []) -> [Substring] {
        var out = [Substring]()
        var rest = Substring(dom)
        while let open = rest.range(of: "<\(name) ") {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tag = rest[open.lowerBound...close]
            if having.allSatisfy({ tag.contains($0) }) { out.append(tag) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The drawing alone (the DOM also holds the script that draws it, whose strings look alike).
    static func drawing(_ dom: String) throws -> String {
        let start = try #require(dom.range(of: "<svg id=\"timeline\""), "no timeline")
        let end = try #require(dom[start.upperBound...].range(of: "</svg>"), "the timeline does not end")
        return String(dom[start.lowerBound..<end.upperBound])
    }

    static func scale(_ dom: String) throws -> Scale {
        let svg = try #require(tags("svg", in: dom, having: ["id=\"timeline\""]).first)
        func number(_ a: String) throws -> Double { try #require(attribute(a, in: svg).flatMap(Double.init), "svg \(a)") }
        return Scale(left: try number("data-plot-left"), width: try number("data-plot-width"), from: try number("data-view-from"), to: try number("data-view-to"))
    }

    /// The points of an SVG path made of M/L/H commands.
    static func points(_ d: String) -> [(x: Double, y: Double)] {
        var out = [(x: Double, y: Double)]()
        var i = d.startIndex
        func number() -> Double? {
            let start = i
            while i < d.endIndex, "-.0123456789e".contains(d[i]) { i = d.index(after: i) }
            return Double(d[start..<i])
        }
        while i < d.endIndex {
            let command = d[i]
            i = d.index(after: i)
            switch command {
            case "M", "L":
                guard let x = number() else { return out }
                while i < d.endIndex, d[i] == " " { i = d.index(after: i) }
                guard let y = number() else { return out }
                out.append((x, y))
            case "H":
                guard let x = number(), let last = out.last else { return out }
                out.append((x, last.y))
            default: break
            }
        }
        return out
    }

    /// ffmpeg's ebur128 readings of a file: time (end of the window), momentary, short-term.
    func ffmpegMeter(_ path: String) throws -> [(t: Double, m: Double, s: Double)] {
        let run = try Tools.run("ffmpeg", ["-nostats", "-nostdin", "-i", path, "-af", "ebur128", "-f", "null", "-"])
        return run.stderr.split(separator: "\n").compactMap { line -> (Double, Double, Double)? in
            guard line.contains("Parsed_ebur128"), let t = line.range(of: "t: "), let m = line.range(of: "M: "), let s = line.range(of: "S: ") else { return nil }
            func value(after r: Range<Substring.Index>) -> Double? { Double(line[r.upperBound...].split(separator: " ").first ?? "") }
            guard let tv = value(after: t), let mv = value(after: m), let sv = value(after: s) else { return nil }
            return (tv, mv, sv)
        }
    }

    func spotProduction() throws -> String {
        let spot = Self.root.appendingPathComponent("Examples/spot30").path
        var production = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spot + "/spot.json"))) as! [String: Any]
        production["voice"] = "en-us"
        production["scriptFile"] = spot + "/spot.txt"
        production["endFormat"] = ["wav", "mp3_medium"]
        let path = folder.file("spot.json")
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// So that "no requests" means something: the same browser and log catch a page's request.
    @Test func theBrowserSeesWhatAPageRequests() throws {
        let path = folder.file("asks.html")
        try #"<!doctype html><html><body><img src="http://example.invalid/x.png"><script>console.error("seen")</script></body></html>"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let page = try Browser.open(path)
        #expect(page.requests.contains { $0.hasPrefix("http://example.invalid/") }, "\(page.requests)")
        #expect(page.console.contains { $0.contains("seen") }, "\(page.console)")
    }

    @Test func theSpotsPageShowsTheRenderToScaleAndItsLoudness() throws {
        let out = folder.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try Tools.run(Tools.mixdown, ["render", try spotProduction(), "-o", out + "/", "--report", folder.file("r.json"),
                                                "--report-html", folder.file("r.html")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json")))) as? [String: Any])
        let html = try String(contentsOfFile: folder.file("r.html"), encoding: .utf8)
        #expect(!html.contains("http://") && !html.contains("https://"), "the page names no address on the network")

        let page = try Browser.open(folder.file("r.html"))
        #expect(page.console.isEmpty, "console: \(page.console)")
        #expect(page.requests.isEmpty, "the page requested \(page.requests)")
        let body = try #require(Self.tags("body", in: page.dom).first)
        #expect(Self.attribute("data-ready", in: body) == "true" && Self.attribute("data-errors", in: body) == nil, "the script did not finish cleanly: \(body)")
        let svg = try Self.drawing(page.dom)
        let scale = try Self.scale(svg)
        let rate = Double(report["sampleRate"] as! Int), total = Double(report["totalSamples"] as! Int)
        #expect(scale.from == 0 && abs(scale.to - total / rate) < 1e-9, "the page opens on the whole programme")

        // Every section, by name, where the report puts it (to a hundredth of a pixel).
        let sections = report["sections"] as! [[String: Any]]
        for section in sections {
            let name = section["name"] as! String, start = section["startSample"] as! Int, end = section["endSample"] as! Int
            let group = try #require(Self.tags("g", in: svg, having: ["class=\"section\"", "data-name=\"\(name)\""]).first, "no section \(name)")
            #expect(Self.attribute("data-start-sample", in: group) == "\(start)" && Self.attribute("data-end-sample", in: group) == "\(end)")
            let rect = try #require(svg[group.endIndex...].range(of: "<rect class=\"section\"").flatMap { Self.tags("rect", in: String(svg[$0.lowerBound...])).first })
            let x = try #require(Self.attribute("x", in: rect).flatMap(Double.init)), width = try #require(Self.attribute("width", in: rect).flatMap(Double.init))
            #expect(abs(x - scale.x(seconds: Double(start) / rate)) <= 0.01, "\(name) drawn at x \(x), the report puts it at \(scale.x(seconds: Double(start) / rate))")
            #expect(abs(x + width - scale.x(seconds: Double(end) / rate)) <= 0.02, "\(name) ends at \(x + width)")
            #expect(svg.contains("class=\"section-name\"") && svg.contains(">\(name)</text>"), "\(name)'s label")
        }
        // Every item, coloured by kind.
        let items = sections.flatMap { $0["items"] as! [[String: Any]] }
        let drawn = Self.tags("g", in: svg, having: ["class=\"item\""])
        #expect(drawn.count == items.count)
        #expect(Set(drawn.compactMap { Self.attribute("data-kind", in: $0) }) == Set(items.map { $0["kind"] as! String }))

        // The short-term and momentary curves are the meter's values: read back from the drawn
        // paths and compared with ffmpeg's ebur128 on the delivered WAV.
        let meter = try ffmpegMeter(out + "/spot.wav")
        let loudness = try #require(Self.tags("g", in: svg, having: ["class=\"loudness\""]).first)
        func number(_ a: String) throws -> Double { try #require(Self.attribute(a, in: loudness).flatMap(Double.init)) }
        let (lufsTop, lufsBottom, yTop, yBottom) = (try number("data-lufs-top"), try number("data-lufs-bottom"), try number("data-y-top"), try number("data-y-bottom"))
        for (curve, windowEnd, reading) in [("short-term", 3.0, { (r: (t: Double, m: Double, s: Double)) in r.s }),
                                            ("momentary", 0.4, { (r: (t: Double, m: Double, s: Double)) in r.m })] {
            let path = try #require(Self.tags("path", in: svg, having: ["class=\"\(curve)\""]).first)
            let drawnPoints = Self.points(try #require(Self.attribute("d", in: path)))
            let expected = Int((total / rate * 10).rounded(.down)) - Int(windowEnd * 10) + 1
            #expect(drawnPoints.count >= expected - 1 && drawnPoints.count <= expected, "\(curve): \(drawnPoints.count) points for \(expected) readings")
            var compared = 0, worst = 0.0
            for p in drawnPoints {
                let t = scale.seconds(x: p.x), lufs = lufsTop + (p.y - yTop) / (yBottom - yTop) * (lufsBottom - lufsTop)
                guard let r = meter.min(by: { abs($0.t - t) < abs($1.t - t) }), abs(r.t - t) < 0.02, reading(r) > lufsBottom + 1 else { continue }
                worst = max(worst, abs(reading(r) - lufs))
                compared += 1
            }
            print("report page: \(curve) \(compared) of \(drawnPoints.count) drawn points compared with ffmpeg, largest difference \(worst) LU")
            #expect(compared >= expected - 40, "\(curve): only \(compared) points compared")
            #expect(worst <= 0.15, "\(curve): a drawn point is \(worst) LU from ffmpeg's reading")
        }
        // The player plays the first output, beside the page.
        #expect(html.contains(#""player":"out/spot.wav""#))
        try Browser.screenshot(folder.file("r.html"), to: folder.file("r.png"))
        #expect((try FileManager.default.attributesOfItem(atPath: folder.file("r.png"))[.size] as? Int ?? 0) > 20_000)
    }

    /// An hour: the 5-minute narration twelve times over (its sections renamed per part; the
    /// speech cache speaks each paragraph once), espeak-ng, made an hour exactly by forceLength.
    @Test func anHoursPageStaysSmallAndDrawsFast() throws {
        let source = try String(contentsOfFile: Self.root.appendingPathComponent("Examples/narration-5min/narration.txt").path, encoding: .utf8)
        let parts = (1...12).map { k in source.replacingOccurrences(of: #"<<sectionName::([a-z0-9-]+)>>"#, with: "<<sectionName::$1-\(k)>>", options: .regularExpression) }
        try parts.joined(separator: "\n").write(toFile: folder.file("hour.txt"), atomically: true, encoding: .utf8)
        try #"{"scriptFile": "hour.txt", "voice": "en-us", "soundTemplate": "acoustic", "forceLength": 3600, "loudnessPreset": "podcast", "endFormat": ["wav"]}"#
            .write(toFile: folder.file("hour.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("hour.json"), "-o", folder.file("hour.wav"), "--report", folder.file("hour-report.json"),
                                                "--report-html", folder.file("hour.html")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        try? FileManager.default.removeItem(atPath: folder.file("hour.wav"))   // 690 MB the page does not need
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("hour-report.json")))) as? [String: Any])
        #expect(report["totalSamples"] as? Int == 172_800_000)
        let sections = report["sections"] as! [[String: Any]]
        let words = sections.flatMap { $0["items"] as! [[String: Any]] }.map { ($0["words"] as? [Any])?.count ?? 0 }.reduce(0, +)
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: folder.file("hour.html"))[.size] as? Int)
        print("report page: an hour (\(sections.count) sections, \(words) words) in \(bytes) bytes")
        #expect(bytes < 2_000_000, "the hour's page is \(bytes) bytes")

        // The whole hour: drawn (how fast: Benchmarks/report-page.sh), a few thousand elements,
        // words left out.
        let page = try Browser.open(folder.file("hour.html"))
        #expect(page.console.isEmpty && page.requests.isEmpty, "\(page.console) \(page.requests)")
        let body = try #require(Self.tags("body", in: page.dom).first)
        let drawnIn = try #require(Self.attribute("data-render-ms", in: body).flatMap(Double.init), "\(body)")
        #expect(drawnIn > 0, "the page did not record that it finished drawing")
        var svg = try Self.drawing(page.dom)
        let elements = svg.components(separatedBy: "<").count - 1
        #expect(elements < 20_000, "\(elements) SVG elements")
        #expect(Self.tags("g", in: svg, having: ["class=\"section\""]).count == sections.count)

        // A minute of it (#view=FROM-TO): sections to scale there, words drawn.
        let zoomed = try Browser.open(folder.file("hour.html"), fragment: "view=1800-1860")
        svg = try Self.drawing(zoomed.dom)
        let scale = try Self.scale(svg)
        #expect(scale.from == 1_800 && scale.to == 1_860)
        var seen = 0
        for section in sections {
            let start = section["startSample"] as! Int, end = section["endSample"] as! Int
            guard Double(end) / 48_000 >= 1_800, Double(start) / 48_000 <= 1_860, let name = section["name"] as? String,
                  let group = Self.tags("g", in: svg, having: ["data-name=\"\(name)\""]).first,
                  let rect = svg[group.endIndex...].range(of: "<rect class=\"section\"").flatMap({ Self.tags("rect", in: String(svg[$0.lowerBound...])).first }),
                  let x = Self.attribute("x", in: rect).flatMap(Double.init) else { continue }
            #expect(abs(x - scale.x(seconds: Double(start) / 48_000)) <= 0.01, "\(name) at \(x)")
            seen += 1
        }
        #expect(seen >= 1)
        #expect(svg.contains("<line") && svg.components(separatedBy: "<title>").count > 100, "words are drawn when zoomed in")
    }

    /// A stretched item is outlined dashed with its factor on hover; a cut one red, with a
    /// hatched end.
    @Test func stretchedAndTruncatedItemsAreMarked() throws {
        try #"""
        {"scriptText": "<<sectionName::a>> We asked our customers what they thought. <<sectionName::b>> This sentence is far too long for the very short section that it has been given here.",
         "sectionProperties": {"a": {"endAt": 1.95}, "b": {"endAt": 3.6}}, "voice": "en-us", "endFormat": ["wav"]}
        """#.write(toFile: folder.file("tight.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("tight.json"), "-o", folder.file("tight.wav"), "--report", folder.file("t.json"),
                                                "--report-html", folder.file("t.html")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("t.json")))) as? [String: Any])
        let items = (report["sections"] as! [[String: Any]]).flatMap { $0["items"] as! [[String: Any]] }.filter { $0["kind"] as? String == "speech" }
        let stretched = try #require(items.first { ($0["stretch"] as? Double ?? 1) > 1.01 && $0["truncated"] == nil }, "no stretched item: \(items)")
        let cut = try #require(items.first { $0["truncated"] as? Bool == true }, "no truncated item: \(items)")
        let page = try Browser.open(folder.file("t.html"))
        #expect(page.console.isEmpty && page.requests.isEmpty)
        let svg = try Self.drawing(page.dom)
        func drawn(_ item: [String: Any]) throws -> Substring {
            let group = try #require(Self.tags("g", in: svg, having: ["class=\"item\"", "data-start-sample=\"\(item["startSample"] as! Int)\""]).first)
            let end = try #require(svg[group.endIndex...].range(of: "</g>"))
            return svg[group.startIndex..<end.upperBound]
        }
        let s = try drawn(stretched), c = try drawn(cut)
        #expect(s.contains("stroke-dasharray") && s.contains("stretched ×"), "\(s)")
        #expect(c.contains("stroke=\"#b91c1c\"") && c.contains("url(#cut)") && c.contains("truncated"), "\(c)")
    }

    /// A personalised value that looks like markup stays text: it can neither end the page's
    /// data nor its script.
    @Test func textThatLooksLikeMarkupStaysText() throws {
        try #"{"scriptText": "<<sectionName::a>> Hello {{name|friend}}, welcome.", "voice": "en-us", "endFormat": ["wav"]}"#
            .write(toFile: folder.file("hello.json"), atomically: true, encoding: .utf8)
        let value = "Sam</script><!--<script>document.title='x'</script>"
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("hello.json"), "-o", folder.file("hello.wav"), "--var", "name=\(value)",
                                                "--report", folder.file("h.json"), "--report-html", folder.file("h.html")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try String(contentsOfFile: folder.file("h.json"), encoding: .utf8)
        try #require(report.contains("Sam\u{3C}/script>") || report.contains("Sam</script>"), "the value reached the report: \(report.prefix(400))")
        let page = try Browser.open(folder.file("h.html"))
        let body = try #require(Self.tags("body", in: page.dom).first)
        #expect(Self.attribute("data-ready", in: body) == "true" && page.console.isEmpty, "\(body) \(page.console)")
        #expect(!page.dom.contains("<title>x</title>"))
        let svg = try Self.drawing(page.dom)
        #expect(svg.contains("Sam&lt;/script&gt;&lt;!--&lt;script&gt;"), "the text is drawn as text")
    }

    @Test func aMasteredFilesPageShowsItsCurves() throws {
        let input = folder.file("mix.wav")
        try AudioFileWriter.writeFloatWAV(Signals.musicLike(seconds: 12), to: input)
        let run = try Tools.run(Tools.mixdown, ["master", input, "-o", folder.file("mastered.wav"), "--report-html", folder.file("m.html")])
        try #require(run.status == 0, "\(run.stderr)")
        let page = try Browser.open(folder.file("m.html"))
        #expect(page.console.isEmpty && page.requests.isEmpty, "\(page.console) \(page.requests)")
        let body = try #require(Self.tags("body", in: page.dom).first)
        #expect(Self.attribute("data-ready", in: body) == "true" && Self.attribute("data-errors", in: body) == nil, "\(body)")
        let svg = try Self.drawing(page.dom)
        let path = try #require(Self.tags("path", in: svg, having: ["class=\"short-term\""]).first)
        #expect(Self.points(Self.attribute("d", in: path) ?? "").count == 120 - 30 + 1)
        #expect(Self.tags("g", in: svg, having: ["class=\"section\""]).isEmpty)
        #expect(page.dom.contains(#""player":"mastered.wav""#))
    }
}
