extension FailoverClient.Configuration {
    /// How HTTPS nodes are reached: the authorities trusted, the client's identity, pins, the
    /// lowest TLS version. Health checks and event streams use the same settings as requests.
    ///
    /// Certificates are always verified: the chain must lead to a trusted authority (the system's,
    /// plus ``additionalTrustRoots``), the certificate must name the node's host, and, with
    /// ``pinnedKeys``, the verified chain must hold one of the pinned keys.
    public struct TLS: Sendable, Hashable {
        /// CA certificates trusted in addition to the system's (`TLS_CA_FILE`).
        public var additionalTrustRoots: [TLSCertificate]
        /// A PEM file that replaces the system's trust store (the `SSL_CERT_FILE` convention of
        /// OpenSSL); `nil` for the system's.
        public var systemTrustStoreFile: String?
        /// The client certificate and key for mutual TLS (`TLS_CLIENT_CERT_FILE`, `TLS_CLIENT_KEY_FILE`).
        public var clientIdentity: TLSClientIdentity?
        /// Pinned public keys (`TLS_PINNED_KEYS`); when not empty, a node's verified chain must
        /// hold one of them.
        public var pinnedKeys: [TLSPinnedKey]
        /// The lowest TLS version accepted (`TLS_MIN_VERSION`, 1.2).
        public var minimumVersion: MinimumVersion
        /// The files the material was read from, as configured (shown by the REPL's `config`).
        public var files: Files

        /// The lowest TLS version a connection may use.
        public enum MinimumVersion: String, Sendable, Hashable, CaseIterable {
            /// TLS 1.2 (`1.2`, the default).
            case tls12 = "1.2"
            /// TLS 1.3 (`1.3`).
            case tls13 = "1.3"
        }

        /// Where the material came from, when it was read from files.
        public struct Files: Sendable, Hashable {
            /// `TLS_CA_FILE`.
            public var caFile: String?
            /// `TLS_CLIENT_CERT_FILE`.
            public var clientCertificateFile: String?
            /// `TLS_CLIENT_KEY_FILE`.
            public var clientKeyFile: String?

            /// Creates a record of the files.
            public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
                self.caFile = caFile
                self.clientCertificateFile = clientCertificateFile
                self.clientKeyFile = clientKeyFile
            }
        }

        /// Creates TLS settings in code.
        ///
        /// - Parameters:
        ///   - additionalTrustRoots: CAs trusted besides the system's.
        ///   - clientIdentity: The client certificate and key, for mutual TLS.
        ///   - pinnedKeys: Keys one of which a node's verified chain must hold.
        ///   - minimumVersion: The lowest TLS version accepted.
        public init(
            additionalTrustRoots: [TLSCertificate] = [], clientIdentity: TLSClientIdentity? = nil,
            pinnedKeys: [TLSPinnedKey] = [], minimumVersion: MinimumVersion = .tls12
        ) {
            self.additionalTrustRoots = additionalTrustRoots
            self.systemTrustStoreFile = nil
            self.clientIdentity = clientIdentity
            self.pinnedKeys = pinnedKeys
            self.minimumVersion = minimumVersion
            self.files = Files()
        }
    }

    /// Which HTTP versions are offered to HTTPS nodes (`HTTP_VERSION`).
    public enum HTTPVersionPolicy: String, Sendable, Hashable, CaseIterable {
        /// HTTP/2 where the node offers it by ALPN, else HTTP/1.1 (`auto`, the default).
        case automatic = "auto"
        /// HTTP/1.1 only (`1.1`).
        case http1 = "1.1"
    }

    /// The TLS settings of a node: its override in ``nodeTLS``, else ``tls``.
    public func tls(for node: NodeURL) -> TLS {
        nodeTLS[node] ?? nodeTLS.first { $0.key.sameEndpoint(as: node) }?.value ?? tls
    }
}
