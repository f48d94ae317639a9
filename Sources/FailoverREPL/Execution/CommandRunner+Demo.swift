import Failover
import FailoverDemo
import Localization

extension CommandRunner {
    /// Injects a fault into a demo node.
    func demo(_ action: DemoAction, node index: Int, argument: String?) async throws -> CommandOutcome {
        guard let demo = session.demo else {
            throw UsageError(code: "demoOnly", message: localized(.replErrorDemoOnly, language: language))
        }
        if action == .traffic {
            let rate = argument == "off" ? 0 : argument.flatMap(Int.init) ?? 20
            session.startTraffic(rate: rate)
            let line = rate > 0 ? localized(.replDemoTraffic, rate, language: language) : localized(.replDemoTrafficOff, language: language)
            return .info(kind: "demo", lines: [line])
        }
        guard demo.nodes.indices.contains(index) else {
            throw FailoverError.invalidNode(index, nodeCount: demo.nodes.count)
        }
        let node = demo.nodes[index]
        let line: String
        switch action {
        case .kill:
            await node.kill()
            line = localized(.replDemoKill, index, language: language)
        case .revive:
            if await !node.isAlive { try await node.revive() }
            line = localized(.replDemoRevive, index, language: language)
        case .fail:
            let status = try argument.map(parseStatus) ?? 503
            await node.setFault(.status(status))
            line = localized(.replDemoFail, index, status, language: language)
        case .slow:
            let delay = try argument.map(parseDuration) ?? .seconds(2)
            await node.setFault(.delay(delay))
            line = localized(.replDemoSlow, index, Language.formatDecimal(delay.milliseconds, language: language), language: language)
        case .hang:
            await node.setFault(.hangBeforeHeaders)
            line = localized(.replDemoHang, index, language: language)
        case .heal:
            await node.setFault(.none)
            if await !node.isAlive { try await node.revive() }
            line = localized(.replDemoHeal, index, language: language)
        case .cert:
            guard let tls = session.demoTLS else {
                throw UsageError(code: "demoTLSOnly", message: localized(.replErrorDemoTLSOnly, action.rawValue, language: language))
            }
            let kind = DemoCertificateKind(rawValue: argument ?? "") ?? .valid
            try await node.setTLS(tls.nodeTLS(kind, node: index))
            line = localized(kind.message, index, language: language)
        case .refuseStreams:
            guard session.demoTLS != nil else {
                throw UsageError(code: "demoTLSOnly", message: localized(.replErrorDemoTLSOnly, action.rawValue, language: language))
            }
            let count = argument.flatMap(Int.init) ?? 1
            await node.refuseStreams(count)
            line = count == 1
                ? localized(.replDemoRefuseStreamsOne, index, language: language)
                : localized(.replDemoRefuseStreams, index, count, language: language)
        case .traffic:
            line = ""
        case .goaway:
            guard session.demoTLS != nil else {
                throw UsageError(code: "demoTLSOnly", message: localized(.replErrorDemoTLSOnly, action.rawValue, language: language))
            }
            await node.goAway()
            line = localized(.replDemoGoaway, index, language: language)
        }
        return .info(kind: "demo", lines: [line])
    }

    private func parseStatus(_ text: String) throws -> Int {
        guard let status = Int(text), (100...599).contains(status) else {
            throw UsageError(code: "invalidStatus", message: localized(.replErrorInvalidStatus, text, language: language))
        }
        return status
    }

    private func parseDuration(_ text: String) throws -> Duration {
        switch DurationParser.parse(text) {
        case .success(let duration): return duration
        case .failure(.tooLong): throw UsageError(code: "invalidDuration", message: localized(.replErrorDurationTooLong, text, language: language))
        case .failure: throw UsageError(code: "invalidDuration", message: localized(.replErrorInvalidDuration, text, language: language))
        }
    }
}


extension DemoCertificateKind {
    /// What `demo cert N KIND` says it did.
    var message: Message {
        switch self {
        case .valid: .replDemoCertValid
        case .expired: .replDemoCertExpired
        case .wrongHost: .replDemoCertWrongHost
        case .untrusted: .replDemoCertUntrusted
        }
    }
}
