import ArgumentParser
import Foundation
import MixdownCore
import MixdownRender
import MixdownReport

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a production's timeline before rendering it: each section's span, content and slack.",
        discussion: """
        mixdown plan PRODUCTION.json [--var k=v]... [--estimate] [--strict] [--json]

        Speaks what the speech cache does not hold yet (and keeps it there), then lays out the \
        timeline exactly as `mixdown render` will: the same boundaries, to the sample. Nothing is \
        mastered, encoded or written. A section whose copy is too long for its endAt shows a \
        negative slack and how `overflow` fits it. With --estimate nothing is spoken: lengths are \
        estimated from the text per voice (within ±10 % per section for the calibrated voices; docs/plan.md). \
        Exit 0 with warnings printed, 1 on bad input (or any warning with --strict).
        """)

    @OptionGroup var input: ProductionInput

    @Flag(help: "Estimate speech lengths from the text: no speech engine runs (fast, approximate).")
    var estimate = false

    @Flag(help: "Print the plan as JSON on stdout.")
    var json = false

    func run() throws {
        let request = try input.request()
        let plan = try Planning.plan(request, estimate: estimate)
        if json {
            print(String(decoding: try plan.json(), as: UTF8.self))
        } else {
            print(Self.table(plan))
            for w in plan.warnings { printWarning(w.message) }
        }
    }

    /// The plan as a table: one line per section (seconds), then the total in samples.
    static func table(_ plan: PlanReport) -> String {
        func s(_ samples: Int) -> String { String(format: "%.3f", Double(samples) / Double(plan.sampleRate)) }
        let width = max(8, plan.sections.map(\.name.count).max() ?? 0)
        func row(_ cells: [String]) -> String {
            let name = cells[0].padding(toLength: width, withPad: " ", startingAt: 0)
            let numbers = cells.dropFirst().prefix(5).map { String(repeating: " ", count: max(0, 9 - $0.count)) + $0 }
            return ([name] + numbers + cells.dropFirst(6)).joined(separator: " ")
        }
        var lines = [row(["section", "start", "end", "content", "span", "slack", " segment"])]
        for section in plan.sections {
            let slack = section.slackSamples
            lines.append(row([section.name, s(section.startSample), s(section.endSample), s(section.contentSamples), s(section.spanSamples),
                              (slack > 0 ? "+" : "") + s(slack), " " + (section.soundSegment ?? "-")]))
        }
        if let tail = plan.tail { lines.append(row(["(tail)", s(tail.startSample), s(tail.endSample), "", "", "", ""])) }
        // The music's segments as they play (main2 turns, the ending), start to end in seconds.
        if !plan.music.isEmpty {
            lines.append("music " + plan.music.map { "\($0.segment) \(s($0.startSample))-\(s($0.endSample))" }.joined(separator: ", ")
                         + (plan.ending.map { "; ending \($0)" } ?? ""))
        }
        lines.append("total \(s(plan.totalSamples)) s = \(plan.totalSamples) samples at \(plan.sampleRate) Hz"
                     + (plan.estimated ? " (speech estimated from the text)" : ""))
        return lines.joined(separator: "\n")
    }
}
