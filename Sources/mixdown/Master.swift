import ArgumentParser
import Dispatch
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownScript

struct Master: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Master a finished mix to a loudness target under a true-peak ceiling, and deliver it.")

    enum Preset: String, ExpressibleByArgument, CaseIterable { case streaming, loud, reference }

    @Argument(help: "The mix to master (any readable audio file).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file; with several formats a folder or a stem of a name.")
    var output: String

    @Option(help: "streaming (clean, dynamic), loud (dense, punchy, controlled distortion) or reference (match --reference).")
    var preset: Preset = .streaming

    @Option(help: "With --preset reference: the track whose tonal balance and loudness to match.")
    var reference: String?

    @Option(name: .customLong("end-format"), help: "Delivery format (repeatable). Default: from OUT's extension.")
    var endFormats: [EndFormat] = []

    @Option(name: .customLong("loudness-preset"), help: "streaming, podcast, ebu-r128, broadcast, atsc-a85.")
    var loudnessPreset: String?

    @Option(name: .customLong("target-lufs"), parsing: .unconditional, help: "Integrated loudness target (overrides the preset).")
    var targetLufs: Double?

    @Option(name: .customLong("true-peak"), parsing: .unconditional, help: "True-peak ceiling in dBTP (overrides the preset).")
    var truePeak: Double?

    @Option(help: "Write the analysis before and after, and warnings, as JSON.")
    var report: String?

    func run() throws {
        let loudness: LoudnessPreset
        if let name = loudnessPreset {
            guard let p = LoudnessPreset(rawValue: name) else {
                throw MixdownError.usage("--loudness-preset: unknown value '\(name)' (one of \(LoudnessPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            loudness = p
        } else {
            loudness = .streaming
        }
        if preset == .reference && reference == nil { throw MixdownError.usage("--preset reference needs --reference REF") }
        if preset != .reference && reference != nil { throw MixdownError.usage("--reference goes with --preset reference") }
        // The reference, decoded like the input; its loudness is the target unless one is given.
        let pool = WorkerPool.machine()
        let referenceMix = try reference.map { try AudioDecoder.decodeForMix($0, pool: pool) }
        let referenceLoudness = referenceMix.flatMap { AudioAnalysis.analyze($0, pool: pool).integratedLufs }
        let target = targetLufs ?? (loudnessPreset == nil ? referenceLoudness : nil) ?? loudness.integrated
        let ceiling = truePeak ?? loudness.truePeak
        guard (-70.0...0).contains(target), (-20.0...0).contains(ceiling) else {
            throw MixdownError.usage("--target-lufs must be within −70…0 and --true-peak within −20…0")
        }
        var formats = endFormats
        if formats.isEmpty {
            guard let f = EndFormat.forExtension(URL(fileURLWithPath: output).pathExtension) else {
                throw MixdownError.usage("cannot tell the format from '\(output)': give --end-format (one of \(EndFormat.names))")
            }
            formats = [f]
        }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let paths = AudioEncoder.outputPaths(for: formats, output: output, inputStem: stem)
        try OutputTransaction.checkTargets(formats.map { paths[$0]! } + (report.map { [$0] } ?? []))
        let decoded = try AudioFileReader.read(input)
        let mix = try Resampler.resample(ChannelMix.toStereo(decoded.audio, roles: decoded.roles), to: SampleTime.renderRate, pool: pool)
        var source = mix
        var spectralDistance: (before: Double, after: Double)?
        if let referenceMix {
            let matched = ReferenceMatch.match(mix, to: referenceMix)
            source = matched.audio
            spectralDistance = (matched.distanceBefore, matched.distanceAfter)
        }
        let settings = MasteringSettings.preset(preset == .reference ? "streaming" : preset.rawValue)!
        let transaction = OutputTransaction()
        // The chain, then one delivery pass that aligns loudness under the ceiling per shape.
        let input = BufferSource(source)
        let chained = MemorySink(sampleRate: source.sampleRate, channels: source.channelCount, capacity: source.frameCount)
        var meter = ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, pool: pool)
        // The input's checks (the full analysis only for a report; the warnings need the true
        // peak and correlation) run beside the chain's first pass.
        final class Checks: @unchecked Sendable { var before: AudioAnalysis?; var peak: Double?; var correlation: Double?; var clipped = 0 }
        let checks = Checks()
        var decisions: MasterChain.Decisions?
        try pool.forEach(2) { (job: Int) throws in
            if job == 0 {
                checks.before = report != nil ? AudioAnalysis.analyze(mix, pool: pool) : nil
                (checks.peak, checks.correlation) = checks.before.map { ($0.truePeakDbtp, $0.stereoCorrelation) }
                    ?? AudioAnalysis.truePeakAndCorrelation(mix, pool: pool)
                checks.clipped = Clipping.runs(in: mix)
            } else {
                decisions = try MasterChain.analyze(input, settings: settings, pool: pool)
            }
        }
        let before = checks.before
        var warnings = [String]()
        if let peak = checks.peak, peak > 0 { warnings.append(String(format: "input too hot: true peak %+.1f dBTP", peak)) }
        if checks.clipped > 0 { warnings.append("clipped input: \(checks.clipped) runs of 3 or more samples at full scale") }
        if let c = checks.correlation, c < 0 { warnings.append(String(format: "mono issues: the channels are out of phase (correlation %.2f)", c)) }
        try MasterChain.run(input, settings: settings, decisions: decisions!, pool: pool) {
            meter.process($0)
            try chained.consume($0)
        }
        let delivered = try Delivery.deliver(chained, measurement: meter.finish(), as: formats, to: paths, in: transaction, target: target, ceiling: ceiling,
                                             spillDirectory: temporaryDirectory(), analyse: report != nil, pool: pool)
        let outputs = delivered.outputs
        if let mastered = delivered.alignment {
            if mastered.limiting > 6 {
                warnings.append(String(format: "target unreachable without crushing: up to %.1f dB of limiting for %.1f LUFS", mastered.limiting, target))
            }
            if !mastered.reachedTarget, let i = mastered.integratedLufs {
                warnings.append(String(format: "delivered %.1f LUFS for a target of %.1f", i, target))
            }
        }
        if let report {
            let object = MasterReport(preset: preset.rawValue, loudnessTarget: target, truePeakLimit: ceiling, input: before!,
                                      output: delivered.analysis!, warnings: warnings, outputs: outputs,
                                      spectralDistanceBeforeDb: spectralDistance?.before, spectralDistanceAfterDb: spectralDistance?.after)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(object).write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: report)))
        }
        try transaction.commit()
        for o in outputs { print("\(o.path)  \(o.endFormat.rawValue)  \(o.samples) samples at \(o.sampleRate) Hz  \(o.bytes) bytes") }
        for w in warnings { FileHandle.standardError.write(Data("mixdown: warning: \(w)\n".utf8)) }
    }
}

struct MasterReport: EncodesEveryKey {
    var preset: String
    var loudnessTarget: Double
    var truePeakLimit: Double
    var input: AudioAnalysis
    var output: AudioAnalysis
    var warnings: [String]
    var outputs: [EncodedOutput]
    /// With --preset reference: octave-band distance of the mid to the reference (dB RMS).
    var spectralDistanceBeforeDb: Double?
    var spectralDistanceAfterDb: Double?
}

enum Clipping {
    /// Runs of three or more consecutive samples at (or within 0.01 dB of) full scale.
    static func runs(in buffer: AudioBuffer) -> Int {
        var count = 0
        for ch in buffer.channels {
            var run = 0
            for v in ch {
                if abs(v) >= 0.9988 { run += 1 } else { if run >= 3 { count += 1 }; run = 0 }
            }
            if run >= 3 { count += 1 }
        }
        return count
    }
}
