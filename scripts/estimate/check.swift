import Foundation

/// check features            < lines   -> CSV of SpeechEstimate.features per line
/// check eval [--speed S] lengths-VOICE.csv...  -> per-clip and per-section errors on the test split
/// check                     -> eval of every lengths-*.csv at speed 1 in the current folder
@main
struct Check {
    static func parseCSV(_ text: String) -> [[String]] {
        var rows = [[String]](), row = [String](), field = "", quoted = false
        var it = Array(text), i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" { if i + 1 < it.count && it[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { row.append(field); field = "" } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else if c != "\r" { field.append(c) }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        it = []
        return rows
    }

    struct Row { var index: Int; var split: String; var text: String; var samples: Int }

    static func read(_ path: String) -> [Row] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fatalError("cannot read \(path)") }
        return parseCSV(text).dropFirst().compactMap { r in
            r.count >= 4 ? Row(index: Int(r[0])!, split: r[1], text: r[2], samples: Int(r[3])!) : nil
        }
    }

    /// voice id and speed from a file name lengths-VOICE.csv / lengths-VOICE@S.csv
    static func voiceAndSpeed(_ path: String) -> (String, Double) {
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        name.removeFirst("lengths-".count)
        let parts = name.split(separator: "@")
        return (String(parts[0]), parts.count > 1 ? Double(parts[1]) ?? 1 : 1)
    }

    static func engine(_ voice: String) -> SpeechEstimate.Engine { voice.contains("_") ? .piper : .espeak }

    /// Groups of 2, 3, 4, 2, 3, 4… consecutive rows (a short last group joins the one before).
    static func sections<T>(_ xs: [T]) -> [[T]] {
        var out = [[T]](), i = 0, k = 0
        while i < xs.count {
            let n = [2, 3, 4][k % 3]
            let group = Array(xs[i..<min(xs.count, i + n)])
            if group.count < 2, !out.isEmpty { out[out.count - 1] += group } else { out.append(group) }
            i += n; k += 1
        }
        return out
    }

    static func stats(_ errors: [Double]) -> (mean: Double, worst: Double, within10: Int) {
        let a = errors.map(abs)
        return (a.reduce(0, +) / Double(max(1, a.count)), a.max() ?? 0, a.filter { $0 <= 10 }.count)
    }

    static func evaluate(_ path: String, split: String, verbose: Bool) {
        let (voice, speed) = voiceAndSpeed(path)
        let rows = read(path).filter { split == "all" || $0.split == split }
        let predicted = rows.map { SpeechEstimate.samples(for: $0.text, voice: voice, speed: speed, engine: engine(voice)) }
        let clipErrors = zip(rows, predicted).map { (Double($1) - Double($0.samples)) / Double($0.samples) * 100 }
        let groups = sections(Array(zip(rows, predicted)))
        let sectionErrors = groups.map { g -> Double in
            let actual = g.reduce(0) { $0 + $1.0.samples }, guess = g.reduce(0) { $0 + $1.1 }
            return (Double(guess) - Double(actual)) / Double(actual) * 100
        }
        let c = stats(clipErrors), s = stats(sectionErrors)
        // Sections of at least 5 s (240,000 samples) as rendered.
        let long = zip(groups, sectionErrors).filter { g, _ in g.reduce(0) { $0 + $1.0.samples } >= 240_000 }.map { abs($0.1) }
        let bias = clipErrors.reduce(0, +) / Double(max(1, clipErrors.count))
        let total = (Double(predicted.reduce(0, +)) - Double(rows.reduce(0) { $0 + $1.samples })) / Double(max(1, rows.reduce(0) { $0 + $1.samples })) * 100
        print(String(format: "| %@ | %g | %@ | %d | %.1f | %.1f | %d/%d | %d | %.1f | %.1f | %d/%d | %.1f (%d) | %+.1f | %+.1f |", voice, speed, split, rows.count, c.mean, c.worst, c.within10, rows.count,
                     groups.count, s.mean, s.worst, s.within10, groups.count, long.max() ?? 0, long.count, bias, total))
        if verbose {
            let worst = zip(rows, clipErrors).sorted { abs($0.1) > abs($1.1) }.prefix(8)
            for (r, e) in worst { print(String(format: "    %+6.1f%%  %7d  %@", e, r.samples, r.text)) }
            for (g, e) in zip(groups, sectionErrors).sorted(by: { abs($0.1) > abs($1.1) }).prefix(3) {
                print(String(format: "    section %+6.1f%%: ", e) + g.map { "\($0.0.text) (\(String(format: "%+.1f%%", (Double($0.1) - Double($0.0.samples)) / Double($0.0.samples) * 100)))" }.joined(separator: " + "))
            }
        }
    }

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.first == "features" {
            print("syllables,words,letters,pauses,sentences,functionWords,questions,phones,piperSentences,sibilants")
            while let line = readLine() {
                let f = SpeechEstimate.features(line)
                print("\(f.syllables),\(f.words),\(f.letters),\(f.pauses),\(f.sentences),\(f.functionWords),\(f.questions),\(f.phones),\(f.sentences + f.abbreviationStops),\(f.sibilants)")
            }
            return
        }
        if args.first == "tokens" {
            while let line = readLine() { print(SpeechEstimate.spokenTokens(line).map { t -> String in
                switch t { case .word(let w): return w; case .pause: return "|"; case .sentenceEnd(let q): return q ? "?" : "||"; case .abbreviationStop: return "|." } }.joined(separator: " ")) }
            return
        }
        var split = "test", verbose = false
        if args.first == "eval" { args.removeFirst() }
        if let k = args.firstIndex(of: "--split") { split = args[k + 1]; args.removeSubrange(k...k + 1) }
        if let k = args.firstIndex(of: "-v") { verbose = true; args.remove(at: k) }
        if args.isEmpty {
            args = ((try? FileManager.default.contentsOfDirectory(atPath: ".")) ?? []).filter { $0.hasPrefix("lengths-") && $0.hasSuffix(".csv") }.sorted()
        }
        print("| voice | speed | split | clips | clip mean % | clip worst % | clips within 10 % | sections | section mean % | section worst % | sections within 10 % | section worst % of those ≥ 5 s (how many) | mean signed clip error % | total error % |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for path in args { evaluate(path, split: split, verbose: verbose) }
        // Never crashes on odd input.
        for odd in ["", " ", "<break/>", "<<<>>>", "...", "9999999999999999999999", "$", "\u{1F600}", "<speak>Hi</speak>", String(repeating: "a", count: 10_000)] {
            _ = SpeechEstimate.samples(for: odd, voice: "xx", speed: 0, engine: .external)
            _ = SpeechEstimate.samples(for: odd, voice: "en-us", speed: .nan, engine: .espeak)
        }
    }
}
