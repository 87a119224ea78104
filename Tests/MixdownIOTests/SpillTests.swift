import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownIO

/// A spill file is every pass's store between passes: what is read back must be what was
/// written, bit for bit, whatever the blocks on either side (it moves them through the file in
/// chunks of `SpillFile.chunkFrames`, so blocks smaller, larger and not multiples of a chunk
/// are the cases), for any channel count (the kept bands are six).
@Suite struct SpillTests {
    @Test(arguments: [1, 2, 6])
    func whatIsReadBackIsWhatWasWritten(channels: Int) throws {
        let programme = Signals.noise(seconds: 0.5, rmsDBFS: -12, channels: channels, seed: 9)   // 24,000 frames
        let folder = TemporaryFolder()
        let spill = try SpillFile(directory: folder.path, sampleRate: 48_000, channels: channels)
        var position = 0
        for size in [1, 4_095, 4_096, 4_097, 10_000] + [Int](repeating: 12_000, count: 3) where position < programme.frameCount {
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
        for (start, capacity) in [(0, 24_000), (3, 4_097), (8_191, 9_000), (23_990, 4_096), (24_000, 100)] {
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
