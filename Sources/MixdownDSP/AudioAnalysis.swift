import Dispatch
import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Everything `mixdown analyze` reports about a file (docs/analysis.md). Values that do not exist
/// (the loudness of silence, the correlation of one channel) are nil and encode as `null`.
public struct AudioAnalysis: Sendable, Equatable, EncodesEveryKey {
    public struct Bands: Sendable, Equatable, EncodesEveryKey {
        public var sub, bass, lowMid, mid, presence, air: Double?
    }

    public var integratedLufs: Double?
    public var momentaryMaxLufs: Double?
    public var shortTermMaxLufs: Double?
    public var loudnessRangeLu: Double?
    public var truePeakDbtp: Double?
    public var samplePeakDbfs: Double?
    public var crestFactorDb: Double?
    public var durationSamples: Int
    public var sampleRate: Int
    public var channels: Int
    public var bands: Bands
    public var stereoCorrelation: Double?
    public var sideToMidDb: Double?

    /// Analyses a buffer at its own rate. `roles` decide the BS.1770 channel weights
    /// (surrounds +1.5 dB, LFE excluded); by default the usual layout for the channel count.
    public static func analyze(_ buffer: AudioBuffer, roles: [ChannelRole]? = nil, pool: WorkerPool = .serial) -> AudioAnalysis {
        let roles = roles ?? ChannelRole.defaultLayout(channels: buffer.channelCount)
        let loudness = Slot<LoudnessProfile>()
        let peaks = (0..<buffer.channelCount).map { _ in Slot<Float>() }
        let stats = Slot<SignalStatistics>()
        let bandSlot = Slot<[Double?]>()
        let truePeak = TruePeakMeter(sampleRate: buffer.sampleRate)
        // Independent measurements run side by side; the loudness filters are the longest job.
        var jobs: [() -> Void] = [
            { loudness.value = LoudnessProfile(buffer, weights: roles.map(\.loudnessWeight)) },
            {
                let s = SignalStatistics(buffer)
                stats.value = s
                bandSlot.value = BandEnergy.meanSquares(of: s.mid, sampleRate: buffer.sampleRate)
            },
        ]
        for c in 0..<buffer.channelCount {
            jobs.append { peaks[c].value = buffer.channels[c].withUnsafeBufferPointer { truePeak.peak($0) } }
        }
        pool.forEach(jobs.count) { jobs[$0]() }

        let s = stats.value!
        return AudioAnalysis(profile: loudness.value!, truePeak: peaks.map { $0.value! }.max() ?? 0, samplePeak: s.peak, rms: s.rms,
                             frames: buffer.frameCount, sampleRate: buffer.sampleRate, channels: buffer.channelCount,
                             bandPowers: bandSlot.value!, correlation: s.correlation, sideToMid: s.sideToMid)
    }

}

extension AudioAnalysis {
    /// The report's values from the measurements (shared by the whole-buffer and streaming analyses).
    init(profile: LoudnessProfile, truePeak: Float, samplePeak: Double, rms: Double, frames: Int, sampleRate: Int, channels: Int,
         bandPowers b: [Double?], correlation: Double?, sideToMid: Double?) {
        self.init(
            integratedLufs: profile.integrated,
            momentaryMaxLufs: profile.momentaryMax,
            shortTermMaxLufs: profile.shortTermMax,
            loudnessRangeLu: profile.loudnessRange,
            truePeakDbtp: decibels(amplitude: Double(truePeak)),
            samplePeakDbfs: decibels(amplitude: samplePeak),
            crestFactorDb: rms > 0 && samplePeak > 0 ? 20 * log10(samplePeak / rms) : nil,
            durationSamples: frames,
            sampleRate: sampleRate,
            channels: channels,
            bands: Bands(sub: decibels(power: b[0]), bass: decibels(power: b[1]), lowMid: decibels(power: b[2]),
                         mid: decibels(power: b[3]), presence: decibels(power: b[4]), air: decibels(power: b[5])),
            stereoCorrelation: correlation,
            sideToMidDb: sideToMid.flatMap { decibels(power: $0) })
    }
}

func decibels(amplitude: Double) -> Double? { amplitude > 0 ? 20 * log10(amplitude) : nil }
func decibels(power: Double?) -> Double? { power.flatMap { $0 > 0 ? 10 * log10($0) : nil } }

/// A result written by exactly one concurrent job and read after they have all finished.
/// Unchecked Sendable: written by exactly one job and read only after `forEach` has returned
/// (which waits for every job), so no access overlaps.
final class Slot<T>: @unchecked Sendable { var value: T? }

/// Sample-domain statistics in one pass: peak, RMS over all channels, and for stereo the
/// L/R correlation and side-to-mid power ratio. Float sums over short runs, Double across them.
struct SignalStatistics {
    var peak = 0.0
    var rms = 0.0
    var correlation: Double?
    var sideToMid: Double?
    /// The mid signal (mean of the channels), which the band analysis reads.
    var mid: [Float]

    init(_ buffer: AudioBuffer) {
        let n = buffer.frameCount, channels = buffer.channelCount
        var peak: Float = 0, sumSquares = 0.0
        for ch in buffer.channels {
            ch.withUnsafeBufferPointer { x in
                VectorOps.runs(count: n) { start, length in
                    sumSquares += VectorOps.sumOfSquares(x.baseAddress! + start, count: length)
                    peak = max(peak, VectorOps.peak(x.baseAddress! + start, count: length))
                }
            }
        }
        self.peak = Double(peak)
        rms = (sumSquares / Double(n * channels)).squareRoot()
        guard channels == 2 else {
            mid = channels == 1 ? buffer.channels[0] : Self.mean(buffer)
            return
        }
        var mid = [Float](repeating: 0, count: n)
        buffer.channels[0].withUnsafeBufferPointer { l in
            buffer.channels[1].withUnsafeBufferPointer { r in
                mid.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n { m[i] = 0.5 * (l[i] + r[i]) }
                }
            }
        }
        self.mid = mid
        let (lr, ll, rr) = buffer.channels[0].withUnsafeBufferPointer { l in buffer.channels[1].withUnsafeBufferPointer { Self.products(l, $0) } }
        (correlation, sideToMid) = Self.stereo(lr: lr, ll: ll, rr: rr)
    }

    /// L/R correlation and side-to-mid power ratio from ΣLR, ΣL², ΣR². With M = (L+R)/2 and
    /// S = (L−R)/2: ΣM² = (ΣL² + ΣR² + 2ΣLR)/4, ΣS² = (ΣL² + ΣR² − 2ΣLR)/4.
    static func stereo(lr: Double, ll: Double, rr: Double) -> (correlation: Double?, sideToMid: Double?) {
        let mm = (ll + rr + 2 * lr) / 4, ss = max(0, (ll + rr - 2 * lr) / 4)
        return (ll > 0 && rr > 0 ? lr / (ll * rr).squareRoot() : nil, mm > 0 && ss > 0 ? ss / mm : nil)
    }

    /// ΣLR, ΣL², ΣR².
    static func products(_ l: UnsafeBufferPointer<Float>, _ r: UnsafeBufferPointer<Float>) -> (lr: Double, ll: Double, rr: Double) {
        var lr = 0.0, ll = 0.0, rr = 0.0
        VectorOps.runs(count: min(l.count, r.count)) { start, length in
            let a = l.baseAddress! + start, b = r.baseAddress! + start
            lr += VectorOps.dot(a, b, count: length)
            ll += VectorOps.sumOfSquares(a, count: length)
            rr += VectorOps.sumOfSquares(b, count: length)
        }
        return (lr, ll, rr)
    }

    static func mean(_ buffer: AudioBuffer) -> [Float] {
        var out = [Float](repeating: 0, count: buffer.frameCount)
        let scale = 1 / Float(buffer.channelCount)
        out.withUnsafeMutableBufferPointer { o in
            for ch in buffer.channels {
                ch.withUnsafeBufferPointer { x in for i in 0..<x.count { o[i] += x[i] * scale } }
            }
        }
        return out
    }
}
