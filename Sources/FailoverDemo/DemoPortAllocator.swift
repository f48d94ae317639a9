import Locking

/// Picks ports for demo nodes below the kernel's ephemeral range (Linux: 32768-60999).
///
/// `bind(port: 0)` and outgoing connections both draw from the ephemeral range, so a port freed by
/// a killed node could be handed to another node or used as another connection's source port a
/// moment later, and a client meant to be refused would reach something else. Ports from 20000 to
/// 32767 are never handed out by the kernel on its own; this allocator walks them from a random
/// start (so separate processes rarely meet), and the caller tries the next one when a port is taken.
enum DemoPortAllocator {
    static let range = 20_000...32_767
    private static let next = LockedValue(Int.random(in: range))

    /// The next port to try.
    static func take() -> Int {
        next.withLock { port in
            defer { port = port == range.upperBound ? range.lowerBound : port + 1 }
            return port
        }
    }
}
