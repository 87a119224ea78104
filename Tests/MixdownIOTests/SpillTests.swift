import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownIO

/// A spill file is every pass's store between passes: what is read back must be what was
/// written, bit for bit, whatever the blocks on either side (the file is planar in chunks of
/// `SpillFile.chunkFrames`, so blocks smaller, larger and not multiples of a chunk, and reads
/// that straddle a chunk's end, are the cases), for any channel count (the kept bands are six).
@Suite struct SpillTests {
    @Test(arguments: [1, 2, 6])
    func whatIsReadBackIsWhatWasWritten(channels: Int) throws {
        let chunk = SpillFile.chunkFrames
        let programme = Signals.noise(seconds: 1, rmsDBFS: -12, channels: channels, seed: 9)   // 48,000 frames: 2.9 chunks
        let folder = TemporaryFolder()
        let spill = try SpillFile(directory: folder.path, sampleRate: 48_000, channels: channels)
        var position = 0
        for size in [1, chunk - 1, chunk, chunk + 1, 10_000] + [Int](repeating: 12_000, count: 3) where position < programme.frameCount {
            let n = min(size, programme.frameCount - position)
            var block = AudioBlock(channels: channels, capacity: n)
            block.frames = n
            for c in 0..<channels {
                block.withChannel(c) { (out: UnsafeMutableBufferPointer<Float>) in
                    for i in 0..<n { out[i] = programme.channels[c][position + i] }
                }
            }
            try spill.consume(block)
            position += n
        }
        #expect(spill.frameCount == programme.frameCount)
        // Read back from odd starts with odd capacities, and past the end (fewer frames).
        for (start, capacity) in [(0, 48_000), (3, chunk + 1), (chunk - 1, 2), (chunk - 5, chunk + 10), (47_990, chunk), (48_000, 100)] {
            var block = AudioBlock(channels: channels, capacity: capacity)
            try spill.read(from: start, into: &block)
            let expected = min(capacity, programme.frameCount - start)
            #expect(block.frames == expected)
            for c in 0..<channels {
                #expect(Array(block.channels[c][0..<expected]) == Array(programme.channels[c][start..<(start + expected)]),
                        "channel \(c) from \(start), capacity \(capacity)")
            }
        }
    }
}
