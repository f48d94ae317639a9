import Failover
import FailoverDemo
import Foundation

/// The TLS of `failover --demo --tls`: a CA made at start, which the demo's client trusts through
/// a PEM file (its `TLS_CA_FILE`, shown by `config`), and the certificates `demo cert` swaps in.
final class DemoTLSSetup: Sendable {
    /// The demo CA.
    let authority: DemoCertificateAuthority
    /// A CA the client does not trust (`demo cert N untrusted`).
    let stranger: DemoCertificateAuthority
    /// The private directory the CA file is written to, removed at the end.
    let directory: String
    /// The CA file.
    let caFile: String

    init() throws {
        authority = try DemoCertificateAuthority(name: "swift-failover demo CA")
        stranger = try DemoCertificateAuthority(name: "unknown CA")
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("swift-failover-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        caFile = (directory as NSString).appendingPathComponent("demo-ca.pem")
        try Data(authority.certificatePEM.utf8).write(to: URL(fileURLWithPath: caFile))
    }

    /// The TLS settings of demo node `node` presenting a certificate of `kind`.
    func nodeTLS(_ kind: DemoCertificateKind, node: Int) throws -> DemoTLS {
        let name = "node-\(node)"
        let identity: DemoIdentity = switch kind {
        case .valid: try authority.issue(commonName: name)
        case .expired: try authority.issue(commonName: name, validFrom: Date().addingTimeInterval(-30 * 86400), validity: 86400)
        case .wrongHost: try authority.issue(commonName: "other.example", dnsNames: ["other.example"], ipAddresses: [])
        case .untrusted: try stranger.issue(commonName: name)
        }
        return DemoTLS(identity: identity)
    }

    /// The client's TLS settings: the demo CA trusted, read from the CA file like `TLS_CA_FILE`.
    func clientTLS() throws -> FailoverClient.Configuration.TLS {
        var tls = FailoverClient.Configuration.TLS(additionalTrustRoots: try TLSCertificate.certificates(pem: authority.certificatePEM))
        tls.files.caFile = caFile
        return tls
    }

    /// Removes the CA file and its directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
