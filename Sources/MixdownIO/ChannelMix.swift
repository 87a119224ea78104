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
        let frames = buffer.frameCount
        var left = [Float](repeating: 0, count: frames)
        var right = [Float](repeating: 0, count: frames)
        let minus3dB: Float = 0.707_106_77
        for (index, role) in roles.enumerated() where index < buffer.channelCount {
            let (toLeft, toRight): (Float, Float)
            switch role {
            case .left: (toLeft, toRight) = (1, 0)
            case .right: (toLeft, toRight) = (0, 1)
            case .centre, .mono, .other: (toLeft, toRight) = (minus3dB, minus3dB)
            case .leftSurround: (toLeft, toRight) = (minus3dB, 0)
            case .rightSurround: (toLeft, toRight) = (0, minus3dB)
            case .lfe: continue
            }
            buffer.channels[index].withUnsafeBufferPointer { src in
                left.withUnsafeMutableBufferPointer { l in
                    right.withUnsafeMutableBufferPointer { r in
                        for i in 0..<frames {
                            l[i] += toLeft * src[i]
                            r[i] += toRight * src[i]
                        }
                    }
                }
            }
        }
        return AudioBuffer(sampleRate: buffer.sampleRate, channels: [left, right])
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
