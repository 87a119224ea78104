import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing
@testable import MixdownMaster

/// A render keeps a short programme's centred bands from the analysing pass, and the master
/// chain takes them instead of centring and splitting the mix again. That is only a saving if it
/// changes nothing: the chain's output must be bit for bit what it makes from the mix, with the
/// analysis and the chain in blocks of different sizes, with saturation (which holds frames
/// back) and without.
@Suite struct KeptBandsTests {
    /// Stereo noise whose channels differ (low side to centre), 2.3 s at 48 kHz.
    static let programme = Signals.noise(seconds: 2.3, rmsDBFS: -18, channels: 2, seed: 5)

    /// The bands kept in a spill file, as a render keeps them.
    static func chained(_ settings: MasteringSettings, keep: Bool) throws -> (audio: [[Float]], used: Bool) {
        let source = BufferSource(programme), folder = TemporaryFolder()
        let store = keep ? try SpillFile(directory: folder.path, sampleRate: 48_000, channels: 6) : nil
        var analyzer = MasterChain.Analyzer(settings: settings, rate: 48_000, channels: 2, keepBands: store)
        // The analysing pass sees the render's blocks (4,096 frames); the chain reads 65,536.
        try source.forEachBlock(capacity: 4_096) { try analyzer.process($0) }
        let decisions = analyzer.decisions
        let out = MemorySink(sampleRate: 48_000, channels: 2)
        try MasterChain.run(source, settings: settings, decisions: decisions, kept: analyzer.kept) { try out.consume($0) }
        let stream = MasterChain.Stream(settings: settings, rate: 48_000, channels: 2, decisions: decisions)
        return (out.buffer.channels, stream.canUse(analyzer.kept))
    }

    @Test(arguments: [("balanced", MasteringSettings.balanced), ("radio", MasteringSettings.radio)])
    func theChainFromKeptBandsIsTheChainFromTheMix(name: String, settings: MasteringSettings) throws {
        let fromMix = try Self.chained(settings, keep: false)
        let fromBands = try Self.chained(settings, keep: true)
        #expect(!fromMix.used)
        #expect(fromBands.used, "\(name): the kept bands were not used (the programme has low side to centre)")
        #expect(fromBands.audio[0].count == Self.programme.frameCount)
        #expect(fromBands.audio == fromMix.audio, "\(name): the chain's output changed")
    }

    @Test func aMonoCompatibleProgrammeIsChainedFromItsMix() throws {
        // Identical channels: nothing to centre, so the chain does not centre, and the bands the
        // analysis kept (centred) do not stand for its own.
        let mono = AudioBuffer(sampleRate: 48_000, channels: [Self.programme.channels[0], Self.programme.channels[0]])
        var analyzer = MasterChain.Analyzer(settings: .balanced, rate: 48_000, channels: 2, keepBands: MemorySink(sampleRate: 48_000, channels: 6))
        try BufferSource(mono).forEachBlock(capacity: 4_096) { try analyzer.process($0) }
        #expect(!analyzer.decisions.centre)
        #expect(!MasterChain.Stream(settings: .balanced, rate: 48_000, channels: 2, decisions: analyzer.decisions).canUse(analyzer.kept))
    }
}
