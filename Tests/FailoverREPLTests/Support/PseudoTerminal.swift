#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Locking

/// Runs a program under a real pseudo-terminal, for tests.
///
/// The program is started with `posix_spawn` in a new session (`setsid`),
/// with the terminal's slave side opened as its standard input, output and
/// error; opening it makes the terminal the session's controlling terminal,
/// so `isatty(0)` is true and Ctrl-C (`"\u{03}"`) raises `SIGINT` in the
/// program as it would for a person typing. Signal dispositions and the
/// signal mask are reset to their defaults in the program.
///
/// Output is read only while a `waitFor…` call runs. Not
/// thread-safe: use one instance from one task.
final class PseudoTerminal {
    /// A failure to start the program, or a wait that timed out.
    struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with the output read so far when there is one.
        let description: String
    }

    /// Serialises opening and spawning, so that no program spawned here
    /// inherits another terminal's descriptors before they are close-on-exec.
    private static let spawnLock = LockedValue(())

    /// The master side of the terminal (close-on-exec).
    private let master: Int32
    /// The program's process id; it leads its own session and process group.
    let processID: pid_t
    /// Every byte read from the master.
    private var received: [UInt8] = []
    /// The program's exit code, once reaped.
    private var exitCode: Int32?
    /// Whether the master reported the end of the output.
    private var outputEnded = false
    /// The UTF-8 offset in ``output`` where the last `waitForNext` match ended.
    private var matchEnd = 0

    /// Starts `executable` with `arguments` under a new terminal.
    ///
    /// - Parameters:
    ///   - executable: The absolute path of the program.
    ///   - arguments: The arguments, without the program name.
    ///   - environment: The program's whole environment (nothing is
    ///     inherited); pass at least `TERM` for interactive programs.
    ///   - columns: The terminal's width.
    ///   - rows: The terminal's height.
    /// - Throws: ``Failure`` if the program cannot be started.
    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        columns: Int = 120,
        rows: Int = 40
    ) throws {
        let argv = [executable] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        (master, processID) = try Self.spawnLock.withLock { _ in
            var master: Int32 = -1
            var slave: Int32 = -1
            var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
            var name = [CChar](repeating: 0, count: 256)
            guard openpty(&master, &slave, &name, nil, &size) == 0 else {
                throw Failure(description: "openpty failed: errno \(errno)")
            }
            defer { close(slave) }
            _ = fcntl(master, F_SETFD, FD_CLOEXEC)
            _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
            do {
                let pid = try Self.spawn(argv: argv, envp: envp, terminal: name)
                return (master, pid)
            } catch {
                close(master)
                throw error
            }
        }
    }

    deinit {
        terminate()
        close(master)
    }

    /// Everything read so far, without ANSI escape sequences and control
    /// characters other than newline and tab (so without carriage returns).
    var output: String {
        Self.stripEscapes(String(decoding: received, as: UTF8.self))
    }

    /// Types `text`: `"\t"` for Tab, `"\u{1B}[A"` for Up, `"\u{03}"` for
    /// Ctrl-C, `"\u{04}"` for Ctrl-D, `"\r"` for Enter.
    func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            guard written >= 0 || errno == EINTR || errno == EAGAIN else { return }
            bytes = bytes.dropFirst(max(0, written))
        }
    }

    /// Reads output until ``output`` contains `text`.
    ///
    /// - Parameters:
    ///   - text: The text to wait for (escapes stripped, as in ``output``).
    ///   - timeout: How long to wait.
    /// - Returns: ``output`` at that moment.
    /// - Throws: ``Failure`` with the output so far if `text` did not appear
    ///   in time or the output ended without it.
    @discardableResult
    func waitFor(_ text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await wait(for: text, timeout: timeout) { $0.contains(text) ? $0 : nil }
    }

    /// Reads output until `text` appears after the end of the previous
    /// `waitForNext` match (or anywhere, the first time), like `expect`: use
    /// it to wait for the next prompt before typing.
    ///
    /// - Parameters:
    ///   - text: The text to wait for (escapes stripped, as in ``output``).
    ///   - timeout: How long to wait.
    /// - Returns: The output from the end of the previous match to the end
    ///   of this one.
    /// - Throws: ``Failure`` with the output so far if `text` did not appear
    ///   in time or the output ended without it.
    @discardableResult
    func waitForNext(_ text: String, timeout: Duration = .seconds(10)) async throws -> String {
        let needle = Array(text.utf8)
        return try await wait(for: text, timeout: timeout) { current in
            let bytes = Array(current.utf8)
            var start = min(matchEnd, bytes.count)
            while start + needle.count <= bytes.count {
                let end = start + needle.count
                if bytes[start..<end].elementsEqual(needle) {
                    let found = String(decoding: bytes[min(matchEnd, bytes.count)..<end], as: UTF8.self)
                    matchEnd = end
                    return found
                }
                start += 1
            }
            return nil
        }
    }

    /// Reads output until `match` finds what it looks for in ``output``.
    private func wait(for text: String, timeout: Duration, match: (String) -> String?) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = output
            if let found = match(current) { return found }
            if outputEnded || ContinuousClock.now >= deadline {
                let reason = outputEnded ? "the output ended" : "timed out after \(timeout)"
                throw Failure(description: "waiting for \(text.debugDescription): \(reason); output:\n\(current)")
            }
            // Never block a thread of the cooperative pool: poll, then sleep.
            if !readAvailable(waitingUpTo: .zero) { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Waits for the program to exit, reading its output meanwhile.
    ///
    /// - Parameter timeout: How long to wait.
    /// - Returns: The exit code, or 128 plus the signal number if a signal
    ///   ended the program.
    /// - Throws: ``Failure`` with the output so far if it did not exit in time.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let code = reap(blocking: false) {
                while !outputEnded && readAvailable(waitingUpTo: .zero) {}
                return code
            }
            if ContinuousClock.now >= deadline {
                throw Failure(description: "the program did not exit within \(timeout); output:\n\(output)")
            }
            if !readAvailable(waitingUpTo: .zero) || outputEnded {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Kills the program's process group (`SIGKILL`) if the program is still
    /// running, and reaps it.
    func terminate() {
        guard exitCode == nil else { return }
        kill(-processID, SIGKILL)
        kill(processID, SIGKILL)
        _ = reap(blocking: true)
    }

    /// Reads what is available, waiting up to `timeout`; whether it read anything.
    @discardableResult
    private func readAvailable(waitingUpTo timeout: Duration) -> Bool {
        guard !outputEnded else { return false }
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(0, timeout / .milliseconds(1)))) > 0 else {
            return false
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if count > 0 {
            received.append(contentsOf: buffer[..<count])
            return true
        }
        if count == 0 || (errno != EINTR && errno != EAGAIN) {
            outputEnded = true  // EIO: every slave descriptor is closed.
        }
        return false
    }

    /// Reaps the program if it has exited; returns its exit code.
    private func reap(blocking: Bool) -> Int32? {
        if let exitCode { return exitCode }
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(processID, &status, blocking ? 0 : WNOHANG)
        } while result < 0 && errno == EINTR
        guard result == processID else { return nil }
        let signal = status & 0x7F
        exitCode = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return exitCode
    }
}

extension PseudoTerminal {
    #if os(Linux)
    /// glibc's `POSIX_SPAWN_SETSID` (not visible to Swift).
    private static let spawnSetSID: Int32 = 0x80
    #else
    private static let spawnSetSID: Int32 = POSIX_SPAWN_SETSID
    #endif

    /// Spawns `argv` in a new session with `terminal` as its standard
    /// descriptors and controlling terminal.
    private static func spawn(argv: [String], envp: [String], terminal: [CChar]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // The session leader opening a terminal makes it its controlling one.
        posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let flags = spawnSetSID | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        Descriptors.markCloseOnExec()
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw Failure(description: "posix_spawn \(argv[0]) failed: errno \(result)") }
        return pid
    }

    /// Removes ANSI escape sequences (CSI, OSC, DCS and two-character ones)
    /// and control characters other than newline and tab.
    static func stripEscapes(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{1B}":
                skipEscape(&scalars)
            case "\n", "\t":
                result.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                continue
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Skips the rest of an escape sequence after its ESC.
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let kind = scalars.next() else { return }
        switch kind {
        case "[":
            // Parameters and intermediates, then a final byte in 0x40...0x7E.
            while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
        case "]", "P", "X", "^", "_":
            // A string ended by BEL or ESC \.
            while let next = scalars.next() {
                if next == "\u{07}" { break }
                if next == "\u{1B}" {
                    _ = scalars.next()
                    break
                }
            }
        case "(", ")", "*", "+", "#", "%":
            _ = scalars.next()
        default:
            break
        }
    }
}
