/// What each mastering preset does, in numbers (documented in docs/mastering.md).
public struct MasteringSettings: Sendable, Equatable {
    /// Music under speech: how far the bed ducks (dB) and its level against the speech.
    public var duckDepthDB: Double
    public var bedLevelDB: Double
    /// Speech bus.
    public var speechHighPass: Double
    public var presenceDB: Double
    public var deEssDB: Double
    public var speechRatio: Double
    /// Master bus: multiband compression ratio (1 = off), saturation drive (0 = off).
    public var multibandRatio: Double
    public var saturation: Double

    // A production's `masteringPreset` (speech over a bed).
    public static let balanced = MasteringSettings(duckDepthDB: 11, bedLevelDB: -4, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
    public static let voiceEnhanced = MasteringSettings(duckDepthDB: 12, bedLevelDB: -5, speechHighPass: 100, presenceDB: 3, deEssDB: 6, speechRatio: 3, multibandRatio: 1.5, saturation: 0)
    public static let musicEnhanced = MasteringSettings(duckDepthDB: 8, bedLevelDB: -1, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.3, saturation: 0)
    public static let lightDucking = MasteringSettings(duckDepthDB: 6, bedLevelDB: -6, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
    public static let heavyDucking = MasteringSettings(duckDepthDB: 18, bedLevelDB: -2, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
    public static let radio = MasteringSettings(duckDepthDB: 12, bedLevelDB: -3, speechHighPass: 100, presenceDB: 2.5, deEssDB: 6, speechRatio: 3, multibandRatio: 2.5, saturation: 0.3)

    // Standalone mastering (`mixdown master`): no speech or bed of their own.
    /// Clean and dynamic: corrective EQ, mono-safe low end and the true-peak limiter only.
    public static let streaming = MasteringSettings(duckDepthDB: 0, bedLevelDB: 0, speechHighPass: 0, presenceDB: 0, deEssDB: 0, speechRatio: 1, multibandRatio: 1, saturation: 0)
    /// Dense and punchy, with controlled distortion.
    public static let loud = MasteringSettings(duckDepthDB: 0, bedLevelDB: 0, speechHighPass: 0, presenceDB: 0, deEssDB: 0, speechRatio: 1, multibandRatio: 3, saturation: 0.5)
}
