import Foundation
import MixdownCore

/// Where the last attack of a `button` sting is, for a template whose manifest does not say
/// (`lastOnsetSample`, docs/templates.md "Endings"). The planner places the button so this
/// onset lands before the programme's last 100 ms; a ring after it may be faded, an attack may not.
public enum OnsetDetector {
    /// 5 ms frames every 2.5 ms: short enough to see a drum hit rise, long enough that a low
    /// note's single cycle does not look like one.
    static let frame = 240
    static let hop = 120
    /// A frame is an onset when its level rises this far above the loudest frame of the 50 ms
    /// before it (ending 10 ms before it, so a rise spread over a few frames still counts)…
    static let rise = 6.0
    static let lookBack = 20   // hops: 50 ms
    static let gap = 4         // hops: 10 ms
    /// …and it is within 40 dB of the file's loudest frame (the quiet ring and any noise
    /// floor wobble are not attacks).
    static let range = 40.0

    /// The last onset, in samples from the file's start (48 kHz, as loaded). An onset is
    /// reported at the end of the first frame that rises (up to 5 ms after the attack starts):
    /// an estimate on the late side, so a button placed by it never lands its attack later
    /// than planned. A file with no rise at all (a swell) reports its loudest frame's end.
    public static func lastOnset(_ audio: AudioBuffer) -> Int {
        let n = audio.frameCount
        guard n >= frame else { return 0 }
        // Frame levels (dB of the mean square over the channels).
        var levels = [Double]()
        levels.reserveCapacity(n / hop + 1)
        var start = 0
        while start + frame <= n {
            var sum = 0.0
            for c in 0..<audio.channelCount {
                audio.channels[c].withUnsafeBufferPointer { x in
                    for i in start..<(start + frame) { sum += Double(x[i]) * Double(x[i]) }
                }
            }
            levels.append(10 * log10(max(sum / Double(frame * max(1, audio.channelCount)), 1e-20)))
            start += hop
        }
        guard let peak = levels.max() else { return 0 }
        let floor = peak - range
        var last: Int?
        var inRise = false
        for i in levels.indices {
            let window = max(0, i - gap - lookBack)..<max(0, i - gap)
            // Before the file starts is silence: a hit at sample 0 is an onset.
            let before = window.isEmpty ? -200 : levels[window].max()!
            let rising = levels[i] >= floor && levels[i] - before >= rise
            // Consecutive rising frames are one attack, placed at its first frame.
            if rising && !inRise { last = i }
            inRise = rising
        }
        if let last { return min(n - 1, last * hop + frame) }
        let loudest = levels.firstIndex(of: peak) ?? 0
        return min(n - 1, loudest * hop + frame)
    }
}
