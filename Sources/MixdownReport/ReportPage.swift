import Foundation
import MixdownCore
import MixdownDSP

/// The visual report (docs/visual-report.md, `--report-html`): one self-contained HTML file — inline
/// CSS, SVG drawn by inline JavaScript, no network requests — that shows to scale on one time
/// axis where everything landed (sections, items, music, tail), the duck, the master's
/// waveform, its momentary and short-term loudness against the target, its true peaks against
/// the ceiling, and the warnings, with a player whose cursor follows the timeline.
///
/// Everything drawn comes from the render as it ran: the report (the plan), the duck curve the
/// music bus was ducked by, and the curves the output's meters produced while it streamed
/// (`ProgrammeCurves`). Nothing is measured again from the files. The curves are written
/// compactly (integers: loudness and peaks in tenths of a dB, the waveform in thousandths of
/// full scale) and drawn downsampled to the screen's columns, so an hour stays small and fast.
public enum ReportPage {
    /// The page of a render: `player` is the audio the page plays (a path relative to the page).
    public static func render(_ report: RenderReport, curves: ProgrammeCurves?, duck: (curve: Ducker.Curve, depthDb: Double)?,
                              target: Double, ceiling: Double, title: String, player: String?) throws -> String {
        var data = PageData(kind: "render", title: title, target: target, ceiling: ceiling, player: player,
                            timelineRate: report.sampleRate, totalSamples: report.totalSamples)
        if let curves { data.add(curves) }
        if let duck, let curves {
            // The duck on the waveform's buckets (in timeline samples: the duck runs at 48 kHz).
            let bucket = max(1, SampleTime.rescale(curves.waveformBucket, from: curves.sampleRate, to: report.sampleRate))
            data.duck = Series(rate: report.sampleRate, step: bucket,
                               values: duck.curve.deepestGainDb(bucket: bucket, total: report.totalSamples).map { tenths(Double($0)) })
            data.duckDepthDb = duck.depthDb
        }
        return try page(data, report: compact(report))
    }

    /// The page of `mixdown master`: no timeline of items, the programme's curves and summary.
    public static func master(_ report: MasterReport, curves: ProgrammeCurves?, title: String, player: String?) throws -> String {
        let rate = curves?.sampleRate ?? report.output.sampleRate
        var data = PageData(kind: "master", title: title, target: report.loudnessTarget, ceiling: report.truePeakLimit, player: player,
                            timelineRate: rate, totalSamples: curves?.frames ?? report.output.durationSamples)
        if let curves { data.add(curves) }
        return try page(data, report: compact(report))
    }

    /// `to`, written relative to the folder of `from` (both file paths).
    public static func relativePath(to target: String, from page: String) -> String {
        let a = URL(fileURLWithPath: page).deletingLastPathComponent().standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count) && a[common] == b[common] { common += 1 }
        let up = [String](repeating: "..", count: a.count - common)
        return (up + b[common...]).joined(separator: "/")
    }

    // MARK: Data

    /// Values every `step` samples (at `rate`) from `start` samples, as integers (nil: none).
    struct Series: Encodable {
        var rate: Int
        var step: Int
        var start = 0
        var values: [Int?]
    }

    struct PageData: Encodable {
        var kind: String
        var title: String
        var target: Double
        var ceiling: Double
        var player: String?
        var timelineRate: Int
        var totalSamples: Int
        /// Thousandths of full scale: each bucket's lowest and highest sample.
        var waveformMin: Series?
        var waveformMax: Series?
        /// Tenths of a LUFS, each value placed at the end of its window.
        var momentary: Series?
        var shortTerm: Series?
        /// Tenths of a dBTP, per block.
        var truePeak: Series?
        /// Tenths of a dB of gain on the music bed.
        var duck: Series?
        var duckDepthDb: Double?

        mutating func add(_ c: ProgrammeCurves) {
            let hop = c.sampleRate / 10
            waveformMin = Series(rate: c.sampleRate, step: c.waveformBucket, values: c.waveformMin.map { Int(($0 * 1_000).rounded()) })
            waveformMax = Series(rate: c.sampleRate, step: c.waveformBucket, values: c.waveformMax.map { Int(($0 * 1_000).rounded()) })
            momentary = Series(rate: c.sampleRate, step: hop, start: 4 * hop, values: c.momentary.map { $0.map(ReportPage.tenths) })
            shortTerm = Series(rate: c.sampleRate, step: hop, start: 30 * hop, values: c.shortTerm.map { $0.map(ReportPage.tenths) })
            truePeak = Series(rate: c.sampleRate, step: c.truePeakBlock,
                              values: c.truePeaks.map { $0 > 0 ? tenths(20 * log10(Double($0))) : nil })
        }
    }

    static func tenths(_ x: Double) -> Int { Int((max(-999, min(999, x)) * 10).rounded()) }

    static func compact<T: Encodable>(_ value: T) throws -> Data {
        try JSONOutput.encode(value)
    }

    /// JSON inside a `<script>` element: a `<` there could close the element (`</script>`) or
    /// switch the parser's state (`<!--`), whatever a script's text holds, so every `<` is
    /// written `\u003c`, which JSON reads as the same character (outside strings JSON has none).
    static func embeddable(_ json: Data) -> String {
        String(decoding: json, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ data: PageData, report: Data) throws -> String {
        try fill(ReportPageTemplate.html, ["TITLE": escapeHTML(data.title), "REPORT": embeddable(report), "DATA": embeddable(compact(data))])
    }

    /// The template with each `%NAME%` replaced, in one pass over the template only: what is
    /// put in (a script's text, say) is never scanned for markers itself.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "%") {
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(of: "%"), let value = values[String(rest[after..<close])] {
                out += rest[..<open]
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out += rest[...open]
                rest = rest[after...]
            }
        }
        return out + rest
    }
}
