/// What a channel is for, as far as loudness weighting and downmixing care.
public enum ChannelRole: Sendable, Equatable {
    case mono, left, right, centre, lfe, leftSurround, rightSurround, other

    /// The usual order of WAV/FLAC files without a channel map (SMPTE/ITU: L R C LFE Ls Rs).
    public static func defaultLayout(channels: Int) -> [ChannelRole] {
        switch channels {
        case 1: return [.mono]
        case 2: return [.left, .right]
        case 3: return [.left, .right, .centre]
        case 4: return [.left, .right, .leftSurround, .rightSurround]
        case 5: return [.left, .right, .centre, .leftSurround, .rightSurround]
        case 6: return [.left, .right, .centre, .lfe, .leftSurround, .rightSurround]
        default: return [.left, .right, .centre, .lfe, .leftSurround, .rightSurround]
            + Array(repeating: .other, count: channels - 6)
        }
    }

    /// ITU-R BS.1770-4 channel weight G: 1.0 for front channels, 1.41 (+1.5 dB) for
    /// surrounds, 0 for LFE, which the standard leaves out.
    public var loudnessWeight: Double {
        switch self {
        case .lfe: return 0
        case .leftSurround, .rightSurround: return 1.41
        default: return 1
        }
    }
}
