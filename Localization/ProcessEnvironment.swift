#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Access to the process environment without going through `Locale`, which ignores `LANG` on Linux.
package enum ProcessEnvironment {
    /// The environment variables of this process.
    package static var variables: [String: String] { ProcessInfo.processInfo.environment }
}
