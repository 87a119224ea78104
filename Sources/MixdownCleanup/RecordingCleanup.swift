import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

/// Cleaning a speech recording (docs/cleanup.md), streamed over a source that can be read more
/// than once (a spill, a file, audio in memory), into a sink. Unless pauses are shortened, the
/// output has exactly the input's frames and lines up with it sample for sample: the
/// processors' latency is taken out.
///
/// Passes: (1) find the hum and measure the input (noise floor, and the noise's spectrum when
/// there is no hum to take out first); (2) with hum found, learn the noise's spectrum from the
/// recording with the hum removed (which waits in a spill for pass 3); (3) remove hum, clicks
/// and noise, measuring the phrases of the result when it is to be leveled or trimmed (it then
/// waits in a spill); (4) level and trim.
/// Memory: blocks, per-bin histograms, a quarter-second frequency track and 10 ms levels.
public enum RecordingCleanup {
    /// Before and after, for the report.
    public struct Figures: Sendable, Equatable, Decodable, EncodesEveryKey {
        /// The quiet end of the recording (5th percentile of 20 ms levels), dBFS.
        public var noiseFloorBeforeDb: Double
        public var noiseFloorAfterDb: Double
        /// The mains frequency found (nil: no hum) and the hum's level before and after, dBFS.
        public var humFrequency: Double?
        public var humBeforeDb: Double?
        public var humAfterDb: Double?
        /// The loudest phrase's loudness minus the quietest's (phrases of half a second or
        /// more), before and after leveling; nil with fewer than two such phrases.
        public var loudnessSpreadBeforeLU: Double?
        public var loudnessSpreadAfterLU: Double?
        /// Phrases found (with leveling or trimming).
        public var phrases: Int?
        /// Pauses shortened and the time that took out.
        public var pausesShortened: Int
        public var secondsRemoved: Double
        /// Mouth clicks repaired.
        public var clicksRemoved: Int
        /// The cleaned recording's length (the input's, unless pauses were shortened).
        public var frames: Int
    }

    /// What was asked for and could not act, one line each (a render warns `cleanupSkipped`;
    /// strict delivery refuses): a mains frequency named and not found, leveling or trimming
    /// with no phrase standing out of the recording's noise. `auto` finding no hum is no warning:
    /// it was asked to look.
    public static func warnings(_ figures: Figures, settings: CleanupSettings) -> [String] {
        var warnings = [String]()
        if case .mains(let f) = settings.dehum, figures.humFrequency == nil {
            warnings.append("dehum \(f): no \(f) Hz hum found, none removed")
        }
        if (settings.level || settings.trimPauses != nil) && figures.phrases == 0 {
            let steps = [settings.level ? "level" : nil, settings.trimPauses != nil ? "trimPauses" : nil].compactMap { $0 }
            warnings.append("\(steps.joined(separator: " and ")): no phrase stands out of the recording's noise, left as it was")
        }
        return warnings
    }

    public static let blockFrames = 16_384
    /// Pauses are joined over 20 ms.
    public static let trimCrossfade = 960

    /// Cleans `source` into `sink`. `spillDirectory`: where the spectral stage's output waits for
    /// leveling or trimming (nil: in memory, for short recordings).
    public static func clean(_ source: BlockSource, settings: CleanupSettings, into sink: BlockSink, spillDirectory: String?,
                             control: (Double) throws -> Void = { _ in }) throws -> Figures {
        let rate = source.sampleRate, channels = source.channelCount
        let denoising = settings.denoise > 0
        let bins = ShortTimeSpectrum(size: SpectralDenoiser.frameSize, channels: channels)

        // Pass 1: the hum, the floor and (hum or not) the noise's spectrum.
        var detector = settings.dehum != .off ? HumRemover.Detector(sampleRate: rate) : nil
        var floorBefore = LevelHistogram(sampleRate: rate)
        var profile = SpectralDenoiser.NoiseProfile(bins: bins.bins)
        try source.forEachBlock(capacity: blockFrames) { block in
            detector?.add(block)
            floorBefore.add(block)
            if denoising {
                var copy = block
                bins.push(&copy, resynthesise: false) { profile.add($0) }
            }
        }
        try control(0.25)
        var hum = detector?.result()
        if case .mains(let f) = settings.dehum, let found = hum, abs(found.frequency - Double(f)) > 1 { hum = nil }

        // Pass 2: with hum to remove, the noise is learnt without it (and without clicks). The
        // de-hummed recording is kept (in a spill) for pass 3, which so runs the remover once.
        var dehummed: (BlockSink & BlockSource)?
        if denoising, let hum {
            let remover = HumRemover.Stream(hum: hum, sampleRate: rate, channels: channels, total: source.frameCount)
            bins.reset()
            profile = SpectralDenoiser.NoiseProfile(bins: bins.bins)
            let store = try Self.store(spillDirectory, sampleRate: rate, channels: channels, frames: source.frameCount)
            // The remover's latency is taken out here too: its first `latency` samples are
            // silence, and in a short take (5 s of it in a 7 s recording) they would be the
            // quiet end of every bin's distribution — a noise profile of nothing.
            try Self.stream(source, latency: remover.latency, process: remover.process) { block in
                try store.consume(block)
                var copy = block
                bins.push(&copy, resynthesise: false) { profile.add($0) }
            }
            try store.finish()
            dehummed = store
        }
        try control(0.5)

        // Pass 3: hum (unless pass 2 took it), clicks and noise out; measured on the way out.
        let spectralInput: BlockSource = dehummed ?? source
        let remover = dehummed == nil ? hum.map { HumRemover.Stream(hum: $0, sampleRate: rate, channels: channels, total: source.frameCount) } : nil
        let declicker = settings.declick ? ClickRepair.Stream(sampleRate: rate, channels: channels) : nil
        let denoiser = denoising ? SpectralDenoiser.Stream(noise: profile.power(), strength: settings.denoise, channels: channels) : nil
        let spectral = remover != nil || declicker != nil || denoiser != nil
        let shaping = settings.level || settings.trimPauses != nil
        let measured = MeasuringSink(sink, sampleRate: rate, hum: hum?.frequency)
        if shaping { measured.phrases = Phrases.Meter(sampleRate: rate, channels: channels) }

        var phraseMeter = shaping ? Phrases.Meter(sampleRate: rate, channels: channels) : nil
        var between: (BlockSink & BlockSource)?
        if spectral {
            let next: BlockSink
            if shaping {
                let store = try Self.store(spillDirectory, sampleRate: rate, channels: channels, frames: source.frameCount)
                between = store
                next = store
            } else {
                next = measured
            }
            let latency = (remover?.latency ?? 0) + (declicker?.latency ?? 0) + (denoiser?.latency ?? 0)
            try Self.stream(spectralInput, latency: latency, process: { b in
                remover?.process(&b)
                declicker?.process(&b)
                denoiser?.process(&b)
            }, progress: { done in
                try control(0.5 + (shaping ? 0.25 : 0.5) * Double(done) / Double(max(1, source.frameCount)))
            }) { block in
                phraseMeter?.add(block)
                try next.consume(block)
            }
            try next.finish()
        } else if shaping {
            try source.forEachBlock(capacity: blockFrames) { phraseMeter!.add($0) }
        }

        // Pass 4: leveling and trimming, from the phrases of what the spectral stage left.
        var spreadBefore: Double?, spreadAfter: Double?, phraseCount: Int?
        var shortened = 0, removed = 0
        if shaping, let meter = phraseMeter {
            let phrases = meter.phrases()
            let gains = settings.level ? phrases.levelGains() : phrases.phrases.map { _ in 0.0 }
            (spreadBefore, phraseCount) = (phrases.spread(), phrases.phrases.count)
            let total = between?.frameCount ?? source.frameCount
            let segments = settings.trimPauses.map {
                phrases.keptSegments(longest: $0, totalSamples: total, sampleRate: rate, crossfade: trimCrossfade)
            } ?? [0..<total]
            shortened = segments.count - 1
            removed = total - (segments.reduce(0) { $0 + $1.count } - trimCrossfade * shortened)
            let pass = LevelAndTrim(curve: settings.level ? phrases.gainCurve(gains) : [], frameSamples: phrases.frameSamples,
                                    segments: segments, crossfade: trimCrossfade)
            let input: BlockSource
            if let between { input = between } else { input = source }
            try pass.run(input, into: measured, blockFrames: blockFrames)
        }
        try control(1)
        if let meter = measured.phrases { spreadAfter = meter.phrases().spread() }
        return Figures(noiseFloorBeforeDb: floorBefore.floor, noiseFloorAfterDb: measured.floor.floor,
                       humFrequency: hum?.frequency, humBeforeDb: hum?.levelDb, humAfterDb: measured.humLevel(),
                       loudnessSpreadBeforeLU: spreadBefore, loudnessSpreadAfterLU: spreadAfter, phrases: phraseCount,
                       pausesShortened: shortened, secondsRemoved: Double(removed) / Double(rate),
                       clicksRemoved: declicker?.repaired ?? 0, frames: measured.frames)
    }

    /// Where a whole pass's output waits for the next: a spill file, or memory for a short
    /// recording (no spill directory).
    static func store(_ spillDirectory: String?, sampleRate: Int, channels: Int, frames: Int) throws -> BlockSink & BlockSource {
        if let spillDirectory { return try SpillFile(directory: spillDirectory, sampleRate: sampleRate, channels: channels) }
        return MemorySink(sampleRate: sampleRate, channels: channels, capacity: frames)
    }

    /// `source` through `process`, which holds back `latency` samples: they are taken off the
    /// front and pushed out at the end with silence, so `emit` sees exactly the source's
    /// frames, aligned with it. `progress`: frames read so far.
    static func stream(_ source: BlockSource, latency: Int, process: (inout AudioBlock) -> Void,
                       progress: (Int) throws -> Void = { _ in }, emit: (AudioBlock) throws -> Void) throws {
        let channels = source.channelCount
        var output = LatencyTrim(latency: latency, total: source.frameCount, channels: channels, capacity: blockFrames)
        var done = 0
        try source.forEachBlock(capacity: blockFrames) { block in
            var b = block
            process(&b)
            try output.pass(b, to: emit)
            done += block.frames
            try progress(done)
        }
        if latency > 0 {
            var zeros = AudioBlock(channels: channels, capacity: latency)
            zeros.clear(frames: latency)
            process(&zeros)
            try output.pass(zeros, to: emit)
        }
    }

    /// A recording in memory (one channel), cleaned.
    public static func clean(_ samples: [Float], sampleRate: Int, settings: CleanupSettings) throws -> (samples: [Float], figures: Figures) {
        let sink = MemorySink(sampleRate: sampleRate, channels: 1, capacity: samples.count)
        let figures = try clean(BufferSource(AudioBuffer(sampleRate: sampleRate, channels: [samples])), settings: settings, into: sink,
                                spillDirectory: nil)
        return (sink.buffer.channels[0], figures)
    }
}

/// The cleaned stream on its way out: measured (floor, hum at the frequency found) and passed on.
final class MeasuringSink: BlockSink {
    let next: BlockSink
    var floor: LevelHistogram
    /// With leveling: the output's own phrases, for the spread after (measured, not predicted).
    var phrases: Phrases.Meter?
    var hum: HumRemover.Detector?
    let humFrequency: Double?
    var frames = 0

    init(_ next: BlockSink, sampleRate: Int, hum frequency: Double?) {
        self.next = next
        floor = LevelHistogram(sampleRate: sampleRate)
        humFrequency = frequency
        hum = frequency != nil ? HumRemover.Detector(sampleRate: sampleRate, tracking: false) : nil
    }

    func consume(_ block: AudioBlock) throws {
        floor.add(block)
        hum?.add(block)
        phrases?.add(block)
        frames += block.frames
        try next.consume(block)
    }

    func finish() throws { try next.finish() }

    func humLevel() -> Double? {
        guard var hum, let humFrequency else { return nil }
        return hum.level(at: humFrequency)
    }
}

/// Drops a stream's first `latency` frames and stops after `total`: a delayed stream back in line.
struct LatencyTrim {
    var toDrop: Int
    var remaining: Int
    var out: AudioBlock

    init(latency: Int, total: Int, channels: Int, capacity: Int) {
        toDrop = latency
        remaining = total
        out = AudioBlock(channels: channels, capacity: max(capacity, latency))
    }

    mutating func pass(_ block: AudioBlock, to sink: (AudioBlock) throws -> Void) throws {
        let skip = min(toDrop, block.frames)
        toDrop -= skip
        let n = min(block.frames - skip, remaining)
        guard n > 0 else { return }
        remaining -= n
        out.frames = n
        for c in 0..<block.channelCount {
            block.channels[c].withUnsafeBufferPointer { src in
                out.channels[c].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: src.baseAddress! + skip, count: n) }
            }
        }
        try sink(out)
    }
}

/// The 5th percentile of a stream's 20 ms levels (as `NoiseFloor.estimate`), from a histogram:
/// the same figure without keeping the levels.
struct LevelHistogram {
    static let lowest = -140.0, cell = 0.25, cells = 600
    let frame: Int
    var counts = [Int](repeating: 0, count: LevelHistogram.cells)
    var sum = 0.0, filled = 0, total = 0

    init(sampleRate: Int) { frame = sampleRate / 50 }

    mutating func add(_ block: AudioBlock) {
        let scale = 1 / Double(block.channelCount)
        for i in 0..<block.frames {
            var s = 0.0
            for c in 0..<block.channelCount { let x = Double(block.channels[c][i]); s += x * x }
            sum += s * scale
            filled += 1
            if filled == frame {
                let ms = sum / Double(frame)
                let db = ms > 1e-14 ? 10 * log10(ms) : Self.lowest
                counts[min(Self.cells - 1, max(0, Int((db - Self.lowest) / Self.cell)))] += 1
                total += 1
                (sum, filled) = (0, 0)
            }
        }
    }

    var floor: Double {
        guard total > 0 else { return Self.lowest }
        let target = total / 20
        var below = 0
        for (i, n) in counts.enumerated() {
            below += n
            if below > target { return Self.lowest + (Double(i) + 0.5) * Self.cell }
        }
        return 0
    }
}
