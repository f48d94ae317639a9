import Foundation
import Localization
import Testing

@testable import Failover

/// Keys that look like ours but are not, `STRICT_CONFIG`, and every invalid value reported at once.
@Suite("Misconfiguration caught at start")
struct MisconfigurationTests {
    typealias Configuration = FailoverClient.Configuration

    func load(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", text)
        return try Configuration.load(environment: environment, directory: directory.path)
    }

    func error(_ text: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(text, environment: environment)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test(arguments: [
        ("BACKUP_URL1", "BACKUP_URL_1"), ("REQUEST_TIMOUT", "REQUEST_TIMEOUT"), ("VITE_HEALTH_CHECK_INTERVALL", "VITE_HEALTH_CHECK_INTERVAL"),
        ("BACKUP_URL_2_PRIORTY", "BACKUP_URL_2_PRIORITY"), ("BACKUP-URL-3", "BACKUP_URL_3"), ("BACKUP_URL", "BACKUP_URL_1"),
        ("FAILOVER_LNG", "FAILOVER_LANG"), ("HEALTH_CHECK_TIMEOTU", "HEALTH_CHECK_TIMEOUT"), ("api_base_url", "API_BASE_URL"),
        ("VITE_BACKUP_URL_1_WEIGTH", "VITE_BACKUP_URL_1_WEIGHT"), ("LOAD_BALANCNG", "LOAD_BALANCING"), ("FAILBAK", "FAILBACK"),
    ])
    func aNearMissNamesTheKeyItProbablyMeant(written: String, meant: String) {
        #expect(KeyAdvisor.advice(for: written) == .unknownKey(suggestion: meant))
    }

    @Test(arguments: [
        "DATABASE_URL", "VITE_APP_TITLE", "PATH", "HOME", "LANG", "HOSTNAME", "SSL_CERT_FILE", "HTTP_PROXY", "NO_PROXY", "NODE_ENV",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "LOG_LEVEL", "XDG_STATE_HOME", "TERM", "SHELL", "USER", "CI", "VITE_API_KEY",
        "API_BASE_URL", "VITE_API_BASE_URL", "BASE_URL", "BACKUP_URL_1", "VITE_BACKUP_URL_12", "BACKUP_URL_3_PRIORITY", "STRICT_CONFIG",
        "DASHBOARD_TOKEN", "FAILOVER_LANG", "FAILOVER_BENCH_BALANCE", "REDIS_URL", "SECRET_KEY", "API_TOKEN",
    ])
    func keysOfOursOrNothingLikeOursStaySilent(name: String) {
        #expect(KeyAdvisor.advice(for: name) == nil)
    }

    @Test func anUnknownFailoverKeyOrBackupKeyIsReportedEvenWithoutASuggestion() {
        #expect(KeyAdvisor.advice(for: "FAILOVER_SOMETHING_ELSE_ENTIRELY") == .unknownKey(suggestion: nil))
        #expect(KeyAdvisor.advice(for: "BACKUP_URL_FOR_THE_REPORTS") == .unknownKey(suggestion: nil))
    }

    @Test func warningsNameTheKeyTheFileAndTheLineInBothLanguages() throws {
        let configuration = try load("""
            API_BASE_URL=http://127.0.0.1:8080
            BACKUP_URL1=http://127.0.0.1:8081
            DATABASE_URL=postgres://db
            REQUEST_TIMOUT=5s
            VITE_HEALTH_CHECK_INTERVALL=1s
            """)
        // The misspelled keys were not used: no backup, the default timeout.
        #expect(configuration.nodes.count == 1)
        #expect(configuration.timeouts.request == .seconds(5))
        let warnings = configuration.warnings
        #expect(warnings.map(\.key) == ["BACKUP_URL1", "REQUEST_TIMOUT", "VITE_HEALTH_CHECK_INTERVALL"])
        #expect(warnings.map(\.source.line) == [2, 4, 5])
        #expect(warnings[0].message(in: .english).hasSuffix(".env line 2): not a key of swift-failover, ignored: did you mean BACKUP_URL_1?"))
        #expect(warnings[1].message(in: .french).hasSuffix("ligne 4)\u{00A0}: n’est pas une clé de swift-failover, ignorée\u{00A0}: vouliez-vous dire REQUEST_TIMEOUT\u{00A0}?"))
    }

    @Test func theEnvironmentIsCheckedToo() throws {
        let configuration = try Configuration.load(
            environment: ["API_BASE_URL": "http://127.0.0.1:8080", "MAX_RETRIS": "3", "PATH": "/usr/bin"], directory: "/nonexistent")
        #expect(configuration.warnings.map(\.key) == ["MAX_RETRIS"])
        #expect(configuration.warnings.first?.source == .environment)
    }

    @Test func strictConfigTurnsTheWarningsIntoErrors() throws {
        let text = "API_BASE_URL=http://127.0.0.1:8080\nBACKUP_URL1=http://127.0.0.1:8081\nREQUEST_TIMOUT=5s\n"
        let failure = try #require(error(text, environment: ["STRICT_CONFIG": "true"]))
        #expect(failure.all.map(\.key) == ["BACKUP_URL1", "REQUEST_TIMOUT"])
        #expect(failure.all.allSatisfy { if case .strict(.unknownKey) = $0.kind { true } else { false } })
        #expect(failure.message(in: .english).contains("did you mean BACKUP_URL_1? (an error with STRICT_CONFIG=true)"))
        // In the file too, and off when false.
        #expect(error(text + "STRICT_CONFIG=yes\n") != nil)
        #expect(try load(text + "STRICT_CONFIG=false\n").warnings.count == 2)
        let invalid = try #require(error(text + "STRICT_CONFIG=maybe\n"))
        #expect(invalid.key == "STRICT_CONFIG")
    }

    @Test func everyInvalidValueIsReportedAtOnceWithItsLine() throws {
        let failure = try #require(error("""
            API_BASE_URL=http://127.0.0.1:8080
            REQUEST_TIMEOUT=soon
            MAX_RETRIES=-1
            BACKUP_URL_1=ftp://127.0.0.1:8081
            """))
        #expect(failure.all.map(\.key) == ["REQUEST_TIMEOUT", "MAX_RETRIES", "BACKUP_URL_1"])
        #expect(failure.all.map(\.line) == [2, 3, 4])
        let english = failure.message(in: .english).split(separator: "\n").map(String.init)
        #expect(english.count == 4)
        #expect(english[0] == "3 problems in the configuration:")
        #expect(english[1].hasPrefix("  - REQUEST_TIMEOUT (") && english[1].contains(".env line 2)"))
        #expect(english[2].hasPrefix("  - MAX_RETRIES (") && english[2].contains("line 3"))
        #expect(english[3].hasPrefix("  - BACKUP_URL_1 (") && english[3].contains("line 4"))
        let french = failure.message(in: .french).split(separator: "\n").map(String.init)
        #expect(french[0] == "3 problèmes dans la configuration\u{00A0}:")
        #expect(french[1].contains("ligne 2") && french[1].contains("«\u{00A0}soon\u{00A0}» n’est pas une durée"))
        #expect(french[3].contains("ligne 4"))
        // The first problem is the error itself, as before (code written for one error still works).
        #expect(failure.key == "REQUEST_TIMEOUT")
    }

    @Test func syntaxErrorsOfAFileAreAllReportedAndTheOtherLinesStillRead() throws {
        let failure = try #require(error("""
            API_BASE_URL=http://127.0.0.1:8080
            not a statement
            REQUEST_TIMEOUT=soon
            9KEY=1
            QUOTED="never closed
            """))
        let kinds = failure.all.map(\.kind)
        #expect(kinds.count == 4)
        #expect(failure.all.map(\.line) == [2, 3, 4, 5])
        #expect(kinds[1] == .invalidDuration("soon"))
        #expect(kinds.last == .syntax(.unterminatedQuote, column: 8))
    }

    @Test func aMissingPrimaryIsReportedWithTheOtherProblems() throws {
        let failure = try #require(error("MAX_RETRIES=x\n"))
        #expect(failure.all.map(\.kind) == [.missingPrimary, .invalidInteger("x", minimum: 0)])
    }

    @Test func aNodeURLWithCredentialsIsRefusedWithoutShowingThePassword() throws {
        let failure = try #require(error("API_BASE_URL=http://ops:hunter2@127.0.0.1:8080\nBACKUP_URL_1=http://token-only@127.0.0.1:8081\n"))
        #expect(failure.all.map(\.kind) == [
            .credentialsInURL("http://ops:<redacted>@127.0.0.1:8080"), .credentialsInURL("http://<redacted>@127.0.0.1:8081"),
        ])
        for language in Language.allCases {
            #expect(!failure.message(in: language).contains("hunter2"))
            #expect(!failure.message(in: language).contains("token-only"))
        }
    }

    @Test func editDistanceCountsOneForASwap() {
        func distance(_ a: String, _ b: String) -> Int { KeyAdvisor.editDistance(Array(a.utf8), Array(b.utf8), limit: 3) }
        #expect(distance("TIMEOUT", "TIMEOTU") == 1)
        #expect(distance("TIMEOUT", "TIMOUT") == 1)
        #expect(distance("ABC", "ABC") == 0)
        #expect(distance("", "ABCD") == 4)
        #expect(distance("DATABASE_URL", "BASE_URL") == 4)
    }
}
