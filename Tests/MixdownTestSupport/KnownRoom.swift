import Foundation
import MixdownCore
import MixdownIO

/// Speech in a room whose reverberation is known, made independently of the engine: an impulse
/// response built here (the direct sound, then white noise from 3 ms decaying 60 dB in `t60`,
/// `directToReverberantDb` over that tail by energy) and convolved by ffmpeg's `afir`.
public enum KnownRoom {
    /// The impulse response at 48 kHz, 1.2 × `t60` long. `shapeTail` filters the tail alone
    /// (a room's soft furnishings) before it is scaled.
    public static func impulse(t60: Double, directToReverberantDb: Double, seed: UInt64,
                               shapeTail: (inout [Float]) -> Void = { _ in }) -> [Float] {
        var rng = SplitMix(seed: seed)
        let count = Int(1.2 * t60 * 48_000)
        var tail = (0..<count).map { n in n < 144 ? 0 : Float(rng.nextSigned()) * Float(exp(-3 * log(10.0) * Double(n) / (t60 * 48_000))) }
        shapeTail(&tail)
        let energy = tail.reduce(0) { $0 + Double($1 * $1) }
        tail = tail.map { $0 * Float((pow(10, -directToReverberantDb / 10) / energy).squareRoot()) }
        tail[0] = 1
        return tail
    }

    /// espeak-ng saying `text` with `voice`, resampled to 48 kHz, with `leadIn` and `leadOut`
    /// seconds of silence around it, convolved with `impulse` (mono).
    public static func speech(_ text: String, voice: String, impulse: [Float], leadIn: Double = 0, leadOut: Double = 0,
                              in folder: TemporaryFolder) throws -> [Float] {
        let said = try Tools.run("espeak-ng", ["-v", voice, "-s", "150", "-w", folder.file("known-room-dry.wav"), text])
        guard said.status == 0 else { throw ToolError("espeak-ng: \(said.stderr)") }
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [impulse]), to: folder.file("known-room-ir.wav"))
        let pad = String(format: "apad=pad_dur=%g,adelay=%d", leadOut, Int(leadIn * 1_000))
        let convolved = try Tools.run("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", folder.file("known-room-dry.wav"), "-i", folder.file("known-room-ir.wav"),
                                                 "-filter_complex", "[0:a]aresample=48000,\(pad)[d];[d][1:a]afir=gtype=none:dry=1:wet=1",
                                                 "-c:a", "pcm_f32le", folder.file("known-room.wav")])
        guard convolved.status == 0 else { throw ToolError("ffmpeg afir: \(convolved.stderr)") }
        return try AudioFileReader.read(folder.file("known-room.wav")).audio.channels[0]
    }

    /// Sentences a customer might say, for recordings.
    public static let testimonial = "I was sceptical at first. Our bill dropped forty pounds. I'm never going back. It took ten minutes to switch, and the people on the phone were kind."
}
