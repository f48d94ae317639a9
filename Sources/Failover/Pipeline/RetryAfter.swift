package import Foundation

/// Reads a `Retry-After` header: delay-seconds (`120`) or an HTTP date.
package enum RetryAfter {
    /// The delay the header asks for, or `nil` when absent or unreadable.
    ///
    /// - Parameters:
    ///   - value: The header value.
    ///   - now: The current date (for the HTTP-date form).
    package static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let interval = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64(interval * 1000))
    }
}
