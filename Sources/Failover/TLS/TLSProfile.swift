import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import X509
import Locking

/// One set of TLS settings, resolved for use: the NIOSSL configuration every connection of its
/// HTTP clients uses, and what it takes to check pins and explain a refused certificate.
final class TLSProfile: Sendable {
    let settings: FailoverClient.Configuration.TLS
    let nioConfiguration: TLSConfiguration
    /// The pinned SPKI hashes; empty when nothing is pinned.
    let pins: Set<[UInt8]>
    /// Leaf certificates (by SHA-256 of their DER) whose verified chain holds a pin.
    private let approvedLeaves = LockedValue<Set<[UInt8]>>([])
    /// The trust store as swift-certificates sees it, read on first need.
    private let trustStore = LockedValue<TrustStore?>(nil)
    /// The last look for an alert after the handshake, by `host:port`.
    private let recentAlerts = LockedValue<[String: (at: ContinuousClock.Instant, reason: TLSFailureReason?)]>([:])

    init(_ settings: FailoverClient.Configuration.TLS, httpVersion: FailoverClient.Configuration.HTTPVersionPolicy) {
        self.settings = settings
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = settings.minimumVersion == .tls13 ? .tlsv13 : .tlsv12
        configuration.certificateVerification = .fullVerification
        if let file = settings.systemTrustStoreFile { configuration.trustRoots = .file(file) }
        let additional = settings.additionalTrustRoots.compactMap(\.nioCertificate)
        if !additional.isEmpty { configuration.additionalTrustRoots = [.certificates(additional)] }
        if let identity = settings.clientIdentity {
            configuration.certificateChain = identity.certificateChain.compactMap(\.nioCertificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(identity.privateKey.key)
        }
        // AsyncHTTPClient sets the ALPN list from its own `httpVersion`; the probe offers the same.
        configuration.applicationProtocols = httpVersion == .http1 ? ["http/1.1"] : ["h2", "http/1.1"]
        nioConfiguration = configuration
        pins = Set(settings.pinnedKeys.map(\.sha256))
    }

    // MARK: Pins

    /// Whether a leaf is known to pass the pins: its own key is pinned, or its chain was checked.
    func approves(leaf der: [UInt8]) -> Bool {
        guard !pins.isEmpty else { return true }
        let fingerprint = Array(SHA256.hash(data: der))
        if approvedLeaves.withLock({ $0.contains(fingerprint) }) { return true }
        guard let certificate = try? TLSCertificate(derBytes: der), let hash = certificate.publicKeyHash, pins.contains(hash) else {
            return false
        }
        approvedLeaves.withLock { _ = $0.insert(fingerprint) }
        return true
    }

    /// Checks the pins against the leaf's verified chain: built from the trust store alone, else
    /// with the intermediates the node presents (fetched by ``TLSProbe``). Remembers a leaf that passes.
    ///
    /// The chain is fetched on a second connection; it vouches for the first because the leaf is
    /// the same certificate, whose key only the node holds (the first handshake proved it).
    func approvesByChain(leaf der: [UInt8], host: String, port: Int, deadline: ContinuousClock.Instant) async -> Bool {
        guard let leaf = try? Certificate(derEncoded: der) else { return false }
        let store = loadTrustStore()
        if await store.chainHoldsPin(leaf: leaf, intermediates: [], pins: pins) {
            approvedLeaves.withLock { _ = $0.insert(Array(SHA256.hash(data: der))) }
            return true
        }
        guard let presented = await TLSProbe.presentedChain(host: host, port: port, profile: self, deadline: deadline),
              let first = presented.first, first == leaf
        else { return false }
        guard await store.chainHoldsPin(leaf: leaf, intermediates: Array(presented.dropFirst()), pins: pins) else { return false }
        approvedLeaves.withLock { _ = $0.insert(Array(SHA256.hash(data: der))) }
        return true
    }

    // MARK: Diagnosis

    /// Why the node's certificate failed verification: fetches the chain it presents and looks
    /// at it. BoringSSL only says "CERTIFICATE_VERIFY_FAILED"; the X.509 error behind it stays
    /// inside the handshake.
    func diagnoseVerificationFailure(host: String, port: Int, deadline: ContinuousClock.Instant) async -> TLSFailureReason {
        guard let chain = await TLSProbe.presentedChain(host: host, port: port, profile: self, deadline: deadline), !chain.isEmpty else {
            return .other
        }
        let now = Date()
        if chain.contains(where: { now > $0.notValidAfter || now < $0.notValidBefore }) { return .expiredCertificate }
        return .untrustedCertificate
    }

    /// Why a node closed a connection right after the handshake, when it did so over TLS: a node
    /// that checks client certificates sends its verdict as an alert *after* the client's side
    /// of a TLS 1.3 handshake is over. AsyncHTTPClient drops that alert on an HTTP/2 connection
    /// (its connection start fails with `remoteConnectionClosed`), so a second connection, which
    /// sends nothing, listens for it. Remembered for a second per node, so a burst of failures
    /// costs one look.
    func alertAfterHandshake(host: String, port: Int, deadline: ContinuousClock.Instant) async -> TLSFailureReason? {
        let key = "\(host):\(port)"
        let now = ContinuousClock.now
        if let (at, reason) = recentAlerts.withLock({ $0[key] }), at.duration(to: now) < .seconds(1) { return reason }
        let reason = await TLSProbe.alertAfterHandshake(host: host, port: port, profile: self, deadline: deadline)
        recentAlerts.withLock { recent in
            recent = recent.filter { $0.value.at.duration(to: now) < .seconds(1) }
            recent[key] = (now, reason)
        }
        return reason
    }

    private func loadTrustStore() -> TrustStore {
        trustStore.withLock { stored in
            if let stored { return stored }
            let store = TrustStore(systemFile: settings.systemTrustStoreFile, additional: settings.additionalTrustRoots.compactMap(\.parsed))
            stored = store
            return store
        }
    }
}

/// The certificates a chain may end at, as swift-certificates sees them: the system's (or
/// `SSL_CERT_FILE`'s) and `TLS_CA_FILE`'s.
struct TrustStore: Sendable {
    /// Self-issued certificates: the anchors.
    let roots: [Certificate]
    /// The other certificates of the store, usable as intermediates.
    let intermediates: [Certificate]

    /// Where Linux distributions keep the system's CA bundle (the paths NIOSSL searches).
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    init(systemFile: String?, additional: [Certificate]) {
        var all = additional
        let bundle = systemFile ?? Self.systemBundles.first { FileManager.default.fileExists(atPath: $0) }
        if let bundle, let pem = try? FileText.contents(of: bundle), let certificates = try? TLSCertificate.certificates(pem: pem) {
            all += certificates.compactMap(\.parsed)
        }
        roots = all.filter { $0.issuer == $0.subject }
        intermediates = all.filter { $0.issuer != $0.subject }
    }

    /// Whether a chain from `leaf` to an anchor, valid now, holds a certificate whose key is pinned.
    func chainHoldsPin(leaf: Certificate, intermediates presented: [Certificate], pins: Set<[UInt8]>) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy() }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates + presented))
        guard case .validCertificate(let chain) = result else { return false }
        return chain.contains { pins.contains(Array(SHA256.hash(data: Array($0.publicKey.subjectPublicKeyInfoBytes)))) }
    }
}

/// Second connections to a node that look at its TLS without sending a request.
enum TLSProbe {
    /// Completes a handshake as the client would and waits for the node's verdict (see
    /// ``TLSProfile/alertAfterHandshake(host:port:deadline:)``): an alert, or, when HTTP/2 was
    /// negotiated, the node's SETTINGS in answer to the connection preface (the node accepted the
    /// session: `nil`). Over HTTP/1.1 nothing is sent, and silence until the limit means no alert.
    static func alertAfterHandshake(host: String, port: Int, profile: TLSProfile, deadline: ContinuousClock.Instant) async -> TLSFailureReason? {
        guard let context = try? NIOSSLContext(configuration: profile.nioConfiguration) else { return nil }
        let heard = NIOLockedValueBox<TLSFailureReason?>(nil)
        await converse(host: host, port: port, until: min(deadline, .now + .milliseconds(500))) { serverName in
            [try NIOSSLClientHandler(context: context, serverHostname: serverName), AlertListener(heard: heard)]
        }
        return heard.withLockedValue { $0 }
    }

    /// Connects to the node with the handlers `pipeline` makes (given the name to send by SNI,
    /// `nil` for an address), and waits until the connection closes, or closes it at `limit`.
    private static func converse(
        host: String, port: Int, until limit: ContinuousClock.Instant,
        pipeline: @escaping @Sendable (String?) throws -> [any ChannelHandler]
    ) async {
        let remaining = ContinuousClock.now.duration(to: limit)
        guard remaining > .zero else { return }
        let serverName = (try? SocketAddress(ipAddress: host, port: 0)) != nil ? nil : host
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(remaining.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(try pipeline(serverName))
                }
            }
        guard let channel = try? await bootstrap.connect(host: host, port: port).get() else { return }
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(max(0, ContinuousClock.now.duration(to: limit).nanoseconds))) {
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
    }

    /// Keeps the TLS reason of the first error of a probe connection, and closes it; closes it too
    /// when the node answers anything (it accepted the session).
    private final class AlertListener: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let heard: NIOLockedValueBox<TLSFailureReason?>
        /// The HTTP/2 connection preface and an empty SETTINGS frame (RFC 9113 §3.4).
        private static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

        init(heard: NIOLockedValueBox<TLSFailureReason?>) { self.heard = heard }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted(let negotiated)? = event as? TLSUserEvent, negotiated == "h2" {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: Self.preface)), promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.close(promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if case .reason(let reason)? = TLSErrorAnalysis.verdict(error) {
                heard.withLockedValue { if $0 == nil { $0 = reason } }
            }
            context.close(promise: nil)
        }
    }

    /// Whether a TCP connection to the node is accepted within `limit` (closed at once, nothing sent).
    static func acceptsConnections(host: String, port: Int, within limit: Duration) async -> Bool {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.nanoseconds(limit.nanoseconds))
        guard let channel = try? await bootstrap.connect(host: host, port: port).get() else { return false }
        try? await channel.close()
        return true
    }

    /// Fetches the certificate chain a node presents; the handshake stops at the certificate.
    static func presentedChain(host: String, port: Int, profile: TLSProfile, deadline: ContinuousClock.Instant) async -> [Certificate]? {
        guard let context = try? NIOSSLContext(configuration: profile.nioConfiguration) else { return nil }
        let captured = NIOLockedValueBox<[Certificate]?>(nil)
        await converse(host: host, port: port, until: deadline) { serverName in
            [
                try NIOSSLClientHandler(
                    context: context, serverHostname: serverName,
                    customVerificationCallback: { certificates, promise in
                        captured.withLockedValue { $0 = certificates.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) } }
                        promise.succeed(.failed)  // the handshake stops here: the chain is all we wanted
                    })
            ]
        }
        return captured.withLockedValue { $0 }
    }
}
