import Foundation

/// How far a render has got: the stage it is in, how far through that stage, and an estimate
/// of the whole (stages weighted by their usual share of a render's time). A service turns
/// `overall` into its status's `progress`; the CLI shows `stage`.
public struct RenderEvent: Sendable, Equatable {
    public enum Stage: String, Sendable, CaseIterable {
        case checking, speaking, matching, planning, rendering, mastering, encoding, finishing
    }
    public var stage: Stage
    /// 0…1 through this stage.
    public var fraction: Double
    /// 0…1 through the render; never goes back.
    public var overall: Double
}

/// One render's progress listener and cancel switch. Make one per render (a service: one per
/// job) and keep it to call `cancel()` from any thread: the render stops at its next block or
/// clip, throws `MixdownError` with code `cancelled`, and leaves no output behind.
public final class RenderControl: Sendable {
    private struct State {
        var cancelled = false
        /// The `overall` of the last event passed on (nil before the first).
        var reached: Double?
    }
    private let state = Locked(State())
    private let events: @Sendable (RenderEvent) -> Void

    public init(events: @escaping @Sendable (RenderEvent) -> Void = { _ in }) { self.events = events }

    public func cancel() { state.withLock { $0.cancelled = true } }
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Where each stage starts and ends in `overall`.
    package static func span(_ stage: RenderEvent.Stage) -> (start: Double, end: Double) {
        switch stage {
        case .checking: (0, 0.02)
        case .speaking: (0.02, 0.30)
        case .matching: (0.30, 0.32)
        case .planning: (0.32, 0.33)
        case .rendering: (0.33, 0.60)
        case .mastering: (0.60, 0.72)
        case .encoding: (0.72, 0.99)
        case .finishing: (0.99, 1)
        }
    }

    /// Reports progress and throws `cancelled` once `cancel()` has been called. Safe from any
    /// thread (parallel shapes report together; only progress forward is passed on).
    package func step(_ stage: RenderEvent.Stage, _ fraction: Double) throws {
        let (start, end) = Self.span(stage)
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        let overall = start + (end - start) * f
        let event: RenderEvent? = try state.withLock { state in
            if state.cancelled { throw MixdownError.cancelled }
            if let reached = state.reached, overall <= reached { return nil }
            state.reached = overall
            return RenderEvent(stage: stage, fraction: f, overall: overall)
        }
        if let event { events(event) }
    }

    /// `step` for one stage, as the closure lower modules take.
    package func ticker(_ stage: RenderEvent.Stage) -> @Sendable (Double) throws -> Void {
        { [self] fraction in try step(stage, fraction) }
    }
}

/// A job's stages as they run: each announced to the control when it starts (which is where a
/// cancelled job stops) and timed. Render and master both run their stages through one, so
/// progress and the report's timings are kept in one place.
package struct StageClock {
    package let control: RenderControl
    /// Seconds spent in each stage so far.
    package private(set) var seconds: [RenderEvent.Stage: Double] = [:]

    package init(_ control: RenderControl) { self.control = control }

    /// Runs `body` as `stage`: announced at 0, timed (progress inside it is the body's own).
    package mutating func run<T>(_ stage: RenderEvent.Stage, _ body: () throws -> T) throws -> T {
        try control.step(stage, 0)
        let start = Date()
        defer { seconds[stage, default: 0] += Date().timeIntervalSince(start) }
        return try body()
    }
}
