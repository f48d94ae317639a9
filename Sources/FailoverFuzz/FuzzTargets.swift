import Failover
import FailoverREPL
import Foundation
import OpenAPIRuntime

/// The parsers that read untrusted text, as fuzz targets: each takes any bytes, must not crash,
/// hang or grow quadratically, and checks the invariants of its parser's answer.
///
/// `failover-fuzz` runs them under libFuzzer (`Scripts/fuzz`); the tests run the seed corpus and
/// every input that once failed (`Fuzz/regressions`) through them.
public enum FuzzTargets {
    /// The targets, by name.
    public static let names = ["dotenv", "duration", "repl", "health", "retry-after", "sse", "config", "redaction"]

    /// Runs one input through a target; a broken invariant stops the process (as a crash would).
    public static func run(_ name: String, _ bytes: [UInt8]) async {
        let text = String(decoding: bytes, as: UTF8.self)
        switch name {
        case "dotenv": dotenv(text)
        case "duration": duration(text)
        case "repl": _ = try? CommandParser.parse(text)
        case "health": _ = HealthBody.reportedStatus(bytes)
        case "retry-after": retryAfter(text)
        case "sse": await serverSentEvents(bytes)
        case "config": configuration(bytes)
        case "redaction": redaction(text)
        default: fatalError("unknown fuzz target \(name); known: \(names.joined(separator: ", "))")
        }
    }

    /// ``run(_:_:)`` from a thread that is not one of the concurrency pool's (libFuzzer's, a
    /// command line's): blocks until the input is done.
    public static func runBlocking(_ name: String, _ bytes: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await run(name, bytes)
            done.signal()
        }
        done.wait()
    }

    static func dotenv(_ text: String) {
        let lookup = ["HOME": "/home/a", "EMPTY": ""]
        let (entries, errors) = DotEnvParser.parseAll(text, priorityLookup: { lookup[$0] }, fallbackLookup: { _ in nil })
        let lines = text.unicodeScalars.reduce(1) { $0 + ($1 == "\n" || $1 == "\r" ? 1 : 0) }
        for entry in entries {
            check(!entry.key.isEmpty && (1...lines).contains(entry.line), "entry \(entry.key) at line \(entry.line) of \(lines)")
        }
        for error in errors {
            check((1...lines).contains(error.line) && error.column >= 1, "error at \(error.line):\(error.column) of \(lines) lines")
        }
        // The throwing form agrees with the collecting one.
        do {
            let strict = try DotEnvParser.parse(text, priorityLookup: { lookup[$0] })
            check(errors.isEmpty && strict == entries, "parse and parseAll disagree")
        } catch {
            check(error == errors.first, "parse threw another error than parseAll's first")
        }
    }

    static func duration(_ text: String) {
        if case .success(let duration) = DurationParser.parse(text) {
            check(duration >= .zero, "negative duration \(duration) from \(text.debugDescription)")
        }
    }

    static func retryAfter(_ text: String) {
        let delay = RetryAfter.parse(text, now: Date(timeIntervalSince1970: 1_800_000_000))
        check(delay.map { $0 >= .zero && $0 <= .seconds(86_400) } ?? true, "Retry-After delay \(String(describing: delay)) outside 0...1 day")
    }

    static func redaction(_ text: String) {
        for shown in [Redaction.url(text), Redaction.userInfo(text)] {
            check(shown.count <= text.count + 200 * Redaction.placeholder.count, "redaction grew the text")
        }
    }

    /// The `.env` text through the whole configuration loader, and its errors' and warnings'
    /// messages in both languages (a format string that does not match its arguments would crash).
    static func configuration(_ bytes: [UInt8]) {
        let path = scratchFile
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        do {
            let configuration = try FailoverClient.Configuration.load(environment: [:], directory: "/nonexistent", envFiles: [path])
            for warning in configuration.warnings {
                for language in Language.allCases { _ = warning.message(in: language) }
            }
        } catch {
            for language in Language.allCases { _ = error.message(in: language) }
            check(!error.all.isEmpty, "an error without problems")
        }
    }

    /// The bytes as a stream cut into chunks (the sizes taken from the bytes themselves), through
    /// the Server-Sent Events decoder the client uses.
    static func serverSentEvents(_ bytes: [UInt8]) async {
        var chunks: [ArraySlice<UInt8>] = []
        var index = 0
        var size = 1
        while index < bytes.count {
            size = Int(bytes[index] % 17) + 1
            let end = min(bytes.count, index + size)
            chunks.append(ArraySlice(bytes[index..<end]))
            index = end
        }
        let stream = AsyncStream<ArraySlice<UInt8>> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        var parsed = 0
        do {
            for try await event in stream.asDecodedServerSentEvents() {
                _ = (event.id, event.event, event.data, event.retry)
                parsed += 1
            }
        } catch {}
        check(parsed <= bytes.count + 1, "more events than bytes")
    }

    private static let scratchFile = NSTemporaryDirectory() + "failover-fuzz-\(ProcessInfo.processInfo.processIdentifier).env"

    private static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        fatalError("fuzz invariant broken: \(message())")
    }
}
