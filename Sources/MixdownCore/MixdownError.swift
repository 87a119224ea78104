/// The one error type that reaches a user. Its description is the single line the CLI prints:
/// it names the file (and line:col or key path where there is one) and says what is wrong.
public struct MixdownError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The user's input is wrong: exit 1.
        case badInput
        /// The command line itself is wrong: exit 2.
        case usage
        /// Something outside the user's control failed (disk full, codec library error): exit 1.
        case failure
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func badInput(_ message: String) -> MixdownError { .init(.badInput, message) }
    public static func usage(_ message: String) -> MixdownError { .init(.usage, message) }
    public static func failure(_ message: String) -> MixdownError { .init(.failure, message) }

    public var description: String { message }
}
