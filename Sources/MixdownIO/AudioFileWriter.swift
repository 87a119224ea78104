import MixdownCore

/// Working files (stems, test fixtures): 32-bit float WAV at the buffer's own rate and channel
/// count, written atomically. Delivery formats go through `AudioEncoder`.
public enum AudioFileWriter {
    public static func writeFloatWAV(_ buffer: AudioBuffer, to path: String) throws {
        try AtomicFile.write(to: path) { try AudioEncoder.write(buffer, codec: .pcmFloat, to: $0) }
    }
}

extension AudioFileWriter {
    /// A 32-bit float WAV written block by block (stems of any length).
    public static func floatWAVStream(to path: String, sampleRate: Int, channels: Int) throws -> any BlockSink {
        try AudioEncoder.stream(.pcmFloat, sampleRate: sampleRate, channels: channels, to: path)
    }
}
