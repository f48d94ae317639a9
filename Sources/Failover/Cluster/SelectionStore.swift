import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is remembered about a cluster: which node is current and each node's state.
///
/// It only applies to the same list of nodes, in the same order.
struct RememberedSelection: Sendable, Hashable, Codable {
    /// The format version; only 1 is read.
    var version: Int = 1
    /// When the selection was saved (stored to the second, ISO 8601).
    var savedAt: Date
    /// The node base URLs, in index order.
    var nodes: [String]
    /// The index of the current node.
    var current: Int
    /// The ``NodeState`` raw values, one per node ("healthy", "down", ...).
    var states: [String]
}

/// Remembers the selection in a small JSON file, so a new process can start on the right node
/// without a health-check round-trip.
///
/// Saving is atomic (a temporary file renamed over the target); a file that cannot be trusted is
/// reported as a ``LoadProblem`` for the caller to log and ignore.
struct SelectionStore: Sendable {
    /// Problems reading the file (the caller logs them as a warning and ignores the file).
    ///
    /// The associated strings are technical details for logs, not text for the user.
    enum LoadProblem: Error, Sendable, Hashable {
        /// The file exists but could not be read.
        case unreadable(FileReadProblem)
        /// The file is not a selection this version can trust; one of ``CorruptReason``'s raw values.
        case corrupt(String)
        /// The file remembers a different list of nodes.
        case differentNodes
        /// The file is older than the time to live.
        case expired
    }

    /// Why a file is ``LoadProblem/corrupt(_:)``: stable identifiers.
    enum CorruptReason: String, Sendable, CaseIterable {
        /// The file is empty.
        case empty
        /// The file is not JSON of the expected shape.
        case invalidJSON
        /// The file has a version other than 1.
        case unsupportedVersion
        /// The current index is not one of the nodes.
        case currentOutOfRange
        /// The states are not one known state per node.
        case invalidStates
        /// The file was saved more than a minute in the future.
        case savedInFuture
    }

    /// Problems writing or deleting the file, with the `errno` of the call that failed.
    enum WriteProblem: Error, Sendable, Hashable {
        /// The selection could not be encoded.
        case encoding
        /// A parent directory could not be created.
        case createDirectory(errno: Int32)
        /// The temporary file could not be created, written or flushed.
        case write(errno: Int32)
        /// The temporary file could not be renamed over the target.
        case rename(errno: Int32)
        /// The file could not be deleted.
        case remove(errno: Int32)
    }

    /// How far in the future `savedAt` may be (clock skew) before the file is corrupt.
    static let allowedClockSkew: TimeInterval = 60

    /// The file's path.
    let path: String

    /// Creates a store for a file.
    ///
    /// - Parameter path: Where the selection is remembered.
    init(path: String) {
        self.path = path
    }

    /// The default path: `$XDG_STATE_HOME/swift-failover/selection-<fingerprint>.json`, else
    /// `~/.local/state/swift-failover/selection-<fingerprint>.json`.
    ///
    /// The fingerprint (``fingerprint(of:)``) differs for different node lists, so two apps with
    /// different clusters do not share a file. As the XDG specification says, a relative
    /// `XDG_STATE_HOME` is ignored.
    ///
    /// - Parameters:
    ///   - nodes: The node base URLs, in index order.
    ///   - environment: The process environment (`XDG_STATE_HOME`, `HOME`).
    /// - Returns: The absolute path of the file.
    static func defaultPath(nodes: [String], environment: [String: String]) -> String {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = joined(home, ".local/state")
        }
        return joined(base, "swift-failover/selection-\(fingerprint(of: nodes)).json")
    }

    /// A stable 16-hex-digit FNV-1a 64 hash of the node URLs joined by newlines.
    ///
    /// - Parameter nodes: The node base URLs, in index order.
    /// - Returns: The hash in lowercase hexadecimal, zero-padded.
    static func fingerprint(of nodes: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in nodes.joined(separator: "\n").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Loads the selection if the file exists.
    ///
    /// - Parameters:
    ///   - nodes: The node base URLs now, in index order; the file must remember the same list.
    ///   - ttl: How long a remembered selection is trusted.
    ///   - now: The current time.
    /// - Returns: The selection, or `nil` when there is no file.
    /// - Throws: ``LoadProblem/unreadable(_:)`` when the file cannot be read;
    ///   ``LoadProblem/corrupt(_:)`` when it is not valid JSON, has another version, is
    ///   inconsistent, or was saved more than a minute in the future;
    ///   ``LoadProblem/differentNodes`` for another node list; ``LoadProblem/expired`` when it is
    ///   older than `ttl`.
    func load(nodes: [String], ttl: Duration, now: Date = Date()) throws(LoadProblem) -> RememberedSelection? {
        // Not `Data(contentsOf:)`: on Linux it leaks a 4 KiB buffer for every empty file it reads
        // (swift-foundation, found by LeakSanitizer).
        let data: Data
        do {
            data = Data(try FileText.bytes(of: path))
        } catch .missing {
            return nil
        } catch {
            throw .unreadable(error)
        }
        let selection = try Self.decode(data)
        guard selection.nodes == nodes else { throw .differentNodes }
        let age = now.timeIntervalSince(selection.savedAt)
        guard age >= -Self.allowedClockSkew else { throw .corrupt(CorruptReason.savedInFuture.rawValue) }
        guard age <= NodeMetrics.seconds(ttl) else { throw .expired }
        return selection
    }

    /// Decodes and checks the contents of a file.
    private static func decode(_ data: Data) throws(LoadProblem) -> RememberedSelection {
        /// Just the version, read first so another version is told from invalid JSON.
        struct Header: Decodable { var version: Int }
        func corrupt(_ reason: CorruptReason) -> LoadProblem { .corrupt(reason.rawValue) }

        guard !data.isEmpty else { throw corrupt(.empty) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let header = try? decoder.decode(Header.self, from: data) else { throw corrupt(.invalidJSON) }
        guard header.version == 1 else { throw corrupt(.unsupportedVersion) }
        guard let selection = try? decoder.decode(RememberedSelection.self, from: data) else { throw corrupt(.invalidJSON) }
        guard selection.nodes.indices.contains(selection.current) else { throw corrupt(.currentOutOfRange) }
        guard selection.states.count == selection.nodes.count,
            selection.states.allSatisfy({ NodeState(rawValue: $0) != nil })
        else { throw corrupt(.invalidStates) }
        return selection
    }

    /// Saves the selection atomically.
    ///
    /// Creates the parent directory (mode 0700) if needed, writes a temporary file in the same
    /// directory with mode 0600, flushes it, then renames it over the target: readers see the old
    /// file or the new one, never a partial one. On failure the temporary file is removed.
    ///
    /// - Parameter selection: What to remember.
    /// - Throws: ``WriteProblem``.
    func save(_ selection: RememberedSelection) throws(WriteProblem) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(selection) else { throw .encoding }

        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try Self.makeDirectory(directory) }
        let name = (path as NSString).lastPathComponent
        let temporary = Self.joined(directory.isEmpty ? "." : directory, ".\(name).\(UUID().uuidString).tmp")

        do throws(WriteProblem) {
            try Self.writeNewFile(data, at: temporary)
            guard rename(temporary, path) == 0 else { throw .rename(errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Deletes the file; no error if it is absent.
    ///
    /// - Throws: ``WriteProblem/remove(errno:)``.
    func clear() throws(WriteProblem) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .remove(errno: errno) }
    }

    /// Creates a file that must not exist yet with mode 0600, writes the data and flushes it.
    private static func writeNewFile(_ data: Data, at file: String) throws(WriteProblem) {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .write(errno: errno) }
        defer { close(descriptor) }
        // The umask may have narrowed the mode given to open; set it exactly.
        guard fchmod(descriptor, 0o600) == 0 else { throw .write(errno: errno) }
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .write(errno: failure) }
        guard fsync(descriptor) == 0 else { throw .write(errno: errno) }
    }

    /// Creates a directory and its missing parents, each with mode 0700; existing ones are left as they are.
    private static func makeDirectory(_ directory: String) throws(WriteProblem) {
        if mkdir(directory, 0o700) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw .createDirectory(errno: errno) }
        let parent = (directory as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != directory else { throw .createDirectory(errno: ENOENT) }
        try makeDirectory(parent)
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw .createDirectory(errno: errno) }
    }

    /// Joins a path and a relative path with one slash.
    private static func joined(_ base: String, _ relative: String) -> String {
        var base = base
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base == "/" ? "/" + relative : base + "/" + relative
    }
}
