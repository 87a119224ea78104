import Dispatch
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

/// Loudness alignment under a true-peak ceiling: make-up gain and a look-ahead limiter whose
/// detector sees the peaks between samples, chosen so that the integrated loudness is within
/// ±0.2 LU of the target (±0.5 at worst) with the true peak at or under the ceiling.
///
/// It works from a programme's measurement (loudness profile and per-block true peaks) and
/// replays the programme only when the limiter would act: where it does not, the loudness and
/// true peak after a gain follow from the measurement exactly (K-weighting is linear).
public enum LoudnessMaster {
    public struct Alignment: Sendable {
        public var gainDB: Double
        /// The limiter's ceiling (dBTP): the target ceiling less a margin found by measuring.
        public var limiterCeilingDB: Double
        public var integratedLufs: Double?
        public var truePeakDbtp: Double?
        public var reachedTarget: Bool
        /// The most the limiter had to take off (dB); large means the target crushes the audio.
        public var limiting: Double
        /// The processed programme as measured (true peak included) while aligning, or as it
        /// follows from the input's measurement where the limiter does not act; nil when not
        /// measured whole. A Broadcast WAV's loudness comes from here, without another pass.
        public var output: ProgrammeMeter.Measurement? = nil

        public func limiter() -> PeakLimiter {
            PeakLimiter(ceiling: Float(pow(10, limiterCeilingDB / 20)), lookAhead: 96, releaseSamples: 2_400, truePeak: true)
        }

        public func stream(channels: Int, sampleRate: Int, blockPeaks: [Float]) -> PeakLimiter.Stream {
            let limiter = limiter()
            let gain = Float(pow(10, gainDB / 20))
            return PeakLimiter.Stream(limiter, channels: channels, sampleRate: sampleRate, gain: gain,
                                      hot: PeakLimiter.hotBlocks(peaks: blockPeaks, threshold: limiter.ceiling / gain))
        }
    }

    /// One delivered file's loudness as a listener gets it: a lossy file's as decoded, a
    /// lossless one's as processed (its shape's alignment).
    public struct FormatLoudness: Sendable {
        public var endFormat: EndFormat
        public var integratedLufs: Double?
        public var truePeakDbtp: Double?
        /// Its figures are the report's `mastering.output` (the reported shape's alignment),
        /// whose miss is said once for the programme; a miss by any other file is said for it.
        public var isReported: Bool
        public init(endFormat: EndFormat, integratedLufs: Double?, truePeakDbtp: Double?, isReported: Bool) {
            (self.endFormat, self.integratedLufs, self.truePeakDbtp, self.isReported) = (endFormat, integratedLufs, truePeakDbtp, isReported)
        }
        /// Within 0.5 LU of `target` and at or under `ceiling`; a silent file misses nothing.
        public func misses(target: Double, ceiling: Double) -> Bool {
            guard let loudness = integratedLufs else { return false }
            return abs(loudness - target) > 0.5 || (truePeakDbtp ?? -100) > ceiling
        }
    }

    public static let blockFrames = 65_536

    /// Measures a source in one pass.
    public static func measure(_ source: BlockSource, pool: WorkerPool = .serial) throws -> ProgrammeMeter.Measurement {
        var meter = ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, pool: pool)
        try source.forEachBlock(capacity: blockFrames) { meter.process($0) }
        return meter.finish()
    }

    /// Runs `source` through the limiter of `alignment` into `body`, block by block, with the
    /// limiter's latency taken out: the blocks cover exactly the source's frames.
    public static func limited(_ source: BlockSource, _ alignment: Alignment, blockPeaks: [Float], pool: WorkerPool = .serial,
                               _ body: (AudioBlock) throws -> Void) throws {
        var stream = alignment.stream(channels: source.channelCount, sampleRate: source.sampleRate, blockPeaks: blockPeaks)
        var reader = AudioBlock(channels: source.channelCount, capacity: blockFrames)
        var position = 0
        // The limiter makes the next block while the previous one is consumed.
        try Pipelined.run(channels: source.channelCount, capacity: blockFrames + stream.latency, pool: pool, produce: { block in
            if position < source.frameCount {
                try source.read(from: position, into: &reader)
                position += reader.frames
                block.copy(from: reader)
                stream.process(&block)
                return true
            }
            guard position == source.frameCount else { return false }
            position += 1   // once: what the look-ahead holds back
            stream.finish(&block)
            return true
        }, consume: { block in if block.frames > 0 { try body(block) } })
    }

    /// Chooses the gain and limiter ceiling for `source`, measured as `measurement`.
    ///
    /// For a lossy format, whose decoded file is measured anyway (and aligned again when it
    /// misses), `verified: false` saves passes: a pass through the limiter measures loudness
    /// alone and takes the limiter's ceiling as kept, and a gain corrected by at most 1 dB after
    /// a pass is returned without another pass to confirm it (the loudness then reads nil).
    ///
    /// `alongside`, when given, is handed each candidate a pass is made for and returns a sink
    /// that takes the pass's processed blocks too (finished after the pass): a caller can encode
    /// while the candidate is measured, and keep the files if it is the candidate returned.
    public static func align(_ source: BlockSource, measurement: ProgrammeMeter.Measurement, target: Double, ceiling: Double,
                             tolerance: Double = 0.2, verified: Bool = true, pool: WorkerPool = .serial,
                             alongside: ((Alignment) throws -> BlockSink)? = nil) throws -> Alignment {
        let inputPeak = measurement.truePeakDbtp
        guard let loudness = measurement.integrated else {
            return Alignment(gainDB: 0, limiterCeilingDB: ceiling, integratedLufs: nil, truePeakDbtp: inputPeak, reachedTarget: false, limiting: 0)
        }
        var gainDB = target - loudness
        var margin = 0.1
        var best: Alignment?
        var previous: (gain: Double, level: Double, margin: Double)?
        for _ in 0..<6 {
            var candidate = Alignment(gainDB: gainDB, limiterCeilingDB: ceiling - margin, integratedLufs: nil, truePeakDbtp: nil,
                                      reachedTarget: false, limiting: max(0, gainDB + (inputPeak ?? -100) - (ceiling - margin)))
            let threshold = candidate.limiter().ceiling / Float(pow(10, gainDB / 20))
            let acts = measurement.blockPeaks.contains { $0 > threshold }
            // Where the limiter does not act, the output is the input times the gain: its
            // loudness and true peak follow from the measurement, without a pass.
            if acts {
                var meter = ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, truePeak: verified, pool: pool)
                let sink = try alongside?(candidate)
                try limited(source, candidate, blockPeaks: measurement.blockPeaks, pool: pool) { block in
                    meter.process(block)
                    try sink?.consume(block)
                }
                try sink?.finish()
                let m = meter.finish()
                (candidate.integratedLufs, candidate.truePeakDbtp) = (m.integrated, verified ? m.truePeakDbtp : candidate.limiterCeilingDB)
                if verified { candidate.output = m }
            } else {
                (candidate.integratedLufs, candidate.truePeakDbtp) = (measurement.profile.integrated(gainDB: gainDB), inputPeak.map { $0 + gainDB })
                candidate.output = measurement.scaled(gainDB: gainDB)
            }
            let level = candidate.integratedLufs ?? -70, peak = candidate.truePeakDbtp ?? -100
            let peakOK = peak <= ceiling
            candidate.reachedTarget = peakOK && abs(level - target) <= 0.5
            if best.map({ closer(candidate, than: $0, target: target, ceiling: ceiling) }) ?? true { best = candidate }
            if peakOK && abs(level - target) <= tolerance { break }
            // Under heavy limiting a dB of gain buys much less than a dB of loudness:
            // correcting one for one crept towards the target and ran out of tries (the 30 s
            // spot as a 16 kbps MP3 at 8 kHz, 16-24 dB of gain, stopped 0.6 LU short). The
            // slope the last two tries measured at the same ceiling scales the correction (a
            // secant step), bounded so one odd pair cannot fling it.
            var slope = 1.0
            if let last = previous, last.margin == margin, abs(gainDB - last.gain) > 0.01 {
                slope = max(0.15, min(1, (level - last.level) / (gainDB - last.gain)))
            }
            previous = (gainDB, level, margin)
            if !peakOK { margin += peak - ceiling + 0.05 }
            let correction = max(-6, min(6, (target - level) / slope))
            gainDB += correction
            // A small correction moves the limited loudness almost one for one; a large one
            // (heavy limiting) is measured again.
            if !verified && acts && peakOK && candidate.integratedLufs != nil && abs(correction) <= 1 {
                return Alignment(gainDB: gainDB, limiterCeilingDB: ceiling - margin, integratedLufs: nil, truePeakDbtp: nil, reachedTarget: true,
                                 limiting: max(0, gainDB + (inputPeak ?? -100) - (ceiling - margin)))
            }
        }
        return best!
    }

    /// Which of two alignments to keep: one that reached the target; else one under the
    /// ceiling; else the nearer the target. (Keeping the first when none reached it made a
    /// decoded check that asked for a little more loudness get the uncorrected, quieter gain.)
    static func closer(_ a: Alignment, than b: Alignment, target: Double, ceiling: Double) -> Bool {
        if a.reachedTarget != b.reachedTarget { return a.reachedTarget }
        let under = (a: (a.truePeakDbtp ?? -100) <= ceiling, b: (b.truePeakDbtp ?? -100) <= ceiling)
        if under.a != under.b { return under.a }
        return abs((a.integratedLufs ?? -70) - target) < abs((b.integratedLufs ?? -70) - target)
    }

    public struct Result: Sendable {
        public var audio: AudioBuffer
        /// The full analysis of the result (when asked for), for reports.
        public var analysis: AudioAnalysis?
        public var integratedLufs: Double?
        public var truePeakDbtp: Double?
        public var reachedTarget: Bool
        public var limiting: Double
    }

    /// Aligns a whole buffer (short programmes, tests).
    public static func align(_ audio: AudioBuffer, target: Double, ceiling: Double, analyse: Bool = false, pool: WorkerPool = .serial) -> Result {
        let source = BufferSource(audio)
        guard let measurement = try? measure(source, pool: pool),
              let alignment = try? align(source, measurement: measurement, target: target, ceiling: ceiling, pool: pool) else {
            return Result(audio: audio, analysis: nil, integratedLufs: nil, truePeakDbtp: nil, reachedTarget: false, limiting: 0)
        }
        let out = MemorySink(sampleRate: audio.sampleRate, channels: audio.channelCount)
        try? limited(source, alignment, blockPeaks: measurement.blockPeaks, pool: pool) { try out.consume($0) }
        return Result(audio: out.buffer, analysis: analyse ? AudioAnalysis.analyze(out.buffer, pool: pool) : nil, integratedLufs: alignment.integratedLufs,
                      truePeakDbtp: alignment.truePeakDbtp, reachedTarget: alignment.reachedTarget, limiting: alignment.limiting)
    }
}
