import Dispatch
import Foundation
import MixdownCore

/// A programme's blocks conformed to one delivery shape, block by block: channel mix (mono is
/// the average, stereo from mono duplicated), then the delivery resampler when the rate differs.
/// Unchecked Sendable: owned by one delivery lane; only its resampler's per-channel state is
/// shared with the pool, each channel on one thread (see PolyphaseResampler).
public final class ShapeConformer: @unchecked Sendable {
    public let channels: Int, rate: Int
    private let resampler: (any BlockResampler)?
    private var mixed: AudioBlock
    private var resampled: AudioBlock

    /// `keep`: the bandwidth the shape's encoders keep (Hz).
    public init(from sourceRate: Int, to channels: Int, rate: Int, keep: Double, capacity: Int, pool: WorkerPool = .serial) throws {
        (self.channels, self.rate) = (channels, rate)
        resampler = rate == sourceRate ? nil : try PolyphaseResampler.forDelivery(from: sourceRate, to: rate, channels: channels, keep: keep, pool: pool)
        mixed = AudioBlock(channels: channels, capacity: capacity)
        resampled = AudioBlock(channels: channels, capacity: capacity * 2)
    }

    /// The shape's frames for `block` (`last`: the programme ends with it). The result is valid
    /// until the next call.
    public func process(_ block: AudioBlock, last: Bool) throws -> AudioBlock {
        ChannelMix.conform(block, channels: channels, into: &mixed)
        guard let resampler else { return mixed }
        try resampler.process(mixed, into: &resampled, last: last)
        return resampled
    }
}
