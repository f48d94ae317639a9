// The false positive of LeakSanitizer on Swift enums with class payloads, in a few lines: objects
// kept in a global array, each behind a multi-payload enum case (`E.b`) or a `Data` slice, are
// reported as leaked at exit although the global still holds them. Swift keeps the case of a
// multi-payload enum in the spare bits of the payload's pointer; LeakSanitizer's conservative scan
// looks for exact pointer values and does not see the tagged one.
//
//   swiftc -sanitize=address -parse-as-library enum-payload-false-positive.swift -o repro && ./repro
import Foundation

final class Box {
    var bytes = [UInt8](repeating: 1, count: 1000)
}

enum E {
    case a(Box)
    case b(Box)
    case c
}

nonisolated(unsafe) var enums: [E] = []
nonisolated(unsafe) var slices: [Data] = []
nonisolated(unsafe) var plain: [Box] = []

@main
enum Repro {
    static func main() {
        for _ in 0..<10 { enums.append(.b(Box())) }
        for i in 0..<10 { slices.append(Data(repeating: 1, count: 100)[1..<(50 + i)]) }
        for _ in 0..<10 { plain.append(Box()) }
        print("kept \(enums.count) boxes behind an enum, \(slices.count) data slices, \(plain.count) plain boxes")
    }
}
