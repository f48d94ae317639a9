/// What counts as a secret, and how it is kept out of what the client shows: spans, events, the
/// REPL's output and history, the dashboard.
///
/// A secret is the value of an `Authorization`, `Proxy-Authorization`, `Cookie` or `Set-Cookie`
/// header, or of a header, query parameter or configuration key whose name contains `TOKEN`,
/// `SECRET`, `PASSWORD` or `KEY` (any case).
public enum Redaction {
    /// The text shown instead of a secret.
    public static let placeholder = "<redacted>"

    /// Headers whose values are always secret.
    public static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// Whether a header's value is a secret.
    public static func isSecret(header name: String) -> Bool {
        secretHeaders.contains(name.lowercased()) || ConfigurationEntry.isSecret(key: name)
    }

    /// A URL with the values of its secret-looking query parameters replaced by ``placeholder``:
    /// `https://api/x?api_token=abc&limit=5` reads `https://api/x?api_token=<redacted>&limit=5`.
    public static func url(_ url: String) -> String {
        guard let query = url.firstIndex(of: "?") else { return url }
        let end = url.firstIndex(of: "#") ?? url.endIndex
        guard query < end else { return url }
        let pairs = url[url.index(after: query)..<end].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "="), ConfigurationEntry.isSecret(key: String(pair[pair.startIndex..<equals])) else {
                return String(pair)
            }
            return String(pair[pair.startIndex...equals]) + placeholder
        }
        return String(url[url.startIndex...query]) + pairs.joined(separator: "&") + url[end...]
    }

    /// A URL with the password of its user-info (or the user-info itself when it has no password)
    /// replaced by ``placeholder``: `http://ops:pw@host/` reads `http://ops:<redacted>@host/`.
    public static func userInfo(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityEnd = url[scheme.upperBound...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        guard let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        let info = url[scheme.upperBound..<at]
        let shown = info.firstIndex(of: ":").map { info[info.startIndex..<$0] + ":" + placeholder } ?? Substring(placeholder)
        return String(url[..<scheme.upperBound]) + shown + url[at...]
    }
}
