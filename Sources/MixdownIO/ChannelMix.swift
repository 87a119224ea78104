import MixdownCore

/// Channel-count conversions at the edges of the pipeline, which is stereo throughout.
public enum ChannelMix {
    /// Mono is duplicated; stereo passes; more channels fold down with the ITU-R BS.775
    /// coefficients (centre and surrounds at −3 dB into their side, LFE dropped).
    public static func toStereo(_ buffer: AudioBuffer, roles: [ChannelRole]) -> AudioBuffer {
        switch buffer.channelCount {
        case 1: return AudioBuffer(sampleRate: buffer.sampleRate, channels: [buffer.channels[0], buffer.channels[0]])
        case 2: return buffer
        default: break
        }
        // The block fold-down over the whole buffer: one code for both.
        var block = AudioBlock(channels: 0, capacity: 0)
        (block.channels, block.frames) = (buffer.channels, buffer.frameCount)
        var out = AudioBlock(channels: 2, capacity: buffer.frameCount)
        toStereo(block, roles: roles, into: &out)
        return AudioBuffer(sampleRate: buffer.sampleRate, channels: out.channels)
    }

    /// A block folded to stereo as `toStereo` folds a buffer, into `out` (sized as needed).
    public static func toStereo(_ block: AudioBlock, roles: [ChannelRole], into out: inout AudioBlock) {
        let frames = block.frames
        if out.capacity < frames || out.channelCount != 2 { out = AudioBlock(channels: 2, capacity: max(frames, out.capacity)) }
        out.frames = frames
        if block.channelCount <= 2 {
            for c in 0..<2 {
                block.withChannel(min(c, block.channelCount - 1)) { (src: UnsafeBufferPointer<Float>) in
                    out.channels[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: src.baseAddress!, count: frames) }
                }
            }
            return
        }
        for c in 0..<2 {
            out.channels[c].withUnsafeMutableBufferPointer { dst in
                dst.baseAddress!.update(repeating: 0, count: frames)
                for (index, role) in roles.enumerated() where index < block.channelCount {
                    let gains = stereoGains(role), gain = c == 0 ? gains.left : gains.right
                    if gain == 0 { continue }
                    block.withChannel(index) { (src: UnsafeBufferPointer<Float>) in
                        for i in 0..<frames { dst[i] += gain * src[i] }
                    }
                }
            }
        }
    }

    /// How much of a channel of `role` goes to the left and right of a stereo fold-down
    /// (ITU-R BS.775: centre and surrounds at −3 dB into their side, LFE dropped).
    static func stereoGains(_ role: ChannelRole) -> (left: Float, right: Float) {
        let minus3dB: Float = 0.707_106_77
        switch role {
        case .left: return (1, 0)
        case .right: return (0, 1)
        case .centre, .mono, .other: return (minus3dB, minus3dB)
        case .leftSurround: return (minus3dB, 0)
        case .rightSurround: return (0, minus3dB)
        case .lfe: return (0, 0)
        }
    }

    /// Mono for the mono delivery formats: the average of the channels, so a centred voice
    /// keeps its level.
    public static func toMono(_ buffer: AudioBuffer) -> AudioBuffer {
        if buffer.channelCount == 1 { return buffer }
        let frames = buffer.frameCount
        let scale = 1 / Float(buffer.channelCount)
        var mono = [Float](repeating: 0, count: frames)
        mono.withUnsafeMutableBufferPointer { out in
            for channel in buffer.channels {
                channel.withUnsafeBufferPointer { src in
                    for i in 0..<frames { out[i] += src[i] * scale }
                }
            }
        }
        return AudioBuffer(sampleRate: buffer.sampleRate, channels: [mono])
    }


    public static func conform(_ buffer: AudioBuffer, channels: Int) -> AudioBuffer {
        channels == 1 ? toMono(buffer) : toStereo(buffer, roles: ChannelRole.defaultLayout(channels: buffer.channelCount))
    }
}
