import Foundation
import OrderedJSON

/// What the benchmark ran on: cores, CPU model, memory, kernel.
struct Machine: Sendable {
    var cores: Int
    /// The CPU model; empty when it could not be read.
    var model: String
    var memoryMiB: Int
    /// The kernel release; empty when it could not be read.
    var kernel: String

    /// Reads `/proc/cpuinfo`, `/proc/meminfo` and `/proc/sys/kernel/osrelease`.
    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Machine(cores: ProcessInfo.processInfo.activeProcessorCount, model: model, memoryMiB: memoryKiB / 1024, kernel: kernel)
    }

    /// One line for the report header.
    var summary: String { BenchText.machine(cores: cores, model: model, memoryMiB: memoryMiB, kernel: kernel) }

    var json: JSONValue {
        .object([
            ("cores", .integer(cores)), ("model", model.isEmpty ? .null : .string(model)), ("memoryMiB", .integer(memoryMiB)),
            ("kernel", kernel.isEmpty ? .null : .string(kernel)),
        ])
    }
}
