import FailoverFuzz
import Foundation

#if FUZZING
import CLibFuzzer

/// The target libFuzzer drives, from `FUZZ_TARGET` (`Scripts/fuzz` sets it).
nonisolated(unsafe) private var target = ""

/// One input, from libFuzzer (which links against this name).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.runBlocking(target, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// The entry point in fuzzing builds (SwiftPM links `main` to it): hands the arguments to libFuzzer's
/// driver, which runs the target named by `FUZZ_TARGET` on its inputs.
@_cdecl("failover_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    guard FuzzTargets.names.contains(name) else {
        FileHandle.standardError.write(Data("FUZZ_TARGET must be one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        return 2
    }
    target = name
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
/// Without libFuzzer: `failover-fuzz TARGET FILE...` runs files through a target (to replay a crash).
@main
enum FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let target = arguments.first, FuzzTargets.names.contains(target) else {
            print("usage: failover-fuzz TARGET FILE...   (targets: \(FuzzTargets.names.joined(separator: ", ")))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzTargets.runBlocking(target, Array(data))
            print("\(target): \(path) ok")
        }
    }
}
#endif
