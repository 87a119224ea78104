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

/// An open file read and written at offsets, whole transfers or an error. `temporary` files
/// are unlinked as soon as they are created: they never outlive the process, even one that
/// is killed, and need no clean-up.
/// Unchecked Sendable: a file descriptor read and written with pread/pwrite at explicit
/// offsets (no shared file position); the descriptor is closed only in deinit.
public final class PositionalFile: @unchecked Sendable {
    public let descriptor: Int32
    let name: String

    init(descriptor: Int32, name: String) { (self.descriptor, self.name) = (descriptor, name) }
    deinit { close(descriptor) }

    /// A new temporary file in `directory`, already unlinked.
    public static func temporary(in directory: String, name: String) throws -> PositionalFile {
        var template = Array((directory + "/.mixdown-\(name)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw MixdownError.failure("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return PositionalFile(descriptor: fd, name: "temporary file")
    }

    /// An existing file, read-only; nil when it cannot be opened.
    public static func reading(_ path: String) -> PositionalFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? PositionalFile(descriptor: fd, name: path) : nil
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            guard n > 0 else { throw MixdownError.failure("\(name): write failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    public func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            guard n > 0 else { throw MixdownError.failure("\(name): read failed: \(n < 0 ? String(cString: strerror(errno)) : "file shortened")") }
            done += n
        }
    }
}

/// A programme spilled to disk as raw Float32 in an unlinked temporary file, written once in
/// order and read back any number of times. The file is planar in chunks of `chunkFrames`
/// frames (chunk k holds its frames of channel 0, then of channel 1, …), so a block moves
/// between its channels' buffers and the file directly: no interleaving copy either way, and
/// reads share no buffer (several threads may read at once, without a lock).
/// Unchecked Sendable: written by one producer, in order, before any read; reads are
/// positional and touch no shared state.
public final class SpillFile: BlockSink, BlockSource, @unchecked Sendable {
    public let sampleRate: Int
    public let channelCount: Int
    public private(set) var frameCount = 0
    private let file: PositionalFile
    /// Frames per chunk: 64 KB per channel, so a 65,536-frame block is 4 transfers a channel.
    static let chunkFrames = 16_384

    /// A new spill in `directory`.
    public init(directory: String, sampleRate: Int, channels: Int) throws {
        file = try .temporary(in: directory, name: "spill")
        self.sampleRate = sampleRate
        channelCount = channels
    }

    /// Where channel `c`'s frame `frame` lies in the file (bytes).
    private func offset(channel c: Int, frame: Int) -> Int {
        let chunk = frame / Self.chunkFrames, within = frame - chunk * Self.chunkFrames
        return ((chunk * channelCount + c) * Self.chunkFrames + within) * MemoryLayout<Float>.size
    }

    /// Calls `body(frame, count)` for each run of frames [from, from + count) that stays
    /// within one chunk (contiguous in the file for each channel).
    private static func runs(from: Int, count: Int, _ body: (Int, Int) throws -> Void) rethrows {
        var frame = from
        while frame < from + count {
            let n = min(from + count - frame, Self.chunkFrames - frame % Self.chunkFrames)
            try body(frame, n)
            frame += n
        }
    }

    public func consume(_ block: AudioBlock) throws {
        let first = frameCount
        try Self.runs(from: first, count: block.frames) { frame, n in
            for c in 0..<channelCount {
                try block.channels[c].withUnsafeBufferPointer { x in
                    try file.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: x[(frame - first)..<(frame - first + n)])),
                                   at: offset(channel: c, frame: frame))
                }
            }
        }
        frameCount += block.frames
    }

    public func finish() throws {}

    public func read(from start: Int, into block: inout AudioBlock) throws {
        let frames = max(0, min(block.capacity, frameCount - start))
        block.frames = frames
        try Self.runs(from: start, count: frames) { frame, n in
            for c in 0..<channelCount {
                try block.channels[c].withUnsafeMutableBufferPointer { x in
                    try file.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: x[(frame - start)..<(frame - start + n)])),
                                  at: offset(channel: c, frame: frame))
                }
            }
        }
    }
}

/// Blocks collected in memory (short programmes, tests): a sink that is then a source.
/// Unchecked Sendable: like SpillFile, filled by one producer before it is read.
public final class MemorySink: BlockSink, BlockSource, @unchecked Sendable {
    public private(set) var buffer: AudioBuffer
    /// `capacity`: the frames expected, reserved at once (no regrowth on the way).
    public init(sampleRate: Int, channels: Int, capacity: Int = 0) {
        buffer = AudioBuffer(sampleRate: sampleRate, channelCount: channels, frameCount: 0)
        for c in 0..<channels { buffer.channels[c].reserveCapacity(capacity) }
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
