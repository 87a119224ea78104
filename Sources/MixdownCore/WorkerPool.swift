import Dispatch
import Foundation

/// The cores a process lends to parallel work, shared by everything it runs: one pool per
/// process (the CLI makes one; a service makes one for all its jobs), passed to the engine.
///
/// `forEach` never waits for a helper: the calling thread runs iterations itself and borrows
/// helpers only while some are free. So nested parallel work (a resampler's channels inside a
/// shape inside a render) and several renders at once cannot deadlock, and however many
/// renders run, the extra threads of parallel work never exceed `width − 1`: two renders on
/// two cores run side by side, each mostly on its own thread, instead of four threads fighting
/// for two cores.
/// Unchecked Sendable: `width` is immutable and the count of free helpers is a `Locked`.
public final class WorkerPool: @unchecked Sendable {
    /// Threads the pool's work may use in all (callers' own threads included).
    public let width: Int
    /// Helpers not lent out now.
    private let free: Locked<Int>

    public init(width: Int) {
        self.width = max(1, width)
        free = Locked(self.width - 1)
    }

    /// No helpers: everything runs on the calling thread. What code gets that is not lent any cores.
    public static let serial = WorkerPool(width: 1)

    /// One pool as wide as the machine's cores.
    public static func machine() -> WorkerPool { WorkerPool(width: ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(i)` for every i in 0..<count, in any order and possibly side by side; returns
    /// when all have run. Helpers take the next index as they finish one, so uneven jobs balance.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        let helpers = borrow(upTo: count - 1)
        if helpers == 0 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let next = Counter()
            let group = DispatchGroup()
            // The one place where work crosses threads unchecked: `body` runs on helpers, but
            // this call waits for them all before it returns, so nothing it captures outlives
            // the caller's frame, and each index runs once. Callers write to distinct slots.
            nonisolated(unsafe) let work = {
                while let i = next.take(below: count) { body(i) }
            }
            for _ in 0..<helpers {
                DispatchQueue.global().async(group: group) {
                    work()
                    self.giveBack(1)
                }
            }
            work()
            group.wait()
        }
    }

    /// `forEach` whose iterations may throw: every iteration runs; the first error (by index) is
    /// thrown once all have finished.
    public func forEach(_ count: Int, _ body: (Int) throws -> Void) throws {
        var errors = [Error?](repeating: nil, count: count)
        errors.withUnsafeMutableBufferPointer { errors in
            forEach(count) { (i: Int) in
                do { try body(i) } catch { errors[i] = error }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
    }

    /// `body(i)` for every i in 0..<count, side by side as `forEach` runs them; the results in
    /// index order. Every iteration runs; the first error (by index) is thrown once all have.
    public func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        var results = [Result<T, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            forEach(count) { (i: Int) in slots[i] = Result { try body(i) } }
        }
        return try results.map { try $0!.get() }
    }

    /// `map` whose iterations cannot fail.
    public func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            forEach(count) { (i: Int) in slots[i] = body(i) }
        }
        return results.map { $0! }
    }

    /// `transform` of every element, side by side; the results in order (see `map(_:_:)`).
    public func map<C: RandomAccessCollection, T>(_ items: C, _ transform: (C.Element) throws -> T) throws -> [T] where C.Index == Int {
        try map(items.count) { try transform(items[items.startIndex + $0]) }
    }

    /// Two different jobs side by side; both run, the first error (a's, then b's) is thrown.
    public func both<A, B>(_ a: () throws -> A, _ b: () throws -> B) throws -> (A, B) {
        var first: Result<A, Error>?
        var second: Result<B, Error>?
        forEach(2) { (job: Int) in
            if job == 0 { first = Result { try a() } } else { second = Result { try b() } }
        }
        return (try first!.get(), try second!.get())
    }

    private func borrow(upTo wanted: Int) -> Int {
        free.withLock { free in
            let n = min(wanted, free)
            free -= n
            return n
        }
    }

    private func giveBack(_ n: Int) { free.withLock { $0 += n } }
}
