/// An error from a ``DemoNode``.
///
/// A struct over a private code, so new cases do not break users.
public struct DemoNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case shutDown
        case noPort
    }

    private let code: Code

    /// The node was shut down for good: it cannot listen again.
    public static let shutDown = DemoNodeError(code: .shutDown)
    /// The listener bound, but reported no port.
    public static let noPort = DemoNodeError(code: .noPort)

    /// What went wrong, in a few words.
    public var description: String {
        switch self.code {
        case .shutDown: "the demo node was shut down"
        case .noPort: "the demo node's listener reported no port"
        }
    }
}
