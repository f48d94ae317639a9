import NIOSSL
import SwiftASN1
public import X509

/// How a demo node serves TLS: its certificate, whether it asks clients for one, the versions and
/// protocols it offers. A node with TLS speaks HTTP/2 and HTTP/1.1, chosen by ALPN.
public struct DemoTLS: Sendable {
    /// The highest TLS version a node accepts.
    public enum MaximumVersion: Sendable, Hashable {
        /// TLS 1.2: a node a client with `TLS_MIN_VERSION=1.3` cannot talk to.
        case tls12
        /// TLS 1.3.
        case tls13
    }

    /// The node's certificate and key.
    public var identity: DemoIdentity
    /// When not empty, the node requires a client certificate issued by one of these.
    public var clientAuthorities: [Certificate]
    /// The highest TLS version accepted.
    public var maximumVersion: MaximumVersion
    /// The protocols offered by ALPN, preferred first.
    public var applicationProtocols: [String]

    /// Creates TLS settings for a node.
    ///
    /// - Parameters:
    ///   - identity: The node's certificate and key.
    ///   - clientAuthorities: Authorities whose client certificates are required (none: no client certificate asked).
    ///   - maximumVersion: The highest TLS version accepted.
    ///   - applicationProtocols: ALPN protocols, preferred first (`h2`, `http/1.1`).
    public init(
        identity: DemoIdentity, clientAuthorities: [Certificate] = [], maximumVersion: MaximumVersion = .tls13,
        applicationProtocols: [String] = ["h2", "http/1.1"]
    ) {
        self.identity = identity
        self.clientAuthorities = clientAuthorities
        self.maximumVersion = maximumVersion
        self.applicationProtocols = applicationProtocols
    }

    /// The server context for these settings.
    func makeContext() throws -> NIOSSLContext {
        let chain = try identity.chain.map { certificate in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return NIOSSLCertificateSource.certificate(try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der))
        }
        let key = try NIOSSLPrivateKey(bytes: Array(identity.keyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.applicationProtocols = applicationProtocols
        configuration.maximumTLSVersion = maximumVersion == .tls12 ? .tlsv12 : .tlsv13
        if !clientAuthorities.isEmpty {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try clientAuthorities.map { authority in
                var serializer = DER.Serializer()
                try serializer.serialize(authority)
                return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
            })
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
