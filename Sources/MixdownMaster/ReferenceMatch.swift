import MixdownCore
import MixdownDSP

/// Matching a mix to a reference's tonal balance (`mixdown master --preset reference`): the
/// long-term spectrum of the mid and of the side, each compared with the reference's in octave
/// bands (31.5 Hz … 16 kHz), and corrected by a smooth EQ (`BandMatch`: one peaking filter per
/// band, gains smoothed across neighbours and bounded to −9 … +6 dB), with the overall level
/// taken out (loudness is matched afterwards, by the loudness stage).
///
/// Both programmes stream past once to be measured (`Spectra`); the EQ is fitted to the
/// measured spectra, whose response it predicts exactly (`BandMatch.fit`), so the mix is
/// filtered once, block by block (`Equaliser`), and never held whole.
public enum ReferenceMatch {
    public static let bands = BandMatch(centres: [31.5, 63, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 16_000], bandsPerOctave: 1,
                                        maximumBoost: 6, maximumCut: 9, q: 1.4)
    static let fftSize = 8_192

    /// The long-term spectra of a stereo programme's mid, (L + R) / 2, and side, (L − R) / 2,
    /// accumulated block by block (a mono block counts as its own mid, with no side).
    public struct Spectra: Sendable {
        public private(set) var mid = LongTermSpectrum(size: fftSize)
        public private(set) var side = LongTermSpectrum(size: fftSize)
        private var midScratch: [Float] = [], sideScratch: [Float] = []
        public init() {}

        public mutating func process(_ block: AudioBlock) {
            let n = ReferenceMatch.split(block, mid: &midScratch, side: &sideScratch)
            midScratch.withUnsafeBufferPointer { mid.process(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            sideScratch.withUnsafeBufferPointer { side.process(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }

        /// Octave-band levels (dB, mean power per frame) of the mid and of the side.
        public func levels(rate: Int) -> (mid: [Double], side: [Double]) {
            func of(_ s: LongTermSpectrum) -> [Double] { s.frames > 0 ? bands.levels(power: s.meanPower, rate: rate) : bands.centres.map { _ in -200 } }
            return (of(mid), of(side))
        }
    }

    /// The octave-band distance (dB RMS, level removed) of a mix's mid to the reference's.
    public static func distance(_ mix: Spectra, to reference: Spectra, rate: Int) -> Double {
        BandMatch.distance(mix.levels(rate: rate).mid, reference.levels(rate: rate).mid)
    }

    /// The mid and side EQ that moves a mix towards a reference's balance, applied to a stereo
    /// stream block by block (the filters carry their state across blocks).
    public struct Equaliser: Sendable {
        public let mid: FilterChain, side: FilterChain
        private var midState: FilterChain.State, sideState: FilterChain.State
        private var midScratch: [Float] = [], sideScratch: [Float] = []

        /// Fitted to the mix's and the reference's measured spectra.
        public init(mix: Spectra, reference: Spectra, rate: Int) {
            let target = reference.levels(rate: rate)
            func fitted(_ s: LongTermSpectrum, _ levels: [Double]) -> FilterChain {
                guard s.frames > 0 else { return FilterChain([]) }
                return bands.equaliser(bands.fit(power: s.meanPower, rate: rate, to: levels), rate: rate)
            }
            (mid, side) = (fitted(mix.mid, target.mid), fitted(mix.side, target.side))
            (midState, sideState) = (FilterChain.State(mid), FilterChain.State(side))
        }

        /// EQs a stereo block in place: to mid and side, filtered, and back.
        public mutating func process(_ block: inout AudioBlock) {
            let n = ReferenceMatch.split(block, mid: &midScratch, side: &sideScratch)
            midScratch.withUnsafeMutableBufferPointer { mid.process(UnsafeMutableBufferPointer(rebasing: $0[0..<n]), state: &midState) }
            sideScratch.withUnsafeMutableBufferPointer { side.process(UnsafeMutableBufferPointer(rebasing: $0[0..<n]), state: &sideState) }
            midScratch.withUnsafeBufferPointer { m in
                sideScratch.withUnsafeBufferPointer { s in
                    block.withChannel(0) { (l: UnsafeMutableBufferPointer<Float>) in for i in 0..<n { l[i] = m[i] + s[i] } }
                    block.withChannel(1) { (r: UnsafeMutableBufferPointer<Float>) in for i in 0..<n { r[i] = m[i] - s[i] } }
                }
            }
        }
    }

    /// A stereo block's mid, (L + R) / 2, and side, (L − R) / 2, into the scratch arrays
    /// (grown as needed; a mono block is its own mid). Returns the frames written.
    static func split(_ block: AudioBlock, mid: inout [Float], side: inout [Float]) -> Int {
        let n = block.frames
        if mid.count < n { (mid, side) = ([Float](repeating: 0, count: n), [Float](repeating: 0, count: n)) }
        mid.withUnsafeMutableBufferPointer { m in
            side.withUnsafeMutableBufferPointer { s in
                block.withChannel(0) { (l: UnsafeBufferPointer<Float>) in
                    block.withChannel(min(1, block.channelCount - 1)) { (r: UnsafeBufferPointer<Float>) in
                        for i in 0..<n { (m[i], s[i]) = (0.5 * (l[i] + r[i]), 0.5 * (l[i] - r[i])) }
                    }
                }
            }
        }
        return n
    }
}
