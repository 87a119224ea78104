import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// What a visual report draws of a programme, as its meters measured it while it streamed
/// past: the waveform's envelope, the momentary and short-term loudness every 100 ms, and the
/// true peak of every 4,096-frame block. Small whatever the length: the waveform is kept in
/// at most `WaveformOverview.maximumBuckets` buckets, the loudness as one value per 100 ms.
public struct ProgrammeCurves: Sendable {
    public var sampleRate: Int
    public var frames: Int
    /// Frames per waveform bucket, and each bucket's lowest and highest sample (all channels).
    public var waveformBucket: Int
    public var waveformMin: [Float]
    public var waveformMax: [Float]
    /// Momentary (400 ms) and short-term (3 s) loudness every 100 ms, LUFS (nil: silence).
    /// Entry j of `momentary` is the window ending at (j + 4) × 100 ms; of `shortTerm`, at
    /// (j + 30) × 100 ms — the values a BS.1770 meter shows every 100 ms.
    public var momentary: [Double?]
    public var shortTerm: [Double?]
    /// Linear true peak of every `TruePeakMeter.peakBlock` frames (the largest of the channels).
    public var truePeakBlock: Int
    public var truePeaks: [Float]

    public init(sampleRate: Int, frames: Int, waveform: WaveformOverview, measurement: ProgrammeMeter.Measurement) {
        (self.sampleRate, self.frames) = (sampleRate, frames)
        (waveformBucket, waveformMin, waveformMax) = (waveform.bucket, waveform.low, waveform.high)
        momentary = measurement.profile.windowLoudness(blocks: 4)
        shortTerm = measurement.profile.windowLoudness(blocks: 30)
        truePeakBlock = TruePeakMeter.peakBlock
        truePeaks = measurement.blockPeaks
    }
}

/// The waveform's envelope, accumulated block by block: the lowest and highest sample of every
/// `bucket` frames across the channels. The bucket is 10 ms, or longer for a programme whose
/// expected length would need more than `maximumBuckets` (an hour: 180 ms).
public struct WaveformOverview: Sendable {
    public static let maximumBuckets = 20_000
    public let bucket: Int
    public private(set) var low: [Float] = []
    public private(set) var high: [Float] = []
    private var position = 0

    public init(sampleRate: Int, expectedFrames: Int) {
        let tenMs = max(1, sampleRate / 100)
        bucket = max(tenMs, (expectedFrames + Self.maximumBuckets - 1) / Self.maximumBuckets)
        low.reserveCapacity(min(Self.maximumBuckets + 1, expectedFrames / bucket + 1))
        high.reserveCapacity(low.capacity)
    }

    public mutating func process(_ block: AudioBlock) {
        var i = 0
        while i < block.frames {
            let b = position / bucket
            let run = min(block.frames - i, (b + 1) * bucket - position)
            if b == low.count { low.append(.infinity); high.append(-.infinity) }
            var lo = low[b], hi = high[b]
            for c in 0..<block.channelCount {
                let e = block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in VectorOps.extremes(x.baseAddress! + i, count: run) }
                (lo, hi) = (min(lo, e.low), max(hi, e.high))
            }
            (low[b], high[b]) = (lo, hi)
            i += run
            position += run
        }
    }
}
