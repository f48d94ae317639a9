import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end with `posix_spawn`, its standard output to a temporary file read
/// once it has exited, polling `waitpid` without blocking a thread.
///
/// Not Foundation's `Process`: on Linux it learns of the end of a child through a descriptor the
/// child inherits, so a child that leaves daemons behind (proxies.sh) never "ends".
enum ChildProcess {
    /// What the program did.
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    enum Failure: Error, CustomStringConvertible {
        case spawn(path: String, errno: Int32)

        var description: String {
            switch self {
            case .spawn(let path, let code): BenchText.cannotRun(path, String(cString: strerror(code)))
            }
        }
    }

    /// Runs `executable` with `arguments`, killing it after `timeLimit`.
    ///
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: Its arguments.
    ///   - environment: Variables added to this process's environment.
    ///   - timeLimit: How long it may run.
    /// - Returns: The exit status (128 + signal when killed) and standard output; standard error is
    ///   this process's.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeLimit: Duration
    ) async throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("failover-bench-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        markCloseOnExec()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure.spawn(path: executable, errno: spawned) }

        let clock = ContinuousClock()
        let deadline = clock.now + timeLimit
        var status: Int32 = 0
        var timedOut = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if clock.now >= deadline, !timedOut {
                kill(pid, SIGKILL)
                timedOut = true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: code, output: text, timedOut: timedOut)
    }

    /// Marks every descriptor from 3 up close-on-exec, so a child (and the daemons proxies.sh
    /// leaves behind) never inherits a demo node's listening socket: a node killed while a proxy
    /// holds its socket would still accept connections and could not listen again.
    private static func markCloseOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let descriptor = Int32(name), descriptor > 2 else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
