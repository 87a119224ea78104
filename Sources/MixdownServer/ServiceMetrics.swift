import Foundation
import MixdownCore

/// What `/metrics` reports besides the queue's own counts (Prometheus text format 0.0.4):
/// requests by status, and the render time of the jobs this process finished.
final class ServiceMetrics: Sendable {
    private struct State {
        var requests = [Int: Int]()
        var renderSeconds = [JobState: (sum: Double, count: Int)]()
    }
    private let state = Locked(State())

    func request(status: Int) { state.withLock { $0.requests[status, default: 0] += 1 } }

    func finished(_ outcome: JobState, seconds: Double) {
        state.withLock { s in
            let old = s.renderSeconds[outcome] ?? (0, 0)
            s.renderSeconds[outcome] = (old.sum + seconds, old.count + 1)
        }
    }

    func text(_ counts: JobCounts) -> String {
        let s = state.withLock { $0 }
        var lines = [
            "# HELP mixdown_jobs Jobs in the queue by state (all processes sharing it).",
            "# TYPE mixdown_jobs gauge",
        ]
        for state in JobState.allCases { lines.append("mixdown_jobs{state=\"\(state.rawValue)\"} \(counts.byState[state] ?? 0)") }
        lines += [
            "# HELP mixdown_queue_age_seconds How long the oldest queued job has waited.",
            "# TYPE mixdown_queue_age_seconds gauge",
            "mixdown_queue_age_seconds \(String(format: "%.3f", counts.oldestQueuedSeconds))",
            "# HELP mixdown_render_seconds Time from claim to end of the jobs this process rendered, by outcome.",
            "# TYPE mixdown_render_seconds summary",
        ]
        for state in [JobState.succeeded, .failed, .cancelled] {
            let v = s.renderSeconds[state] ?? (0, 0)
            lines.append("mixdown_render_seconds_sum{outcome=\"\(state.rawValue)\"} \(String(format: "%.3f", v.sum))")
            lines.append("mixdown_render_seconds_count{outcome=\"\(state.rawValue)\"} \(v.count)")
        }
        lines += ["# HELP mixdown_http_requests_total Requests answered by this process, by status.", "# TYPE mixdown_http_requests_total counter"]
        for (status, n) in s.requests.sorted(by: { $0.key < $1.key }) { lines.append("mixdown_http_requests_total{status=\"\(status)\"} \(n)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
