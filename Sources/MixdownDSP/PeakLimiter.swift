import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// A look-ahead peak limiter: gain never lets a sample (or, with `truePeak`, the signal between
/// samples, found by oversampling) exceed `ceiling`, reaches its floor over the look-ahead
/// window before the peak (no step, no click) and recovers with a release.
///
/// The required gain min(1, ceiling/|x|) is taken as a running minimum over the next `lookAhead`
/// samples, released smoothly upward, then averaged over `lookAhead` samples: since every value
/// in the window ending at a peak is at most the peak's required gain, so is their mean. That
/// holds for the stream's first samples too: the gain is computed from `lookAhead` positions
/// before the start, so a peak at the very start is limited like any other. In sample mode no
/// output sample exceeds `ceiling`, to the bit (with `hot` from `hotBlocks(peaks:gain:ceiling:)`,
/// as `limit` uses); in true-peak mode the limited signal's own reconstruction can exceed it
/// slightly, as the gain moves between samples (measured: under 0.01 dB).
///
/// It streams (`Stream`): the output lags the input by `latency` samples (the look-ahead plus
/// the 12 samples the true-peak reconstruction reads ahead). Most of a programme never comes
/// near the ceiling, so the work is sparse: the required gain is computed only in 4,096-frame
/// blocks that can exceed the ceiling (`hot`), and once the release has settled after the last
/// of them (14 time constants, to within 10⁻⁶ of unity) the gain snaps to exactly 1: away from
/// the peaks the output is exactly the input times `gain`.
public struct PeakLimiter: Sendable {
    public var ceiling: Float
    public var lookAhead: Int
    public var releaseSamples: Int
    public var truePeak: Bool

    public init(ceiling: Float, lookAhead: Int = 240, releaseSamples: Int = 4_800, truePeak: Bool = false) {
        (self.ceiling, self.lookAhead, self.releaseSamples, self.truePeak) = (ceiling, lookAhead, releaseSamples, truePeak)
    }

    public var latency: Int { lookAhead + TruePeakMeter.tapsPerPhase / 2 }

    public func process(_ buffer: AudioBuffer, gain: Float) -> AudioBuffer { limit(buffer, gain: gain).audio }

    /// Limits a whole buffer (one stream) and says whether the limiter acted anywhere: when it
    /// did not, the output is exactly the input times `gain`, and so are its loudness and true peak.
    public func limit(_ buffer: AudioBuffer, gain: Float) -> (audio: AudioBuffer, acted: Bool) {
        let meter = TruePeakMeter(sampleRate: buffer.sampleRate)
        let peaks = TruePeakMeter.Stream.blockPeaks(of: buffer.channels.map { channel in
            var stream = TruePeakMeter.Stream(meter)
            channel.withUnsafeBufferPointer { stream.process($0) }
            stream.finish()
            return stream
        })
        var stream = Stream(self, channels: buffer.channelCount, sampleRate: buffer.sampleRate, gain: gain,
                            hot: Self.hotBlocks(peaks: peaks, gain: gain, ceiling: ceiling))
        var out = buffer
        var block = AudioBlock(channels: buffer.channelCount, capacity: buffer.frameCount + latency)
        block.frames = 0
        var written = 0
        func drain(_ block: AudioBlock) {
            for c in out.channels.indices {
                block.withChannel(c) { (src: UnsafeBufferPointer<Float>) in
                    out.channels[c].withUnsafeMutableBufferPointer { dst in
                        (dst.baseAddress! + written).update(from: src.baseAddress!, count: src.count)
                    }
                }
            }
            written += block.frames
        }
        block.frames = buffer.frameCount
        for c in 0..<buffer.channelCount {
            block.withChannel(c) { (dst: UnsafeMutableBufferPointer<Float>) in _ = dst.update(fromContentsOf: buffer.channels[c]) }
        }
        stream.process(&block)
        drain(block)
        block.frames = 0
        stream.finish(&block)
        drain(block)
        return (out, stream.acted)
    }

    /// Which 4,096-frame blocks can exceed `threshold` (the input level above which the output
    /// would exceed the ceiling), from their true (or sample) peaks.
    public static func hotBlocks(peaks: [Float], threshold: Float) -> [Bool] { peaks.map { $0 > threshold } }

    /// Which blocks can exceed `ceiling` once scaled by `gain`, tested as the detector tests
    /// each position (level × gain > ceiling): a block left out then holds no sample whose
    /// scaled level rounds over the ceiling, which `ceiling / gain` as a threshold cannot promise.
    public static func hotBlocks(peaks: [Float], gain: Float, ceiling: Float) -> [Bool] { peaks.map { $0 * gain > ceiling } }

    /// The limiter's state between blocks.
    public struct Stream: Sendable {
        let limiter: PeakLimiter
        let meter: TruePeakMeter
        let gain: Float
        let hot: [Bool]
        let channels: Int
        let coefficient: Float
        let settle: Int
        /// Input samples not yet output, per channel, preceded by 11 samples of history:
        /// pending[c][history + k] is input position `outputPosition + k`.
        var pending: [[Float]]
        var pendingCount = 0
        var outputPosition = 0
        var inputPosition = 0
        /// Required gains computed so far: positions < requiredPosition.
        var requiredPosition = 0
        /// Running-minimum queue (positions and values) over [i, i + lookAhead].
        var queueIndex: [Int], queueValue: [Float]
        var head = 0, count = 0
        /// The release follower, the look-ahead average and its window.
        var g: Float = 1
        var window: [Float]
        var slot = 0
        var sum: Float
        var sinceExact = 0
        /// The last position whose required gain was under 1.
        var lastHot = Int.min / 2
        var settled = true
        var required: [Float] = []
        /// Scratch: the detector's level at each position of one block (runs never cross one).
        var levels = [Float](repeating: 0, count: TruePeakMeter.peakBlock)
        var queued = 0
        /// The blocks that can exceed the ceiling, in order, and the first not yet behind the output.
        let hotBlocks: [Int]
        var hotCursor = 0
        public private(set) var acted = false

        static let history = TruePeakMeter.tapsPerPhase / 2 - 1

        public init(_ limiter: PeakLimiter, channels: Int, sampleRate: Int, gain: Float, hot: [Bool]) {
            self.limiter = limiter
            meter = TruePeakMeter(sampleRate: sampleRate)
            self.gain = gain
            self.hot = hot
            hotBlocks = hot.indices.filter { hot[$0] }
            self.channels = channels
            coefficient = Float(1) - Float(exp(-1 / Double(max(1, limiter.releaseSamples))))
            settle = limiter.lookAhead + 14 * max(1, limiter.releaseSamples)
            pending = Array(repeating: [Float](repeating: 0, count: Self.history + 4_096), count: channels)
            queueIndex = [Int](repeating: 0, count: limiter.lookAhead + 2)
            queueValue = [Float](repeating: 1, count: limiter.lookAhead + 2)
            window = [Float](repeating: 1, count: limiter.lookAhead)
            sum = Float(limiter.lookAhead)
        }

        public var latency: Int { limiter.latency }

        /// Takes the block's frames as input and replaces them with as many output frames (the
        /// first `latency` frames of the stream are held back; `finish` releases them).
        public mutating func process(_ block: inout AudioBlock) {
            append(block, frames: block.frames)
            // Output positions whose look-ahead (and its reconstruction) is all in.
            let ready = max(0, inputPosition - latency - outputPosition)
            emit(ready, into: &block)
        }

        /// Flushes the held-back frames (the signal continues as silence) into `block`.
        public mutating func finish(_ block: inout AudioBlock) {
            let remaining = inputPosition - outputPosition
            var zeros = AudioBlock(channels: channels, capacity: latency)
            zeros.clear(frames: latency)
            let end = inputPosition
            append(zeros, frames: latency)
            precondition(block.capacity >= remaining)
            emit(remaining, into: &block)
            inputPosition = end
        }

        private mutating func append(_ block: AudioBlock, frames: Int) {
            let needed = Self.history + pendingCount + frames
            if pending[0].count < needed {
                for c in 0..<channels { pending[c] += [Float](repeating: 0, count: needed - pending[c].count + 4_096) }
            }
            for c in 0..<channels {
                block.withChannel(min(c, block.channelCount - 1)) { (src: UnsafeBufferPointer<Float>) in
                    pending[c].withUnsafeMutableBufferPointer { p in
                        (p.baseAddress! + Self.history + pendingCount).update(from: src.baseAddress!, count: frames)
                    }
                }
            }
            pendingCount += frames
            inputPosition += frames
        }

        /// Outputs `count` frames: required gains computed as far as the input allows, each
        /// pushed into the running-minimum queue just before the output it can affect.
        private mutating func emit(_ count: Int, into block: inout AudioBlock) {
            let lookAhead = limiter.lookAhead
            let target = min(inputPosition - TruePeakMeter.tapsPerPhase / 2, outputPosition + count + lookAhead)
            if target > requiredPosition { computeRequired(upTo: target) }
            block.frames = count
            var i = 0
            while i < count {
                let position = outputPosition + i
                // Settled, and no block that can exceed the ceiling reaches into the look-ahead:
                // a whole run is the input times the gain (most of a programme goes this way).
                if settled && (self.count == 0 || queueValue[head] >= 1) {
                    while hotCursor < hotBlocks.count && (hotBlocks[hotCursor] + 1) * TruePeakMeter.peakBlock <= position { hotCursor += 1 }
                    let nextHot = hotCursor < hotBlocks.count ? hotBlocks[hotCursor] * TruePeakMeter.peakBlock : Int.max
                    let run = min(count - i, nextHot - lookAhead - 1 - position)
                    if run > 0 {
                        for c in 0..<channels {
                            pending[c].withUnsafeBufferPointer { x in
                                block.channels[c].withUnsafeMutableBufferPointer { o in
                                    for k in i..<(i + run) { o[k] = x[Self.history + k] * gain }
                                }
                            }
                        }
                        // The gains that entered the look-ahead meanwhile are all 1.
                        self.count = 0
                        queued = max(queued, min(requiredPosition, position + run + lookAhead))
                        i += run
                        continue
                    }
                }
                if position == 0 {
                    // The stream starts here, but a peak within its first `lookAhead` samples
                    // needs the gain already down when it is output: run the gain computer over
                    // the `lookAhead` positions before the start (silence, required gain 1), so
                    // the average has reached the floor at every peak, as it has anywhere else.
                    // (Starting from a window of ones let the first peaks out barely limited.)
                    for before in -lookAhead..<0 { _ = step(before) }
                }
                // The average is at most the required gain here (every gain in its window is);
                // taking the smaller keeps that true against the running sum's rounding.
                let out = min(step(position), required[i])
                if out == 1 {
                    for c in 0..<channels { block.channels[c][i] = pending[c][Self.history + i] * gain }
                } else {
                    // out ≤ ceiling / level, but the product can still round one ulp over.
                    let ceiling = limiter.ceiling
                    for c in 0..<channels { block.channels[c][i] = max(-ceiling, min(ceiling, pending[c][Self.history + i] * gain * out)) }
                }
                i += 1
            }
            // Drop what was output, keeping the history the reconstruction reads.
            let keep = pendingCount - count
            for c in 0..<channels {
                pending[c].withUnsafeMutableBufferPointer { p in
                    p.baseAddress!.update(from: p.baseAddress! + count, count: Self.history + keep)
                }
            }
            let known = requiredPosition - outputPosition
            if known > count {
                required.withUnsafeMutableBufferPointer { r in r.baseAddress!.update(from: r.baseAddress! + count, count: known - count) }
            }
            pendingCount = keep
            outputPosition += count
        }

        /// The gain computer at `position` (which may precede the stream's start): brings the
        /// running-minimum queue to [position, position + lookAhead], follows its floor (instant
        /// attack, exponential release) and returns the mean of the last `lookAhead` gains, or
        /// exactly 1 once settled.
        @inline(__always)
        private mutating func step(_ position: Int) -> Float {
            let lookAhead = limiter.lookAhead, size = queueIndex.count
            // A ring index: head < size and count ≤ size, so one subtraction wraps it (an
            // integer division per sample cost more than the rest of this step).
            @inline(__always) func ring(_ i: Int) -> Int { i >= size ? i - size : i }
            // The queue holds [position, position + lookAhead]: push the newest, drop the oldest.
            while queued <= position + lookAhead && queued < requiredPosition {
                let value = required[queued - outputPosition]
                if value < 1 { lastHot = queued }
                while count > 0 && queueValue[ring(head + count - 1)] >= value { count -= 1 }
                queueIndex[ring(head + count)] = queued
                queueValue[ring(head + count)] = value
                count += 1
                queued += 1
            }
            while count > 0 && queueIndex[head] < position { head = ring(head + 1); count -= 1 }
            let floor = count > 0 ? queueValue[head] : 1
            if floor >= 1 && position - lastHot > settle {
                if !settled {
                    g = 1; sum = Float(lookAhead); slot = 0
                    for k in window.indices { window[k] = 1 }
                    settled = true
                }
                return 1
            }
            settled = false
            g = floor < g ? floor : g + (floor - g) * coefficient
            sum += g - window[slot]
            window[slot] = g
            slot = slot + 1 == lookAhead ? 0 : slot + 1
            sinceExact += 1
            if sinceExact == 65_536 { sum = window.reduce(0, +); sinceExact = 0 }
            return min(1, sum / Float(lookAhead))
        }

        /// Required gain min(1, ceiling / level) for positions [requiredPosition, end); 1 in
        /// blocks that cannot exceed the ceiling. required[k] is position outputPosition + k.
        private mutating func computeRequired(upTo end: Int) {
            let from = requiredPosition - outputPosition, to = end - outputPosition
            if required.count < to { required += [Float](repeating: 1, count: to - required.count + 4_096) }
            var p = requiredPosition
            while p < end {
                let block = p / TruePeakMeter.peakBlock
                let run = min(end - p, (block + 1) * TruePeakMeter.peakBlock - p)
                let offset = p - outputPosition
                for i in 0..<run { required[offset + i] = 1 }
                if block < hot.count && hot[block] {
                    for c in 0..<channels {
                        pending[c].withUnsafeBufferPointer { x in
                            levels.withUnsafeMutableBufferPointer { l in
                                let at = x.baseAddress! + Self.history + offset
                                if limiter.truePeak {
                                    meter.levels(at, count: run, into: l.baseAddress!)
                                } else {
                                    for i in 0..<run { l[i] = abs(at[i]) }
                                }
                                for i in 0..<run {
                                    let level = l[i] * gain
                                    if level > limiter.ceiling {
                                        required[offset + i] = min(required[offset + i], limiter.ceiling / level)
                                        acted = true
                                    }
                                }
                            }
                        }
                    }
                }
                p += run
            }
            _ = from
            requiredPosition = end
        }
    }
}
