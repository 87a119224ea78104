import Foundation
import MixdownIO

public enum CaptionFormat: String, Sendable, CaseIterable { case srt, vtt }

/// Word-timed captions from the report's words (`--captions`, docs/report.md). A cue holds up to
/// 42 characters and 6 s of speech; it ends early at a pause of 0.5 s or more, or after a word
/// that ends a sentence.
public enum Captions {
    public static let maximumCharacters = 42

    public static func render(_ words: [RenderReport.Word], format: CaptionFormat, sampleRate: Int) -> String {
        var cues = [(start: Int, end: Int, text: String)]()
        var current: (start: Int, end: Int, text: String)?
        for word in words {
            if var cue = current {
                let pause = word.startSample - cue.end
                let long = cue.text.count + 1 + word.text.count > maximumCharacters || word.endSample - cue.start > 6 * sampleRate
                let sentenceEnded = cue.text.last.map { ".!?".contains($0) } ?? false
                if pause >= sampleRate / 2 || long || sentenceEnded {
                    cues.append(cue)
                    current = (word.startSample, word.endSample, word.text)
                } else {
                    cue.end = word.endSample
                    cue.text += " " + word.text
                    current = cue
                }
            } else {
                current = (word.startSample, word.endSample, word.text)
            }
        }
        if let cue = current { cues.append(cue) }

        func time(_ sample: Int, separator: String) -> String {
            let ms = Int((Double(sample) * 1_000 / Double(sampleRate)).rounded())
            return String(format: "%02d:%02d:%02d%@%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1_000 % 60, separator, ms % 1_000)
        }
        switch format {
        case .srt:
            return cues.enumerated().map { i, c in
                "\(i + 1)\n\(time(c.start, separator: ",")) --> \(time(c.end, separator: ","))\n\(c.text)\n"
            }.joined(separator: "\n")
        case .vtt:
            return "WEBVTT\n\n" + cues.map { c in "\(time(c.start, separator: ".")) --> \(time(c.end, separator: "."))\n\(c.text)\n" }
                .joined(separator: "\n")
        }
    }
}

extension Captions {
    /// Writes the captions of `words` beside `output` (its name with the format's extension)
    /// into `transaction`.
    public static func write(_ words: [RenderReport.Word], format: CaptionFormat, sampleRate: Int, beside output: String,
                             in transaction: OutputTransaction) throws {
        let path = URL(fileURLWithPath: output).deletingPathExtension().path + "." + format.rawValue
        try render(words, format: format, sampleRate: sampleRate).write(toFile: try transaction.temporaryPath(for: path), atomically: false, encoding: .utf8)
    }
}
