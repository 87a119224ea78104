/// Where in a text something was written: the file (or `production.json#scriptText`) and a
/// 1-based line and column. Every diagnostic about user text carries one.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        (self.file, self.line, self.column) = (file, line, column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

extension MixdownError {
    /// `file:line:col: message`, the one-line form of a mistake in a script or production.
    public static func at(_ location: SourceLocation, _ message: String, code: Code = .invalidScript) -> MixdownError {
        MixdownError(.badInput, message, code: code, location: location)
    }
}

/// "did you mean …?" for a misspelt name: the closest candidate within a small edit distance
/// (a transposition counts as one edit: `mian` → `main`). Ties go to the earlier candidate, so
/// callers list canonical names first.
public enum Suggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(lower, candidate.lowercased())
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        // A difference of case alone (forcelength → forceLength) is a typo too.
        guard let best, best.distance > 0 || best.name != word else { return nil }
        return best.distance <= max(1, word.count / 3) ? best.name : nil
    }

    /// " (did you mean 'x'?)" or "".
    public static func hint(for word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
