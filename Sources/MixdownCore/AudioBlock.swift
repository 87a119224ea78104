/// A window of planar audio that flows through the streaming engine: storage for `capacity`
/// frames per channel, of which the first `frames` are valid. One block is allocated per stage
/// and reused for the whole programme, so rendering allocates nothing per sample or per block.
public struct AudioBlock: Sendable {
    public var channels: [[Float]]
    public var frames: Int
    public let capacity: Int

    public init(channels: Int, capacity: Int) {
        self.channels = Array(repeating: [Float](repeating: 0, count: capacity), count: channels)
        self.capacity = capacity
        frames = 0
    }

    public var channelCount: Int { channels.count }

    /// Sets the valid length and zeroes it.
    public mutating func clear(frames: Int) {
        precondition(frames <= capacity)
        self.frames = frames
        for c in channels.indices { channels[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: frames) } }
    }

    /// The valid frames of channel `c`, in place.
    @inline(__always)
    public mutating func withChannel<R>(_ c: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        let n = frames
        return try channels[c].withUnsafeMutableBufferPointer { try body(UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
    }

    @inline(__always)
    public func withChannel<R>(_ c: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let n = frames
        return try channels[c].withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
    }

    /// Copies the valid frames of `other` (same channel count) into this block.
    public mutating func copy(from other: AudioBlock) {
        frames = other.frames
        for c in channels.indices {
            other.withChannel(c) { (src: UnsafeBufferPointer<Float>) in
                channels[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: src.baseAddress!, count: src.count) }
            }
        }
    }

    /// Adds `other`'s valid frames times `gain` into this block's.
    public mutating func add(_ other: AudioBlock, gain: Float = 1) {
        for c in channels.indices {
            other.withChannel(min(c, other.channelCount - 1)) { (src: UnsafeBufferPointer<Float>) in
                withChannel(c) { (dst: UnsafeMutableBufferPointer<Float>) in
                    for i in 0..<min(src.count, dst.count) { dst[i] += src[i] * gain }
                }
            }
        }
    }

    /// Interleaves the valid frames into `out` (at least frames × channels floats).
    public func interleave(into out: UnsafeMutableBufferPointer<Float>) { interleave(0..<frames, into: out) }

    /// Frames `range` interleaved into `out` (which holds `range.count` frames).
    public func interleave(_ range: Range<Int>, into out: UnsafeMutableBufferPointer<Float>) {
        let n = channelCount
        for c in 0..<n {
            withChannel(c) { (src: UnsafeBufferPointer<Float>) in
                for i in 0..<range.count { out[i * n + c] = src[range.lowerBound + i] }
            }
        }
    }

    /// Fills the block from interleaved frames.
    public mutating func deinterleave(_ input: UnsafeBufferPointer<Float>, frames: Int) {
        precondition(frames <= capacity)
        self.frames = frames
        deinterleave(input, into: 0..<frames)
    }

    /// Sets frames `range` (within `frames`) from interleaved frames.
    public mutating func deinterleave(_ input: UnsafeBufferPointer<Float>, into range: Range<Int>) {
        let n = channelCount
        for c in 0..<n {
            withChannel(c) { (dst: UnsafeMutableBufferPointer<Float>) in
                for i in 0..<range.count { dst[range.lowerBound + i] = input[i * n + c] }
            }
        }
    }
}

/// Something that consumes a stream of blocks: a meter, an encoder, a spill file.
public protocol BlockSink: AnyObject {
    func consume(_ block: AudioBlock) throws
    /// No more blocks: flush what is held back (latency, codec frames) and close.
    func finish() throws
}

extension Array where Element == [Float] {
    /// Two channels in place at once (moved out and back, never copied).
    @inline(__always)
    public mutating func withPair<R>(_ i: Int, _ j: Int, _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(i != j)
        var a = [Float](), b = [Float]()
        swap(&a, &self[i]); swap(&b, &self[j])
        defer { swap(&a, &self[i]); swap(&b, &self[j]) }
        return try a.withUnsafeMutableBufferPointer { pa in try b.withUnsafeMutableBufferPointer { pb in try body(pa, pb) } }
    }
}
