import Foundation

/// A value that several threads share, reached only under its lock.
/// Unchecked Sendable: the value is reached only inside `withLock`, under the lock.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Hands out 0, 1, 2, … to whichever thread asks first.
public final class Counter: Sendable {
    private let next = Locked(0)

    public init() {}

    /// The next number, or nil once `limit` are handed out.
    public func take(below limit: Int) -> Int? {
        next.withLock { n in
            guard n < limit else { return nil }
            defer { n += 1 }
            return n
        }
    }
}
