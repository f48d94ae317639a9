import Foundation
import Localization
import Testing

@testable import Failover

@Suite("Configuration from the environment and .env files")
struct ConfigurationTests {
    typealias Configuration = FailoverClient.Configuration

    /// Loads a configuration from files written in a fresh directory.
    func load(_ files: [String: String], environment: [String: String] = [:], mode: String? = nil) throws -> (Configuration, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        for (name, text) in files { try directory.write(name, text) }
        do {
            return (try Configuration.load(environment: environment, directory: directory.path, mode: mode), directory)
        } catch {
            directory.remove()
            throw error
        }
    }

    func loadError(_ files: [String: String], environment: [String: String] = [:]) throws -> ConfigurationError {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files { try directory.write(name, text) }
        do {
            _ = try Configuration.load(environment: environment, directory: directory.path)
        } catch {
            return error
        }
        Issue.record("expected a configuration error")
        return ConfigurationError(.missingPrimary, key: nil, source: .code)
    }

    @Test func defaultsWhenOnlyThePrimaryIsSet() throws {
        let configuration = try Configuration.load(environment: ["API_BASE_URL": "http://127.0.0.1:8080"], directory: "/nonexistent")
        #expect(configuration.nodes.map(\.description) == ["http://127.0.0.1:8080"])
        #expect(configuration.timeouts == .init(request: .seconds(5), total: .seconds(15), connect: .seconds(1)))
        #expect(configuration.retry.maxRetries == 1)
        #expect(configuration.effectiveMaxFailoverAttempts == 0)
        #expect(configuration.healthCheck.paths == ["/health", "/api/health", "/status"])
        #expect(configuration.healthCheck.rise == 2 && configuration.healthCheck.fall == 2)
        #expect(configuration.failback == .automatic)
        #expect(configuration.selectionTTL == .seconds(300))
        #expect(configuration.sources["API_BASE_URL"] == .environment)
        #expect(configuration.sources["REQUEST_TIMEOUT"] == .defaultValue)
    }

    @Test func everyKeyIsRead() throws {
        let (configuration, directory) = try load([
            ".env": """
                API_BASE_URL=http://127.0.0.1:8080/api
                BACKUP_URL_1=http://127.0.0.1:8081
                BACKUP_URL_3=http://127.0.0.1:8083
                REQUEST_TIMEOUT=250ms
                TOTAL_TIMEOUT=2s
                CONNECT_TIMEOUT=300
                MAX_RETRIES=3
                MAX_FAILOVER_ATTEMPTS=1
                RETRY_DELAY=50
                RETRY_MAX_DELAY=1.5s
                HEALTH_CHECK_INTERVAL=0
                HEALTH_CHECK_TIMEOUT=1s
                HEALTH_CHECK_PATHS=/healthz, /ready
                HEALTH_RISE=3
                HEALTH_FALL=4
                FAILBACK=manual
                SELECTION_TTL=2m
                STATE_FILE=/tmp/failover-state.json
                FAILOVER_LANG=fr
                """
        ])
        defer { directory.remove() }
        #expect(configuration.nodes.map(\.description) == ["http://127.0.0.1:8080/api", "http://127.0.0.1:8081", "http://127.0.0.1:8083"])
        #expect(configuration.timeouts == .init(request: .milliseconds(250), total: .seconds(2), connect: .milliseconds(300)))
        #expect(configuration.retry.maxRetries == 3)
        #expect(configuration.retry.maxFailoverAttempts == 1)
        #expect(configuration.retry.baseDelay == .milliseconds(50))
        #expect(configuration.retry.maxDelay == .milliseconds(1500))
        #expect(configuration.healthCheck.interval == .zero)
        #expect(configuration.healthCheck.timeout == .seconds(1))
        #expect(configuration.healthCheck.paths == ["/healthz", "/ready"])
        #expect(configuration.healthCheck.rise == 3 && configuration.healthCheck.fall == 4)
        #expect(configuration.failback == .manual)
        #expect(configuration.selectionTTL == .seconds(120))
        #expect(configuration.stateFile == "/tmp/failover-state.json")
        #expect(configuration.language == .french)
        #expect(configuration.sources["BACKUP_URL_3"] == .file(path: directory.path + "/.env", line: 3))
        #expect(configuration.sources["BACKUP_URL_2"] == nil)
        #expect(configuration.sources["HEALTH_FALL"] == .file(path: directory.path + "/.env", line: 15))
    }

    @Test(arguments: [
        ("auto", Configuration.StallDetection.automatic), (" AUTO ", .automatic), ("off", .off), ("0", .off), ("0ms", .off),
        ("250", .after(.milliseconds(250))), ("2s", .after(.seconds(2))),
    ])
    func stallTimeoutValues(_ text: String, _ expected: Configuration.StallDetection) throws {
        let configuration = try Configuration.load(
            environment: ["API_BASE_URL": "http://127.0.0.1:8080", "VITE_STALL_TIMEOUT": text], directory: "/nonexistent")
        #expect(configuration.stallDetection == expected)
        #expect(configuration.sources["STALL_TIMEOUT"] == .environment)
    }

    @Test func stallDetectionIsAutomaticByDefault() throws {
        let configuration = try Configuration.load(environment: ["API_BASE_URL": "http://127.0.0.1:8080"], directory: "/nonexistent")
        #expect(configuration.stallDetection == .automatic)
        #expect(configuration.stallDetection.configurationValue == "auto")
        #expect(Configuration.StallDetection.after(.milliseconds(250)).configurationValue == "250ms")
        #expect(Configuration.StallDetection.automaticThreshold(p99: .milliseconds(1)) == .milliseconds(20))
        #expect(Configuration.StallDetection.automaticThreshold(p99: .milliseconds(30)) == .milliseconds(240))
    }

    @Test func viteAndPlainKeysAreBothAccepted() throws {
        let (configuration, directory) = try load([
            ".env": "VITE_API_BASE_URL=http://127.0.0.1:8080\nVITE_BACKUP_URL_1=http://127.0.0.1:8081\nVITE_REQUEST_TIMEOUT=700\n"
        ])
        defer { directory.remove() }
        #expect(configuration.nodes.count == 2)
        #expect(configuration.timeouts.request == .milliseconds(700))
    }

    @Test func baseURLIsAnAliasOfThePrimary() throws {
        let configuration = try Configuration.load(environment: ["BASE_URL": "http://127.0.0.1:9000"], directory: "/nonexistent")
        #expect(configuration.nodes.first?.description == "http://127.0.0.1:9000")
    }

    @Test func sameValueUnderBothNamesIsFine() throws {
        let (configuration, directory) = try load([".env": "API_BASE_URL=http://a:1\nVITE_API_BASE_URL=http://a:1\n"])
        defer { directory.remove() }
        #expect(configuration.nodes.count == 1)
    }

    @Test func viteConflictNamesBothKeysAndLines() throws {
        let error = try loadError([".env": "API_BASE_URL=http://a:1\n\nVITE_API_BASE_URL=http://b:2\n"])
        guard case .conflict(let otherKey, let otherSource) = error.kind else {
            Issue.record("expected a conflict, got \(error)")
            return
        }
        #expect(error.key == "API_BASE_URL")
        #expect(error.line == 1)
        #expect(otherKey == "VITE_API_BASE_URL")
        #expect(otherSource.line == 3)
        #expect(error.message(in: .english).contains("VITE_API_BASE_URL"))
        #expect(error.message(in: .english).contains("API_BASE_URL (/"))
    }

    @Test func precedenceFollowsVite() throws {
        let files = [
            ".env": "API_BASE_URL=http://env:1\nREQUEST_TIMEOUT=1\nTOTAL_TIMEOUT=1\nCONNECT_TIMEOUT=1\nMAX_RETRIES=1\n",
            ".env.local": "REQUEST_TIMEOUT=2\nTOTAL_TIMEOUT=2\nCONNECT_TIMEOUT=2\nMAX_RETRIES=2\n",
            ".env.staging": "TOTAL_TIMEOUT=3\nCONNECT_TIMEOUT=3\nMAX_RETRIES=3\n",
            ".env.staging.local": "CONNECT_TIMEOUT=4\nMAX_RETRIES=4\n",
        ]
        let (configuration, directory) = try load(files, environment: ["MAX_RETRIES": "5"], mode: "staging")
        defer { directory.remove() }
        #expect(configuration.timeouts.request == .milliseconds(2))
        #expect(configuration.timeouts.total == .milliseconds(3))
        #expect(configuration.timeouts.connect == .milliseconds(4))
        #expect(configuration.retry.maxRetries == 5)
        #expect(configuration.sources["MAX_RETRIES"] == .environment)
        #expect(configuration.sources["CONNECT_TIMEOUT"] == .file(path: directory.path + "/.env.staging.local", line: 1))
        #expect(configuration.sources["REQUEST_TIMEOUT"] == .file(path: directory.path + "/.env.local", line: 1))
    }

    @Test func modeFilesAreIgnoredWithoutAMode() throws {
        let (configuration, directory) = try load([
            ".env": "API_BASE_URL=http://env:1\n", ".env.production": "REQUEST_TIMEOUT=9\n",
        ])
        defer { directory.remove() }
        #expect(configuration.timeouts.request == .seconds(5))
    }

    @Test func expansionUsesTheEnvironmentAndLowerFiles() throws {
        let (configuration, directory) = try load(
            [
                ".env": "HOST=127.0.0.1\nAPI_BASE_URL=http://${HOST}:${PORT:-8080}\n",
                ".env.local": "BACKUP_URL_1=\"http://${HOST}:${BACKUP_PORT}\"  # the backup\n",
            ], environment: ["BACKUP_PORT": "8081"])
        defer { directory.remove() }
        #expect(configuration.nodes.map(\.description) == ["http://127.0.0.1:8080", "http://127.0.0.1:8081"])
    }

    @Test func explicitEnvFilesMustExist() throws {
        do {
            _ = try Configuration.load(environment: [:], envFiles: ["/nonexistent/.env.test"])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .fileNotFound)
            #expect(error.file == "/nonexistent/.env.test")
            #expect(error.message(in: .french).contains("n’existe pas"))
        }
    }

    @Test func missingPrimaryIsAnError() throws {
        let error = try loadError([".env": "BACKUP_URL_1=http://127.0.0.1:8081\n"])
        #expect(error.kind == .missingPrimary)
        #expect(error.message(in: .english).contains("API_BASE_URL"))
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var text: String
        var key: String
        var line: Int
        var expected: @Sendable (ConfigurationError.Kind) -> Bool
        var english: String
        var french: String
        var testDescription: String { text.replacingOccurrences(of: "\n", with: "⏎") }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(text: "API_BASE_URL=ftp://127.0.0.1\n", key: "API_BASE_URL", line: 1, expected: { $0 == .unsupportedScheme(scheme: "ftp", value: "ftp://127.0.0.1") },
                    english: "unsupported scheme \"ftp\"", french: "schéma «\u{00A0}ftp\u{00A0}» non pris en charge"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nBACKUP_URL_1=http:///api\n", key: "BACKUP_URL_1", line: 2, expected: { $0 == .missingHost("http:///api") },
                    english: "has no host", french: "n’a pas d’hôte"),
        InvalidCase(text: "API_BASE_URL=not a url\n", key: "API_BASE_URL", line: 1, expected: { $0 == .invalidURL("not a url") },
                    english: "is not a URL", french: "n’est pas une URL"),
        InvalidCase(text: "API_BASE_URL=http://a:1\n#\nBACKUP_URL_2=http://A:1/\n", key: "BACKUP_URL_2", line: 3,
                    expected: { if case .duplicateNode(_, "API_BASE_URL", _) = $0 { true } else { false } },
                    english: "is the same node as API_BASE_URL", french: "est le même nœud que API_BASE_URL"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nREQUEST_TIMEOUT=-5\n", key: "REQUEST_TIMEOUT", line: 2, expected: { $0 == .negativeDuration("-5") },
                    english: "is negative", french: "est négatif"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nTOTAL_TIMEOUT=soon\n", key: "TOTAL_TIMEOUT", line: 2, expected: { $0 == .invalidDuration("soon") },
                    english: "is not a duration", french: "n’est pas une durée"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nCONNECT_TIMEOUT=0\n", key: "CONNECT_TIMEOUT", line: 2, expected: { $0 == .zeroDuration("0") },
                    english: "must be more than 0", french: "doit être supérieur à 0"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nVITE_MAX_RETRIES=two\n", key: "VITE_MAX_RETRIES", line: 2, expected: { $0 == .invalidInteger("two", minimum: 0) },
                    english: "is not a whole number", french: "n’est pas un nombre entier"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nFAILBACK=sometimes\n", key: "FAILBACK", line: 2, expected: { $0 == .invalidChoice("sometimes", allowed: ["auto", "manual"]) },
                    english: "is not one of: auto, manual", french: "ne fait pas partie de\u{00A0}: auto, manual"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nSTALL_TIMEOUT=-5ms\n", key: "STALL_TIMEOUT", line: 2, expected: { $0 == .negativeDuration("-5ms") },
                    english: "is negative", french: "est négatif"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nSTALL_TIMEOUT=soon\n", key: "STALL_TIMEOUT", line: 2, expected: { $0 == .invalidStallTimeout("soon") },
                    english: "is not auto, off or a duration", french: "n’est ni auto, ni off, ni une durée"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nHEALTH_RISE=0\n", key: "HEALTH_RISE", line: 2, expected: { $0 == .invalidInteger("0", minimum: 1) },
                    english: "at least 1", french: "supérieur ou égal à 1"),
        InvalidCase(text: "API_BASE_URL=http://a:1\nFAILOVER_LANG=de\n", key: "FAILOVER_LANG", line: 2, expected: { $0 == .invalidChoice("de", allowed: ["en", "fr"]) },
                    english: "is not one of: en, fr", french: "ne fait pas partie de"),
    ]

    @Test(arguments: invalidCases)
    func invalidValuesNameKeyFileAndLine(_ invalid: InvalidCase) throws {
        let error = try loadError([".env": invalid.text])
        #expect(invalid.expected(error.kind), "got \(error.kind)")
        #expect(error.key == invalid.key)
        #expect(error.file?.hasSuffix("/.env") == true)
        #expect(error.line == invalid.line)
        let english = error.message(in: .english)
        let french = error.message(in: .french)
        #expect(english.hasPrefix("\(invalid.key) (") && english.contains(".env line \(invalid.line)"), "\(english)")
        #expect(english.contains(invalid.english), "\(english)")
        #expect(french.contains(".env, ligne \(invalid.line)") && french.contains(invalid.french), "\(french)")
    }

    @Test func languageTagsAndEmptyValues() throws {
        let configuration = try Configuration.load(environment: ["API_BASE_URL": "http://a:1", "FAILOVER_LANG": "fr_FR.UTF-8"], directory: "/nonexistent")
        #expect(configuration.language == .french)
        let error = try loadError([".env": "API_BASE_URL=http://a:1\nSTATE_FILE=\n"])
        #expect(error.kind == .emptyValue)
        #expect(error.message(in: .english) == "STATE_FILE (\(error.file ?? "") line 2): is empty; remove the line or give a value")
    }

    @Test func invalidValueInTheEnvironmentSaysSo() throws {
        let error = try loadError([:], environment: ["API_BASE_URL": "http://a:1", "REQUEST_TIMEOUT": "abc"])
        #expect(error.key == "REQUEST_TIMEOUT")
        #expect(error.source == .environment)
        #expect(error.message(in: .english) == "REQUEST_TIMEOUT (environment): \"abc\" is not a duration (write 250ms, 5s, 2m or a number of milliseconds)")
        #expect(error.message(in: .french) == "REQUEST_TIMEOUT (environnement)\u{00A0}: «\u{00A0}abc\u{00A0}» n’est pas une durée (écrivez 250ms, 5s, 2m ou un nombre de millisecondes)")
    }

    @Test func malformedFileNamesFileLineAndColumn() throws {
        let error = try loadError([".env": "API_BASE_URL=http://a:1\nOOPS\n"])
        #expect(error.kind == .syntax(.missingEquals, column: 1))
        #expect(error.line == 2)
        #expect(error.message(in: .english).hasSuffix(".env line 2, column 1: expected KEY=value"))
        let quote = try loadError([".env": "API_BASE_URL=http://a:1\nNAME=\"unterminated\n"])
        #expect(quote.kind == .syntax(.unterminatedQuote, column: 6))
        #expect(quote.line == 2)
        #expect(quote.message(in: .french).contains("ce guillemet n’est jamais fermé"))
    }

    @Test(arguments: [("250", 250.0), ("250ms", 250), ("5s", 5000), ("1.5s", 1500), ("2m", 120_000), ("1h", 3_600_000), (" 7 ", 7), ("0", 0)])
    func durations(_ text: String, _ milliseconds: Double) throws {
        #expect(try DurationParser.parse(text).get() == .microseconds(Int64(milliseconds * 1000)))
    }

    @Test(arguments: ["", "ms", "5 seconds", "1e3", "abc", "5x", "--5"])
    func invalidDurations(_ text: String) {
        #expect(DurationParser.parse(text) == .failure(.invalid))
    }

    @Test func negativeDuration() {
        #expect(DurationParser.parse("-250ms") == .failure(.negative))
        #expect(DurationParser.parse("-99999999999999999999") == .failure(.negative))
    }

    /// Found by the fuzzer: 21 digits of milliseconds overflowed Int64 and trapped.
    @Test func aDurationLongerThanAYearIsRefusedNotATrap() throws {
        #expect(try DurationParser.parse("8760h").get() == .seconds(365 * 24 * 3_600))
        #expect(DurationParser.parse("8760.001h") == .failure(.tooLong))
        #expect(DurationParser.parse("1101111111111111 11111") == .failure(.invalid))
        #expect(DurationParser.parse("110111111111111111111") == .failure(.tooLong))
        #expect(DurationParser.parse(String(repeating: "9", count: 300)) == .failure(.tooLong))
        let error = #expect(throws: ConfigurationError.self) {
            try FailoverClient.Configuration.load(environment: ["API_BASE_URL": "http://127.0.0.1:1", "REQUEST_TIMEOUT": "99999999999h"], directory: "/nonexistent")
        }
        #expect(error?.kind == .durationTooLong("99999999999h"))
        #expect(error?.message(in: .english).contains("at most a year") == true)
        #expect(error?.message(in: .french).contains("un an") == true)
    }

    @Test func nodeURLsKeepTheirPathPrefix() throws {
        let url = try NodeURL.parse("https://API.example.com/v1/").get()
        #expect(url.description == "https://api.example.com/v1")
        #expect(url.url(for: "/items?x=1") == "https://api.example.com/v1/items?x=1")
        #expect(url.effectivePort == 443)
        #expect(NodeURL.parse("http://127.0.0.1:8080?x=1") == .failure(.queryOrFragment))
        #expect(NodeURL.parse("ws://127.0.0.1") == .failure(.unsupportedScheme("ws")))
    }
}

/// `LOAD_BALANCING`, priorities and weights.
@Suite("Load-balancing keys")
struct LoadBalancingConfigurationTests {
    func load(_ text: String) throws -> FailoverClient.Configuration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", text)
        return try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
    }

    func error(_ text: String) throws -> ConfigurationError {
        do {
            _ = try load(text)
        } catch let error as ConfigurationError {
            return error
        }
        Issue.record("accepted: \(text)")
        throw CancellationError()
    }

    static let nodes = "API_BASE_URL=http://127.0.0.1:1\nBACKUP_URL_1=http://127.0.0.1:2\nBACKUP_URL_3=http://127.0.0.1:3\n"

    @Test func policyPrioritiesAndWeightsAreRead() throws {
        let configuration = try load(Self.nodes + "VITE_LOAD_BALANCING=round_robin\nBACKUP_URL_3_PRIORITY=1\nAPI_BASE_URL_WEIGHT=3\nBACKUP_URL_1_WEIGHT=0\n")
        #expect(configuration.loadBalancing == .roundRobin)
        let nodes = configuration.resolvedNodes
        #expect(nodes.map(\.priority) == [0, 1, 1], "a priority given: the others keep their index")
        #expect(nodes.map(\.weight) == [3, 0, 1])
        #expect(configuration.sources["BACKUP_URL_3_PRIORITY"]?.line == 5)
        #expect(configuration.otherFileEntries.isEmpty)
    }

    @Test func aBalancingPolicyWithoutPrioritiesIsOneLevel() throws {
        #expect(try load(Self.nodes + "LOAD_BALANCING=ewma\n").resolvedNodes.map(\.priority) == [0, 0, 0])
        #expect(try load(Self.nodes).resolvedNodes.map(\.priority) == [0, 1, 2], "failover: the index, as before")
    }

    @Test(arguments: [
        ("LOAD_BALANCING=random", "LOAD_BALANCING", "\"random\" is not one of: failover, round_robin, least_request, ewma", "«\u{00A0}random\u{00A0}»"),
        ("BACKUP_URL_1_WEIGHT=-1", "BACKUP_URL_1_WEIGHT", "\"-1\" is not a whole number of at least 0", "«\u{00A0}-1\u{00A0}»"),
        ("API_BASE_URL_PRIORITY=first", "API_BASE_URL_PRIORITY", "\"first\" is not a whole number of at least 0", "«\u{00A0}first\u{00A0}»"),
        ("BACKUP_URL_7_WEIGHT=2", "BACKUP_URL_7_WEIGHT", "is set but BACKUP_URL_7 is not: there is no such node", "ce nœud n’existe pas"),
        ("VITE_BACKUP_URL_2_PRIORITY=1", "VITE_BACKUP_URL_2_PRIORITY", "is set but BACKUP_URL_2 is not", "est renseignée mais pas BACKUP_URL_2"),
    ])
    func badValuesNameTheKeyAndLine(line: String, key: String, english: String, french: String) throws {
        let error = try error(Self.nodes + line + "\n")
        #expect(error.key == key)
        #expect(error.line == 4)
        #expect(error.message(in: .english).contains(english), "\(error.message(in: .english))")
        #expect(error.message(in: .french).contains(french), "\(error.message(in: .french))")
    }
}
