import MixdownCore
import MixdownDSP

/// Matching a mix to a reference's tonal balance (`mixdown master --preset reference`): the
/// long-term spectrum of the mid and of the side, each compared with the reference's in octave
/// bands (31.5 Hz … 16 kHz), and corrected by a smooth EQ (`BandMatch`: one peaking filter per
/// band, gains smoothed across neighbours and bounded to −9 … +6 dB, two passes), with the
/// overall level taken out (loudness is matched afterwards, by the loudness stage).
public enum ReferenceMatch {
    public static let bands = BandMatch(centres: [31.5, 63, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 16_000], bandsPerOctave: 1,
                                        maximumBoost: 6, maximumCut: 9, q: 1.4)
    static let fftSize = 8_192

    /// Applies the matched EQ to mid and side separately. Returns the EQ'd audio and the
    /// octave-band distance (dB RMS) of the mid to the reference's before and after.
    public static func match(_ buffer: AudioBuffer, to reference: AudioBuffer) -> (audio: AudioBuffer, distanceBefore: Double, distanceAfter: Double) {
        let rate = buffer.sampleRate
        func midSide(_ b: AudioBuffer) -> ([Float], [Float]) {
            let l = b.channels[0], r = b.channelCount > 1 ? b.channels[1] : b.channels[0]
            return (zip(l, r).map { 0.5 * ($0 + $1) }, zip(l, r).map { 0.5 * ($0 - $1) })
        }
        func levels(_ x: [Float]) -> [Double] { bands.levels(x, rate: rate, size: fftSize) }
        let (mid, side) = midSide(buffer), (refMid, refSide) = midSide(reference)
        var out = [mid, side]
        let targets = [levels(refMid), levels(refSide)]
        let before = levels(mid)
        for k in 0..<2 {
            var applied = bands.centres.map { _ in 0.0 }
            for _ in 0..<2 {
                let g = bands.gains(from: levels(out[k]), to: targets[k], applied: applied)
                bands.equaliser(g, rate: rate).process(&out[k])
                applied = zip(applied, g).map { $0 + $1 }
            }
        }
        let l = zip(out[0], out[1]).map { $0 + $1 }, r = zip(out[0], out[1]).map { $0 - $1 }
        return (AudioBuffer(sampleRate: rate, channels: [l, r]), BandMatch.distance(before, targets[0]),
                BandMatch.distance(levels(out[0]), targets[0]))
    }
}
