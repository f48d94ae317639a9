import FailoverFuzz
import Foundation
import Testing

/// Every seed of the fuzz corpus, and every input that once broke a parser (`Fuzz/regressions`),
/// through the fuzz targets: no crash, no broken invariant (`Scripts/fuzz` explores from these).
@Suite("Fuzz corpus and regressions")
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ folder: String, _ target: String) -> [URL] {
        let directory = root.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.names)
    func theSeedsAndTheRegressionsPass(target: String) async throws {
        let seeds = Self.files("corpus", target)
        #expect(!seeds.isEmpty, "no seed for \(target)")
        for file in seeds + Self.files("regressions", target) {
            await FuzzTargets.run(target, Array(try Data(contentsOf: file)))
        }
    }
}
