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

    public static func preset(_ name: String) -> MasteringSettings? {
        switch name {
        case "balanced": return .init(duckDepthDB: 11, bedLevelDB: -4, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
        case "voiceenhanced": return .init(duckDepthDB: 12, bedLevelDB: -5, speechHighPass: 100, presenceDB: 3, deEssDB: 6, speechRatio: 3, multibandRatio: 1.5, saturation: 0)
        case "musicenhanced": return .init(duckDepthDB: 8, bedLevelDB: -1, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.3, saturation: 0)
        case "lightducking": return .init(duckDepthDB: 6, bedLevelDB: -6, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
        case "heavyducking": return .init(duckDepthDB: 18, bedLevelDB: -2, speechHighPass: 80, presenceDB: 1, deEssDB: 4, speechRatio: 2, multibandRatio: 1.5, saturation: 0)
        case "radio": return .init(duckDepthDB: 12, bedLevelDB: -3, speechHighPass: 100, presenceDB: 2.5, deEssDB: 6, speechRatio: 3, multibandRatio: 2.5, saturation: 0.3)
        // Standalone mastering (mixdown master): no speech or bed of their own.
        // Clean and dynamic: corrective EQ, mono-safe low end and the true-peak limiter only.
        case "streaming": return .init(duckDepthDB: 0, bedLevelDB: 0, speechHighPass: 0, presenceDB: 0, deEssDB: 0, speechRatio: 1, multibandRatio: 1, saturation: 0)
        case "loud": return .init(duckDepthDB: 0, bedLevelDB: 0, speechHighPass: 0, presenceDB: 0, deEssDB: 0, speechRatio: 1, multibandRatio: 3, saturation: 0.5)
        default: return nil
        }
    }
}
