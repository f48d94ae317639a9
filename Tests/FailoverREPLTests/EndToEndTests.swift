import FailoverDemo
import Foundation
import Testing

/// The `failover` binary, run as a user or a script would.
@Suite("failover binary")
struct EndToEndTests {
    @Test func theDemoShowsNode0ThenNode1Answering() async throws {
        let result = try await FailoverBinary.run(["--demo", "-c", "get /api/stats", "-c", "demo kill 0", "-c", "get /api/stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.json()
        #expect(objects.count == 3)
        #expect(objects.map { $0["command"] as? String } == ["get", "demo", "get"])
        #expect(objects[0]["node"] as? Int == 0)
        #expect(objects[0]["status"] as? Int == 200)
        #expect(objects[2]["node"] as? Int == 1)
        // Node 0 fails: refused, or first a keep-alive connection it closed when killed (the pool may
        // hold more than one); node 1 answers. (When the demo's health check, every 2 s, saw node 0
        // dead between the two commands, the request goes to node 1 at once.)
        let attempts = objects[2]["attempts"] as? [[String: Any]] ?? []
        #expect(attempts.last?["node"] as? Int == 1)
        #expect(attempts.last?["outcome"] as? String == "200")
        #expect(attempts.dropLast().allSatisfy {
            $0["node"] as? Int == 0 && ["connectionRefused", "connectionClosed"].contains($0["outcome"] as? String ?? "")
        })
        #expect((objects[2]["body"] as? [String: Any])?["node"] as? String == "node-1")
    }

    @Test func aViteEnvFileIsHonoured() async throws {
        let cluster = try await DemoCluster.start(count: 2)
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("VITE_API_BASE_URL=\(cluster.baseURLs[0])\nVITE_BACKUP_URL_1=\(cluster.baseURLs[1])\nVITE_HEALTH_CHECK_INTERVAL=0\nVITE_API_TOKEN=s3cr3t\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/.env"))
        let first = try await FailoverBinary.run(["--json", "-c", "get /api/stats", "-c", "config"], directory: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let objects = try first.json()
        #expect(objects[0]["node"] as? Int == 0)
        #expect(objects[0]["url"] as? String == cluster.baseURLs[0] + "/api/stats")
        #expect(!first.stdout.contains("s3cr3t"))
        let values = objects[1]["values"] as? [[String: Any]] ?? []
        #expect(values.first { $0["key"] as? String == "VITE_API_TOKEN" }?["value"] as? String == "<redacted>")
        let primarySource = values.first { $0["key"] as? String == "API_BASE_URL" }?["source"] as? [String: Any]
        #expect(primarySource?["line"] as? Int == 1)

        await cluster[0].kill()
        let second = try await FailoverBinary.run(["-c", "get /api/stats", "-c", "config"], directory: directory)
        #expect(second.status == 0)
        #expect(second.stdout.contains("from node 1 (\(cluster.baseURLs[1]))"))
        #expect(!second.stdout.contains("s3cr3t"))
        #expect(second.stdout.contains("<redacted>"))

        // Every node down: exit code 1.
        await cluster[1].kill()
        let third = try await FailoverBinary.run(["-c", "get /api/stats"], directory: directory)
        #expect(third.status == 1)
        #expect(third.stderr.contains("All 2 backend nodes are unavailable"))
        await cluster.shutdown()
    }

    @Test func aConfigurationErrorAtStartIsExitCode2InTheUsersLanguage() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("API_BASE_URL=ftp://127.0.0.1:1\n".utf8).write(to: URL(fileURLWithPath: directory + "/.env"))
        let english = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(english.status == 2)
        #expect(english.stderr == "Error: API_BASE_URL (.env line 1): unsupported scheme \"ftp\" in \"ftp://127.0.0.1:1\" (use http or https)\n")
        let french = try await FailoverBinary.run(["-c", "nodes"], directory: directory, environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.status == 2)
        #expect(french.stderr.hasPrefix("Erreur\u{00A0}: API_BASE_URL (.env, ligne 1)\u{00A0}: schéma «\u{00A0}ftp\u{00A0}» non pris en charge"))
    }

    @Test func badCommandsAreOneLineErrorsAndTheREPLGoesOn() async throws {
        let script = """
            gte /api/stats
            get
            use 9
            use x
            post /api/items @/nonexistent/body.json
            get /api/stats -H 'Bad Header'
            nodes
            """
        let result = try await FailoverBinary.run(["--demo"], stdin: script)
        #expect(result.status == 2)
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(errors == [
            "Error: Unknown command \"gte\". Did you mean \"get\"?",
            "Error: get: missing PATH (usage: get PATH [-H 'Name: value']... [-i])",
            "Error: There is no node 9 (nodes are numbered 0 to 2)",
            "Error: \"x\" is not a node index (0 for the primary, 1, 2... for backups)",
            "Error: Cannot read the body file /nonexistent/body.json: no such file",
            "Error: \"Bad Header\" is not a header: write -H 'Name: value'",
        ])
        #expect(result.stdout.contains("Current node: 0"), "the REPL stopped after the errors")
    }

    @Test func helpAndBadFlags() async throws {
        let help = try await FailoverBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--demo"))
        #expect(help.stdout.contains("Start three demo nodes"))
        let french = try await FailoverBinary.run(["--help"], environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.stdout.contains("Démarrer trois nœuds de démonstration"))
        let bogus = try await FailoverBinary.run(["--bogus"])
        #expect(bogus.status == 2)
        #expect(bogus.stderr.hasPrefix("Invalid arguments: "))
        let language = try await FailoverBinary.run(["--lang", "de", "-c", "nodes"])
        #expect(language.status == 2)
    }

    @Test func demoCommandsNeedTheDemo() async throws {
        let cluster = try await FailoverBinary.run(["-c", "demo kill 0"], environment: ["API_BASE_URL": "http://127.0.0.1:9", "HEALTH_CHECK_INTERVAL": "0"])
        #expect(cluster.status == 2)
        #expect(cluster.stderr.contains("demo commands need the demo cluster"))
    }

    @Test func frenchOutput() async throws {
        let result = try await FailoverBinary.run(["--demo", "--lang", "fr", "-c", "get /api/stats", "-c", "demo kill 0", "-c", "get /api/stats", "-c", "nodes", "-c", "help use"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("HTTP 200 OK du nœud 0"))
        #expect(result.stdout.contains("Nœud de démo 0 arrêté\u{00A0}: son port est fermé"))
        #expect(result.stdout.contains("Basculement vers le nœud 1"))
        #expect(result.stdout.contains("RÔLE"))
        // Node 0 is down (refused) or suspect (a keep-alive connection it closed when killed).
        #expect(result.stdout.contains("hors service") || result.stdout.contains("suspect"))
        #expect(result.stdout.contains("Envoyer les requêtes d’abord au nœud N"))
        #expect(!result.stdout.contains("Switched"))
    }

    @Test func langSwitchesAtRunTime() async throws {
        let result = try await FailoverBinary.run(["--demo", "-c", "lang fr", "-c", "reset", "-c", "lang en", "-c", "reset"])
        #expect(result.lines == ["Langue\u{00A0}: français", "Marques d’échec effacées sur tous les nœuds", "Language: English", "Failure marks cleared on every node"])
    }

    @Test func watchWithoutATerminalPrintsCountSnapshots() async throws {
        let result = try await FailoverBinary.run(["--demo", "-c", "watch 0.2 3"])
        #expect(result.status == 0)
        #expect(result.lines.filter { $0.hasPrefix("#") && $0.contains("STATE") }.count == 3)
        let json = try await FailoverBinary.run(["--demo", "--json", "-c", "watch 0.1 2"])
        let object = try json.json()
        #expect(object.count == 1)
        #expect((object[0]["snapshots"] as? [Any])?.count == 2)
    }

    @Test func pipedStdinRunsEveryLine() async throws {
        let result = try await FailoverBinary.run(["--demo", "--json"], stdin: "get /api/stats\n\n# a comment\npost /api/items {\"name\": \"a b\"} -H 'Idempotency-Key: k1'\nnodes\n")
        #expect(result.status == 0)
        let objects = try result.json()
        #expect(objects.map { $0["command"] as? String } == ["get", "post", "nodes"])
        #expect(objects[1]["status"] as? Int == 201)
        #expect((objects[2]["nodes"] as? [Any])?.count == 3)
    }
}

/// `failover --demo --tls`: a TLS failover and an HTTP/2 re-send, as a newcomer would try them.
@Suite("failover --demo --tls")
struct DemoTLSEndToEndTests {
    @Test func aTLSFailoverAndAnHTTP2ResendInJSON() async throws {
        let result = try await FailoverBinary.run([
            "--demo", "--tls", "--json", "-c", "post /api/items {\"a\":1}", "-c", "demo cert 0 expired", "-c", "get /api/stats",
            "-c", "demo refuse-streams 1", "-c", "post /api/items {\"a\":2}", "-c", "demo goaway 1", "-c", "post /api/items {\"a\":3}",
            "-c", "nodes", "-c", "config",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.json()
        #expect(objects.count == 9)
        #expect(objects[0]["status"] as? Int == 201)
        #expect((objects[0]["url"] as? String)?.hasPrefix("https://127.0.0.1:") == true)

        let tls = objects[2]["attempts"] as? [[String: Any]] ?? []
        #expect(objects[2]["node"] as? Int == 1)
        #expect(tls.first?["outcome"] as? String == "tlsFailure")
        #expect(tls.first?["reason"] as? String == "expiredCertificate")
        #expect((tls.first?["message"] as? String)?.contains("certificate expired") == true)

        let refused = objects[4]["attempts"] as? [[String: Any]] ?? []
        #expect(objects[4]["status"] as? Int == 201)
        #expect(refused.map { $0["outcome"] as? String } == ["refusedStream", "201"])
        let goaway = objects[6]["attempts"] as? [[String: Any]] ?? []
        #expect(objects[6]["status"] as? Int == 201)
        #expect(goaway.map { $0["outcome"] as? String } == ["goaway", "201"])

        let nodes = objects[7]["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.compactMap { $0["protocol"] as? String }.contains("h2"))
        let values = objects[8]["values"] as? [[String: Any]] ?? []
        #expect((values.first { $0["key"] as? String == "TLS_CA_FILE" }?["value"] as? String)?.hasSuffix("demo-ca.pem") == true)
        #expect(!result.stdout.contains(".build/"), "no build path in anything a person reads")
        #expect(!result.stdout.contains("NIOSSL"))
    }

    @Test func theSameInFrench() async throws {
        let result = try await FailoverBinary.run(
            ["--demo", "--tls", "-c", "demo cert 0 untrusted", "-c", "get /api/stats", "-c", "demo refuse-streams 1", "-c", "post /api/items {}"],
            environment: ["LANG": "fr_FR.UTF-8"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("certificat non reconnu\u{00A0}: émis par une autorité inconnue"))
        #expect(result.stdout.contains("flux HTTP/2 refusé par le nœud avant traitement"))
        #expect(result.stdout.contains("Le nœud de démo 1 refusera son prochain flux HTTP/2"))
    }

    @Test func tlsWithoutDemoAndCertWithoutTLSAreUsageErrors() async throws {
        let alone = try await FailoverBinary.run(["--tls", "-c", "nodes"])
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("--tls goes with --demo"))
        let plain = try await FailoverBinary.run(["--demo", "-c", "demo cert 0 expired"])
        #expect(plain.status == 2)
        #expect(plain.stderr.contains("demo cert needs the demo cluster over TLS: start with failover --demo --tls"))
    }

    @Test func aBadTLSKeyInAnEnvFileIsExitCode2NamingKeyFileAndLine() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("API_BASE_URL=https://127.0.0.1:1\nTLS_CA_FILE=missing-ca.pem\n".utf8).write(to: URL(fileURLWithPath: directory + "/.env"))
        let english = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(english.status == 2)
        #expect(english.stderr == "Error: TLS_CA_FILE (.env line 2): cannot read \"missing-ca.pem\": no such file\n")
        let french = try await FailoverBinary.run(["-c", "nodes"], directory: directory, environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.status == 2)
        #expect(french.stderr == "Erreur\u{00A0}: TLS_CA_FILE (.env, ligne 2)\u{00A0}: impossible de lire «\u{00A0}missing-ca.pem\u{00A0}»\u{00A0}: ce fichier n’existe pas\n")
        try Data("API_BASE_URL=https://127.0.0.1:1\nTLS_MIN_VERSION=1.1\n".utf8).write(to: URL(fileURLWithPath: directory + "/.env"))
        let version = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(version.status == 2)
        #expect(version.stderr == "Error: TLS_MIN_VERSION (.env line 2): \"1.1\" is not one of: 1.2, 1.3\n")
    }
}

extension DemoTLSEndToEndTests {
    @Test func aClientKeyOthersCanReadIsAWarningAtStart() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try DemoCertificateAuthority(name: "clients")
        let identity = try authority.issue(commonName: "app", client: true)
        try Data(identity.chainPEM.utf8).write(to: URL(fileURLWithPath: directory + "/app.pem"))
        try Data(identity.keyPEM.utf8).write(to: URL(fileURLWithPath: directory + "/app.key"))
        chmod(directory + "/app.key", 0o644)
        try Data("API_BASE_URL=https://127.0.0.1:1\nHEALTH_CHECK_INTERVAL=0\nTLS_CLIENT_CERT_FILE=app.pem\nTLS_CLIENT_KEY_FILE=app.key\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/.env"))
        let english = try await FailoverBinary.run(["-c", "config"], directory: directory)
        #expect(english.status == 0, "\(english.stderr)")
        #expect(english.stderr == "Warning: TLS_CLIENT_KEY_FILE (.env line 4): \"app.key\" can be read by other users; run chmod 600 app.key\n")
        #expect(english.stdout.contains("TLS_CLIENT_CERT_FILE     app.pem"))
        let french = try await FailoverBinary.run(["-c", "config"], directory: directory, environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.stderr.hasPrefix("Avertissement\u{00A0}: TLS_CLIENT_KEY_FILE (.env, ligne 4)"))
    }
}

/// Load balancing from the command line.
@Suite("failover and load balancing")
struct BalancingEndToEndTests {
    @Test func anUnknownPolicyInAnEnvFileIsExitCode2InBothLanguages() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("API_BASE_URL=http://127.0.0.1:1\nLOAD_BALANCING=sideways\n".utf8).write(to: URL(fileURLWithPath: directory + "/.env"))
        let english = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(english.status == 2)
        #expect(english.stderr == "Error: LOAD_BALANCING (.env line 2): \"sideways\" is not one of: failover, round_robin, least_request, ewma\n")
        let french = try await FailoverBinary.run(["-c", "nodes"], directory: directory, environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.status == 2)
        #expect(french.stderr.hasPrefix("Erreur\u{00A0}: LOAD_BALANCING (.env, ligne 2)"))
        try Data("API_BASE_URL=http://127.0.0.1:1\nBACKUP_URL_7_WEIGHT=2\n".utf8).write(to: URL(fileURLWithPath: directory + "/.env"))
        let missing = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr == "Error: BACKUP_URL_7_WEIGHT (.env line 2): is set but BACKUP_URL_7 is not: there is no such node\n")
    }

    @Test func balanceSidewaysIsAUsageError() async throws {
        let result = try await FailoverBinary.run(["--demo", "-c", "balance sideways"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unknown load-balancing policy \"sideways\""))
        let french = try await FailoverBinary.run(["--demo", "--lang", "fr", "-c", "balance sideways"])
        #expect(french.stderr.contains("Politique de répartition inconnue"))
    }

    @Test func roundRobinOnTheDemoInJSON() async throws {
        var arguments = ["--demo", "--json", "-c", "balance round_robin"]
        for _ in 0..<6 { arguments += ["-c", "get /api/stats"] }
        arguments += ["-c", "nodes", "-c", "add http://127.0.0.1:9 1", "-c", "priority 3 0", "-c", "remove 3", "-c", "nodes"]
        let result = try await FailoverBinary.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.json()
        #expect(objects[1...6].compactMap { $0["node"] as? Int } == [0, 1, 2, 0, 1, 2])
        let nodes = objects[7]["nodes"] as? [[String: Any]] ?? []
        #expect(objects[7]["loadBalancing"] as? String == "round_robin")
        #expect(nodes.map { $0["priority"] as? Int } == [0, 0, 0])
        #expect(nodes.map { $0["weight"] as? Int } == [1, 1, 1])
        #expect(nodes.compactMap { $0["share"] as? Double }.count == 3)
        #expect(nodes.allSatisfy { $0["inFlight"] as? Int == 0 })
        #expect((objects[8]["message"] as? String)?.hasPrefix("Node 3 (http://127.0.0.1:9) added, priority 1") == true)
        #expect(objects[9]["message"] as? String == "Node 3 now has priority 0")
        #expect((objects[10]["message"] as? String)?.hasPrefix("Node 3 (http://127.0.0.1:9) removed") == true)
        #expect((objects[11]["nodes"] as? [[String: Any]])?.count == 3)
    }

    @Test func aMisspelledKeyIsAWarningAndAnErrorWithStrictConfig() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("API_BASE_URL=http://127.0.0.1:9\nBACKUP_URL1=http://127.0.0.1:10\nHEALTH_CHECK_INTERVAL=0\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/.env"))
        let lenient = try await FailoverBinary.run(["-c", "nodes"], directory: directory)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("Warning: BACKUP_URL1 (.env line 2): not a key of swift-failover, ignored: did you mean BACKUP_URL_1?"))
        let strict = try await FailoverBinary.run(["-c", "nodes"], directory: directory, environment: ["STRICT_CONFIG": "true", "FAILOVER_LANG": "fr"])
        #expect(strict.status == 2)
        #expect(strict.stdout.isEmpty)
        #expect(strict.stderr.contains("BACKUP_URL1 (.env, ligne 2)\u{00A0}: n’est pas une clé de swift-failover"))
        #expect(strict.stderr.contains("(une erreur avec STRICT_CONFIG=true)"))
    }

    @Test func threeInvalidValuesAreListedTogetherInBothLanguages() async throws {
        let directory = NSTemporaryDirectory() + "failover-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("API_BASE_URL=http://127.0.0.1:9\nREQUEST_TIMEOUT=soon\nMAX_RETRIES=many\nFAILBACK=sometimes\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/.env"))
        for (language, header, line) in [("en", "3 problems in the configuration:", "line "), ("fr", "3 problèmes dans la configuration\u{00A0}:", "ligne ")] {
            let result = try await FailoverBinary.run(["--lang", language, "-c", "nodes"], directory: directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains(header))
            for (key, number) in [("REQUEST_TIMEOUT", 2), ("MAX_RETRIES", 3), ("FAILBACK", 4)] {
                #expect(result.stderr.contains("  - \(key) (.env\(language == "fr" ? "," : "") \(line)\(number))"), "\(key) in \(language)")
            }
        }
    }
}
