import Foundation
import Testing

@testable import Failover

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The remembered selection on disk, each test in a fresh temporary directory.
@Suite("Remembered selection")
struct SelectionStoreTests {
    /// A fresh directory for one test; `remove()` deletes it.
    struct Scratch {
        /// The directory's path (created by the store or the test when needed).
        let path = NSTemporaryDirectory() + "failover-selection-" + UUID().uuidString

        /// A path inside the directory.
        func file(_ relative: String) -> String { path + "/" + relative }

        /// The names of the entries in the directory, sorted.
        func names() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        }

        /// Deletes the directory and everything in it.
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    let nodes = ["http://127.0.0.1:8080", "http://127.0.0.1:8081", "http://127.0.0.1:8082"]
    /// A whole second: the file stores dates to the second.
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// A selection of `nodes` saved at `savedAt`.
    func selection(savedAt: Date? = nil, current: Int = 1) -> RememberedSelection {
        RememberedSelection(savedAt: savedAt ?? now, nodes: nodes, current: current, states: ["down", "healthy", "unknown"])
    }

    /// The problem `load` throws, or `nil` when it does not throw.
    func problem(_ store: SelectionStore, nodes: [String]? = nil, ttl: Duration = .seconds(300)) -> SelectionStore.LoadProblem? {
        do {
            _ = try store.load(nodes: nodes ?? self.nodes, ttl: ttl, now: now)
            return nil
        } catch {
            return error
        }
    }

    /// Writes raw text to a path, creating the directory.
    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The permission bits of a file.
    func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    /// The JSON of a valid file, with a field replaced.
    func json(version: Int = 1, current: Int = 1, states: String = #"["down","healthy","unknown"]"#, savedAt: String = "2023-11-14T22:13:20Z") -> String {
        let list = nodes.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"current":\#(current),"nodes":[\#(list)],"savedAt":"\#(savedAt)","states":\#(states),"version":\#(version)}"#
    }

    @Test func roundTrip() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection())
        let loaded = try store.load(nodes: nodes, ttl: .seconds(300), now: now)
        #expect(loaded == selection())
    }

    @Test func fileIsSortedISO8601JSON() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection())
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text == json())
    }

    @Test func savedFileHasMode0600() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection())
        #expect(mode(store.path) == 0o600)
        let permissions = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions]
        #expect((permissions as? NSNumber)?.intValue == 0o600)
    }

    @Test func createsMissingParentDirectoriesWithMode0700() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("state/swift-failover/selection.json"))
        try store.save(selection())
        #expect(FileManager.default.fileExists(atPath: store.path))
        #expect(mode(scratch.file("state/swift-failover")) == 0o700)
        #expect(mode(scratch.file("state")) == 0o700)
    }

    @Test func savingAgainReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection(current: 0))
        try store.save(selection(current: 2))
        #expect(try store.load(nodes: nodes, ttl: .seconds(300), now: now)?.current == 2)
        #expect(try scratch.names() == ["selection.json"])
        #expect(mode(store.path) == 0o600)
    }

    @Test func failedSaveKeepsTheOldFileAndLeavesNoTemporaryFiles() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection(current: 0))
        // A directory in the way of the target makes the rename fail after the temporary file is written.
        let blocked = SelectionStore(path: scratch.file("blocked"))
        try FileManager.default.createDirectory(atPath: scratch.file("blocked/inside"), withIntermediateDirectories: true)
        #expect(throws: SelectionStore.WriteProblem.self) { try blocked.save(selection(current: 2)) }
        #expect(try scratch.names() == ["blocked", "selection.json"])
        #expect(try store.load(nodes: nodes, ttl: .seconds(300), now: now)?.current == 0)
    }

    @Test func absentFileLoadsAsNil() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("missing/selection.json"))
        #expect(try store.load(nodes: nodes, ttl: .seconds(300), now: now) == nil)
    }

    @Test func olderThanTheTTLIsExpired() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection(savedAt: now.addingTimeInterval(-301)))
        #expect(problem(store, ttl: .seconds(300)) == .expired)
        #expect(try store.load(nodes: nodes, ttl: .seconds(302), now: now)?.current == 1)
    }

    @Test func savedInTheFutureBeyondAMinuteIsCorrupt() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection(savedAt: now.addingTimeInterval(30)))
        #expect(problem(store) == nil)
        try store.save(selection(savedAt: now.addingTimeInterval(61)))
        #expect(problem(store) == .corrupt("savedInFuture"))
    }

    @Test func differentNodeListIsRejected() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection())
        #expect(problem(store, nodes: Array(nodes.reversed())) == .differentNodes)
        #expect(problem(store, nodes: Array(nodes.prefix(2))) == .differentNodes)
    }

    @Test func invalidFilesAreCorrupt() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        let cases: [(String, String)] = [
            ("", "empty"),
            ("{not json", "invalidJSON"),
            (#"{"version":1}"#, "invalidJSON"),
            (json(savedAt: "yesterday"), "invalidJSON"),
            (json(version: 2), "unsupportedVersion"),
            (#"{"version":"1"}"#, "invalidJSON"),
            (json(current: 3), "currentOutOfRange"),
            (json(current: -1), "currentOutOfRange"),
            (json(states: #"["healthy"]"#), "invalidStates"),
            (json(states: #"["down","fine","unknown"]"#), "invalidStates"),
        ]
        #expect(problem(store) == nil)
        try write(json(), to: store.path)
        #expect(problem(store) == nil)
        for (text, reason) in cases {
            try write(text, to: store.path)
            #expect(problem(store) == .corrupt(reason), "\(text)")
        }
    }

    @Test func unreadableFileIsReported() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        guard case .unreadable = problem(store) else {
            Issue.record("expected unreadable")
            return
        }
    }

    @Test func clearDeletesTheFileAndIgnoresAnAbsentOne() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = SelectionStore(path: scratch.file("selection.json"))
        try store.save(selection())
        try store.clear()
        #expect(!FileManager.default.fileExists(atPath: store.path))
        #expect(try store.load(nodes: nodes, ttl: .seconds(300), now: now) == nil)
        try store.clear()
        try SelectionStore(path: scratch.file("missing/selection.json")).clear()
    }

    @Test func defaultPathUsesXDGStateHome() {
        let path = SelectionStore.defaultPath(nodes: nodes, environment: ["XDG_STATE_HOME": "/state/", "HOME": "/home/ann"])
        let fingerprint = SelectionStore.fingerprint(of: nodes)
        #expect(path == "/state/swift-failover/selection-\(fingerprint).json")
    }

    @Test func defaultPathFallsBackToHome() {
        let fingerprint = SelectionStore.fingerprint(of: nodes)
        let expected = "/home/ann/.local/state/swift-failover/selection-\(fingerprint).json"
        #expect(SelectionStore.defaultPath(nodes: nodes, environment: ["HOME": "/home/ann"]) == expected)
        #expect(SelectionStore.defaultPath(nodes: nodes, environment: ["XDG_STATE_HOME": "", "HOME": "/home/ann"]) == expected)
        #expect(SelectionStore.defaultPath(nodes: nodes, environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/ann"]) == expected)
    }

    @Test func defaultPathDiffersForDifferentNodeLists() {
        let environment = ["HOME": "/home/ann"]
        let first = SelectionStore.defaultPath(nodes: nodes, environment: environment)
        #expect(first == SelectionStore.defaultPath(nodes: nodes, environment: environment))
        #expect(first != SelectionStore.defaultPath(nodes: Array(nodes.reversed()), environment: environment))
        #expect(first != SelectionStore.defaultPath(nodes: Array(nodes.prefix(2)), environment: environment))
    }

    @Test func fingerprintIsFNV1a64() {
        #expect(SelectionStore.fingerprint(of: []) == "cbf29ce484222325")
        #expect(SelectionStore.fingerprint(of: ["a"]) == "af63dc4c8601ec8c")
        #expect(SelectionStore.fingerprint(of: ["foobar"]) == "85944171f73967e8")
        #expect(SelectionStore.fingerprint(of: ["a", "b"]) == SelectionStore.fingerprint(of: ["a\nb"]))
        #expect(SelectionStore.fingerprint(of: nodes).count == 16)
    }
}
