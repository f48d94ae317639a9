import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A certificate, as DER bytes: a CA to trust, or a certificate of the client's chain.
public struct TLSCertificate: Sendable, Hashable {
    /// The certificate in DER.
    public let derBytes: [UInt8]

    /// Creates a certificate from its DER bytes.
    ///
    /// - Throws: ``TLSMaterialError/notACertificate`` when the bytes are not an X.509 certificate.
    public init(derBytes: [UInt8]) throws(TLSMaterialError) {
        guard (try? Certificate(derEncoded: derBytes)) != nil else { throw .notACertificate }
        self.derBytes = derBytes
    }

    /// Every certificate of a PEM text (`-----BEGIN CERTIFICATE-----` blocks), in order.
    ///
    /// - Throws: ``TLSMaterialError/notPEMCertificates`` when the text holds none.
    public static func certificates(pem: String) throws(TLSMaterialError) -> [TLSCertificate] {
        let documents = (try? PEMDocument.parseMultiple(pemString: pem)) ?? []
        let certificates = documents.filter { $0.discriminator == "CERTIFICATE" }.compactMap { try? TLSCertificate(derBytes: $0.derBytes) }
        guard !certificates.isEmpty else { throw .notPEMCertificates }
        return certificates
    }

    /// The certificate as swift-certificates parses it.
    var parsed: Certificate? { try? Certificate(derEncoded: derBytes) }

    /// The SHA-256 of the certificate's SubjectPublicKeyInfo: what a pin names.
    var publicKeyHash: [UInt8]? {
        guard let parsed else { return nil }
        return Array(SHA256.hash(data: Array(parsed.publicKey.subjectPublicKeyInfoBytes)))
    }

    var nioCertificate: NIOSSLCertificate? { try? NIOSSLCertificate(bytes: derBytes, format: .der) }
}

/// A private key for mutual TLS, decrypted.
public struct TLSPrivateKey: Sendable, Hashable {
    let key: NIOSSLPrivateKey

    /// Reads a PEM private key (PKCS#8, SEC1 or PKCS#1), decrypting it with `password` when it is encrypted.
    ///
    /// - Throws: ``TLSMaterialError/notPEMKey``, ``TLSMaterialError/encryptedKeyWithoutPassword`` or
    ///   ``TLSMaterialError/wrongKeyPassword``.
    public init(pem: String, password: String? = nil) throws(TLSMaterialError) {
        let bytes = Array(pem.utf8)
        let encrypted = pem.contains("ENCRYPTED")
        guard pem.contains("PRIVATE KEY-----") else { throw .notPEMKey }
        if encrypted, password == nil { throw .encryptedKeyWithoutPassword }
        do {
            // The callback form always: without it, BoringSSL could try to prompt for a passphrase.
            key = try NIOSSLPrivateKey(bytes: bytes, format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in
                setter(Array((password ?? "").utf8))
            }
        } catch {
            throw encrypted ? .wrongKeyPassword : .notPEMKey
        }
    }

    /// The public key that goes with this private key, as swift-certificates sees it (`nil` for a
    /// key type it does not know).
    var publicKey: Certificate.PublicKey? {
        guard let der = try? key.derBytes else { return nil }
        // NIOSSL writes the key in its traditional form: SEC1 for EC keys, PKCS#1 for RSA; PKCS#8 otherwise.
        if let pkcs8 = try? Certificate.PrivateKey(derBytes: der) { return pkcs8.publicKey }
        for label in ["EC PRIVATE KEY", "RSA PRIVATE KEY"] {
            if let key = try? Certificate.PrivateKey(pemDocument: PEMDocument(type: label, derBytes: der)) { return key.publicKey }
        }
        return nil
    }
}

/// A client certificate chain and its private key (mutual TLS).
public struct TLSClientIdentity: Sendable, Hashable {
    /// The client's certificate first, then the intermediates to send with it.
    public let certificateChain: [TLSCertificate]
    /// The private key of the first certificate.
    public let privateKey: TLSPrivateKey

    /// Creates an identity, checking that the key belongs to the certificate.
    ///
    /// - Throws: ``TLSMaterialError/notPEMCertificates`` for an empty chain,
    ///   ``TLSMaterialError/keyDoesNotMatchCertificate`` when the key is another certificate's.
    public init(certificateChain: [TLSCertificate], privateKey: TLSPrivateKey) throws(TLSMaterialError) {
        guard let leaf = certificateChain.first else { throw .notPEMCertificates }
        if let certificateKey = leaf.parsed?.publicKey, let key = privateKey.publicKey, certificateKey != key {
            throw .keyDoesNotMatchCertificate
        }
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}

/// A pinned public key: the SHA-256 of a SubjectPublicKeyInfo, written `sha256/BASE64` as OkHttp does.
public struct TLSPinnedKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the hash.
    public let sha256: [UInt8]

    /// Parses `sha256/BASE64` (standard Base64 of 32 bytes).
    ///
    /// - Returns: `nil` when the text is not of that form.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasPrefix("sha256/"), let data = Data(base64Encoded: String(trimmed.dropFirst(7))), data.count == 32 else {
            return nil
        }
        sha256 = Array(data)
    }

    /// The pin of a certificate's public key.
    public init(publicKeyOf certificate: TLSCertificate) throws(TLSMaterialError) {
        guard let hash = certificate.publicKeyHash else { throw .notACertificate }
        sha256 = hash
    }

    /// `sha256/BASE64`.
    public var description: String { "sha256/" + Data(sha256).base64EncodedString() }
}

/// What is wrong with TLS material given in code or read from a file.
public enum TLSMaterialError: Error, Sendable, Hashable {
    /// The bytes are not an X.509 certificate.
    case notACertificate
    /// The text holds no PEM certificate.
    case notPEMCertificates
    /// The text holds no PEM private key.
    case notPEMKey
    /// The key is encrypted and no password was given (`TLS_CLIENT_KEY_PASSWORD`).
    case encryptedKeyWithoutPassword
    /// The password does not decrypt the key.
    case wrongKeyPassword
    /// The private key is not the key of the certificate.
    case keyDoesNotMatchCertificate
}
