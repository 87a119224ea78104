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
    public static func align(_ source: BlockSource, measurement: ProgrammeMeter.Measurement, target: Double, ceiling: Double,
                             verified: Bool = true, pool: WorkerPool = .serial) throws -> Alignment {
        let inputPeak = measurement.truePeakDbtp
        guard let loudness = measurement.integrated else {
            return Alignment(gainDB: 0, limiterCeilingDB: ceiling, integratedLufs: nil, truePeakDbtp: inputPeak, reachedTarget: false, limiting: 0)
        }
        var gainDB = target - loudness
        var margin = 0.1
        var best: Alignment?
        for _ in 0..<6 {
            var candidate = Alignment(gainDB: gainDB, limiterCeilingDB: ceiling - margin, integratedLufs: nil, truePeakDbtp: nil,
                                      reachedTarget: false, limiting: max(0, gainDB + (inputPeak ?? -100) - (ceiling - margin)))
            let threshold = candidate.limiter().ceiling / Float(pow(10, gainDB / 20))
            let acts = measurement.blockPeaks.contains { $0 > threshold }
            // Where the limiter does not act, the output is the input times the gain: its
            // loudness and true peak follow from the measurement, without a pass.
            if acts {
                var meter = ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, truePeak: verified, pool: pool)
                try limited(source, candidate, blockPeaks: measurement.blockPeaks, pool: pool) { meter.process($0) }
                let m = meter.finish()
                (candidate.integratedLufs, candidate.truePeakDbtp) = (m.integrated, verified ? m.truePeakDbtp : candidate.limiterCeilingDB)
            } else {
                (candidate.integratedLufs, candidate.truePeakDbtp) = (measurement.profile.integrated(gainDB: gainDB), inputPeak.map { $0 + gainDB })
            }
            let level = candidate.integratedLufs ?? -70, peak = candidate.truePeakDbtp ?? -100
            let peakOK = peak <= ceiling
            candidate.reachedTarget = peakOK && abs(level - target) <= 0.5
            if best.map({ closer(candidate, than: $0, target: target, ceiling: ceiling) }) ?? true { best = candidate }
            if peakOK && abs(level - target) <= 0.2 { break }
            if !peakOK { margin += peak - ceiling + 0.05 }
            let correction = max(-6, min(6, target - level))
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

/// Delivery with the loudness contract kept per format (DESIGN.md §8: "for every end format").
///
/// The chained master (before gain and limiting) is conformed once per shape (channel count and
/// rate) that the formats need, and each shape is aligned on its own signal: a mono file
/// measures 3 LU under the same stereo programme, and a narrow band loses highs K-weighting
/// counts. Then one processing pass per shape, side by side, feeds every encoder of that
/// shape. Each lossy file is decoded and measured as a player would hear it; where it misses
/// the target by more than 0.3 LU or its true peak went over the ceiling (codecs push peaks
/// up), that format is aligned again towards a corrected target and encoded again.
public enum Delivery {
    public struct Result: Sendable {
        public var outputs: [EncodedOutput]
        /// The alignment of the reported shape (the report's `mastering.output`): the programme's
        /// own shape when a format has it, else the first format's.
        public var alignment: LoudnessMaster.Alignment?
        /// The full analysis of the mastered programme at its own shape, when asked for.
        public var analysis: AudioAnalysis?
        /// What a visual report draws of that same programme (waveform, loudness, true peaks).
        public var curves: ProgrammeCurves?
    }

    /// A delivered programme's analysis and the curves measured with it.
    struct Analysed: Sendable {
        var analysis: AudioAnalysis
        var curves: ProgrammeCurves
        init(_ finished: (analysis: AudioAnalysis, measurement: ProgrammeMeter.Measurement, curves: ProgrammeCurves)) {
            (analysis, curves) = (finished.analysis, finished.curves)
        }
    }

    struct Shape: Hashable {
        var channels: Int, rate: Int
        /// The shape a format's file has.
        init(_ format: EndFormat) { (channels, rate) = (format.channels, format.sampleRate) }
        init(channels: Int, rate: Int) { (self.channels, self.rate) = (channels, rate) }
    }

    /// Delivers `chained` (replayable) in every format. `spillDirectory` holds the conformed
    /// shapes of a long programme (nil: in memory).
    public static func deliver(_ chained: BlockSource, measurement: ProgrammeMeter.Measurement? = nil, as formats: [EndFormat],
                               to paths: [EndFormat: String], in transaction: OutputTransaction, target: Double, ceiling: Double,
                               spillDirectory: String?, analyse: Bool = false, pool: WorkerPool = .serial,
                               progress: (@Sendable (Double) throws -> Void)? = nil) throws -> Result {
        let own = Shape(channels: chained.channelCount, rate: chained.sampleRate)
        var shapes = [Shape]()
        for f in formats where !shapes.contains(Shape(f)) { shapes.append(Shape(f)) }
        // What the report calls the output: the programme's own shape when a format has it,
        // else the first format's (what was delivered; no pass is spent on a shape nobody gets).
        let reported = shapes.contains(own) || shapes.isEmpty ? own : shapes[0]

        // 1. One pass conforms the programme to every other shape and measures each.
        var sources = [Shape: BlockSource]()
        var measurements = [Shape: ProgrammeMeter.Measurement]()
        let others = shapes.filter { $0 != own }
        if shapes.contains(own) {
            sources[own] = chained
            measurements[own] = try measurement ?? LoudnessMaster.measure(chained, pool: pool)
        }
        if !others.isEmpty {
            let conformed = try conform(chained, to: others, formats: formats, spillDirectory: spillDirectory, pool: pool, progress: progress)
            for (shape, entry) in zip(others, conformed) { (sources[shape], measurements[shape]) = entry }
        }

        // 2. Each shape's alignment, then its processing pass feeding its encoders, side by side.
        // The shape whose encoders take longest (a lossy codec, then the highest rate) is aligned
        // first with the whole pool, so its encoding starts as early as it can; the others
        // align and encode beside it.
        func mine(_ shape: Shape) -> [EndFormat] { formats.filter { Shape($0) == shape } }
        func cost(_ shape: Shape) -> (Int, Int) { (mine(shape).contains(where: \.isLossy) ? 1 : 0, shape.rate * shape.channels) }
        let order = shapes.indices.sorted { cost(shapes[$0]) > cost(shapes[$1]) }
        func headroom(_ mine: [EndFormat]) -> Double {
            // A lossy shape aims under the ceiling by what its decoders need and what encoding
            // typically adds, so the decoded check passes the first time.
            mine.filter(\.isLossy).map { decoderMargin($0) + codecOvershoot($0) }.max() ?? 0
        }
        // A shape of lossy formats only is checked on its decoded files, so its alignment may
        // skip the confirming pass, except at the lowest bitrates (mp3_alexa, 48 kbps), whose
        // codecs move loudness too far for the check to correct from an unconfirmed start.
        func lossyOnly(_ shape: Shape) -> Bool { mine(shape).allSatisfy(\.isLossy) }
        func align(_ shape: Shape) throws -> LoudnessMaster.Alignment {
            let verified = !lossyOnly(shape) || mine(shape).contains { decoderMargin($0) > 0.2 }
            return try LoudnessMaster.align(sources[shape]!, measurement: measurements[shape]!, target: target,
                                            ceiling: ceiling - headroom(mine(shape)), verified: verified, pool: pool)
        }
        let first = Swift.Result { try align(shapes[order[0]]) }
        var outcomes = [Swift.Result<(alignment: LoudnessMaster.Alignment, outputs: [EncodedOutput], analysis: Analysed?), Error>](
            repeating: .failure(MixdownError.failure("not delivered")), count: shapes.count)
        outcomes.withUnsafeMutableBufferPointer { slots in
            pool.forEach(order.count) { o in
                let s = order[o], shape = shapes[s]
                slots[s] = Swift.Result {
                    let source = sources[shape]!, measured = measurements[shape]!, mine = mine(shape)
                    var alignment = try o == 0 ? first.get() : align(shape)
                    // The report's analysis: of the processed signal, or for lossy formats alone
                    // of the first one as decoded (which is measured anyway).
                    let reportsHere = analyse && shape == reported
                    var (outputs, analysis) = try encode(source, measured, alignment, as: mine, to: paths, in: transaction,
                                                         analyse: reportsHere && !lossyOnly(shape), pool: pool, progress: progress)
                    for (i, format) in mine.enumerated() where format.isLossy {
                        let checked = try check(format, output: outputs[i], source: source, measured: measured, paths: paths,
                                                transaction: transaction, target: target, ceiling: ceiling,
                                                analyse: reportsHere && lossyOnly(shape) && i == 0, pool: pool)
                        outputs[i] = checked.output
                        analysis = analysis ?? checked.analysis
                        // Lossy formats alone: what was reached is what the first decodes to.
                        if lossyOnly(shape) && i == 0 {
                            let (loudness, peak) = (checked.decoded.integrated, checked.decoded.truePeakDbtp)
                            (alignment.integratedLufs, alignment.truePeakDbtp) = (loudness, peak)
                            alignment.reachedTarget = loudness.map { abs($0 - target) <= 0.5 } == true && (peak ?? -100) <= ceiling
                        }
                    }
                    return (alignment, outputs, analysis)
                }
            }
        }
        var byFormat = [EndFormat: EncodedOutput]()
        var result = Result(outputs: [], alignment: nil, analysis: nil, curves: nil)
        for (shape, outcome) in zip(shapes, outcomes) {
            let value = try outcome.get()
            for o in value.outputs { byFormat[o.endFormat] = o }
            if shape == reported { (result.alignment, result.analysis, result.curves) = (value.alignment, value.analysis?.analysis, value.analysis?.curves) }
        }
        result.outputs = formats.map { byFormat[$0]! }
        return result
    }

    /// Whole-buffer delivery of an already mastered or chained programme.
    public static func encode(_ master: AudioBuffer, as formats: [EndFormat], to paths: [EndFormat: String],
                              in transaction: OutputTransaction, target: Double, ceiling: Double, pool: WorkerPool = .serial) throws -> [EncodedOutput] {
        try deliver(BufferSource(master), as: formats, to: paths, in: transaction, target: target, ceiling: ceiling, spillDirectory: nil, pool: pool).outputs
    }

    /// The programme conformed to each shape (channel mix, then streaming resampling that keeps
    /// what the shape's encoders keep), spilled and measured.
    static func conform(_ chained: BlockSource, to shapes: [Shape], formats: [EndFormat], spillDirectory: String?, pool: WorkerPool,
                        progress: (@Sendable (Double) throws -> Void)?) throws
        -> [(BlockSource, ProgrammeMeter.Measurement)] {
        struct Lane {
            var conformer: ShapeConformer
            var sink: BlockSink & BlockSource
            var meter: ProgrammeMeter
        }
        var lanes = try shapes.map { shape -> Lane in
            let kept = formats.filter { Shape($0) == shape }.map(\.keptBandwidth).max() ?? Double(shape.rate) / 2
            let sink: BlockSink & BlockSource = try spillDirectory.map { try SpillFile(directory: $0, sampleRate: shape.rate, channels: shape.channels) }
                ?? MemorySink(sampleRate: shape.rate, channels: shape.channels)
            return Lane(conformer: try ShapeConformer(from: chained.sampleRate, to: shape.channels, rate: shape.rate, keep: kept,
                                                      capacity: LoudnessMaster.blockFrames, pool: pool),
                        sink: sink, meter: ProgrammeMeter(sampleRate: shape.rate, channels: shape.channels, pool: pool))
        }
        var position = 0
        var block = AudioBlock(channels: chained.channelCount, capacity: LoudnessMaster.blockFrames)
        repeat {
            try progress?(0)
            try chained.read(from: position, into: &block)
            position += block.frames
            let last = position >= chained.frameCount
            try lanes.withUnsafeMutableBufferPointer { lanes in
                let input = block
                try pool.forEach(lanes.count) { (l: Int) throws in
                    let conformed = try lanes[l].conformer.process(input, last: last)
                    lanes[l].meter.process(conformed)
                    try lanes[l].sink.consume(conformed)
                }
            }
        } while position < chained.frameCount
        return try lanes.indices.map { l in
            try lanes[l].sink.finish()
            return (lanes[l].sink, lanes[l].meter.finish())
        }
    }

    /// One processing pass: limiter, then every encoder of this shape.
    static func encode(_ source: BlockSource, _ measured: ProgrammeMeter.Measurement, _ alignment: LoudnessMaster.Alignment,
                       as formats: [EndFormat], to paths: [EndFormat: String], in transaction: OutputTransaction,
                       analyse: Bool, replacing: Bool = false, pool: WorkerPool,
                       progress: (@Sendable (Double) throws -> Void)? = nil) throws -> ([EncodedOutput], Analysed?) {
        if replacing { for f in formats { transaction.discard(paths[f]!) } }
        let temporaries = try formats.map { try transaction.temporaryPath(for: paths[$0]!) }
        let encoders = try zip(formats, temporaries).map { try AudioEncoder.stream($0, to: $1) }
        var analysis = analyse ? AnalysisAccumulator(sampleRate: source.sampleRate, channels: source.channelCount, expectedFrames: source.frameCount, pool: pool) : nil
        var done = 0
        try LoudnessMaster.limited(source, alignment, blockPeaks: measured.blockPeaks, pool: pool) { block in
            done += block.frames
            try progress?(Double(done) / Double(max(1, source.frameCount)))
            for e in encoders { try e.consume(block) }
            analysis?.process(block)
        }
        for e in encoders { try e.finish() }
        let outputs = zip(formats, temporaries).map { f, t in
            EncodedOutput(endFormat: f, path: paths[f]!, bytes: ((try? FileManager.default.attributesOfItem(atPath: t)[.size] as? Int) ?? nil) ?? 0,
                          sampleRate: f.sampleRate, channels: f.channels, samples: source.frameCount)
        }
        return (outputs, analysis.map { var a = $0; return Analysed(a.finish()) })
    }

    /// MP3 decoders legitimately differ within the codec's noise, and at low bitrates that
    /// moves the decoded true peak by up to ~0.4 dB (measured: mpg123 and ffmpeg on the same
    /// 48 kbps file). The decoded peak is held under the ceiling by a margin for that.
    static func decoderMargin(_ format: EndFormat) -> Double {
        format.codec == .mp3CBR(kbps: 48) || format == .mp3_very_low ? 0.5 : 0.2
    }

    /// How far a lossy encode typically lifts the true peak over its input's (dB): the lower the
    /// bitrate, the more. Measured on the 30 s spot and the hybrid example (decoded true peak
    /// over the limiter's ceiling, first encode): mp3 VBR V6 up to +0.73, V4 and Opus up to
    /// +0.26, Vorbis up to +0.21 (more headroom there left its loudness 0.3 LU short instead),
    /// mp3 V2/V0/320 kbps within +0.12. Aiming under the ceiling by that much spares a second
    /// encode; the decoded check still has the last word.
    static func codecOvershoot(_ format: EndFormat) -> Double {
        // The lowest bitrates (V9, 48 kbps) have their own decoder margin and stay as they were.
        if decoderMargin(format) > 0.2 { return 0.2 }
        switch format.codec {
        case .mp3VBR(let quality) where quality >= 6: return 0.8
        case .mp3VBR(let quality) where quality >= 4: return 0.35
        case .opus: return 0.35
        default: return 0.2
        }
    }

    /// Decodes a lossy file as a player would and, where it misses the target or the ceiling,
    /// aligns that format again towards a target corrected by the codec's own loss.
    /// With `analyse`, also the full analysis of the file as finally decoded.
    static func check(_ format: EndFormat, output: EncodedOutput, source: BlockSource, measured: ProgrammeMeter.Measurement,
                      paths: [EndFormat: String], transaction: OutputTransaction, target: Double, ceiling: Double,
                      analyse: Bool = false, pool: WorkerPool) throws -> (output: EncodedOutput, analysis: Analysed?, decoded: ProgrammeMeter.Measurement) {
        let margin = decoderMargin(format)
        var aim = target, peakLimit = ceiling - margin - codecOvershoot(format)
        var output = output
        var analysis: Analysed?
        var decoded: ProgrammeMeter.Measurement
        var attempt = 0
        while true {
            let path = try transaction.pendingPath(for: paths[format]!)
            if analyse {
                var accumulator = AnalysisAccumulator(sampleRate: format.sampleRate, channels: format.channels, expectedFrames: output.samples, pool: pool)
                _ = try AudioFileReader.stream(path) { accumulator.process($0) }
                let finished = accumulator.finish()
                (analysis, decoded) = (Analysed(finished), finished.measurement)
            } else {
                var meter = ProgrammeMeter(sampleRate: format.sampleRate, channels: format.channels, pool: pool)
                _ = try AudioFileReader.stream(path) { meter.process($0) }
                decoded = meter.finish()
            }
            let loudness = decoded.integrated ?? target, peak = decoded.truePeakDbtp ?? -100
            if attempt == 2 || (abs(loudness - target) <= 0.3 && peak <= ceiling - margin) { break }
            attempt += 1
            aim += target - loudness
            if peak > ceiling - margin { peakLimit -= peak - (ceiling - margin) + 0.05 }
            let alignment = try LoudnessMaster.align(source, measurement: measured, target: aim, ceiling: peakLimit, pool: pool)
            output = try encode(source, measured, alignment, as: [format], to: paths, in: transaction, analyse: false, replacing: true, pool: pool).0[0]
        }
        return (output, analysis, decoded)
    }
}
