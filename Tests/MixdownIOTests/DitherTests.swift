import Foundation
import Testing
@testable import MixdownIO

/// The 16-bit writer's dither: TPDF (the error of dither plus rounding is 0.5 LSB rms, never
/// more than 1.5 LSB, and does not follow the signal), the same stream whatever the blocks it
/// comes in, and clipped at full scale.
@Suite struct DitherTests {
    /// A slow sine at −6 dBFS, 200,000 samples.
    static let signal: [Float] = (0..<200_000).map { Float(0.5 * sin(Double($0) * 0.001)) }

    static func quantised(_ x: [Float], blocks: [Int]) -> [Int16] {
        var dither = TPDFDither()
        var out = [Int16](repeating: 0, count: x.count)
        var position = 0, b = 0
        while position < x.count {
            let n = min(blocks[b % blocks.count], x.count - position)
            x.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    dither.quantize(UnsafeBufferPointer(rebasing: s[position..<(position + n)]),
                                    into: UnsafeMutableBufferPointer(rebasing: o[position..<(position + n)]))
                }
            }
            position += n
            b += 1
        }
        return out
    }

    @Test func theErrorIsTriangularDitherPlusRounding() {
        let out = Self.quantised(Self.signal, blocks: [65_536])
        var sum = 0.0, squares = 0.0, largest = 0.0, products = 0.0
        for (x, q) in zip(Self.signal, out) {
            let e = Double(q) - Double(x) * 32_768
            sum += e
            squares += e * e
            largest = max(largest, abs(e))
            products += e * Double(x)
        }
        let n = Double(out.count)
        #expect(abs(sum / n) < 0.01)
        // Variance of TPDF (1/6) plus rounding (1/12): 1/4, 0.5 LSB rms.
        #expect(abs((squares / n).squareRoot() - 0.5) < 0.01)
        #expect(largest < 1.5)
        // Uncorrelated with the signal.
        let signalPower = Self.signal.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(products) / (squares * signalPower).squareRoot() < 0.01)
    }

    @Test func theStreamDoesNotDependOnTheBlocks() {
        let whole = Self.quantised(Self.signal, blocks: [Self.signal.count])
        #expect(Self.quantised(Self.signal, blocks: [1, 7, 13, 8, 4_097, 5]) == whole)
        #expect(Self.quantised(Self.signal, blocks: [65_536]) == whole)
    }

    @Test func fullScaleClips() {
        let out = Self.quantised([1, -1, 2, -2, 1, -1, 0.999_99, -0.999_99, 1, 1, 1], blocks: [11])
        #expect(Array(out[0..<4]) == [32_767, -32_768, 32_767, -32_768])
        #expect(out.allSatisfy { $0 >= 32_766 || $0 <= -32_767 })
    }
}
