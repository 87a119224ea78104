import CEbur128
import Foundation
import MixdownCore
import MixdownTemplates
import Testing

/// What makes a bed sound produced, measured on every shipped template's `main` and `main2`
/// loops as the engine plays them (through their seams), with libebur128 for loudness and true
/// peak and plain arithmetic for the rest:
/// - integrated loudness −18 LUFS ±0.5;
/// - true peak − integrated loudness at most 12 dB (glue: a raw General MIDI render runs 15
///   and more);
/// - stereo correlation 0.2–0.9 and side-to-mid energy −15…−5 dB (wide, never mono, never
///   out of phase);
/// - no 50 ms block under −60 dBFS inside the loop (a room, never digital black);
/// - the level jump across each loop seam no larger than the 99th percentile of the jumps
///   everywhere else in the material (50 ms windows either side of every 10 ms point).
@Suite struct ProducedBedTests {
    static let beds = LibraryTests.names.flatMap { name in ["main", "main2"].map { (name, $0) } }

    struct Measures {
        var integrated: Double, truePeak: Double, correlation: Double, sideToMid: Double
        var quietestBlock: Double, seamJump: Double, jump99: Double
    }

    static func measure(_ s: SoundTemplate.Segment) -> Measures {
        let length = s.loopEnd - s.loopStart
        // Three passes of the loop as the engine plays it: the middle pass is measured, the
        // seams are those into and out of it.
        let played = s.playback(count: s.loopEnd + 2 * length)
        let first = s.loopEnd, loop = played.map { Array($0[first..<(first + length)]) }

        var state = ebur128_init(2, 48_000, Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue))
        defer { ebur128_destroy(&state) }
        var interleaved = [Float](repeating: 0, count: 2 * length)
        for i in 0..<length { interleaved[2 * i] = loop[0][i]; interleaved[2 * i + 1] = loop[1][i] }
        _ = ebur128_add_frames_float(state, interleaved, length)
        var integrated = 0.0, peakL = 0.0, peakR = 0.0
        ebur128_loudness_global(state, &integrated)
        ebur128_true_peak(state, 0, &peakL)
        ebur128_true_peak(state, 1, &peakR)

        var ll = 0.0, rr = 0.0, lr = 0.0, mid = 0.0, side = 0.0
        for i in 0..<length {
            let l = Double(loop[0][i]), r = Double(loop[1][i])
            ll += l * l; rr += r * r; lr += l * r
            mid += (l + r) * (l + r); side += (l - r) * (l - r)
        }
        // Block levels: the mean square of both channels over 50 ms.
        let window = 2_400, hop = 480
        func level(_ start: Int) -> Double {
            var sum = 0.0
            for c in 0..<2 { for i in start..<(start + window) { sum += Double(played[c][i]) * Double(played[c][i]) } }
            return 10 * log10(sum / Double(2 * window) + 1e-30)
        }
        var quietest = 0.0
        var k = first
        while k + window <= first + length { quietest = min(quietest, level(k)); k += window }
        func jump(_ at: Int) -> Double { abs(level(at) - level(at - window)) }
        var jumps = [Double]()
        var t = first + window
        while t < first + length - window { jumps.append(jump(t)); t += hop }
        jumps.sort()
        let seam = max(jump(first), jump(first + length))
        return Measures(integrated: integrated, truePeak: 20 * log10(max(peakL, peakR)), correlation: lr / (ll * rr).squareRoot(),
                        sideToMid: 10 * log10(side / mid), quietestBlock: quietest, seamJump: seam,
                        jump99: jumps[min(jumps.count - 1, Int(Double(jumps.count) * 0.99))])
    }

    @Test(arguments: beds) func bedsMeetTheProducedMeasures(_ name: String, _ segment: String) throws {
        let t = try LibraryTests.load(name)
        let s = try #require(t.segments[segment], "\(name) has no \(segment)")
        let m = Self.measure(s)
        let label = "\(name)/\(segment)"
        #expect(abs(m.integrated + 18) <= 0.5, "\(label): \(m.integrated) LUFS")
        #expect(m.truePeak - m.integrated <= 12, "\(label): true peak \(m.truePeak) dBTP at \(m.integrated) LUFS")
        #expect((0.2...0.9).contains(m.correlation), "\(label): correlation \(m.correlation)")
        #expect((-15.0 ... -5.0).contains(m.sideToMid), "\(label): side-to-mid \(m.sideToMid) dB")
        #expect(m.quietestBlock >= -60, "\(label): a 50 ms block at \(m.quietestBlock) dBFS")
        #expect(m.seamJump <= m.jump99, "\(label): \(m.seamJump) dB across the seam, 99th percentile of the material \(m.jump99) dB")
    }

    /// The library stays small enough to ship in the repository and the package.
    @Test func theLibraryStaysUnder60MB() throws {
        let root = LibraryTests.root.appendingPathComponent("SoundTemplates").path
        var total = 0
        for name in LibraryTests.names {
            for file in try FileManager.default.contentsOfDirectory(atPath: root + "/" + name) {
                total += (try FileManager.default.attributesOfItem(atPath: root + "/" + name + "/" + file)[.size] as? Int) ?? 0
            }
        }
        #expect(total < 60_000_000, "\(total) bytes")
    }
}
