import MixdownCore

/// Working files (stems, test fixtures): 32-bit float WAV at the buffer's own rate and channel
/// count, written atomically. Delivery formats go through `AudioEncoder`.
public enum AudioFileWriter {
    public static func writeFloatWAV(_ buffer: AudioBuffer, to path: String) throws {
        try AtomicFile.write(to: path) { try SndFileWriter.write(buffer, codec: .pcmFloat, to: $0) }
    }
}
