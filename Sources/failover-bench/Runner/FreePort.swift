#if canImport(Glibc)
import Glibc
#endif

/// Finds TCP ports free on 127.0.0.1 for the proxies, below the kernel's ephemeral range (as the
/// demo nodes' ports are), so no outgoing connection takes them in the meantime.
enum FreePort {
    /// `count` free ports, none of them in `excluded`.
    static func pick(_ count: Int, excluding excluded: Set<Int>) -> [Int] {
        var chosen: [Int] = []
        var candidate = Int.random(in: 20_000...32_000)
        for _ in 0..<2_000 where chosen.count < count {
            candidate = candidate >= 32_767 ? 20_000 : candidate + 1
            if !excluded.contains(candidate), !chosen.contains(candidate), isFree(candidate) { chosen.append(candidate) }
        }
        return chosen
    }

    /// Whether a listener could bind `127.0.0.1:port` now.
    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
