import Foundation
import MixdownCore
import Testing
@testable import MixdownIO

/// The delivery resampler: exact length, aligned with its input, flat to what the encoder
/// keeps, 100 dB down past the mirror of that band, and the same whatever the block size.
@Suite struct PolyphaseResamplerTests {
    static func sine(_ f: Double, rate: Int, count: Int, amplitude: Double = 0.5) -> [Float] {
        (0..<count).map { Float(amplitude * sin(2 * Double.pi * f * Double($0) / Double(rate))) }
    }

    func convert(_ x: [Float], from: Int, to: Int, keep: Double, block: Int) throws -> [Float] {
        let r = try #require(PolyphaseResampler(from: from, to: to, channels: 1, keep: keep))
        var out = [Float]()
        var i = 0
        var input = AudioBlock(channels: 1, capacity: block)
        var output = AudioBlock(channels: 1, capacity: 0)
        repeat {
            let n = min(block, x.count - i)
            input.frames = n
            input.channels[0].withUnsafeMutableBufferPointer { d in for k in 0..<n { d[k] = x[i + k] } }
            i += n
            try r.process(input, into: &output, last: i >= x.count)
            out += output.channels[0][0..<output.frames]
        } while i < x.count
        return out
    }

    /// RMS of a − b over the middle, relative to b's, in dB.
    static func errorDB(_ a: [Float], _ b: [Float]) -> Double {
        let range = (a.count / 10)..<(a.count * 9 / 10)
        let e = range.reduce(0.0) { $0 + pow(Double(a[$1] - b[$1]), 2) }, s = range.reduce(0.0) { $0 + pow(Double(b[$1]), 2) }
        return 10 * log10(e / s)
    }

    @Test(arguments: [(48_000, 44_100, 18_500.0), (48_000, 44_100, 20_500.0), (48_000, 24_000, 11_250.0)])
    func passbandIsExactAndAligned(from: Int, to: Int, keep: Double) throws {
        let count = 48_001
        for f in [997.0, keep * 0.97] {
            let out = try convert(Self.sine(f, rate: from, count: count), from: from, to: to, keep: keep, block: 4_096)
            #expect(out.count == SampleTime.rescale(count, from: from, to: to))
            let ideal = Self.sine(f, rate: to, count: out.count)
            let error = Self.errorDB(out, ideal)
            #expect(error < -60, "\(f) Hz \(from)→\(to): error \(error) dB")
            if f < 2_000 { #expect(error < -90, "\(f) Hz \(from)→\(to): error \(error) dB") }
        }
    }

    @Test func stopbandIsAHundredDecibelsDown() throws {
        // 48 → 24 kHz keeping 11.25 kHz: past the mirror of that band about 12 kHz (12.75 kHz)
        // nothing may come through.
        let out = try convert(Self.sine(14_000, rate: 48_000, count: 48_000), from: 48_000, to: 24_000, keep: 11_250, block: 65_536)
        let rms = (out[2_400..<21_600].reduce(0.0) { $0 + Double($1) * Double($1) } / 19_200).squareRoot()
        #expect(20 * log10(rms / (0.5 / 2.0.squareRoot())) < -95)
    }

    @Test func blockSizeDoesNotMatter() throws {
        let x = Self.sine(440, rate: 48_000, count: 30_011).enumerated().map { $1 + Float(($0 * 7919) % 101) / 1_000 }
        let whole = try convert(x, from: 48_000, to: 44_100, keep: 18_500, block: 100_000)
        #expect(try convert(x, from: 48_000, to: 44_100, keep: 18_500, block: 1_000) == whole)
        #expect(try convert(x, from: 48_000, to: 44_100, keep: 18_500, block: 17) == whole)
    }
}
