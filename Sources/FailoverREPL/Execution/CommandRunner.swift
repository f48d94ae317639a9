import Failover
import FailoverDemo
import Foundation
import Localization
import NIOCore
import NIOHTTP1

/// Runs parsed commands against a session and says what they produced.
struct CommandRunner: Sendable {
    let session: Session

    var client: FailoverClient { session.client }
    var language: Language { Language.current }

    /// Runs one command (not `watch`, which the REPL drives itself).
    func run(_ command: Command) async -> CommandOutcome {
        do {
            return try await perform(command)
        } catch let error as FailoverError {
            return .usageError(code: error.code.rawValue, message: error.message(in: language))
        } catch let error as UsageError {
            return .usageError(code: error.code, message: error.message)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .usageError(code: "error", message: String(describing: error))
        }
    }

    private func perform(_ command: Command) async throws -> CommandOutcome {
        switch command {
        case .request(let request):
            return try await send(request)
        case .nodes:
            return .nodes(client.status())
        case .health(let node):
            if let node { return .health([try await client.checkNode(node)]) }
            return .health(await client.checkAllNodes())
        case .use(let index):
            return switched(before: client.status().current) { () throws(FailoverError) -> Node in try client.use(node: index) }
        case .failover:
            return switched(before: client.status().current) { () throws(FailoverError) -> Node in try client.failover() }
        case .recover:
            return switched(before: client.status().current) { () throws(FailoverError) -> Node in try client.recover() }
        case .enable(let index):
            try client.enable(node: index)
            return .info(kind: "enable", lines: [localized(.replEnabled, index, language: language)])
        case .disable(let index):
            let before = session.eventCount
            try client.disable(node: index)
            let moved = consequences(since: before)
            return .info(kind: "disable", lines: [localized(.replDisabled, index, language: language)] + moved)
        case .reset:
            client.reset()
            return .info(kind: "reset", lines: [localized(.replReset, language: language)])
        case .events(let count):
            return .events(Array(session.events.suffix(count ?? 20)))
        case .config:
            return .config(configRows())
        case .lang(let code):
            Language.current = Language(tag: code) ?? .english
            return .info(kind: "lang", lines: [localized(.replLangDone, language: Language.current)])
        case .demo(let action, let node, let argument):
            return try await demo(action, node: node, argument: argument)
        case .balance(let name):
            guard let name, let policy = LoadBalancing(rawValue: name) else {
                return .info(kind: "balance", lines: [localized(.replBalanceShow, client.loadBalancing.rawValue, language: language)])
            }
            let before = session.eventCount
            client.setLoadBalancing(policy)
            let moved = session.events(since: before).map { $0.event.message(in: language) }
            return .info(kind: "balance", lines: [localized(.replBalanceSet, policy.rawValue, language: language)] + moved)
        case .priority(let index, let priority):
            let before = session.eventCount
            try client.setPriority(priority, node: index)
            let moved = consequences(since: before)
            return .info(kind: "priority", lines: [localized(.replPrioritySet, index, priority, language: language)] + moved)
        case .add(let text, let priority):
            guard case .success(let url) = NodeURL.parse(text) else {
                throw UsageError(code: "invalidURL", message: localized(.replErrorInvalidURL, Redaction.userInfo(text), language: language))
            }
            do {
                let node = try client.addNode(url, priority: priority)
                return .info(kind: "add", lines: [localized(.replNodeAdded, node.index, node.url.description, node.priority, language: language)])
            } catch {
                throw UsageError(code: "duplicateNode", message: error.message(in: language))
            }
        case .remove(let index):
            let url = client.status().nodes.first { $0.index == index }?.url
            try client.removeNode(index)
            return .info(kind: "remove", lines: [localized(.replNodeRemoved, index, url?.description ?? "", language: language)])
        case .help(let topic):
            return .help(Help.lines(for: topic, in: language))
        case .quit:
            return .quit
        case .watch, .stream:
            return .quit
        }
    }

    private func switched(before: Int, _ change: () throws(FailoverError) -> Node) -> CommandOutcome {
        let eventsBefore = session.eventCount
        do {
            let node = try change()
            var lines = session.events(since: eventsBefore).map { $0.event.message(in: language) }
            if node.index == before, lines.isEmpty {
                lines = [localized(.replAlreadyCurrent, node.index, node.url.description, language: language)]
            }
            if lines.isEmpty {
                lines = [FailoverEvent.switchedNode(from: before, to: node.index, url: node.url, reason: .manual).message(in: language)]
            }
            return .switched(status: client.status(), lines: lines)
        } catch {
            return .usageError(code: error.code.rawValue, message: error.message(in: language))
        }
    }

    /// Sends a request; Ctrl-C cancels it through task cancellation.
    private func send(_ command: RequestCommand) async throws -> CommandOutcome {
        var headers = HTTPHeaders()
        for header in command.headers { headers.add(name: header.name, value: header.value) }
        var body: ByteBuffer?
        switch command.body {
        case .text(let text)?:
            body = ByteBuffer(string: text)
            if !headers.contains(name: "Content-Type"), let first = text.first, first == "{" || first == "[" {
                headers.add(name: "Content-Type", value: "application/json")
            }
        case .file(let path)?:
            do {
                body = ByteBuffer(bytes: try FileText.bytes(of: path))
            } catch {
                let reason = error == .missing ? localized(.replErrorFileMissing, language: language) : error.message(in: language)
                throw UsageError(code: "bodyFile", message: localized(.replErrorBodyFile, path, reason, language: language))
            }
        case nil:
            break
        }
        session.remember(path: command.path)
        let eventsBefore = session.eventCount
        let request = FailoverRequest(method: HTTPMethod(rawValue: command.method), path: command.path, headers: headers, body: body)
        do {
            let response = try await client.execute(request)
            return .response(response, showHeaders: command.showHeaders, events: newEvents(since: eventsBefore))
        } catch let error as FailoverError where error.code == .invalidRequest {
            throw UsageError(code: error.code.rawValue, message: error.message(in: language))
        } catch let error as FailoverError {
            return .requestFailed(error, events: newEvents(since: eventsBefore))
        }
    }

    /// What an admin command caused beside itself (a switch...), in words: the event of the action
    /// itself is already the command's own line.
    private func consequences(since count: Int) -> [String] {
        session.events(since: count).compactMap { recorded in
            switch recorded.event {
            case .nodeDisabled, .nodeEnabled, .priorityChanged: nil
            default: recorded.event.message(in: language)
            }
        }
    }

    /// The switches and node transitions since a point, worth showing after a request.
    private func newEvents(since count: Int) -> [FailoverEvent] {
        session.events(since: count).map(\.event).filter {
            switch $0 {
            case .switchedNode, .nodeDown, .nodeRecovered, .allNodesDown, .nodeStalled, .nodeResumed: true
            default: false
            }
        }
    }
}

/// A command that cannot run as typed (exit code 2 in scripts).
struct UsageError: Error, Sendable {
    var code: String
    var message: String
}
