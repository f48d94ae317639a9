import Foundation

extension KeyReader {
    /// The TLS settings of `TLS_CA_FILE`, `TLS_CLIENT_CERT_FILE`, `TLS_CLIENT_KEY_FILE`,
    /// `TLS_CLIENT_KEY_PASSWORD`, `TLS_PINNED_KEYS`, `TLS_MIN_VERSION` (and OpenSSL's
    /// `SSL_CERT_FILE` from the process environment), every file read and checked now.
    ///
    /// - Parameters:
    ///   - directory: What relative file paths are relative to.
    ///   - environment: The process environment.
    ///   - warnings: Where problems that are not errors go (a key file other users can read).
    mutating func tls(
        directory: String, environment: [String: String], warnings: inout [ConfigurationWarning]
    ) throws(ConfigurationError) -> FailoverClient.Configuration.TLS {
        var tls = FailoverClient.Configuration.TLS()
        if let path = environment["SSL_CERT_FILE"], !path.isEmpty {
            let found = ConfigurationSources.Found(name: "SSL_CERT_FILE", value: path, source: .environment)
            _ = try certificates(in: found, directory: directory)
            tls.systemTrustStoreFile = resolve(path, in: directory)
        }
        if let found = try nonEmptyValue("TLS_CA_FILE") {
            tls.additionalTrustRoots = try certificates(in: found, directory: directory)
            tls.files.caFile = found.value
        }

        let certificate = try nonEmptyValue("TLS_CLIENT_CERT_FILE")
        let key = try nonEmptyValue("TLS_CLIENT_KEY_FILE")
        let password = try value("TLS_CLIENT_KEY_PASSWORD")
        switch (certificate, key) {
        case (let certificate?, nil):
            throw ConfigurationError(.incompletePair(otherKey: "TLS_CLIENT_KEY_FILE"), key: certificate.name, source: certificate.source)
        case (nil, let key?):
            throw ConfigurationError(.incompletePair(otherKey: "TLS_CLIENT_CERT_FILE"), key: key.name, source: key.source)
        case (let certificate?, let key?):
            let chain = try certificates(in: certificate, directory: directory)
            let keyPath = resolve(key.value, in: directory)
            let privateKey: TLSPrivateKey
            do {
                privateKey = try TLSPrivateKey(pem: try text(of: key, directory: directory), password: password?.value)
            } catch let problem as TLSMaterialError {
                let blamed = problem == .wrongKeyPassword ? password ?? key : key
                throw ConfigurationError(.tlsMaterial(problem, path: key.value, certificateFile: nil), key: blamed.name, source: blamed.source)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(.tlsMaterial(.notPEMKey, path: key.value, certificateFile: nil), key: key.name, source: key.source)
            }
            do {
                tls.clientIdentity = try TLSClientIdentity(certificateChain: chain, privateKey: privateKey)
            } catch {
                throw ConfigurationError(
                    .tlsMaterial(error, path: key.value, certificateFile: certificate.value), key: key.name, source: key.source)
            }
            if let mode = FileText.permissions(keyPath), mode & 0o077 != 0 {
                warnings.append(ConfigurationWarning(.keyFileReadableByOthers(path: key.value), key: key.name, source: key.source))
            }
            tls.files.clientCertificateFile = certificate.value
            tls.files.clientKeyFile = key.value
        case (nil, nil):
            if let password {
                throw ConfigurationError(.incompletePair(otherKey: "TLS_CLIENT_KEY_FILE"), key: password.name, source: password.source)
            }
        }

        if let found = try nonEmptyValue("TLS_PINNED_KEYS") {
            for piece in found.value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let pin = TLSPinnedKey(String(piece)) else {
                    throw ConfigurationError(.invalidPin(piece.trimmingWhitespace()), key: found.name, source: found.source)
                }
                tls.pinnedKeys.append(pin)
            }
        }
        tls.minimumVersion = try choice("TLS_MIN_VERSION", default: FailoverClient.Configuration.TLS.MinimumVersion.tls12)
        return tls
    }

    /// The value of a key, which must not be empty when set.
    private mutating func nonEmptyValue(_ key: String) throws(ConfigurationError) -> ConfigurationSources.Found? {
        guard let found = try value(key) else { return nil }
        guard !found.value.trimmingWhitespace().isEmpty else { throw ConfigurationError(.emptyValue, key: found.name, source: found.source) }
        return found
    }

    /// The PEM certificates of the file a key names.
    private func certificates(in found: ConfigurationSources.Found, directory: String) throws(ConfigurationError) -> [TLSCertificate] {
        let pem = try text(of: found, directory: directory)
        do {
            return try TLSCertificate.certificates(pem: pem)
        } catch {
            throw ConfigurationError(.tlsMaterial(error, path: found.value, certificateFile: nil), key: found.name, source: found.source)
        }
    }

    /// The text of the file a key names.
    private func text(of found: ConfigurationSources.Found, directory: String) throws(ConfigurationError) -> String {
        do {
            return try FileText.contents(of: resolve(found.value, in: directory))
        } catch {
            throw ConfigurationError(.unreadableNamedFile(path: found.value, problem: error), key: found.name, source: found.source)
        }
    }

    /// A path as given, or relative to `directory` (the directory the `.env` files are read from).
    private func resolve(_ path: String, in directory: String) -> String {
        let trimmed = path.trimmingWhitespace()
        guard !trimmed.hasPrefix("/"), directory != ".", !directory.isEmpty else { return trimmed }
        return (directory as NSString).appendingPathComponent(trimmed)
    }
}
