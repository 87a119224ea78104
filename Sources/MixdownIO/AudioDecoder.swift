import MixdownCore

/// Decodes any supported file into the pipeline's working format: 48 kHz stereo float.
public enum AudioDecoder {
    public static func decodeForMix(_ path: String, rate: Int = SampleTime.renderRate, pool: WorkerPool = .serial) throws -> AudioBuffer {
        let file = try AudioFileReader.read(path)
        let stereo = ChannelMix.toStereo(file.audio, roles: file.roles)
        return try Resampler.resample(stereo, to: rate, pool: pool)
    }
}
