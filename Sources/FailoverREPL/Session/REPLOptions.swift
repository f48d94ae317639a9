public import Localization

/// What the `failover` command line asked for.
public struct REPLOptions: Sendable {
    /// `.env` files to read instead of the current directory's (`--env-file`, repeatable, later ones win).
    public var envFiles: [String] = []
    /// The mode for `.env.[mode]` files (`--mode`).
    public var mode: String?
    /// The language (`--lang`); `nil` resolves it from the environment.
    public var language: Language?
    /// Whether to start the built-in demo cluster (`--demo`).
    public var demo = false
    /// Whether the demo nodes serve HTTPS, with a CA made at start (`--tls`, with `--demo`).
    public var demoTLS = false
    /// Commands to run instead of reading lines (`-c`, repeatable).
    public var commands: [String] = []
    /// One JSON object per command (`--json`).
    public var json = false
    /// Colours off (`--no-color`).
    public var noColor = false
    /// Where the history is kept (`--history-file`).
    public var historyFile: String?
    /// Where to serve the dashboard (`--dashboard [ADDR]`), as typed; `nil` for no dashboard.
    public var dashboard: String?

    /// Creates options with the defaults.
    public init() {}
}
