import Dispatch
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster

/// Delivery with the loudness contract kept per format (docs/mastering.md: the loudness holds "for every end format").
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
        /// Each file's loudness as delivered, in the order of `outputs`.
        public var loudness: [LoudnessMaster.FormatLoudness] = []
    }

    /// A delivered programme's analysis and the curves measured with it.
    struct Analysed: Sendable {
        var analysis: AudioAnalysis
        var curves: ProgrammeCurves?
        var measurement: ProgrammeMeter.Measurement
        init(_ finished: (analysis: AudioAnalysis, measurement: ProgrammeMeter.Measurement, curves: ProgrammeCurves?)) {
            (analysis, curves, measurement) = (finished.analysis, finished.curves, finished.measurement)
        }
    }

    struct Shape: Hashable {
        var channels: Int, rate: Int
        /// The shape a format's file has.
        init(_ format: EndFormat) { (channels, rate) = (format.channels, format.sampleRate) }
        init(channels: Int, rate: Int) { (self.channels, self.rate) = (channels, rate) }
        /// The shapes `formats` need, in the order first asked for.
        static func all(_ formats: [EndFormat]) -> [Shape] {
            var shapes = [Shape]()
            for f in formats where !shapes.contains(Shape(f)) { shapes.append(Shape(f)) }
            return shapes
        }
        /// What the widest encoder of this shape keeps (its resampler keeps that band).
        func keptBandwidth(_ formats: [EndFormat]) -> Double {
            formats.filter { Shape($0) == self }.map(\.keptBandwidth).max() ?? Double(rate) / 2
        }
    }

    static func fileSize(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil) ?? 0 }

    /// Delivers `chained` (replayable) in every format. `spillDirectory` holds the conformed
    /// shapes of a long programme (nil: in memory).
    public static func deliver(_ chained: BlockSource, measurement: ProgrammeMeter.Measurement? = nil, as formats: [EndFormat],
                               to paths: [EndFormat: String], in transaction: OutputTransaction, target: Double, ceiling: Double,
                               spillDirectory: String?, analyse: Bool = false, curves: Bool = true, tagging: Tagging? = nil, pool: WorkerPool = .serial,
                               progress: (@Sendable (Double) throws -> Void)? = nil) throws -> Result {
        let own = Shape(channels: chained.channelCount, rate: chained.sampleRate)
        let shapes = Shape.all(formats)
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
        // The report's analysis: of the processed signal, or for lossy formats alone of the
        // first one as decoded (which is measured anyway).
        func analysesProcessed(_ shape: Shape) -> Bool { analyse && shape == reported && !lossyOnly(shape) }
        // A shape of lossless files alone is encoded on every pass its alignment makes through
        // the limiter: when the gain a pass confirms is the one kept (as it mostly is), that
        // pass's files are the delivery and no pass more is made. (A lossy encoder costs too
        // much to run on a pass that may be thrown away.)
        func align(_ shape: Shape) throws -> (alignment: LoudnessMaster.Alignment, encoded: ShapeEncoding?) {
            let mine = mine(shape), source = sources[shape]!, measured = measurements[shape]!
            let verified = !lossyOnly(shape) || mine.contains { decoderMargin($0) > 0.2 }
            var last: ShapeEncoding?
            let alongside: ((LoudnessMaster.Alignment) throws -> BlockSink)? = mine.contains(where: \.isLossy) ? nil : { candidate in
                last = try ShapeEncoding(source, candidate, as: mine, to: paths, in: transaction, analyse: analysesProcessed(shape),
                                         curves: curves, replacing: true, tagging: tagging, pool: pool, progress: progress, alongsideAlignment: true)
                return last!
            }
            let alignment = try LoudnessMaster.align(source, measurement: measured, target: target, ceiling: ceiling - headroom(mine),
                                                     verified: verified, pool: pool, alongside: alongside)
            // The last pass's files serve when they hold the processing kept (the same gain and
            // limiter; an earlier candidate kept, or none tried by a pass, means one pass more).
            let kept = last.flatMap { $0.alignment.gainDB == alignment.gainDB && $0.alignment.limiterCeilingDB == alignment.limiterCeilingDB ? $0 : nil }
            return (alignment, kept)
        }
        let first = Swift.Result { try align(shapes[order[0]]) }
        let delivered = try pool.map(order.count) { o -> (alignment: LoudnessMaster.Alignment, outputs: [EncodedOutput], analysis: Analysed?,
                                                          loudness: [LoudnessMaster.FormatLoudness]) in
            let shape = shapes[order[o]]
            let source = sources[shape]!, measured = measurements[shape]!, mine = mine(shape)
            let aligned = try o == 0 ? first.get() : align(shape)
            var alignment = aligned.alignment
            let reportsHere = analyse && shape == reported
            var (outputs, analysis) = try aligned.encoded.map { try $0.outputs(alignment) }
                ?? encode(source, measured, alignment, as: mine, to: paths, in: transaction, analyse: analysesProcessed(shape), curves: curves,
                          replacing: true, tagging: tagging, pool: pool, progress: progress)
            // A lossless file holds the processed signal its alignment measured; a lossy one is
            // what it decodes to. The reported figures are the lossless files', or with lossy
            // files alone the first one's (below).
            var loudness = mine.map {
                LoudnessMaster.FormatLoudness(endFormat: $0, integratedLufs: alignment.integratedLufs, truePeakDbtp: alignment.truePeakDbtp,
                                              isReported: shape == reported && !$0.isLossy)
            }
            for (i, format) in mine.enumerated() where format.isLossy {
                let checked = try check(format, output: outputs[i], alignment: alignment, source: source, measured: measured, paths: paths,
                                        transaction: transaction, target: target, ceiling: ceiling,
                                        analyse: reportsHere && lossyOnly(shape) && i == 0, curves: curves, tagging: tagging, pool: pool)
                outputs[i] = checked.output
                analysis = analysis ?? checked.analysis
                (loudness[i].integratedLufs, loudness[i].truePeakDbtp) = (checked.decoded.integrated, checked.decoded.truePeakDbtp)
                loudness[i].isReported = shape == reported && lossyOnly(shape) && i == 0
                // Lossy formats alone: what was reached is what the first decodes to.
                if lossyOnly(shape) && i == 0 {
                    let (loudness, peak) = (checked.decoded.integrated, checked.decoded.truePeakDbtp)
                    (alignment.integratedLufs, alignment.truePeakDbtp) = (loudness, peak)
                    alignment.reachedTarget = loudness.map { abs($0 - target) <= 0.5 } == true && (peak ?? -100) <= ceiling
                }
            }
            return (alignment, outputs, analysis, loudness)
        }
        var byFormat = [EndFormat: (output: EncodedOutput, loudness: LoudnessMaster.FormatLoudness)]()
        var result = Result(outputs: [], alignment: nil, analysis: nil, curves: nil)
        for (o, value) in delivered.enumerated() {
            let shape = shapes[order[o]]
            for (output, loudness) in zip(value.outputs, value.loudness) { byFormat[output.endFormat] = (output, loudness) }
            if shape == reported { (result.alignment, result.analysis, result.curves) = (value.alignment, value.analysis?.analysis, value.analysis?.curves) }
        }
        result.outputs = formats.map { byFormat[$0]!.output }
        result.loudness = formats.map { byFormat[$0]!.loudness }
        return result
    }

    /// Whole-buffer delivery of an already mastered or chained programme.
    public static func encode(_ master: AudioBuffer, as formats: [EndFormat], to paths: [EndFormat: String],
                              in transaction: OutputTransaction, target: Double, ceiling: Double, pool: WorkerPool = .serial) throws -> [EncodedOutput] {
        try deliver(BufferSource(master), as: formats, to: paths, in: transaction, target: target, ceiling: ceiling, spillDirectory: nil, pool: pool).outputs
    }

    /// Every format as it is, without loudness alignment (`mixdown encode`): the same one
    /// pass that conforms a programme to every shape feeds each shape's encoders directly.
    public static func encodeAsIs(_ source: BlockSource, as formats: [EndFormat], to paths: [EndFormat: String],
                                  in transaction: OutputTransaction, pool: WorkerPool = .serial) throws -> [EncodedOutput] {
        let shapes = Shape.all(formats)
        let temporaries = try formats.map { try transaction.temporaryPath(for: paths[$0]!) }
        let lanes = try shapes.map { shape in
            let mine = formats.indices.filter { Shape(formats[$0]) == shape }
            return EncoderFan(try mine.map {
                try AudioEncoder.stream(formats[$0], frames: SampleTime.rescale(source.frameCount, from: source.sampleRate, to: shape.rate),
                                        to: temporaries[$0])
            }, meter: mine.contains { formats[$0].isBroadcastWave } ? ProgrammeMeter(sampleRate: shape.rate, channels: shape.channels, pool: pool) : nil)
        }
        try conform(source, to: shapes, formats: formats, into: lanes, pool: pool, progress: nil)
        for (lane, shape) in zip(lanes, shapes) {
            try lane.finish()
            guard var meter = lane.meter else { continue }
            let loudness = broadcastLoudness(meter.finish())
            for i in formats.indices where Shape(formats[i]) == shape && formats[i].isBroadcastWave {
                try BroadcastWave.setLoudness(loudness, in: temporaries[i])
            }
        }
        return formats.indices.map { i in
            let shape = Shape(formats[i]), lane = lanes[shapes.firstIndex(of: shape)!]
            return EncodedOutput(endFormat: formats[i], path: paths[formats[i]]!, bytes: fileSize(temporaries[i]),
                                 sampleRate: shape.rate, channels: shape.channels, samples: lane.frames)
        }
    }

    /// The programme conformed to each shape, spilled (or kept in memory) and measured.
    static func conform(_ chained: BlockSource, to shapes: [Shape], formats: [EndFormat], spillDirectory: String?, pool: WorkerPool,
                        progress: (@Sendable (Double) throws -> Void)?) throws
        -> [(BlockSource, ProgrammeMeter.Measurement)] {
        let lanes = try shapes.map { shape in
            MeteredSink(try spillDirectory.map { try SpillFile(directory: $0, sampleRate: shape.rate, channels: shape.channels) }
                            ?? MemorySink(sampleRate: shape.rate, channels: shape.channels),
                        meter: ProgrammeMeter(sampleRate: shape.rate, channels: shape.channels, pool: pool))
        }
        try conform(chained, to: shapes, formats: formats, into: lanes, pool: pool, progress: progress)
        return try lanes.map { lane in
            try lane.finish()
            return (lane.sink, lane.meter.finish())
        }
    }

    /// The one pass every delivery starts with: `source` conformed to each shape (channel
    /// mix, then streaming resampling that keeps what the shape's encoders keep), the shapes
    /// side by side, each shape's blocks handed to its sink (not finished here).
    static func conform(_ source: BlockSource, to shapes: [Shape], formats: [EndFormat], into sinks: [any BlockSink],
                        pool: WorkerPool, progress: (@Sendable (Double) throws -> Void)?) throws {
        var conformers = try shapes.map { shape in
            try ShapeConformer(from: source.sampleRate, to: shape.channels, rate: shape.rate, keep: shape.keptBandwidth(formats),
                               capacity: LoudnessMaster.blockFrames, pool: pool)
        }
        var position = 0
        var block = AudioBlock(channels: source.channelCount, capacity: LoudnessMaster.blockFrames)
        repeat {
            try progress?(0)
            try source.read(from: position, into: &block)
            position += block.frames
            let last = position >= source.frameCount
            let input = block
            try conformers.withUnsafeMutableBufferPointer { conformers in
                try pool.forEach(conformers.count) { (l: Int) throws in
                    try sinks[l].consume(try conformers[l].process(input, last: last))
                }
            }
        } while position < source.frameCount
    }

    /// One processing pass: limiter, then every encoder of this shape.
    static func encode(_ source: BlockSource, _ measured: ProgrammeMeter.Measurement, _ alignment: LoudnessMaster.Alignment,
                       as formats: [EndFormat], to paths: [EndFormat: String], in transaction: OutputTransaction,
                       analyse: Bool, curves: Bool = true, replacing: Bool = false, tagging: Tagging? = nil, pool: WorkerPool,
                       progress: (@Sendable (Double) throws -> Void)? = nil) throws -> ([EncodedOutput], Analysed?) {
        let encoding = try ShapeEncoding(source, alignment, as: formats, to: paths, in: transaction, analyse: analyse, curves: curves,
                                         replacing: replacing, tagging: tagging, pool: pool, progress: progress)
        try LoudnessMaster.limited(source, alignment, blockPeaks: measured.blockPeaks, pool: pool) { try encoding.consume($0) }
        try encoding.finish()
        return try encoding.outputs(alignment)
    }

    /// A shape's encoders (and the report's analysis, and a WAV's loudness meter) fed one
    /// processing pass at `alignment`: by `encode`, or alongside an alignment's own pass
    /// through the limiter at that candidate.
    final class ShapeEncoding: BlockSink {
        let alignment: LoudnessMaster.Alignment
        let formats: [EndFormat]
        let paths: [EndFormat: String]
        let temporaries: [String]
        let encoders: [any BlockSink]
        var analysis: AnalysisAccumulator?
        var meter: ProgrammeMeter?
        let frames: Int
        var done = 0
        let progress: (@Sendable (Double) throws -> Void)?

        init(_ source: BlockSource, _ alignment: LoudnessMaster.Alignment,
             as formats: [EndFormat], to paths: [EndFormat: String], in transaction: OutputTransaction,
             analyse: Bool, curves: Bool, replacing: Bool, tagging: Tagging?, pool: WorkerPool,
             progress: (@Sendable (Double) throws -> Void)?, alongsideAlignment: Bool = false) throws {
            if replacing { for f in formats { transaction.discard(paths[f]!) } }
            (self.alignment, self.formats, self.paths, self.progress, frames) = (alignment, formats, paths, progress, source.frameCount)
            temporaries = try formats.map { try transaction.temporaryPath(for: paths[$0]!) }
            encoders = try zip(formats, temporaries).map { try AudioEncoder.stream($0, frames: source.frameCount, tagging: tagging, to: $1) }
            analysis = analyse ? AnalysisAccumulator(sampleRate: source.sampleRate, channels: source.channelCount, expectedFrames: source.frameCount,
                                                     curves: curves, pool: pool) : nil
            // WAVs carry their measured loudness (BWF bext): what aligning measured of exactly
            // this processing, or the report's own analysis, or else measured here on what they
            // hold. (Alongside an alignment's pass, that pass's measurement is the output of the
            // alignment it makes.)
            meter = formats.contains(where: \.isBroadcastWave) && analysis == nil && alignment.output == nil && !alongsideAlignment
                ? ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, pool: pool) : nil
        }

        func consume(_ block: AudioBlock) throws {
            done += block.frames
            try progress?(Double(done) / Double(max(1, frames)))
            for e in encoders { try e.consume(block) }
            analysis?.process(block)
            meter?.process(block)
        }

        func finish() throws { for e in encoders { try e.finish() } }

        /// The files as written (finished), with `kept`: the alignment whose processing they hold.
        func outputs(_ kept: LoudnessMaster.Alignment) throws -> ([EncodedOutput], Analysed?) {
            let analysed = analysis.map { var a = $0; return Analysed(a.finish()) }
            let broadcast = formats.indices.filter { formats[$0].isBroadcastWave }
            if !broadcast.isEmpty, let delivered = analysed?.measurement ?? kept.output ?? meter.map({ var m = $0; return m.finish() }) {
                for i in broadcast { try BroadcastWave.setLoudness(Delivery.broadcastLoudness(delivered), in: temporaries[i]) }
            }
            let outputs = zip(formats, temporaries).map { f, t in
                EncodedOutput(endFormat: f, path: paths[f]!, bytes: Delivery.fileSize(t), sampleRate: f.sampleRate, channels: f.channels, samples: frames)
            }
            return (outputs, analysed)
        }
    }


    /// A WAV delivery's bext loudness: what its blocks measured.
    static func broadcastLoudness(_ m: ProgrammeMeter.Measurement) -> BroadcastWave.Loudness {
        BroadcastWave.Loudness(integrated: m.profile.integrated, range: m.profile.loudnessRange, truePeak: m.truePeakDbtp,
                               momentaryMax: m.profile.momentaryMax, shortTermMax: m.profile.shortTermMax)
    }

    /// MP3 decoders legitimately differ within the codec's noise, and at low bitrates that
    /// moves the decoded true peak by up to ~0.4 dB (measured: mpg123 and ffmpeg on the same
    /// 48 kbps file). The decoded peak is held under the ceiling by a margin for that.
    /// Custom MP3s at 64 kbps or less are held like those, and so is any lossy file under
    /// 32 kHz: there the decoded true peak moves as much between decoders and meters (a 32 kbps
    /// AAC at 22.05 kHz read 0.4 dB higher in ffmpeg's meter than in ours on a fresh machine).
    static func decoderMargin(_ format: EndFormat) -> Double {
        if format.isLossy && format.sampleRate < 32_000 { return 0.5 }
        switch format.codec {
        case .mp3CBR(let kbps), .mp3ABR(let kbps): return kbps <= 64 ? 0.5 : 0.2
        case .mp3VBR(let quality): return quality >= 8 ? 0.5 : 0.2
        default: return 0.2
        }
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
        // Custom encodings at low bit rates per channel aim lower, between V4's and V6's
        // allowance, so the first encode usually passes; the decoded check corrects the rest.
        case .aac(let kbps) where kbps / format.channels < 48: return 0.5
        case .mp3CBR(let kbps) where kbps / format.channels < 64, .mp3ABR(let kbps) where kbps / format.channels < 64: return 0.5
        default: return 0.2
        }
    }

    /// How far a decoded lossy file may read from the target before it is encoded again (LU).
    /// Under 32 kHz, BS.1770 meters disagree with each other by up to 0.2 LU, because each
    /// derives its K-weighting for the rate its own way: on the 30 s spot as a 16 kbps MP3 at
    /// 8 kHz, libebur128 reads -14.15 LUFS at the file's rate and -14.36 on the same decode
    /// upsampled to 48 kHz, where ours reads -14.35 both ways. Such files are held nearer the
    /// target, so every meter reads them within 0.5 LU of it; they are cheap to encode again.
    static func loudnessTolerance(_ format: EndFormat) -> Double { format.sampleRate < 32_000 ? 0.15 : 0.3 }

    /// How many times a lossy format is encoded again towards its target. Two were enough for
    /// the presets; a 32 kbps AAC at 22.05 kHz under 10 dB of limiting still rose 0.4 dB over
    /// the ceiling after two, and converges within four.
    static let checkAttempts = 4

    /// Decodes a lossy file as a player would and, where it misses the target or the ceiling,
    /// aligns that format again towards a target corrected by the codec's own loss.
    /// With `analyse`, also the full analysis of the file as finally decoded.
    static func check(_ format: EndFormat, output: EncodedOutput, alignment first: LoudnessMaster.Alignment, source: BlockSource,
                      measured: ProgrammeMeter.Measurement, paths: [EndFormat: String], transaction: OutputTransaction, target: Double,
                      ceiling: Double, analyse: Bool = false, curves: Bool = true, tagging: Tagging? = nil, pool: WorkerPool) throws
        -> (output: EncodedOutput, analysis: Analysed?, decoded: ProgrammeMeter.Measurement) {
        let margin = decoderMargin(format)
        let decodedCeiling = ceiling - margin   // what a player's decode must stay under
        let tolerance = loudnessTolerance(format)
        var aim = target, overshoot = codecOvershoot(format), peakLimit = decodedCeiling - overshoot
        // The masters' true peaks (before encoding) known to decode over the ceiling, and under
        // it but short of the target because the limiter had no more to give.
        var overAt: Double?, underAt: Double?
        var output = output
        var analysis: Analysed?
        /// The file as a player decodes it (with `analyse`, fully analysed).
        func decode() throws -> ProgrammeMeter.Measurement {
            let path = try transaction.pendingPath(for: paths[format]!)
            if analyse {
                var accumulator = AnalysisAccumulator(sampleRate: format.sampleRate, channels: format.channels, expectedFrames: output.samples,
                                                      curves: curves, pool: pool)
                _ = try AudioFileReader.stream(path) { accumulator.process($0) }
                let finished = accumulator.finish()
                analysis = Analysed(finished)
                return finished.measurement
            }
            // The decoded file's loudness and true peak are checked, not limited: no block peaks.
            var meter = ProgrammeMeter(sampleRate: format.sampleRate, channels: format.channels, blockPeaks: false, pool: pool)
            _ = try AudioFileReader.stream(path) { meter.process($0) }
            return meter.finish()
        }
        func encode(_ alignment: LoudnessMaster.Alignment) throws {
            output = try Delivery.encode(source, measured, alignment, as: [format], to: paths, in: transaction, analyse: false, replacing: true,
                                         tagging: tagging, pool: pool).0[0]
        }
        /// Under the decoded ceiling first; of two under it, the nearer the target; of two over
        /// it, the lower peak (the ceiling is the promise a delivery keeps first).
        func better(_ a: (loudness: Double, peak: Double), than b: (loudness: Double, peak: Double)) -> Bool {
            let under = (a.peak <= decodedCeiling, b.peak <= decodedCeiling)
            if under.0 != under.1 { return under.0 }
            return under.0 ? abs(a.loudness - target) < abs(b.loudness - target) : a.peak < b.peak
        }
        var current = first
        var best: (alignment: LoudnessMaster.Alignment, loudness: Double, peak: Double, attempt: Int)?
        var attempt = 0
        while true {
            let decoded = try decode()
            let loudness = decoded.integrated ?? target, peak = decoded.truePeakDbtp ?? -100
            if best.map({ better((loudness, peak), than: ($0.loudness, $0.peak)) }) ?? true { best = (current, loudness, peak, attempt) }
            if abs(loudness - target) <= tolerance && peak <= decodedCeiling { return (output, analysis, decoded) }
            if attempt == Self.checkAttempts {
                // Not converged (a codec at a very low bitrate whose peaks move with every
                // encode): the best attempt is delivered, not merely the last.
                guard let best, best.attempt != attempt else { return (output, analysis, decoded) }
                try encode(best.alignment)
                return (output, analysis, try decode())
            }
            attempt += 1
            // What the codec did to this attempt, against what the master measured before
            // encoding it: the loudness it took away and how far it lifted the true peak. The
            // next aim comes from that loss, not from adding up misses: adding them up also
            // added each alignment's own error (up to 0.2 LU), and under heavy limiting the
            // check wandered around the target instead of reaching it.
            let aligned = (loudness: current.integratedLufs ?? aim, peak: current.truePeakDbtp ?? current.limiterCeilingDB)
            let saturated = aligned.loudness < aim - 0.1   // the limiter could not give the loudness asked
            aim = target + (aligned.loudness - loudness)
            overshoot = max(overshoot, peak - aligned.peak)
            if peak > decodedCeiling {
                overAt = min(overAt ?? aligned.peak, aligned.peak)
            } else if loudness < target - tolerance && saturated && overAt != nil {
                underAt = max(underAt ?? aligned.peak, aligned.peak)
            }
            if let over = overAt, let under = underAt, under < over - 0.1 {
                // Between a master whose file went over the ceiling and one that stayed under
                // it but could not be made loud enough: halve the interval (align's limiter sits
                // 0.1 dB under the ceiling it is given).
                peakLimit = (over + under) / 2 + 0.1
            } else if peak > decodedCeiling {
                // The limiter aims under the ceiling by the largest lift seen so far, so a peak
                // that moves from encode to encode is not chased one step at a time.
                peakLimit = min(peakLimit - 0.05, decodedCeiling - overshoot - 0.05)
            }
            current = try LoudnessMaster.align(source, measurement: measured, target: aim, ceiling: peakLimit, tolerance: 0.05, pool: pool)
            try encode(current)
        }
    }
}

/// A shape's conformed blocks to every encoder of that shape, counted.
final class EncoderFan: BlockSink {
    let encoders: [any BlockSink]
    /// Measures what the encoders are given, when a WAV among them needs its loudness.
    var meter: ProgrammeMeter?
    private(set) var frames = 0
    init(_ encoders: [any BlockSink], meter: ProgrammeMeter? = nil) { (self.encoders, self.meter) = (encoders, meter) }
    func consume(_ block: AudioBlock) throws {
        meter?.process(block)
        frames += block.frames
        for e in encoders { try e.consume(block) }
    }
    func finish() throws { for e in encoders { try e.finish() } }
}

/// A shape's conformed blocks kept (spilled or in memory) and measured as they pass.
final class MeteredSink: BlockSink {
    let sink: BlockSink & BlockSource
    var meter: ProgrammeMeter
    init(_ sink: BlockSink & BlockSource, meter: ProgrammeMeter) { (self.sink, self.meter) = (sink, meter) }
    func consume(_ block: AudioBlock) throws {
        meter.process(block)
        try sink.consume(block)
    }
    func finish() throws { try sink.finish() }
}
