/// The key of every message in the catalogs (`Localization/{en,fr}.lproj/Localizable.strings`).
///
/// A test checks that every key is in both catalogs, with the same format specifiers.
public enum Message: String, Sendable, CaseIterable {
    /// node %1$d (%2$@): %3$@, %4$@ ms
    case attemptLine = "attempt.line"
    /// also set as %1$@ (%2$@) to a different value; keep only one
    case configConflict = "config.conflict"
    /// "%1$@" is the same node as %2$@ (%3$@)
    case configDuplicateNode = "config.duplicateNode"
    /// %1$@ (%2$@): %3$@
    case configErrorPrefix = "config.errorPrefix"
    /// Configuration file %@ does not exist
    case configFileNotFound = "config.fileNotFound"
    /// "%1$@" is not one of: %2$@
    case configInvalidChoice = "config.invalidChoice"
    /// "%@" is not a duration (write 250ms, 5s, 2m or a number of milliseconds)
    case configInvalidDuration = "config.invalidDuration"
    /// "%1$@" is not a whole number of at least %2$d
    case configInvalidInteger = "config.invalidInteger"
    /// "%@" is not a URL
    case configInvalidURL = "config.invalidURL"
    /// "%@" has no host
    case configMissingHost = "config.missingHost"
    /// No primary node: set API_BASE_URL (or VITE_API_BASE_URL) in the environment or in a .env file
    case configMissingPrimary = "config.missingPrimary"
    /// "%@" is negative; a duration must be 0 or more
    case configNegativeDuration = "config.negativeDuration"
    /// "%@" must not have a query or a fragment
    case configQueryOrFragment = "config.queryOrFragment"
    /// %1$@, column %2$d: %3$@
    case configSyntax = "config.syntax"
    /// Cannot read %1$@: %2$@
    case configUnreadableFile = "config.unreadableFile"
    /// unsupported scheme "%1$@" in "%2$@" (use http or https)
    case configUnsupportedScheme = "config.unsupportedScheme"
    /// "%@" must be more than 0
    case configZeroDuration = "config.zeroDuration"
    /// All %d backend nodes are unavailable
    case errorAllNodesUnavailable = "error.allNodesUnavailable"
    /// The backend node is unavailable
    case errorAllNodesUnavailableOne = "error.allNodesUnavailable.one"
    /// (retry budget spent: the remaining nodes were not tried)
    case errorBudgetExhausted = "error.budgetExhausted"
    /// There is no node %1$@ (nodes are numbered 0 to %2$d)
    case errorInvalidNode = "error.invalidNode"
    /// Invalid request path "%@": give a path such as /api/items, not a full URL, without spaces
    case errorInvalidPath = "error.invalidPath"
    /// Every node is disabled
    case errorNoEnabledNode = "error.noEnabledNode"
    /// Node %@ is disabled
    case errorNodeDisabled = "error.nodeDisabled"
    /// %1$@ reached node %2$d (%3$@) and failed there (%4$@); it was not sent to another node, to avoid a duplicate write. Send an Idempotency-Key header to allow failover.
    case errorNotResent = "error.notResent"
    /// %1$@ failed on node %2$d (%3$@): %4$@
    case errorRequestFailed = "error.requestFailed"
    /// The failover client has been shut down
    case errorShutdown = "error.shutdown"
    /// Connection timeout after %1$d ms (all %2$d nodes tried)
    case errorTimeoutAllTried = "error.timeout.allTried"
    /// Request timed out after %1$d ms (nodes tried: %2$@, of %3$d)
    case errorTimeoutSomeTried = "error.timeout.someTried"
    /// All %d backend nodes are down
    case eventAllNodesDown = "event.allNodesDown"
    /// The backend node is down
    case eventAllNodesDownOne = "event.allNodesDown.one"
    /// Attempt failed: %@
    case eventAttemptFailed = "event.attemptFailed"
    /// Node %1$d (%2$@) is down: %3$@
    case eventNodeDown = "event.nodeDown"
    /// Node %1$d (%2$@) is available again
    case eventNodeRecovered = "event.nodeRecovered"
    /// Retrying on node %1$d in %2$d ms (retry %3$d)
    case eventRetrying = "event.retrying"
    /// Switched to node %1$d (%2$@)
    case eventSwitched = "event.switched"
    /// Switched to node %1$d (%2$@) by hand
    case eventSwitchedManual = "event.switched.manual"
    /// Back to the primary, node %1$d (%2$@)
    case eventSwitchedRecovery = "event.switched.recovery"
    /// response body too large
    case outcomeBodyTooLarge = "outcome.bodyTooLarge"
    /// connect timeout
    case outcomeConnectTimeout = "outcome.connectTimeout"
    /// connection refused
    case outcomeConnectionRefused = "outcome.connectionRefused"
    /// connection reset
    case outcomeConnectionReset = "outcome.connectionReset"
    /// host name not resolved
    case outcomeDNSFailure = "outcome.dnsFailure"
    /// malformed HTTP response
    case outcomeMalformedResponse = "outcome.malformedResponse"
    /// network error
    case outcomeOther = "outcome.other"
    /// HTTP %d
    case outcomeStatus = "outcome.status"
    /// timed out
    case outcomeTimeout = "outcome.timeout"
    /// TLS handshake failed
    case outcomeTLSFailure = "outcome.tlsFailure"
    /// set in code
    case sourceCode = "source.code"
    /// default
    case sourceDefault = "source.default"
    /// environment
    case sourceEnvironment = "source.environment"
    /// %1$@ line %2$d
    case sourceFile = "source.file"
    /// unexpected text after the closing quote
    case syntaxAfterQuote = "syntax.afterQuote"
    /// "%@" is not a valid key (letters, digits, _ . -)
    case syntaxInvalidKey = "syntax.invalidKey"
    /// expected KEY=value
    case syntaxMissingEquals = "syntax.missingEquals"
    /// "${" is never closed
    case syntaxUnterminatedExpansion = "syntax.unterminatedExpansion"
    /// this quote is never closed
    case syntaxUnterminatedQuote = "syntax.unterminatedQuote"
}
