import CRubberBand
import MixdownCore

/// Time compression with the pitch kept (or shifted by `pitch`, a frequency ratio), through
/// librubberband (offline, finer engine). The output has exactly the requested length: the
/// stretcher's own count is trimmed or padded.
public enum TimeStretch {
    public static func stretch(_ samples: [Float], sampleRate: Int, to length: Int, pitch: Double = 1) -> [Float] {
        guard length > 0, !samples.isEmpty else { return [Float](repeating: 0, count: max(0, length)) }
        if length == samples.count && pitch == 1 { return samples }
        let ratio = Double(length) / Double(samples.count)
        let options = Int32(bitPattern: RubberBandOptionProcessOffline.rawValue | RubberBandOptionEngineFiner.rawValue
                                        | RubberBandOptionPitchHighQuality.rawValue)
        guard let state = rubberband_new(UInt32(sampleRate), 1, options, ratio, pitch) else { return samples }
        defer { rubberband_delete(state) }
        rubberband_set_expected_input_duration(state, UInt32(samples.count))
        let block = 4_096
        var output = [Float]()
        output.reserveCapacity(length + block)
        var chunk = [Float](repeating: 0, count: block)
        func drain() {
            while true {
                let available = Int(rubberband_available(state))
                if available <= 0 { break }
                let n = min(available, block)
                chunk.withUnsafeMutableBufferPointer { c in
                    var p: UnsafeMutablePointer<Float>? = c.baseAddress
                    let got = withUnsafePointer(to: &p) { rubberband_retrieve(state, $0, UInt32(n)) }
                    output.append(contentsOf: c[0..<Int(got)])
                }
            }
        }
        /// Hands the input to `pass` in blocks, flagging the last one.
        func feed(_ pass: (UnsafePointer<UnsafePointer<Float>?>, UInt32, Int32) -> Void, after each: () -> Void = {}) {
            samples.withUnsafeBufferPointer { input in
                var i = 0
                while i < input.count {
                    let n = min(block, input.count - i)
                    var p: UnsafePointer<Float>? = input.baseAddress! + i
                    withUnsafePointer(to: &p) { pass($0, UInt32(n), i + n >= input.count ? 1 : 0) }
                    i += n
                    each()
                }
            }
        }
        // Offline: study the whole input, then process it.
        feed { rubberband_study(state, $0, $1, $2) }
        feed({ rubberband_process(state, $0, $1, $2) }, after: drain)
        drain()
        if output.count > length { output.removeLast(output.count - length) }
        if output.count < length { output += [Float](repeating: 0, count: length - output.count) }
        return output
    }
}
