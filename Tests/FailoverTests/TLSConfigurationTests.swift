import Failover
import FailoverDemo
import Foundation
import Localization
import Testing
import X509

/// French as the catalogs write it: a non-breaking space before `:` `;` `?` `!` and inside « ».
func frenchTypography(_ text: String) -> String {
    let space = "\u{00A0}"
    return text.replacingOccurrences(of: "'", with: "\u{2019}").replacingOccurrences(of: " :", with: space + ":").replacingOccurrences(of: " ;", with: space + ";")
        .replacingOccurrences(of: "« ", with: "«" + space).replacingOccurrences(of: " »", with: space + "»")
}

/// The TLS keys read from `.env` files: every file is read and checked at load time, and every
/// problem is a `ConfigurationError` naming the key, the file and the line, in both languages.
@Suite("TLS configuration keys")
struct TLSConfigurationTests {
    typealias Configuration = FailoverClient.Configuration

    /// An encrypted P-256 key (`openssl genpkey ... -aes-256-cbc`, password below) and its public key:
    /// the only fixed material; certificates for it are minted in the test.
    static let encryptedKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi2teME+eJS3AICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEPExH77aiIilVJrTA9khCyIEgZD4
        uuZgkmrdfvbPDPoYo4Ozcm1dbg6P4zvXq2bMteNDDySL4HFEJw87rWwhi5Q3cuGY
        wt5EildbZkeYWNE0VOxvseKNki2mlfLnEsSrMNpVcKbSV/WSHQlNXKQryBz2Zu5M
        3c2iSRK17TwCmnLR7VNC+ZPy5o3O9mNfdG/j55dDwRuks4p9n542m72SaswdslM=
        -----END ENCRYPTED PRIVATE KEY-----
        """
    static let encryptedKeyPublic = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7WefMRWP0JEMY9gs2sQcXxaXh86S
        9P6c1tK/GrPXW+v2VWYviHT7ERI9GR7uYZNHIVEhXlwNW+mARBdoHLAegA==
        -----END PUBLIC KEY-----
        """
    static let password = "s3cret-pass"

    /// Writes the files (by name, in a fresh directory) and loads `.env` from it.
    func load(_ files: [String: String], environment: [String: String] = [:]) throws -> Configuration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files { try directory.write(name, text) }
        for name in files.keys where name.hasSuffix(".key.pem") {
            chmod((directory.path as NSString).appendingPathComponent(name), 0o600)
        }
        return try Configuration.load(environment: environment, directory: directory.path)
    }

    func loadError(_ files: [String: String]) throws -> ConfigurationError {
        do {
            _ = try load(files)
        } catch let error as ConfigurationError {
            return error
        }
        Issue.record("the configuration loaded")
        throw CancellationError()
    }

    /// A client identity on disk: chain and key PEM.
    func identityFiles() throws -> (certificate: String, key: String) {
        let authority = try DemoCertificateAuthority(name: "clients")
        let identity = try authority.issue(commonName: "app", dnsNames: [], ipAddresses: [], client: true)
        return (identity.chainPEM, identity.keyPEM)
    }

    @Test func everyTLSKeyIsRead() throws {
        let pki = try TestPKI()
        let (certificate, key) = try identityFiles()
        let pin = try TLSPinnedKey(publicKeyOf: pki.trustedCA)
        let configuration = try load([
            ".env": """
                API_BASE_URL=https://127.0.0.1:8443
                TLS_CA_FILE=ca.pem
                VITE_TLS_CLIENT_CERT_FILE=client.pem
                TLS_CLIENT_KEY_FILE=client.key.pem
                TLS_PINNED_KEYS=\(pin), sha256/\(Data(repeating: 7, count: 32).base64EncodedString())
                TLS_MIN_VERSION=1.3
                HTTP_VERSION=1.1
                """,
            "ca.pem": pki.authority.certificatePEM, "client.pem": certificate, "client.key.pem": key,
        ])
        #expect(configuration.tls.additionalTrustRoots == [try pki.trustedCA])
        #expect(configuration.tls.clientIdentity != nil)
        #expect(configuration.tls.pinnedKeys.count == 2)
        #expect(configuration.tls.pinnedKeys.first == pin)
        #expect(configuration.tls.minimumVersion == .tls13)
        #expect(configuration.httpVersion == .http1)
        #expect(configuration.tls.files.caFile == "ca.pem")
        #expect(configuration.sources["TLS_MIN_VERSION"]?.line == 6)
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.otherFileEntries.isEmpty)
    }

    @Test func defaultsAreTheSystemTrustStoreTLS12AndHTTP2ByALPN() throws {
        let configuration = try Configuration.load(environment: ["API_BASE_URL": "https://127.0.0.1:8443"], directory: "/nonexistent")
        #expect(configuration.tls.additionalTrustRoots.isEmpty)
        #expect(configuration.tls.clientIdentity == nil)
        #expect(configuration.tls.pinnedKeys.isEmpty)
        #expect(configuration.tls.minimumVersion == .tls12)
        #expect(configuration.httpVersion == .automatic)
    }

    @Test func anEncryptedKeyIsReadWithItsPassword() throws {
        let authority = try DemoCertificateAuthority(name: "clients")
        let certificate = try authority.issuePEM(for: Certificate.PublicKey(pemEncoded: Self.encryptedKeyPublic), commonName: "app")
        let files = ["client.pem": certificate, "client.key.pem": Self.encryptedKey]
        let base = "API_BASE_URL=https://127.0.0.1:8443\nTLS_CLIENT_CERT_FILE=client.pem\nTLS_CLIENT_KEY_FILE=client.key.pem\n"
        let configuration = try load(files.merging([".env": base + "TLS_CLIENT_KEY_PASSWORD=\(Self.password)\n"]) { $1 })
        #expect(configuration.tls.clientIdentity != nil)

        let missing = try loadError(files.merging([".env": base]) { $1 })
        #expect(missing.key == "TLS_CLIENT_KEY_FILE")
        #expect(missing.message(in: .english).contains("is encrypted: set TLS_CLIENT_KEY_PASSWORD"))
        let wrong = try loadError(files.merging([".env": base + "TLS_CLIENT_KEY_PASSWORD=nope\n"]) { $1 })
        #expect(wrong.key == "TLS_CLIENT_KEY_PASSWORD")
        #expect(wrong.line == 4)
        #expect(!wrong.message(in: .english).contains("nope"), "a password never appears in a message")
        #expect(wrong.message(in: .french).contains("ne déchiffre pas la clé"))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var line: String
        var extraFiles: [String: String] = [:]
        var key: String
        var english: String
        var french: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "missing CA file", line: "TLS_CA_FILE=nowhere.pem", key: "TLS_CA_FILE",
                english: "cannot read \"nowhere.pem\": no such file", french: "impossible de lire « nowhere.pem » : ce fichier n'existe pas"),
        Invalid(name: "CA file that is a directory", line: "TLS_CA_FILE=certs", extraFiles: ["certs/x": ""], key: "TLS_CA_FILE",
                english: "cannot read \"certs\": it is a directory", french: "impossible de lire « certs » : c'est un répertoire"),
        Invalid(name: "CA file that is not PEM", line: "TLS_CA_FILE=ca.txt", extraFiles: ["ca.txt": "hello"], key: "TLS_CA_FILE",
                english: "\"ca.txt\" holds no PEM certificate", french: "« ca.txt » ne contient aucun certificat PEM"),
        Invalid(name: "certificate without key", line: "TLS_CLIENT_CERT_FILE=client.pem", key: "TLS_CLIENT_CERT_FILE",
                english: "is set but TLS_CLIENT_KEY_FILE is not; set both or neither",
                french: "est renseignée mais pas TLS_CLIENT_KEY_FILE ; renseignez les deux ou aucune"),
        Invalid(name: "key without certificate", line: "TLS_CLIENT_KEY_FILE=client.key.pem", key: "TLS_CLIENT_KEY_FILE",
                english: "is set but TLS_CLIENT_CERT_FILE is not", french: "est renseignée mais pas TLS_CLIENT_CERT_FILE"),
        Invalid(name: "pin not of the form sha256/BASE64", line: "TLS_PINNED_KEYS=sha1/abcd", key: "TLS_PINNED_KEYS",
                english: "\"sha1/abcd\" is not a pin", french: "« sha1/abcd » n'est pas une empreinte"),
        Invalid(name: "pin of 16 bytes", line: "TLS_PINNED_KEYS=sha256/AAAAAAAAAAAAAAAAAAAAAA==", key: "TLS_PINNED_KEYS",
                english: "\"sha256/AAAAAAAAAAAAAAAAAAAAAA==\" is not a pin", french: "n'est pas une empreinte"),
        Invalid(name: "TLS 1.1", line: "TLS_MIN_VERSION=1.1", key: "TLS_MIN_VERSION",
                english: "\"1.1\" is not one of: 1.2, 1.3", french: "« 1.1 » ne fait pas partie de"),
        Invalid(name: "unknown HTTP version", line: "VITE_HTTP_VERSION=3", key: "VITE_HTTP_VERSION",
                english: "\"3\" is not one of: auto, 1.1", french: "« 3 »"),
    ]

    @Test(arguments: invalid)
    func invalidValuesNameKeyFileAndLine(_ invalid: Invalid) throws {
        let (certificate, key) = try identityFiles()
        var files = invalid.extraFiles.merging(["client.pem": certificate, "client.key.pem": key]) { $1 }
        files[".env"] = "API_BASE_URL=https://127.0.0.1:8443\n# TLS\n\(invalid.line)\n"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files {
            let path = (directory.path as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        do {
            _ = try Configuration.load(environment: [:], directory: directory.path)
            Issue.record("\(invalid.name) was accepted")
        } catch {
            #expect(error.key == invalid.key)
            #expect(error.line == 3)
            #expect(error.file?.hasSuffix(".env") == true)
            let english = error.message(in: .english)
            #expect(english.hasPrefix("\(invalid.key) ("), "\(english)")
            #expect(english.contains("line 3"), "\(english)")
            #expect(english.contains(invalid.english), "\(english)")
            let french = error.message(in: .french)
            #expect(french.contains(frenchTypography(invalid.french)), "\(french)")
            #expect(french.contains("ligne 3"), "\(french)")
        }
    }

    @Test func aKeyOfAnotherCertificateIsRefused() throws {
        let authority = try DemoCertificateAuthority(name: "clients")
        let one = try authority.issue(commonName: "one", client: true)
        let two = try authority.issue(commonName: "two", client: true)
        let error = try loadError([
            ".env": "API_BASE_URL=https://127.0.0.1:8443\nTLS_CLIENT_CERT_FILE=one.pem\nTLS_CLIENT_KEY_FILE=two.key.pem\n",
            "one.pem": one.chainPEM, "two.key.pem": two.keyPEM,
        ])
        #expect(error.key == "TLS_CLIENT_KEY_FILE")
        #expect(error.line == 3)
        #expect(error.message(in: .english).contains("the key in \"two.key.pem\" is not the key of the certificate in \"one.pem\""))
        #expect(error.message(in: .french).contains(frenchTypography("la clé de « two.key.pem » n'est pas celle du certificat de « one.pem »")))
    }

    @Test func aKeyFileOthersCanReadIsAWarning() throws {
        let (certificate, key) = try identityFiles()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", "API_BASE_URL=https://127.0.0.1:8443\nTLS_CLIENT_CERT_FILE=c.pem\nTLS_CLIENT_KEY_FILE=k.pem\n")
        try directory.write("c.pem", certificate)
        let keyPath = try directory.write("k.pem", key)
        chmod(keyPath, 0o644)
        let loose = try Configuration.load(environment: [:], directory: directory.path)
        #expect(loose.warnings.count == 1)
        let warning = try #require(loose.warnings.first)
        #expect(warning.key == "TLS_CLIENT_KEY_FILE")
        #expect(warning.message(in: .english).contains("\"k.pem\" can be read by other users; run chmod 600 k.pem"))
        #expect(warning.message(in: .french).contains(frenchTypography("« k.pem » est lisible par d'autres utilisateurs")))
        chmod(keyPath, 0o600)
        #expect(try Configuration.load(environment: [:], directory: directory.path).warnings.isEmpty)
    }

    @Test func sslCertFileReplacesTheSystemStoreAndMustBePEM() throws {
        let pki = try TestPKI()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bundle = try directory.write("bundle.pem", pki.authority.certificatePEM)
        let configuration = try Configuration.load(
            environment: ["API_BASE_URL": "https://127.0.0.1:8443", "SSL_CERT_FILE": bundle], directory: directory.path)
        #expect(configuration.tls.systemTrustStoreFile == bundle)
        let junk = try directory.write("junk.pem", "junk")
        #expect(throws: ConfigurationError.self) {
            _ = try Configuration.load(environment: ["API_BASE_URL": "https://127.0.0.1:8443", "SSL_CERT_FILE": junk], directory: directory.path)
        }
    }
}

/// A private CA named by `TLS_CA_FILE`, end to end: requests, health checks and an event stream.
@Suite("A private CA through TLS_CA_FILE")
struct PrivateCATests {
    @Test func requestsHealthChecksAndAnEventStreamTrustTheCA() async throws {
        let pki = try TestPKI()
        let ledger = DemoLedger()
        let nodes = [
            try await DemoNode.start(name: "node-0", ledger: ledger, tls: try pki.node()),
            try await DemoNode.start(name: "node-1", ledger: ledger, tls: try pki.node()),
        ]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("ca.pem", pki.authority.certificatePEM)
        try directory.write(".env", """
            API_BASE_URL=\(nodes[0].baseURL)
            BACKUP_URL_1=\(nodes[1].baseURL)
            VITE_TLS_CA_FILE=ca.pem
            HEALTH_CHECK_INTERVAL=0
            SELECTION_TTL=0
            """)
        let configuration = try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
        try await withFailoverClient(configuration: configuration) { client in
            let response = try await client.get("/api/stats")
            #expect(response.status == .ok)
            #expect(response.url.hasPrefix("https://127.0.0.1:"))

            let checks = await client.checkAllNodes()
            #expect(checks.map(\.healthy) == [true, true], "\(checks.map { $0.message(in: .english) })")
            #expect(client.status().nodes.map(\.lastProtocol) == [.http2, .http2])

            var ids: [String] = []
            var killed = false
            let options = EventStreamOptions(idleTimeout: .seconds(2), defaultRetry: .milliseconds(20))
            for try await event in client.eventStream(path: "/api/events?count=8&interval=20&retry=20", options: options) {
                ids.append(event.id ?? "")
                if event.id == "3", !killed {
                    killed = true
                    await nodes[event.node].kill()
                }
            }
            #expect(ids == (1...8).map(String.init))
        }
        for node in nodes { await node.shutdown() }
    }

    @Test func withoutTheCAEveryNodeIsUntrustedAndTheHealthCheckSaysWhy() async throws {
        let pki = try TestPKI()
        let node = try await DemoNode.start(name: "node-0", tls: try pki.node())
        var configuration = try FailoverClient.Configuration(primary: node.baseURL)
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        try await withFailoverClient(configuration: configuration) { client in
            let result = try #require(await client.checkAllNodes().first)
            #expect(!result.healthy)
            #expect(result.failureIdentifier == "tlsFailure")
            #expect(result.problem == .transport(TransportFailure(.tlsFailure, tlsReason: .untrustedCertificate)))
            #expect(result.message(in: .english).contains("certificate not trusted: issued by an unknown authority (set TLS_CA_FILE"))
            #expect(result.message(in: .french).contains("certificat non reconnu"))
        }
        await node.shutdown()
    }
}
