import Dispatch
import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Loudness and true peak of a programme measured block by block: what mastering decides
/// from. Keeps the loudness profile (one Double per 2.5 ms) and the true peak of every
/// 4,096-frame block (one Float per 85 ms), never the audio.
public struct ProgrammeMeter: Sendable {
    var loudness: LoudnessProfile.Meter
    var peaks: [TruePeakMeter.Stream]
    let pool: WorkerPool
    public private(set) var frames = 0

    /// `truePeak: false` measures loudness alone (the true peak reads 0, no block peaks): for a
    /// pass whose peak is checked elsewhere, since oversampling costs more than the loudness.
    /// `blockPeaks: false` measures the overall true peak alone (no block peaks), skipping what
    /// cannot beat it: for a file whose figures are checked, not limited.
    public init(sampleRate: Int, channels: Int, roles: [ChannelRole]? = nil, truePeak: Bool = true, blockPeaks: Bool = true,
                pool: WorkerPool = .serial) {
        self.pool = pool
        let roles = roles ?? ChannelRole.defaultLayout(channels: channels)
        loudness = LoudnessProfile.Meter(sampleRate: sampleRate, weights: roles.map(\.loudnessWeight))
        peaks = truePeak ? (0..<channels).map { _ in TruePeakMeter.Stream(TruePeakMeter(sampleRate: sampleRate), blockPeaks: blockPeaks) } : []
    }

    /// The K-weighted loudness and each channel's true peak run side by side.
    public mutating func process(_ block: AudioBlock) {
        withUnsafeMutablePointer(to: &loudness) { loudness in
            peaks.withUnsafeMutableBufferPointer { peaks in
                pool.forEach(peaks.count + 1) { job in
                    if job == peaks.count { loudness.pointee.process(block) } else {
                        block.withChannel(job) { (x: UnsafeBufferPointer<Float>) in peaks[job].process(x) }
                    }
                }
            }
        }
        frames += block.frames
    }

    public struct Measurement: Sendable {
        public var profile: LoudnessProfile
        /// Linear true peak of the whole programme.
        public var truePeak: Float
        /// Linear true peak of each 4,096-frame block, the largest of the channels.
        public var blockPeaks: [Float]
        public var frames: Int

        public var integrated: Double? { profile.integrated }
        public var truePeakDbtp: Double? { decibels(amplitude: Double(truePeak)) }

        /// What the programme measures after a gain of `gainDB`, without measuring it again.
        public func scaled(gainDB: Double) -> Measurement {
            let g = Float(pow(10, gainDB / 20))
            return Measurement(profile: profile.scaled(gainDB: gainDB), truePeak: truePeak * g, blockPeaks: blockPeaks.map { $0 * g }, frames: frames)
        }
    }

    public mutating func finish() -> Measurement {
        for c in peaks.indices { peaks[c].finish() }
        return Measurement(profile: loudness.profile, truePeak: peaks.map(\.peak).max() ?? 0,
                           blockPeaks: TruePeakMeter.Stream.blockPeaks(of: peaks), frames: frames)
    }
}

/// Everything `AudioAnalysis` reports, accumulated block by block (for a render's input and
/// output, which are never whole in memory). `expectedFrames` fixes the band analysis' frame
/// size exactly as the whole-buffer analysis chooses it.
public struct AnalysisAccumulator: Sendable {
    var meter: ProgrammeMeter
    let sampleRate: Int, channels: Int
    var peak: Float = 0
    var sumSquares = 0.0
    var lr = 0.0, ll = 0.0, rr = 0.0
    /// Band analysis: the mid signal's long-term spectrum, and room for a block's mid.
    var spectrum: LongTermSpectrum
    var mid: [Float] = []
    /// The waveform's envelope, for the visual report (nil: no curves asked for).
    var waveform: WaveformOverview?

    /// `curves: false` when no visual report will draw this programme: the true peak is then
    /// measured overall alone (the meter skips what cannot beat the peak so far, the same
    /// figure for less work) and no waveform is kept.
    public init(sampleRate: Int, channels: Int, expectedFrames: Int, curves: Bool = true, pool: WorkerPool = .serial) {
        meter = ProgrammeMeter(sampleRate: sampleRate, channels: channels, blockPeaks: curves, pool: pool)
        waveform = curves ? WaveformOverview(sampleRate: sampleRate, expectedFrames: expectedFrames) : nil
        (self.sampleRate, self.channels) = (sampleRate, channels)
        var size = 1
        while size < sampleRate / 6 { size *= 2 }
        while size > expectedFrames && size > 256 { size /= 2 }
        spectrum = LongTermSpectrum(size: size)
    }

    public mutating func process(_ block: AudioBlock) {
        meter.process(block)
        waveform?.process(block)
        let n = block.frames
        for c in 0..<channels {
            block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in
                VectorOps.runs(count: n) { start, length in
                    sumSquares += VectorOps.sumOfSquares(x.baseAddress! + start, count: length)
                    peak = max(peak, VectorOps.peak(x.baseAddress! + start, count: length))
                }
            }
        }
        if channels == 2 { SignalStatistics.addProducts(block, lr: &lr, ll: &ll, rr: &rr) }
        // The mid signal (mean of the channels) into the band analysis.
        guard n > 0 else { return }
        if mid.count < n { mid = [Float](repeating: 0, count: n) }
        mid.withUnsafeMutableBufferPointer { m in
            block.withChannel(0) { (x: UnsafeBufferPointer<Float>) in m.baseAddress!.update(from: x.baseAddress!, count: n) }
            for c in 1..<max(1, channels) {
                block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in for i in 0..<n { m[i] += x[i] } }
            }
            if channels > 1 {
                let scale = 1 / Float(channels)
                for i in 0..<n { m[i] *= scale }
            }
            spectrum.process(UnsafeBufferPointer(rebasing: m[0..<n]))
        }
    }

    /// The analysis, the measurement it came from, and the curves a visual report draws (nil
    /// unless asked for).
    public mutating func finish() -> (analysis: AudioAnalysis, measurement: ProgrammeMeter.Measurement, curves: ProgrammeCurves?) {
        let m = meter.finish()
        let n = m.frames
        let rms = n > 0 ? (sumSquares / Double(n * channels)).squareRoot() : 0
        var bands: [Double?] = BandEnergy.bands.map { _ in nil }
        if spectrum.frames > 0 {
            bands = BandEnergy.bandMeanSquares(spectrum.power, windowPower: spectrum.windowPower, frames: spectrum.frames, size: spectrum.size, sampleRate: sampleRate)
        }
        let stereo = channels == 2 ? SignalStatistics.stereo(lr: lr, ll: ll, rr: rr) : (correlation: nil, sideToMid: nil)
        let analysis = AudioAnalysis(profile: m.profile, truePeak: m.truePeak, samplePeak: Double(peak), rms: rms, frames: n,
                                     sampleRate: sampleRate, channels: channels, bandPowers: bands,
                                     correlation: stereo.correlation, sideToMid: stereo.sideToMid)
        return (analysis, m, waveform.map { ProgrammeCurves(sampleRate: sampleRate, frames: n, waveform: $0, measurement: m) })
    }
}

/// The true peak of a stream and, for stereo, its L/R correlation: what `mixdown master`
/// checks its input for when no full analysis is asked for. The channels' peaks and the
/// correlation's sums run side by side.
public struct PeakAndCorrelation: Sendable {
    var peaks: [TruePeakMeter.Stream]
    var lr = 0.0, ll = 0.0, rr = 0.0
    let pool: WorkerPool

    public init(sampleRate: Int, channels: Int, pool: WorkerPool = .serial) {
        peaks = (0..<channels).map { _ in TruePeakMeter.Stream(TruePeakMeter(sampleRate: sampleRate), blockPeaks: false) }
        self.pool = pool
    }

    public mutating func process(_ block: AudioBlock) {
        let stereo = peaks.count == 2
        var sums = (lr: 0.0, ll: 0.0, rr: 0.0)
        withUnsafeMutablePointer(to: &sums) { sums in
            peaks.withUnsafeMutableBufferPointer { peaks in
                pool.forEach(peaks.count + 1) { job in
                    if job < peaks.count {
                        block.withChannel(job) { (x: UnsafeBufferPointer<Float>) in peaks[job].process(x) }
                    } else if stereo {
                        SignalStatistics.addProducts(block, lr: &sums.pointee.lr, ll: &sums.pointee.ll, rr: &sums.pointee.rr)
                    }
                }
            }
        }
        (lr, ll, rr) = (lr + sums.lr, ll + sums.ll, rr + sums.rr)
    }

    /// The true peak (dBTP; nil for silence) and the correlation (stereo only).
    public mutating func finish() -> (truePeak: Double?, correlation: Double?) {
        for c in peaks.indices { peaks[c].finish() }
        let peak = peaks.map(\.peak).max() ?? 0
        return (decibels(amplitude: Double(peak)), peaks.count == 2 ? SignalStatistics.stereo(lr: lr, ll: ll, rr: rr).correlation : nil)
    }
}

extension SignalStatistics {
    /// Adds a stereo block's ΣLR, ΣL² and ΣR².
    static func addProducts(_ block: AudioBlock, lr: inout Double, ll: inout Double, rr: inout Double) {
        let p = block.withChannel(0) { (l: UnsafeBufferPointer<Float>) in block.withChannel(1) { products(l, $0) } }
        (lr, ll, rr) = (lr + p.lr, ll + p.ll, rr + p.rr)
    }
}
