import Failover
@testable import FailoverREPL
import Testing

/// Tab completion's candidates, without a terminal.
@Suite("completion")
struct CompletionTests {
    func session() throws -> Session {
        var configuration = try FailoverClient.Configuration(primary: "https://127.0.0.1:1", backups: ["https://127.0.0.1:2"])
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        return Session(client: FailoverClient(configuration: configuration), demo: nil)
    }

    @Test func demoActionsNodesAndCertificateKinds() async throws {
        let session = try session()
        #expect(Completion.candidates(for: "demo ", session: session).contains("refuse-streams"))
        #expect(Completion.candidates(for: "demo go", session: session) == ["goaway"])
        #expect(Completion.candidates(for: "demo cert ", session: session) == ["0", "1"])
        #expect(Completion.candidates(for: "demo cert 1 ", session: session) == ["valid", "expired", "wrong-host", "untrusted"])
        #expect(Completion.candidates(for: "demo cert 1 wr", session: session) == ["wrong-host"])
        #expect(Completion.candidates(for: "demo kill 1 ", session: session).isEmpty)
        #expect(Completion.candidates(for: "bal", session: session) == ["balance"])
        #expect(Completion.candidates(for: "balance ", session: session) == ["failover", "round_robin", "least_request", "ewma"])
        #expect(Completion.candidates(for: "balance e", session: session) == ["ewma"])
        #expect(Completion.candidates(for: "priority ", session: session) == ["0", "1"])
        #expect(Completion.candidates(for: "remove 1", session: session) == ["1"])
        #expect(Completion.candidates(for: "demo t", session: session) == ["traffic"])
        await session.shutdown()
    }
}
