/// The bounds every entry point holds input to, checked where a value enters and before any
/// work, so that no input can make the engine trap, hang or take unbounded memory or time.
public enum Limits {
    /// The longest programme: `forceLength`, `endAt`, paddings and fades (seconds).
    public static let maximumProgrammeSeconds = 6.0 * 3_600
    /// The largest script or production file (bytes).
    public static let maximumTextBytes = 1 << 20
}
