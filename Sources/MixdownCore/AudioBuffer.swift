/// Planar 32-bit float audio: one contiguous array per channel, so filters and meters run over
/// plain `UnsafeBufferPointer<Float>`s without strides. Interleaving happens only at codec edges.
public struct AudioBuffer: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: [[Float]]

    public init(sampleRate: Int, channels: [[Float]]) {
        precondition(!channels.isEmpty, "an audio buffer has at least one channel")
        precondition(channels.allSatisfy { $0.count == channels[0].count }, "channels differ in length")
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public init(sampleRate: Int, channelCount: Int, frameCount: Int) {
        self.init(sampleRate: sampleRate,
                  channels: Array(repeating: [Float](repeating: 0, count: frameCount), count: channelCount))
    }

    /// Splits interleaved frames (`L R L R …`) into planar channels.
    public init(sampleRate: Int, channelCount: Int, interleaved: UnsafeBufferPointer<Float>) {
        let frames = interleaved.count / channelCount
        var planar = [[Float]]()
        planar.reserveCapacity(channelCount)
        for c in 0..<channelCount {
            planar.append([Float](unsafeUninitializedCapacity: frames) { out, count in
                for i in 0..<frames { out[i] = interleaved[i * channelCount + c] }
                count = frames
            })
        }
        self.init(sampleRate: sampleRate, channels: planar)
    }

    public var channelCount: Int { channels.count }
    public var frameCount: Int { channels[0].count }
    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// Interleaves `frames` frames starting at `start` into `out` (which holds at least
    /// `frames * channelCount` floats).
    public func interleave(from start: Int, frames: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let n = channelCount
        for c in 0..<n {
            channels[c].withUnsafeBufferPointer { src in
                for i in 0..<frames { out[i * n + c] = src[start + i] }
            }
        }
    }
}
