import Foundation
import Locking

/// Runs the built `failover` executable (it sits next to the test bundle in the build folder).
enum FailoverBinary {
    static var path: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("failover").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("failover").path
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        /// Every stdout line parsed as a JSON object.
        func json() throws -> [[String: Any]] {
            try lines.map { line in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw CocoaError(.coderReadCorrupt)
                }
                return object
            }
        }
    }

    /// Runs the binary to the end. The waiting happens on a thread of its own, never on one of the
    /// cooperative pool (whose few threads the other tests need), and stdout and stderr are read
    /// together (a child filling one pipe while the other is read would never end).
    static func run(
        _ arguments: [String], stdin: String? = nil, directory: String? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        // Two at a time: each run starts a process (often with a demo cluster); dozens at once would
        // starve the tests that measure handshakes and deadlines on the same two cores.
        await slots.acquire()
        defer { slots.release() }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try runBlocking(arguments, stdin: stdin, directory: directory, environment: environment) })
            }
        }
    }

    private static let slots = Slots(2)

    private static func runBlocking(
        _ arguments: [String], stdin: String?, directory: String?, environment: [String: String]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("LC_") && $0.key != "LANG" && $0.key != "FAILOVER_LANG" && !$0.key.hasPrefix("FAILOVER_TEST_")
        }
        env["HOME"] = NSTemporaryDirectory()
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "failover-test-state"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        Descriptors.markCloseOnExec()
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let errData = LockedValue(Data())
        let errDone = DispatchGroup()
        errDone.enter()
        Thread.detachNewThread {
            errData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }
            errDone.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errDone.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }
}

/// At most `count` holders at a time; the others wait their turn, in order.
final class Slots: Sendable {
    private let state: LockedValue<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) { state = LockedValue((count, [])) }

    func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state -> Bool in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
