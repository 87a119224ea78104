import Foundation
import MixdownCore
import MixdownDelivery
import MixdownDSP
import MixdownHybrid
import MixdownIO
import MixdownMaster
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

/// The passes a render makes over its plan and its mix, each streaming in blocks.
extension Pipeline {
    /// Pass 1 over the plan: the speech bus alone (no room tone), whose activity the duck follows.
    /// Rendering the next block overlaps measuring the last.
    static func duckCurve(_ renderer: BusRenderer, depthDB: Double, blockFrames: Int, pool: WorkerPool,
                          progress: (Double) throws -> Void) throws -> Ducker.Curve {
        var renderer = renderer
        var levels = Ducker.Levels(rate: renderer.plan.sampleRate)
        var none: AudioBlock?
        var none2: AudioBlock?
        var position = 0
        let total = renderer.plan.totalSamples
        try Pipelined.run(channels: 2, capacity: blockFrames, pool: pool, produce: { speech in
            guard position < total else { return false }
            try progress(Double(position) / Double(total))
            let n = min(blockFrames, total - position)
            try renderer.render(at: position, frames: n, speech: &speech, inserts: &none, music: &none2)
            position += n
            return true
        }, consume: { levels.process($0) })
        return Ducker(depthDB: depthDB).curve(levels)
    }

    struct Mix {
        var spill: any BlockSink & BlockSource
        var decisions: MasterChain.Decisions
        var kept: MasterChain.KeptBands?
        var analysis: AudioAnalysis
    }

    /// Pass 2 over the plan: speech (with room tone) through the speech chain, inserts as they
    /// are, the bed at the preset's level and ducked; summed, spilled, analysed (the report's
    /// input), measured for the master chain's decisions, and written as stems when asked.
    static func mixdown(_ renderer: BusRenderer, plan: TimelinePlan, hybrid: HybridMatching?, duck: Ducker.Curve,
                        settings: MasteringSettings, request: RenderRequest, transaction: OutputTransaction) throws -> Mix {
        var renderer = renderer
        let rate = plan.sampleRate, frames = request.blockFrames
        // A short programme's centred bands are kept (in a spill file beside the mix's: three
        // times the mix) for the chain's pass, which then need not centre and split the mix
        // again; the mix is then read only when the chain decides not to centre. A long
        // programme's bands would cost more disk than the split costs time.
        let keep = plan.totalSamples <= MasterChain.KeptBands.longest && settings.multibandRatio > 1
        let spill = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
        var chain = SpeechChain.Stream(settings: settings, rate: rate, channels: 2)
        let bands = keep ? try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 6) : nil
        var analyzer = MasterChain.Analyzer(settings: settings, rate: rate, channels: 2, keepBands: bands, pool: request.pool)
        // The report's input figures; nothing draws the mix's curves.
        var input = AnalysisAccumulator(sampleRate: rate, channels: 2, expectedFrames: plan.totalSamples, curves: false, pool: request.pool)
        let room = hybrid.map { HybridMatching.RoomLayer($0, plan: plan) }
        var stems = [any BlockSink]()
        if let folder = request.stemsDirectory {
            try transaction.makeFolder(folder)
            stems = try ["speech", "music", "mix"].map {
                try AudioFileWriter.floatWAVStream(to: try transaction.temporaryPath(for: "\(folder)/\($0).wav"), sampleRate: rate, channels: 2)
            }
        }
        // One block's buses: the speech (chained, with the inserts), the ducked bed, their sum.
        struct Buses {
            var speech: AudioBlock
            var music: AudioBlock?
            var mixed: AudioBlock
        }
        var inserts: AudioBlock? = AudioBlock(channels: 2, capacity: frames)
        var gains = [Float](repeating: 1, count: frames), tone = [Float](), toneGains = [Float]()
        let bed = Float(pow(10, settings.bedLevelDB / 20))
        var position = 0
        // Rendering block k + 1 overlaps spilling and measuring block k.
        try Pipelined.run(make: {
            Buses(speech: AudioBlock(channels: 2, capacity: frames), music: AudioBlock(channels: 2, capacity: frames),
                  mixed: AudioBlock(channels: 2, capacity: frames))
        }, pool: request.pool, produce: { buses in
            guard position < plan.totalSamples else { return false }
            try request.control.step(.rendering, 0.3 + 0.7 * Double(position) / Double(plan.totalSamples))
            let n = min(frames, plan.totalSamples - position)
            try renderer.render(at: position, frames: n, speech: &buses.speech, inserts: &inserts, music: &buses.music)
            room?.add(to: &buses.speech, at: position, tone: &tone, gains: &toneGains)
            chain.process(&buses.speech)
            buses.speech.add(inserts!)
            gains.withUnsafeMutableBufferPointer { duck.gains(from: position, into: UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
            for c in 0..<2 {
                buses.music!.channels[c].withUnsafeMutableBufferPointer { m in for i in 0..<n { m[i] *= bed * gains[i] } }
            }
            buses.mixed.copy(from: buses.speech)
            buses.mixed.add(buses.music!)
            position += n
            return true
        }, consume: { buses in
            if !stems.isEmpty {
                try stems[0].consume(buses.speech)
                try stems[1].consume(buses.music!)
                try stems[2].consume(buses.mixed)
            }
            try spill.consume(buses.mixed)
            try analyzer.process(buses.mixed)
            input.process(buses.mixed)
        })
        for s in stems { try s.finish() }
        return Mix(spill: spill, decisions: analyzer.decisions, kept: analyzer.kept, analysis: input.finish().analysis)
    }

    struct Chained {
        var spill: any BlockSink & BlockSource
        var measurement: ProgrammeMeter.Measurement?
    }

    /// The master chain over the spilled mix, spilled (and measured, when asked).
    static func masterChain(_ mix: any BlockSource, decisions: MasterChain.Decisions, kept: MasterChain.KeptBands?, settings: MasteringSettings, measure: Bool,
                            request: RenderRequest) throws -> Chained {
        let out = try SpillFile(directory: request.temporaryDirectory, sampleRate: mix.sampleRate, channels: mix.channelCount)
        var meter = measure ? ProgrammeMeter(sampleRate: mix.sampleRate, channels: mix.channelCount, pool: request.pool) : nil
        var done = 0
        try MasterChain.run(mix, settings: settings, decisions: decisions, kept: kept, blockFrames: request.blockFrames, pool: request.pool) { block in
            done += block.frames
            try request.control.step(.mastering, Double(done) / Double(max(1, mix.frameCount)))
            meter?.process(block)
            try out.consume(block)
        }
        return Chained(spill: out, measurement: meter?.finish())
    }
}
