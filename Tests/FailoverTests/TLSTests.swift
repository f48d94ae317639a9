import Failover
import FailoverDemo
import Foundation
import Localization
import NIOCore
import NIOHTTP1
import Testing

/// HTTPS nodes: each TLS fault is classified with its reason and failed over; each good setup works.
/// Real TLS servers on 127.0.0.1 with certificates minted in the test.
@Suite("TLS to nodes")
struct TLSTests {
    /// Node 0 has `broken`; node 1 is valid: the request fails over and node 0's attempt says why.
    func expectFailover(
        _ broken: DemoTLS, reason: TLSFailureReason, pki: TestPKI, healthy: DemoTLS? = nil,
        configure: @escaping (inout FailoverClient.Configuration) -> Void = { _ in }
    ) async throws {
        let healthy = try healthy ?? pki.node("healthy")
        try await withTLSClient(nodes: [broken, healthy], configure: { configuration in
            configuration.tls = (try? pki.clientTLS()) ?? .init()
            configure(&configuration)
        }) { cluster, client in
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.node.index == 1)
            let first = try #require(response.attempts.first)
            #expect(first.node == 0)
            guard case .failure(let failure) = first.outcome else {
                Issue.record("node 0 answered: \(first.outcome)")
                return
            }
            #expect(failure.kind == .tlsFailure, "\(failure.detail)")
            #expect(failure.tlsReason == reason, "\(failure.detail)")
            #expect(!first.message(in: .english).contains("NIOSSL"))
            #expect(!first.message(in: .english).contains(".build"))
            #expect(await cluster[0].requestCount == 0)
        }
    }

    @Test func anUnknownAuthorityIsUntrusted() async throws {
        let pki = try TestPKI()
        try await expectFailover(DemoTLS(identity: try pki.stranger.issue(commonName: "rogue")), reason: .untrustedCertificate, pki: pki)
    }

    @Test func anExpiredCertificateIsSaidToBeExpired() async throws {
        let pki = try TestPKI()
        let expired = try pki.authority.issue(commonName: "old", validFrom: Date().addingTimeInterval(-86400 * 10), validity: 86400)
        try await expectFailover(DemoTLS(identity: expired), reason: .expiredCertificate, pki: pki)
    }

    @Test func aCertificateForAnotherHostIsAMismatch() async throws {
        let pki = try TestPKI()
        let other = try pki.authority.issue(commonName: "other", dnsNames: ["other.example"], ipAddresses: ["10.9.8.7"])
        try await expectFailover(DemoTLS(identity: other), reason: .hostnameMismatch, pki: pki)
    }

    @Test func aNodeLimitedToTLS12IsAProtocolVersionFailureWithMinimum13() async throws {
        let pki = try TestPKI()
        try await expectFailover(DemoTLS(identity: try pki.server(), maximumVersion: .tls12), reason: .protocolVersion, pki: pki) {
            $0.tls.minimumVersion = .tls13
        }
    }

    @Test func aNodeThatWantsAClientCertificateRejectsAClientWithout() async throws {
        let pki = try TestPKI()
        let clients = try DemoCertificateAuthority(name: "clients")
        try await expectFailover(
            DemoTLS(identity: try pki.server(), clientAuthorities: [clients.certificate]), reason: .clientCertificateRejected, pki: pki)
    }

    @Test func http2IsNegotiatedByALPN() async throws {
        let pki = try TestPKI()
        try await withTLSClient(nodes: [try pki.node()], configure: { $0.tls = (try? pki.clientTLS()) ?? .init() }) { _, client in
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(client.status().nodes[0].lastProtocol == .http2)
        }
    }
}

extension TLSTests {
    @Test func aNodeThatWantsAClientCertificateRejectsAClientWithoutOverHTTP1() async throws {
        let pki = try TestPKI()
        let clients = try DemoCertificateAuthority(name: "clients")
        try await expectFailover(
            DemoTLS(identity: try pki.server(), clientAuthorities: [clients.certificate]), reason: .clientCertificateRejected, pki: pki
        ) { $0.httpVersion = .http1 }
    }
}

/// Pins, handshakes that never end, mutual TLS.
@Suite("TLS pins and client certificates")
struct TLSPinAndClientTests {
    @Test func aLeafWhoseKeyIsNotPinnedIsAPinMismatch() async throws {
        let pki = try TestPKI()
        let good = try pki.server("pinned")
        let pin = try TLSPinnedKey(publicKeyOf: TLSCertificate(derBytes: good.certificateDER))
        try await TLSTests().expectFailover(try pki.node("other"), reason: .pinMismatch, pki: pki, healthy: DemoTLS(identity: good)) {
            $0.tls.pinnedKeys = [pin]
        }
    }

    @Test func aPinOfTheTrustedAuthorityAcceptsItsCertificates() async throws {
        let pki = try TestPKI()
        let pin = try TLSPinnedKey(publicKeyOf: pki.trustedCA)
        try await withTLSClient(nodes: [try pki.node()], configure: { configuration in
            configuration.tls = (try? pki.clientTLS()) ?? .init()
            configuration.tls.pinnedKeys = [pin]
        }) { _, client in
            let first = try await client.get("/api/stats")
            let second = try await client.get("/api/stats")
            #expect(first.status == .ok)
            #expect(second.status == .ok)
        }
    }

    @Test func aPinOfAnIntermediateOnlyTheNodePresentsIsFoundInItsChain() async throws {
        let pki = try TestPKI()
        let intermediate = try pki.authority.intermediate(name: "issuing CA")
        let leaf = try intermediate.issue(commonName: "node")
        #expect(leaf.chain.count == 2)
        let pin = try TLSPinnedKey(publicKeyOf: TLSCertificate(derBytes: intermediate.certificateDER))
        let wrong = try TLSPinnedKey(publicKeyOf: TLSCertificate(derBytes: pki.stranger.certificateDER))
        try await withTLSClient(nodes: [DemoTLS(identity: leaf)], configure: { configuration in
            configuration.tls = (try? pki.clientTLS()) ?? .init()
            configuration.tls.pinnedKeys = [wrong, pin]
        }) { _, client in
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.attempts.count == 1)
        }
    }

    @Test func aNodeThatNeverAnswersTheHandshakeTimesOut() async throws {
        let pki = try TestPKI()
        let silent = try await SilentListener.start()
        defer { silent.close() }
        let healthy = try await DemoNode.start(name: "healthy", tls: try pki.node())
        var configuration = try FailoverClient.Configuration(primary: "https://127.0.0.1:\(silent.port)", backups: [healthy.baseURL])
        configuration.tls = try pki.clientTLS()
        configuration.timeouts = .init(request: .seconds(2), total: .seconds(6), connect: .seconds(1))
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        try await withFailoverClient(configuration: configuration) { client in
            let response = try await client.get("/api/stats")
            #expect(response.node.index == 1)
            guard case .failure(let failure) = response.attempts.first?.outcome else {
                Issue.record("node 0 answered")
                return
            }
            #expect(failure.tlsReason == .handshakeTimeout, "\(failure.kind) \(failure.detail)")
        }
        await healthy.shutdown()
    }

    @Test func mutualTLSWithAClientCertificate() async throws {
        let pki = try TestPKI()
        let clients = try DemoCertificateAuthority(name: "clients")
        let me = try clients.issue(commonName: "app", dnsNames: [], ipAddresses: [], client: true)
        let identity = try TLSClientIdentity(
            certificateChain: TLSCertificate.certificates(pem: me.chainPEM), privateKey: TLSPrivateKey(pem: me.keyPEM))
        try await withTLSClient(
            nodes: [DemoTLS(identity: try pki.server(), clientAuthorities: [clients.certificate])],
            configure: { configuration in
                configuration.tls = (try? pki.clientTLS()) ?? .init()
                configuration.tls.clientIdentity = identity
            }
        ) { _, client in
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(client.status().nodes[0].lastProtocol == .http2)
        }
    }

    @Test func aClientCertificateFromAnotherAuthorityIsRejected() async throws {
        let pki = try TestPKI()
        let clients = try DemoCertificateAuthority(name: "clients")
        let me = try pki.stranger.issue(commonName: "app", dnsNames: [], ipAddresses: [], client: true)
        let identity = try TLSClientIdentity(
            certificateChain: TLSCertificate.certificates(pem: me.chainPEM), privateKey: TLSPrivateKey(pem: me.keyPEM))
        try await TLSTests().expectFailover(
            DemoTLS(identity: try pki.server(), clientAuthorities: [clients.certificate]), reason: .clientCertificateRejected, pki: pki
        ) { $0.tls.clientIdentity = identity }
    }
}

extension TLSPinAndClientTests {
    @Test func aNodeWithTLSSettingsOfItsOwn() async throws {
        let pki = try TestPKI()
        let other = try DemoCertificateAuthority(name: "node 1's own CA")
        let nodeOne = DemoTLS(identity: try other.issue(commonName: "one"))
        try await withTLSClient(nodes: [try pki.node("zero"), nodeOne], configure: { configuration in
            configuration.tls = (try? pki.clientTLS()) ?? .init()
            // Node 1 trusts only its own CA: node 0's settings would refuse it, and the reverse.
            if let url = configuration.nodes.last, let ca = try? TLSCertificate(derBytes: other.certificateDER) {
                configuration.nodeTLS[url] = .init(additionalTrustRoots: [ca])
            }
        }) { cluster, client in
            let zero = try await client.get("/api/stats")
            #expect(zero.node.index == 0)
            try client.use(node: 1)
            let one = try await client.get("/api/stats")
            #expect(one.node.index == 1)
            #expect(one.attempts.count == 1)
        }
    }
}
