import AsyncHTTPClient
import NIOSSL

/// A connection refused because no certificate of the node's verified chain has a pinned key.
struct PinCheckFailure: Error, Sendable {
    /// The node's leaf certificate, in DER (empty when the node sent none).
    var leaf: [UInt8]
}

/// What a TLS error of AsyncHTTPClient or NIOSSL says, read without guessing.
enum TLSErrorAnalysis {
    /// What an error is, as far as TLS goes.
    enum Verdict: Equatable {
        /// The reason is known from the error itself.
        case reason(TLSFailureReason)
        /// BoringSSL refused the node's certificate (`CERTIFICATE_VERIFY_FAILED`); which X.509
        /// check failed stays inside the handshake, so the chain has to be fetched to say why.
        case certificateRefused
    }

    /// The verdict on an error, or `nil` when it is not a TLS error.
    static func verdict(_ error: any Error) -> Verdict? {
        switch error {
        case is PinCheckFailure:
            return .reason(.pinMismatch)
        case let error as HTTPClientError where error == .tlsHandshakeTimeout:
            return .reason(.handshakeTimeout)
        case let error as NIOSSLExtraError:
            return error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch ? .reason(.hostnameMismatch) : .reason(.other)
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let inner): return verdict(boringSSL: inner)
            default: return .reason(.other)
            }
        case let error as BoringSSLError:
            return verdict(boringSSL: error)
        default:
            return nil
        }
    }

    private static func verdict(boringSSL error: BoringSSLError) -> Verdict {
        guard case .sslError(let stack) = error else { return .reason(.other) }
        for reason in stack.compactMap({ reasonName(of: $0) }) {
            if let verdict = verdictsByReason[reason] { return verdict }
        }
        return .reason(.other)
    }

    /// BoringSSL's reason names (stable across versions), and what they mean for a client. An
    /// alert about a certificate that the *node* sent is about the client's certificate: the
    /// client's own verdict on the node's certificate is `CERTIFICATE_VERIFY_FAILED`.
    private static let verdictsByReason: [String: Verdict] = [
        "CERTIFICATE_VERIFY_FAILED": .certificateRefused,
        "TLSV1_ALERT_CERTIFICATE_REQUIRED": .reason(.clientCertificateRejected),
        "SSLV3_ALERT_BAD_CERTIFICATE": .reason(.clientCertificateRejected),
        "SSLV3_ALERT_CERTIFICATE_UNKNOWN": .reason(.clientCertificateRejected),
        "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE": .reason(.clientCertificateRejected),
        "SSLV3_ALERT_CERTIFICATE_EXPIRED": .reason(.clientCertificateRejected),
        "SSLV3_ALERT_CERTIFICATE_REVOKED": .reason(.clientCertificateRejected),
        "TLSV1_ALERT_UNKNOWN_CA": .reason(.clientCertificateRejected),
        "TLSV1_ALERT_ACCESS_DENIED": .reason(.clientCertificateRejected),
        "TLSV1_ALERT_PROTOCOL_VERSION": .reason(.protocolVersion),
        "UNSUPPORTED_PROTOCOL": .reason(.protocolVersion),
        "TLSV1_ALERT_INAPPROPRIATE_FALLBACK": .reason(.protocolVersion),
    ]

    /// `CERTIFICATE_VERIFY_FAILED` in "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at …":
    /// NIOSSL keeps BoringSSL's packed code private and only formats it.
    static func reasonName(of error: BoringSSLInternalError) -> String? {
        let text = error.description
        guard let marker = text.range(of: "OPENSSL_internal:") else { return nil }
        let name = text[marker.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}
