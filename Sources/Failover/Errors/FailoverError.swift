public import Localization
public import NIOHTTP1

/// An error of the failover pipeline or of the client's manual controls.
///
/// A struct wrapping a code, as `HTTPClientError` is, so new codes do not break users:
/// compare ``code`` with the static members (`error.code == .allNodesUnavailable`).
public struct FailoverError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The identifier used in JSON output and metric labels.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Every node was tried (or skipped by the retry budget) and none answered usefully.
        public static let allNodesUnavailable = Code("allNodesUnavailable")
        /// The overall deadline (`TOTAL_TIMEOUT`) ran out.
        public static let timeout = Code("timeout")
        /// A non-idempotent request reached a node, failed there, and was not re-sent.
        public static let notResent = Code("notResent")
        /// The classifier decided the request cannot succeed anywhere (for example a body too large).
        public static let requestFailed = Code("requestFailed")
        /// The request cannot be sent (for example an absolute URL as path).
        public static let invalidRequest = Code("invalidRequest")
        /// No node has this index.
        public static let invalidNode = Code("invalidNode")
        /// The node is disabled.
        public static let nodeDisabled = Code("nodeDisabled")
        /// Every node is disabled.
        public static let noEnabledNode = Code("noEnabledNode")
        /// An event stream was refused by a node (a 4xx answer): it is not retried elsewhere.
        public static let streamRejected = Code("streamRejected")
        /// The client was shut down.
        public static let shutdown = Code("shutdown")

        /// The identifier.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// Every attempt made, in order.
    public let attempts: [Attempt]
    /// How many nodes are configured.
    public let nodeCount: Int
    /// The request's method and path, when the error is about a request.
    public let method: HTTPMethod?
    /// The request's path.
    public let path: String?
    /// For ``Code-swift.struct/timeout``: the overall deadline in milliseconds.
    public let deadlineMilliseconds: Int?
    /// For ``Code-swift.struct/allNodesUnavailable``: whether the retry budget stopped the attempts.
    public let budgetExhausted: Bool
    /// For control errors: the node index concerned; for requests, a detail such as the invalid path.
    let subject: String?

    init(
        _ code: Code, attempts: [Attempt] = [], nodeCount: Int, request: FailoverRequest? = nil,
        deadlineMilliseconds: Int? = nil, budgetExhausted: Bool = false, subject: String? = nil
    ) {
        self.code = code
        self.attempts = attempts
        self.nodeCount = nodeCount
        self.method = request?.method
        self.path = request?.path
        self.deadlineMilliseconds = deadlineMilliseconds
        self.budgetExhausted = budgetExhausted
        self.subject = subject
    }

    /// The error for a node index that does not exist (for tools built on the client).
    ///
    /// - Parameters:
    ///   - index: The index asked for.
    ///   - nodeCount: How many nodes there are.
    public static func invalidNode(_ index: Int, nodeCount: Int) -> FailoverError {
        FailoverError(.invalidNode, nodeCount: nodeCount, subject: String(index))
    }

    /// The indices of the nodes tried, in the order first tried.
    public var nodesTried: [Int] {
        var seen: [Int] = []
        for attempt in attempts where !seen.contains(attempt.node) { seen.append(attempt.node) }
        return seen
    }

    /// The last attempt, if any: for ``Code-swift.struct/notResent``, the node the request reached.
    public var lastAttempt: Attempt? { attempts.last }

    /// A one-line summary safe for metric labels: the code.
    public var shortDescription: String { code.rawValue }

    /// The message in the current language, attempts included (one per line).
    public var description: String { message(in: .current, includingAttempts: true) }

    /// The message in a language.
    ///
    /// - Parameters:
    ///   - language: The language.
    ///   - includingAttempts: Whether to add one line per attempt.
    /// - Returns: The message.
    public func message(in language: Language, includingAttempts: Bool = false) -> String {
        let headline = headline(in: language)
        guard includingAttempts, !attempts.isEmpty else { return headline }
        return ([headline] + attempts.map { "  " + $0.message(in: language) }).joined(separator: "\n")
    }

    private func headline(in language: Language) -> String {
        // The path as shown: the values of secret-looking query parameters redacted.
        let shownPath = path.map(Redaction.url) ?? ""
        let request = "\(method?.rawValue ?? "") \(shownPath)"
        switch code {
        case .allNodesUnavailable:
            let base = nodeCount == 1
                ? localized(.errorAllNodesUnavailableOne, language: language)
                : localized(.errorAllNodesUnavailable, nodeCount, language: language)
            return budgetExhausted ? base + " " + localized(.errorBudgetExhausted, language: language) : base
        case .timeout:
            let tried = nodesTried
            if tried.count >= nodeCount {
                return localized(.errorTimeoutAllTried, deadlineMilliseconds ?? 0, nodeCount, language: language)
            }
            let list = tried.map(String.init).joined(separator: ", ")
            return localized(.errorTimeoutSomeTried, deadlineMilliseconds ?? 0, list, nodeCount, language: language)
        case .notResent:
            let last = lastAttempt
            return localized(
                .errorNotResent, request, last?.node ?? 0, last?.url.description ?? "",
                last?.outcome.message(in: language) ?? "", language: language)
        case .requestFailed:
            let last = lastAttempt
            return localized(
                .errorRequestFailed, request, last?.node ?? 0, last?.url.description ?? "",
                last?.outcome.message(in: language) ?? "", language: language)
        case .invalidRequest:
            return localized(.errorInvalidPath, Redaction.url(subject ?? ""), language: language)
        case .invalidNode:
            return localized(.errorInvalidNode, subject ?? "", max(0, nodeCount - 1), language: language)
        case .nodeDisabled:
            return localized(.errorNodeDisabled, subject ?? "", language: language)
        case .noEnabledNode:
            return localized(.errorNoEnabledNode, language: language)
        case .streamRejected:
            let last = lastAttempt
            return localized(
                .errorStreamRejected, shownPath, last?.node ?? 0, last?.url.description ?? "",
                last?.outcome.message(in: language) ?? "", language: language)
        default:
            return localized(.errorShutdown, language: language)
        }
    }
}

extension AttemptOutcome {
    /// What happened, in words: "HTTP 503", "connection refused".
    public func message(in language: Language) -> String {
        switch self {
        case .response(let status): localized(.outcomeStatus, status, language: language)
        case .failure(let failure): failure.message(in: language)
        }
    }
}

extension TransportFailure {
    /// What went wrong, in words; for a TLS failure, what is wrong and what to do.
    public func message(in language: Language) -> String {
        guard kind == .tlsFailure, let tlsReason else { return localized(kind.message, language: language) }
        return localized(tlsReason.message, language: language)
    }
}

extension TLSFailureReason {
    var message: Message {
        switch self {
        case .untrustedCertificate: .tlsReasonUntrustedCertificate
        case .expiredCertificate: .tlsReasonExpiredCertificate
        case .hostnameMismatch: .tlsReasonHostnameMismatch
        case .pinMismatch: .tlsReasonPinMismatch
        case .handshakeTimeout: .tlsReasonHandshakeTimeout
        case .clientCertificateRejected: .tlsReasonClientCertificateRejected
        case .protocolVersion: .tlsReasonProtocolVersion
        case .other: .tlsReasonOther
        }
    }
}

extension TransportFailure.Kind {
    var message: Message {
        switch self {
        case .connectionRefused: .outcomeConnectionRefused
        case .connectTimeout: .outcomeConnectTimeout
        case .dnsFailure: .outcomeDNSFailure
        case .tlsFailure: .outcomeTLSFailure
        case .refusedStream: .outcomeRefusedStream
        case .goaway: .outcomeGoaway
        case .connectionClosed: .outcomeConnectionClosed
        case .connectionReset: .outcomeConnectionReset
        case .timeout: .outcomeTimeout
        case .malformedResponse: .outcomeMalformedResponse
        case .bodyTooLarge: .outcomeBodyTooLarge
        case .other: .outcomeOther
        }
    }
}

extension Attempt {
    /// "node 0 (http://127.0.0.1:8080): connection refused, 0.4 ms".
    public func message(in language: Language) -> String {
        let ms = Language.formatDecimal(milliseconds, language: language)
        return localized(.attemptLine, node, url.description, outcome.message(in: language), ms, language: language)
    }
}
