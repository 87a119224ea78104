import Dispatch
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

/// Loudness alignment under a true-peak ceiling: make-up gain, a look-ahead limiter whose
/// detector sees the peaks between samples (4x oversampled), then measure, adjust, re-measure
/// until the integrated loudness is within ±0.2 LU of the target (±0.5 at worst) with the
/// true peak at or under the ceiling.
public enum LoudnessMaster {
    public struct Result: Sendable {
        public var audio: AudioBuffer
        /// The full analysis of the result (when asked for), for reports.
        public var analysis: AudioAnalysis?
        /// Integrated loudness and true peak of the result, always measured.
        public var integratedLufs: Double?
        public var truePeakDbtp: Double?
        public var reachedTarget: Bool
        /// The most the limiter had to take off (dB); large means the target crushes the audio.
        public var limiting: Double
    }

    /// `analyse`: also run the full analysis of the result (spectrum, statistics) for a report.
    public static func align(_ audio: AudioBuffer, target: Double, ceiling: Double, analyse: Bool = false) -> Result {
        let (inputProfile, inputPeak) = AudioAnalysis.loudnessProfileAndPeak(audio)
        guard let loudness = inputProfile.integrated else {
            return Result(audio: audio, analysis: analyse ? AudioAnalysis.analyze(audio) : nil, integratedLufs: nil,
                          truePeakDbtp: inputPeak, reachedTarget: false, limiting: 0)
        }
        var gainDB = target - loudness
        var margin = 0.1
        var best: (audio: AudioBuffer, level: Double, peak: Double, reached: Bool, limiting: Double)?
        for _ in 0..<6 {
            let limiter = PeakLimiter(ceiling: Float(pow(10, (ceiling - margin) / 20)), lookAhead: 96, releaseSamples: 2_400, truePeak: true)
            let (out, acted) = limiter.limit(audio, gain: Float(pow(10, gainDB / 20)))
            // Where the limiter did not act, the output is the input times the gain: its
            // loudness and true peak follow from the input's exactly, without measuring again.
            let (integrated, truePeak) = acted ? AudioAnalysis.loudnessAndPeak(out)
                : (inputProfile.integrated(gainDB: gainDB), inputPeak.map { $0 + gainDB })
            let level = integrated ?? -70, peak = truePeak ?? -100
            let peakOK = peak <= ceiling
            let limiting = max(0, gainDB + (inputPeak ?? -100) - (ceiling - margin))
            let reached = peakOK && abs(level - target) <= 0.5
            if best == nil || (reached && (!best!.reached || abs(level - target) < abs(best!.level - target))) {
                best = (out, level, peak, reached, limiting)
            }
            if peakOK && abs(level - target) <= 0.2 { break }
            if !peakOK { margin += peak - ceiling + 0.05 }
            gainDB += max(-6, min(6, target - level))
        }
        // The full analysis once, and only for a report.
        return Result(audio: best!.audio, analysis: analyse ? AudioAnalysis.analyze(best!.audio) : nil, integratedLufs: best!.level,
                      truePeakDbtp: best!.peak, reachedTarget: best!.reached, limiting: best!.limiting)
    }
}

/// Delivery with the loudness contract kept per format (DESIGN.md §8: "for every end format").
/// Each format's signal is aligned at its own rate and channel count (a mono file measures
/// 3 LU under the same stereo programme; a narrow codec band loses the highs K-weighting
/// counts), encoded, decoded and measured; where the decoded file misses the target by more
/// than 0.3 LU or its true peak went over the ceiling (codecs push peaks up), it is aligned
/// again towards a target corrected by the codec's own loss and encoded again.
public enum Delivery {
    public static func encode(_ master: AudioBuffer, as formats: [EndFormat], to paths: [EndFormat: String],
                              in transaction: OutputTransaction, target: Double, ceiling: Double) throws -> [EncodedOutput] {
        var results = [Result<EncodedOutput, Error>](repeating: .failure(MixdownError.failure("not encoded")), count: formats.count)
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: formats.count) { i in
                slots[i] = Result { try deliver(master, as: formats[i], to: paths, in: transaction, target: target, ceiling: ceiling) }
            }
        }
        return try results.map { try $0.get() }
    }

    static func deliver(_ master: AudioBuffer, as format: EndFormat, to paths: [EndFormat: String], in transaction: OutputTransaction,
                        target: Double, ceiling: Double) throws -> EncodedOutput {
        let conformed = try Resampler.resample(ChannelMix.conform(master, channels: format.channels), to: format.sampleRate,
                                               quality: .covering(format.keptBandwidth, from: master.sampleRate, to: format.sampleRate))
        let sameShape = format.channels == master.channelCount && format.sampleRate == master.sampleRate
        var source = sameShape ? conformed : LoudnessMaster.align(conformed, target: target, ceiling: ceiling).audio
        var output = try AudioEncoder.encode(source, as: [format], to: paths, in: transaction)[0]
        guard format.isLossy else { return output }
        // MP3 decoders legitimately differ within the codec's noise, and at low bitrates that
        // moves the decoded true peak by up to ~0.4 dB (measured: mpg123 and ffmpeg on the same
        // 48 kbps file). The decoded peak is held under the ceiling by a margin for that.
        let decoderMargin = format.codec == .mp3CBR(kbps: 48) || format == .mp3_very_low ? 0.5 : 0.2
        var aim = target, peakLimit = ceiling
        for _ in 0..<2 {
            let decoded = AudioAnalysis.analyze(try AudioFileReader.read(try transaction.pendingPath(for: paths[format]!)).audio)
            let loudness = decoded.integratedLufs ?? target, peak = decoded.truePeakDbtp ?? -100
            if abs(loudness - target) <= 0.3 && peak <= ceiling - decoderMargin { break }
            aim += target - loudness
            if peak > ceiling - decoderMargin { peakLimit -= peak - (ceiling - decoderMargin) + 0.05 }
            source = LoudnessMaster.align(conformed, target: aim, ceiling: peakLimit).audio
            output = try AudioEncoder.encode(source, as: [format], to: paths, in: transaction, replacing: true)[0]
        }
        return output
    }
}
