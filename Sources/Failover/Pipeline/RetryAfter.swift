package import Foundation

/// Reads a `Retry-After` header: delay-seconds (`120`) or an HTTP date (RFC 9110 §10.2.3).
///
/// The date is read by hand, in the three forms a recipient must accept (RFC 9110 §5.6.7):
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Foundation's
/// `DateFormatter` is not used: on Linux it traps on some invalid input (found by fuzzing: a
/// header a node sends must never crash the client) and costs about 20 µs a call.
package enum RetryAfter {
    /// The delay the header asks for, or `nil` when absent or unreadable.
    ///
    /// - Parameters:
    ///   - value: The header value.
    ///   - now: The current date (for the HTTP-date form).
    package static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Delay-seconds; more than a day is read as a day (the deadline ends the wait anyway).
            guard value.utf8.count <= 18, let seconds = Int64(value) else { return .seconds(Self.longest) }
            return .seconds(min(seconds, Self.longest))
        }
        guard let date = HTTPDate.parse(Array(value.utf8), now: now) else { return nil }
        let interval = min(Double(Self.longest), max(0, date - now.timeIntervalSince1970))
        return .milliseconds(Int64(interval * 1000))
    }

    /// The longest wait a `Retry-After` gives: a day, in seconds.
    static let longest: Int64 = 86_400
}

/// An HTTP date (RFC 9110 §5.6.7) as seconds since 1970, read from ASCII bytes.
package enum HTTPDate {
    private static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let longDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The date in seconds since 1970 (UTC), or `nil` when `bytes` is none of the three forms.
    /// `now` resolves the two-digit year of the RFC 850 form.
    package static func parse(_ bytes: [UInt8], now: Date) -> Double? {
        var reader = Reader(bytes: bytes)
        guard let name = reader.letters() else { return nil }
        if reader.skip(","), reader.skip(" ") {
            if days.contains(name) {
                // IMF-fixdate: "06 Nov 1994 08:49:37 GMT".
                guard let day = reader.digits(2), reader.skip(" "), let month = reader.month(), reader.skip(" "),
                      let year = reader.digits(4), reader.skip(" "), let time = reader.timeInGMT()
                else { return nil }
                return seconds(year: year, month: month, day: day, time: time)
            }
            // RFC 850: "06-Nov-94 08:49:37 GMT".
            guard longDays.contains(name), let day = reader.digits(2), reader.skip("-"), let month = reader.month(), reader.skip("-"),
                  let short = reader.digits(2), reader.skip(" "), let time = reader.timeInGMT()
            else { return nil }
            return seconds(year: fullYear(short, now: now), month: month, day: day, time: time)
        }
        // asctime: "Nov  6 08:49:37 1994" (the day padded with a space).
        guard days.contains(name), reader.skip(" "), let month = reader.month(), reader.skip(" ") else { return nil }
        _ = reader.skip(" ")
        guard let day = reader.digits(1...2), reader.skip(" "), let time = reader.time(), reader.skip(" "),
              let year = reader.digits(4), reader.atEnd
        else { return nil }
        return seconds(year: year, month: month, day: day, time: time)
    }

    /// RFC 9110: a two-digit year more than 50 years in the future is the most recent past year
    /// with those digits.
    private static func fullYear(_ short: Int, now: Date) -> Int {
        let current = 1970 + Int(now.timeIntervalSince1970 / 31_556_952)
        var year = current - current % 100 + short
        if year > current + 50 { year -= 100 }
        return year
    }

    private static func seconds(year: Int, month: Int, day: Int, time: (Int, Int, Int)) -> Double? {
        let lengths = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day), time.0 < 24, time.1 < 60, time.2 <= 60 else { return nil }
        // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + time.0 * 3_600 + time.1 * 60 + time.2)
    }

    /// A cursor over the bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        /// ASCII letters, lowercased (at most 9, the longest day name).
        mutating func letters() -> String? {
            var word: [UInt8] = []
            while index < bytes.count, word.count < 10 {
                let byte = bytes[index] | 0x20
                guard byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") else { break }
                word.append(byte)
                index += 1
            }
            return word.isEmpty || word.count > 9 ? nil : String(decoding: word, as: UTF8.self)
        }

        mutating func month() -> Int? {
            guard let name = letters(), let position = HTTPDate.months.firstIndex(of: name) else { return nil }
            return position + 1
        }

        mutating func digits(_ count: Int) -> Int? { digits(count...count) }

        mutating func digits(_ counts: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, count < counts.upperBound, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                count += 1
                index += 1
            }
            return counts.contains(count) ? value : nil
        }

        /// `HH:MM:SS`.
        mutating func time() -> (Int, Int, Int)? {
            guard let hours = digits(2), skip(":"), let minutes = digits(2), skip(":"), let seconds = digits(2) else { return nil }
            return (hours, minutes, seconds)
        }

        /// `HH:MM:SS GMT` ending the text.
        mutating func timeInGMT() -> (Int, Int, Int)? {
            guard let time = time(), skip(" "), letters() == "gmt", atEnd else { return nil }
            return time
        }
    }
}
