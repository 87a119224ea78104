import Foundation
import MixdownCleanup
import MixdownCore
import MixdownDSP
import MixdownIO

/// What `mixdown master` writes with `--report`, and what `POST /v1/master` answers as the
/// job's report.
public struct MasterReport: Sendable, EncodesEveryKey {
    public var preset: String
    public var loudnessTarget: Double
    public var truePeakLimit: Double
    public var input: AudioAnalysis
    public var output: AudioAnalysis
    public var warnings: [String]
    public var outputs: [EncodedOutput]
    /// With the reference preset: octave-band distance of the mid to the reference (dB RMS).
    public var spectralDistanceBeforeDb: Double?
    public var spectralDistanceAfterDb: Double?
    /// With `cleanup`: the settings and what cleaning the input changed (before mastering).
    public var cleanupSettings: CleanupSettings?
    public var cleanup: RecordingCleanup.Figures?

    public init(preset: String, loudnessTarget: Double, truePeakLimit: Double, input: AudioAnalysis, output: AudioAnalysis, warnings: [String],
                outputs: [EncodedOutput], spectralDistanceBeforeDb: Double?, spectralDistanceAfterDb: Double?) {
        (self.preset, self.loudnessTarget, self.truePeakLimit, self.input, self.output) = (preset, loudnessTarget, truePeakLimit, input, output)
        (self.warnings, self.outputs) = (warnings, outputs)
        (self.spectralDistanceBeforeDb, self.spectralDistanceAfterDb) = (spectralDistanceBeforeDb, spectralDistanceAfterDb)
    }

    /// The report as the file `--report` writes (pretty-printed, keys sorted).
    public func json() throws -> Data { try JSONOutput.encode(self, pretty: true) }
}
