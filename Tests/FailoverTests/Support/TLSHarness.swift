import Failover
import FailoverDemo
import Foundation

/// A private CA and the nodes it certifies, for TLS tests: every certificate is minted here.
struct TestPKI {
    let authority: DemoCertificateAuthority
    /// Another CA, which the client does not trust.
    let stranger: DemoCertificateAuthority

    init() throws {
        authority = try DemoCertificateAuthority(name: "test CA")
        stranger = try DemoCertificateAuthority(name: "unknown CA")
    }

    /// The CA as the client trusts it.
    var trustedCA: TLSCertificate { get throws { try TLSCertificate(derBytes: authority.certificateDER) } }

    /// A valid server identity for 127.0.0.1 and localhost.
    func server(_ name: String = "node") throws -> DemoIdentity { try authority.issue(commonName: name) }

    /// TLS settings of a node with a valid certificate.
    func node(_ name: String = "node") throws -> DemoTLS { DemoTLS(identity: try server(name)) }

    /// Client TLS settings that trust the CA.
    func clientTLS() throws -> FailoverClient.Configuration.TLS {
        FailoverClient.Configuration.TLS(additionalTrustRoots: [try trustedCA])
    }
}

/// Starts one demo node per TLS setting (a `nil` setting: plain HTTP) sharing a ledger, and a client
/// for them; shuts both down afterwards.
func withTLSClient<Result: Sendable>(
    nodes settings: [DemoTLS?],
    configure: (inout FailoverClient.Configuration) -> Void = { _ in },
    _ body: (DemoCluster, FailoverClient) async throws -> Result
) async throws -> Result {
    let ledger = DemoLedger()
    var nodes: [DemoNode] = []
    for (index, tls) in settings.enumerated() {
        nodes.append(try await DemoNode.start(name: "node-\(index)", ledger: ledger, tls: tls))
    }
    return try await withClient(of: DemoCluster(nodes: nodes, ledger: ledger), configure: configure, body)
}
