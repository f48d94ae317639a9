/// One backend node that can serve the API: the primary (index 0) or a backup.
public struct Node: Sendable, Hashable, CustomStringConvertible {
    /// Whether a node is the primary or a backup.
    public enum Role: String, Sendable, Hashable, Codable {
        /// Node 0, preferred while it works.
        case primary
        /// Any other node, used when the ones before it fail.
        case backup
    }

    /// The node's index: 0 for the primary, then backups in the order of `BACKUP_URL_n`.
    public let index: Int
    /// Where the node is.
    public let url: NodeURL
    /// Lower is preferred; defaults to the index.
    public var priority: Int
    /// Whether requests may go to this node at all.
    public var isEnabled: Bool
    /// Its share of its level's traffic under `round_robin` (1 by default; 0 keeps it out of the
    /// first choice of every balancing policy, while it stays a node to fail over to).
    public var weight: Int

    /// Creates a node.
    ///
    /// - Parameters:
    ///   - index: 0 for the primary, then 1, 2... for backups.
    ///   - url: The node's base URL.
    ///   - priority: Lower is preferred; `nil` means the index.
    ///   - isEnabled: Whether the node takes requests.
    ///   - weight: Its weight under `round_robin`.
    public init(index: Int, url: NodeURL, priority: Int? = nil, isEnabled: Bool = true, weight: Int = 1) {
        self.index = index
        self.url = url
        self.priority = priority ?? index
        self.isEnabled = isEnabled
        self.weight = max(0, weight)
    }

    /// Primary for index 0, backup otherwise.
    public var role: Role { index == 0 ? .primary : .backup }

    /// `node 1 (http://127.0.0.1:8081)`: a technical, unlocalized description for debugging.
    public var description: String { "node \(index) (\(url))" }
}
