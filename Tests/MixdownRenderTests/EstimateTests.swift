import Foundation
import MixdownSpeech
import MixdownTestSupport
import Testing

/// `mixdown plan --estimate` (docs/plan.md "Estimates"): speech lengths from the text alone,
/// within ±10 % of the spoken length per section, for every calibrated voice, on the held-out
/// half of a 210-sentence corpus (scripts/estimate/corpus.txt).
@Suite(.serialized) struct EstimateTests {
    let folder = TemporaryFolder()

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The held-out sentences: odd lines of the corpus (counted from 0).
    static func heldOut() throws -> [String] {
        let lines = try String(contentsOfFile: repository + "/scripts/estimate/corpus.txt", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return lines.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    /// Consecutive items in groups of 2, 3, 4, 2, 3, 4, … (a short last group joins the one before).
    static func sections<T>(_ xs: [T]) -> [[T]] {
        var out = [[T]](), i = 0, k = 0
        while i < xs.count {
            let group = Array(xs[i..<min(xs.count, i + [2, 3, 4][k % 3])])
            if group.count < 2, !out.isEmpty { out[out.count - 1] += group } else { out.append(group) }
            i += group.count; k += 1
        }
        return out
    }

    /// Live: the held-out corpus spoken by the voice (`mixdown plan`) against the estimate
    /// (`mixdown plan --estimate`), section by section. Each sentence is its own clip.
    @Test(arguments: ["en-us", "en-gb", "en_US-joe-medium"]) func estimateIsWithinTenPercentPerSection(voice: String) throws {
        let groups = Self.sections(try Self.heldOut())
        #expect(groups.flatMap { $0 }.count >= 100)
        let script = groups.enumerated().map { i, sentences in
            "<<sectionName::s\(i)>> " + sentences.map { $0.replacingOccurrences(of: "<", with: " ") }.joined(separator: " <break time=\"0ms\"/> ")
        }.joined(separator: "\n")
        let production: [String: Any] = ["scriptText": script, "voice": voice]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("corpus.json")))
        func contents(_ extra: [String]) throws -> [Int] {
            let run = try Tools.run(Tools.mixdown, ["plan", folder.file("corpus.json"), "--json"] + extra,
                                    environment: ["MIXDOWN_CACHE": folder.file("cache")])
            try #require(run.status == 0, "\(run.stderr)")
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(plan["estimated"] as? Bool == extra.contains("--estimate"))
            return try #require((plan["sections"] as? [[String: Any]])?.compactMap { $0["contentSamples"] as? Int })
        }
        let spoken = try contents([]), estimated = try contents(["--estimate"])
        try #require(spoken.count == groups.count && estimated.count == groups.count)
        let errors = zip(estimated, spoken).map { 100 * (Double($0) / Double($1) - 1) }
        let worst = errors.map(abs).max() ?? 0
        let listed = errors.map { String(format: "%.1f", $0) }
        if voice.contains("_") {
            // Piper's own takes differ from one synthesis to the next by up to 3.6 % per section
            // (three cold syntheses of this corpus, docs/plan.md): a fresh synthesis may land
            // that far from the one the model was checked on. Nearly every section is within
            // 10 %, none beyond 10 % plus Piper's own spread.
            #expect(errors.filter { abs($0) <= 10 }.count >= errors.count - 2, "\(voice): \(listed)")
            #expect(worst <= 13.6, "\(voice): worst section \(worst) % (\(listed))")
        } else {
            #expect(worst <= 10, "\(voice): worst section \(worst) % (\(listed))")
        }
        print(String(format: "estimate %@: %d sections, mean |error| %.1f %%, worst %.1f %%", voice, errors.count,
                     errors.map(abs).reduce(0, +) / Double(errors.count), worst))
    }

    /// The calibration's measurements (scripts/estimate/lengths-VOICE.csv, every English
    /// espeak-ng voice and the Piper voice at speed 1): the model as shipped still meets them.
    @Test func theShippedModelMeetsEveryCalibratedVoicesMeasurements() throws {
        let directory = Self.repository + "/scripts/estimate"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("lengths-") && $0.hasSuffix(".csv") && !$0.contains("@") && !$0.contains("+") }.sorted()
        #expect(files.count >= 9)
        for file in files {
            let voice = String(file.dropFirst("lengths-".count).dropLast(".csv".count))
            let rows = try String(contentsOfFile: directory + "/" + file, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> (String, Int)? in
                // index,split,text,samples — the text may be quoted and hold commas.
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count >= 4, fields[1] == "test", let samples = Int(fields.last!.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
                var text = fields[2..<(fields.count - 1)].joined(separator: ",")
                if text.hasPrefix("\"") && text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
                return (text, samples)
            }
            #expect(rows.count >= 100, "\(file): \(rows.count) test rows")
            let engine: SpeechEstimate.Engine = voice.contains("_") ? .piper : .espeak
            for group in Self.sections(rows) {
                let spoken = group.reduce(0) { $0 + $1.1 }
                let estimated = group.reduce(0) { $0 + SpeechEstimate.samples(for: $1.0, voice: voice, speed: 1, engine: engine) }
                let error = 100 * (Double(estimated) / Double(spoken) - 1)
                #expect(abs(error) <= 10, "\(voice): \(String(format: "%.1f", error)) % for \(group.map(\.0))")
            }
        }
    }
}
