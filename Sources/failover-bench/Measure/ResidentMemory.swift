import Foundation

/// Resident memory of a process, read from `/proc/PID/status` (Linux).
struct ResidentMemory: Sendable, Hashable {
    /// `VmRSS`: resident now, in KiB.
    var residentKiB: Int
    /// `VmHWM`: the highest resident size since the process started, in KiB.
    var peakKiB: Int

    /// This process's memory.
    static func current() -> ResidentMemory? { read(path: "/proc/self/status") }

    /// Another process's memory.
    static func of(pid: Int32) -> ResidentMemory? { read(path: "/proc/\(pid)/status") }

    /// The sum over a process and its direct children (nginx: master and workers).
    static func ofTree(pid: Int32) -> ResidentMemory? {
        guard var total = of(pid: pid) else { return nil }
        for child in children(of: pid) {
            guard let memory = of(pid: child) else { continue }
            total.residentKiB += memory.residentKiB
            total.peakKiB += memory.peakKiB
        }
        return total
    }

    private static func read(path: String) -> ResidentMemory? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var rss: Int?
        var hwm: Int?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kibibytes(line) }
            if line.hasPrefix("VmHWM:") { hwm = kibibytes(line) }
        }
        guard let rss, let hwm else { return nil }
        return ResidentMemory(residentKiB: rss, peakKiB: hwm)
    }

    private static func kibibytes(_ line: Substring) -> Int? {
        line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    private static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let candidate = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm) ": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? candidate : nil
        }
    }
}

extension Int {
    /// KiB as MiB.
    var mebibytes: Double { Double(self) / 1024 }
}
