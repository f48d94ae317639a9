import Foundation

/// The base URL of a node: scheme (`http` or `https`), host, optional port and optional path prefix.
///
/// A request path is appended to the prefix: a node at `http://10.0.0.5:8080/v2` serves
/// `GET /items` at `http://10.0.0.5:8080/v2/items`.
public struct NodeURL: Sendable, Hashable, CustomStringConvertible {
    /// Why a string is not a usable node URL.
    public enum Problem: Error, Sendable, Hashable {
        /// The text does not parse as an absolute URL.
        case notAURL
        /// The scheme is not `http` or `https` (it carries the scheme found, possibly empty).
        case unsupportedScheme(String)
        /// The URL has no host (`http:///api`, `http://:8080`).
        case missingHost
        /// The URL carries a query or fragment, which a base URL cannot have.
        case queryOrFragment
        /// The URL carries credentials (`user:password@`); the URL with its password (or user
        /// alone) replaced by `<redacted>`, fit to show.
        case credentials(String)
    }

    /// `http` or `https`.
    public let scheme: String
    /// The host name or address, without brackets for IPv6.
    public let host: String
    /// The port, if one was written.
    public let port: Int?
    /// The path prefix without a trailing slash (empty for none).
    public let pathPrefix: String

    /// Parses a node URL.
    ///
    /// - Parameter string: An absolute `http` or `https` URL, such as `http://127.0.0.1:8080` or
    ///   `https://api.example.com/v1/`.
    /// - Returns: The URL, or the problem that prevents using it.
    public static func parse(_ string: String) -> Result<NodeURL, Problem> {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            if let colon = trimmed.firstIndex(of: ":"), trimmed[colon...].hasPrefix("://") {
                return .failure(.unsupportedScheme(String(trimmed[..<colon])))
            }
            return .failure(.notAURL)
        }
        guard scheme == "http" || scheme == "https" else { return .failure(.unsupportedScheme(scheme)) }
        guard let host = components.host, !host.isEmpty else { return .failure(.missingHost) }
        guard components.query == nil, components.fragment == nil else { return .failure(.queryOrFragment) }
        if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
            // Credentials would be sent to every node and shown wherever the URL is: refused, and
            // never repeated (headers are the place for them).
            return .failure(.credentials(Redaction.userInfo(trimmed)))
        }
        var prefix = components.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success(NodeURL(scheme: scheme, host: bareHost.lowercased(), port: components.port, pathPrefix: prefix))
    }

    /// Creates a node URL from its parts.
    ///
    /// - Parameters:
    ///   - scheme: `http` or `https`.
    ///   - host: The host name or address.
    ///   - port: The port, or `nil` for the scheme's default.
    ///   - pathPrefix: A path every request path is appended to (empty for none).
    public init(scheme: String, host: String, port: Int? = nil, pathPrefix: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
        let hostPart = host.contains(":") ? "[\(host)]" : host
        description = "\(scheme)://\(hostPart)\(port.map { ":\($0)" } ?? "")\(pathPrefix)"
    }

    /// The port used to connect: the written one, else 80 or 443.
    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    /// The URL as written back, e.g. `http://127.0.0.1:8081` (made once, used on every request).
    public let description: String

    /// The full URL of a request path on this node.
    ///
    /// - Parameter path: A path with an optional query (`/api/items?limit=5`); a missing leading slash is added.
    /// - Returns: The absolute URL string.
    public func url(for path: String) -> String {
        if path.isEmpty { return description }
        return path.hasPrefix("/") ? description + path : description + "/" + path
    }

    /// Two URLs that reach the same endpoint (same scheme, host, effective port and prefix).
    func sameEndpoint(as other: NodeURL) -> Bool {
        scheme == other.scheme && host == other.host && effectivePort == other.effectivePort && pathPrefix == other.pathPrefix
    }
}
