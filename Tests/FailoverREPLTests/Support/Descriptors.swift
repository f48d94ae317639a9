import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the test process's sockets out of the programs it starts.
///
/// A child that inherits a demo node's listening or accepted socket keeps it open after the node
/// is killed: connections to a "killed" node are then accepted, or never reset. Every descriptor
/// from 3 up is marked close-on-exec just before a child is started.
enum Descriptors {
    static func markCloseOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let descriptor = Int32(name), descriptor > 2 else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
