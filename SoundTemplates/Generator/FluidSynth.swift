import Foundation
import MixdownCore
import MixdownIO

/// Renders MIDI through FluidSynth with a General MIDI SoundFont: real instrument timbres,
/// offline and deterministic (the same file and settings give the same samples).
struct FluidSynth {
    var soundFont: String
    var work: String

    struct Room {
        var size = 0.5, damp = 0.4, width = 0.8, level = 0.6
    }

    /// `fluidsynth` renders the file at 48 kHz as 32-bit float, chorus off (its LFO would make a
    /// loop's repeats differ), the reverb set per template; the tail runs until every voice ends.
    func render(_ midi: [UInt8], name: String, room: Room) throws -> AudioBuffer {
        let mid = "\(work)/\(name).mid", wav = "\(work)/\(name).wav"
        try Data(midi).write(to: URL(fileURLWithPath: mid))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["fluidsynth", "-n", "-i", "-q", "-g", "0.5", "-r", "48000", "-O", "float", "-T", "wav", "-F", wav,
                             "-o", "synth.chorus.active=0", "-o", "synth.reverb.active=1", "-o", "synth.cpu-cores=1",
                             "-o", "synth.polyphony=512",
                             "-o", "synth.reverb.room-size=\(room.size)", "-o", "synth.reverb.damp=\(room.damp)",
                             "-o", "synth.reverb.width=\(room.width)", "-o", "synth.reverb.level=\(room.level)",
                             soundFont, mid]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GeneratorError("fluidsynth failed on \(mid) (exit \(process.terminationStatus))") }
        let decoded = try AudioFileReader.read(wav)
        unlink(wav); unlink(mid)
        guard decoded.audio.sampleRate == 48_000, decoded.audio.channelCount == 2 else { throw GeneratorError("fluidsynth gave \(decoded.audio.sampleRate) Hz") }
        return decoded.audio
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
