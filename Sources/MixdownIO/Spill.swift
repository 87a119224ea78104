import Foundation
import MixdownCore

/// Where a programme can be replayed from, block by block: a spill file, or audio that is
/// already in memory. Mastering reads its input more than once (measure, then process).
public protocol BlockSource: Sendable {
    var sampleRate: Int { get }
    var channelCount: Int { get }
    var frameCount: Int { get }
    /// Reads frames [start, start + block.capacity) (fewer at the end) into `block`.
    func read(from start: Int, into block: inout AudioBlock) throws
}

extension BlockSource {
    /// Calls `body` with every block of the programme in order.
    public func forEachBlock(capacity: Int, _ body: (AudioBlock) throws -> Void) throws {
        var block = AudioBlock(channels: channelCount, capacity: capacity)
        var position = 0
        while position < frameCount {
            try read(from: position, into: &block)
            try body(block)
            position += block.frames
        }
    }
}

/// Audio in memory as a source.
public struct BufferSource: BlockSource {
    public let buffer: AudioBuffer
    public init(_ buffer: AudioBuffer) { self.buffer = buffer }
    public var sampleRate: Int { buffer.sampleRate }
    public var channelCount: Int { buffer.channelCount }
    public var frameCount: Int { buffer.frameCount }
    public func read(from start: Int, into block: inout AudioBlock) throws {
        let n = min(block.capacity, frameCount - start)
        block.frames = n
        for c in 0..<channelCount {
            buffer.channels[c].withUnsafeBufferPointer { src in
                block.channels[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: src.baseAddress! + start, count: n) }
            }
        }
    }
}

/// A programme spilled to disk as raw interleaved Float32, written once in order and read back
/// any number of times. The file is unlinked as soon as it is opened: it never outlives the
/// process, even one that is killed, and needs no clean-up.
public final class SpillFile: BlockSink, BlockSource, @unchecked Sendable {
    public let sampleRate: Int
    public let channelCount: Int
    public private(set) var frameCount = 0
    private let descriptor: Int32
    private var interleaved: [Float] = []

    /// A new spill in `directory`.
    public init(directory: String, sampleRate: Int, channels: Int) throws {
        var template = Array((directory + "/.mixdown-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw MixdownError.failure("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
        self.sampleRate = sampleRate
        channelCount = channels
    }

    deinit { close(descriptor) }

    public func consume(_ block: AudioBlock) throws {
        let count = block.frames * channelCount
        if interleaved.count < count { interleaved = [Float](repeating: 0, count: count) }
        try interleaved.withUnsafeMutableBufferPointer { buffer in
            block.interleave(into: buffer)
            let bytes = count * MemoryLayout<Float>.size
            let offset = off_t(frameCount * channelCount * MemoryLayout<Float>.size)
            var written = 0
            while written < bytes {
                let n = pwrite(descriptor, UnsafeRawPointer(buffer.baseAddress!) + written, bytes - written, offset + off_t(written))
                guard n > 0 else { throw MixdownError.failure("temporary file: write failed: \(String(cString: strerror(errno)))") }
                written += n
            }
        }
        frameCount += block.frames
    }

    public func finish() throws {}

    public func read(from start: Int, into block: inout AudioBlock) throws {
        let frames = min(block.capacity, frameCount - start)
        let count = frames * channelCount
        var scratch = [Float](repeating: 0, count: count)
        try scratch.withUnsafeMutableBufferPointer { buffer in
            let bytes = count * MemoryLayout<Float>.size
            let offset = off_t(start * channelCount * MemoryLayout<Float>.size)
            var done = 0
            while done < bytes {
                let n = pread(descriptor, UnsafeMutableRawPointer(buffer.baseAddress!) + done, bytes - done, offset + off_t(done))
                guard n > 0 else { throw MixdownError.failure("temporary file: read failed: \(String(cString: strerror(errno)))") }
                done += n
            }
            block.deinterleave(UnsafeBufferPointer(buffer), frames: frames)
        }
    }
}

/// Blocks collected in memory (short programmes, tests): a sink that is then a source.
public final class MemorySink: BlockSink, BlockSource, @unchecked Sendable {
    public private(set) var buffer: AudioBuffer
    public init(sampleRate: Int, channels: Int) {
        buffer = AudioBuffer(sampleRate: sampleRate, channelCount: channels, frameCount: 0)
    }
    public var sampleRate: Int { buffer.sampleRate }
    public var channelCount: Int { buffer.channelCount }
    public var frameCount: Int { buffer.frameCount }
    public func consume(_ block: AudioBlock) throws {
        for c in 0..<buffer.channelCount { block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in buffer.channels[c] += x } }
    }
    public func finish() throws {}
    public func read(from start: Int, into block: inout AudioBlock) throws { try BufferSource(buffer).read(from: start, into: &block) }
}
