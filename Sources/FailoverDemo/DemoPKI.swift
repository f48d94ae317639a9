import Crypto
public import Foundation
import SwiftASN1
public import X509

/// A certificate authority made on the spot, for demo nodes and tests: it issues server and client
/// certificates, valid or broken on purpose (expired, for another host).
///
/// Keys are P-256; certificates are X.509 v3 with the extensions a TLS stack checks (basic
/// constraints, key usage, extended key usage, subject alternative names).
public struct DemoCertificateAuthority: Sendable {
    /// The CA's certificate: self-signed for a root, issued by its parent for an intermediate.
    public let certificate: Certificate
    private let key: Certificate.PrivateKey
    /// The certificates a server sends above its own: this CA's, for an intermediate, and its parent's intermediates.
    private let intermediates: [Certificate]

    /// Makes a new authority.
    ///
    /// - Parameters:
    ///   - name: Its common name.
    ///   - validFrom: The start of its validity (an hour ago by default).
    ///   - validity: How long it is valid.
    public init(name: String, validFrom: Date = Date().addingTimeInterval(-3600), validity: TimeInterval = 10 * 365 * 86400) throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name); OrganizationName("swift-failover demo") }
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: validFrom, notValidAfter: validFrom.addingTimeInterval(validity),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        self.key = key
        self.intermediates = []
    }

    private init(certificate: Certificate, key: Certificate.PrivateKey, intermediates: [Certificate]) {
        self.certificate = certificate
        self.key = key
        self.intermediates = intermediates
    }

    /// Makes an intermediate authority under this one: the certificates it issues carry it in
    /// their chain, so a server presents it and a client that trusts only the root can verify them.
    public func intermediate(name: String) throws -> DemoCertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityKey = AuthorityKeyIdentifier(keyIdentifier: try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: self.certificate.notValidBefore, notValidAfter: self.certificate.notValidAfter,
            issuer: self.certificate.subject, subject: try DistinguishedName { CommonName(name); OrganizationName("swift-failover demo") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
                authorityKey
            },
            issuerPrivateKey: self.key)
        return DemoCertificateAuthority(certificate: certificate, key: key, intermediates: [certificate] + intermediates)
    }

    /// The CA certificate in PEM.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    /// The CA certificate in DER.
    public var certificateDER: [UInt8] { DemoIdentity.der(certificate) }

    /// Issues a certificate.
    ///
    /// - Parameters:
    ///   - commonName: The subject's common name.
    ///   - dnsNames: DNS names it is valid for.
    ///   - ipAddresses: IPv4 or IPv6 addresses it is valid for (`127.0.0.1`).
    ///   - validFrom: The start of its validity.
    ///   - validity: How long it is valid (a negative start and a short validity make it expired).
    ///   - client: A client certificate (extended key usage `clientAuth`) rather than a server one.
    /// - Returns: The certificate, its key, and the chain to send.
    public func issue(
        commonName: String, dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"],
        validFrom: Date = Date().addingTimeInterval(-3600), validity: TimeInterval = 30 * 86400, client: Bool = false
    ) throws -> DemoIdentity {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        names += ipAddresses.compactMap(Self.addressBytes).map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let certificate = try sign(
            key.publicKey, commonName: commonName, names: names, validFrom: validFrom, validity: validity, client: client)
        return DemoIdentity(certificate: certificate, key: key, chain: [certificate] + intermediates)
    }

    /// Issues a certificate for a key made elsewhere (an encrypted key read by the client, say).
    ///
    /// - Returns: The certificate in PEM.
    public func issuePEM(for publicKey: Certificate.PublicKey, commonName: String, client: Bool = true) throws -> String {
        let now = Date()
        return try sign(publicKey, commonName: commonName, names: [], validFrom: now.addingTimeInterval(-3600), validity: 30 * 86400, client: client)
            .serializeAsPEM().pemString
    }

    /// An end-entity certificate signed by this authority.
    private func sign(
        _ publicKey: Certificate.PublicKey, commonName: String, names: [GeneralName], validFrom: Date, validity: TimeInterval, client: Bool
    ) throws -> Certificate {
        let authorityKey = AuthorityKeyIdentifier(keyIdentifier: try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: validFrom, notValidAfter: validFrom.addingTimeInterval(validity),
            issuer: certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([client ? .clientAuth : .serverAuth])
                authorityKey
                if !names.isEmpty { SubjectAlternativeNames(names) }
            },
            issuerPrivateKey: key)
    }

    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// A certificate, its private key, and the chain a TLS peer sends (the certificate first).
public struct DemoIdentity: Sendable {
    /// The certificate.
    public let certificate: Certificate
    /// Its private key.
    public let key: Certificate.PrivateKey
    /// The chain to send, the certificate first.
    public let chain: [Certificate]

    /// The chain in PEM.
    public var chainPEM: String { chain.compactMap { try? $0.serializeAsPEM().pemString }.joined(separator: "\n") }
    /// The private key in PEM (PKCS#8).
    public var keyPEM: String { (try? key.serializeAsPEM().pemString) ?? "" }
    /// The certificate in DER.
    public var certificateDER: [UInt8] { Self.der(certificate) }

    static func der(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
