#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Localization

/// Why a file named in the configuration could not be read.
public enum FileReadProblem: Error, Sendable, Hashable {
    /// No such file.
    case missing
    /// The process may not read it.
    case permissionDenied
    /// The path is a directory.
    case isDirectory
    /// The file is not UTF-8 text.
    case notText
    /// Another error (the `errno`).
    case other(errno: Int32)

    /// The problem in words.
    public func message(in language: Language) -> String {
        switch self {
        case .missing: localized(.fileProblemMissing, language: language)
        case .permissionDenied: localized(.fileProblemPermission, language: language)
        case .isDirectory: localized(.fileProblemDirectory, language: language)
        case .notText: localized(.fileProblemNotText, language: language)
        case .other(let code): localized(.fileProblemOther, Int(code), language: language)
        }
    }
}

/// Reads small text files of the configuration (`.env`, PEM), with errors a person can act on.
package enum FileText {
    /// The largest file read (a PEM bundle of every public CA is about 200 KiB).
    static let maxSize = 16 << 20

    package static func contents(of path: String) throws(FileReadProblem) -> String {
        guard let text = String(validating: try bytes(of: path), as: UTF8.self) else { throw .notText }
        return text
    }

    /// The bytes of a file (at most ``maxSize`` and one read more).
    package static func bytes(of path: String) throws(FileReadProblem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw problem(errno) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= maxSize {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw problem(errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// The mode bits of a file, if it can be examined.
    static func permissions(_ path: String) -> UInt32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return UInt32(status.st_mode) & 0o777
    }

    private static func problem(_ code: Int32) -> FileReadProblem {
        switch code {
        case ENOENT, ENOTDIR: .missing
        case EACCES, EPERM: .permissionDenied
        case EISDIR: .isDirectory
        default: .other(errno: code)
        }
    }
}
