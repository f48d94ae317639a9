/// Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter").
///
/// The delay before retry `n` (0 for the first retry) is drawn uniformly from
/// `0 ... min(cap, base * 2^n)`. With the defaults (`RETRY_DELAY` 100 ms, `RETRY_MAX_DELAY` 2 s):
///
/// | retry | upper bound |
/// |---|---|
/// | 0 | 100 ms |
/// | 1 | 200 ms |
/// | 2 | 400 ms |
/// | 3 | 800 ms |
/// | 4 | 1.6 s |
/// | 5+ | 2 s |
struct Backoff: Sendable, Hashable {
    var base: Duration
    var cap: Duration

    /// The upper bound of the delay before retry `retry`.
    func ceiling(forRetry retry: Int) -> Duration {
        let exponent = min(retry, 30)
        let grown = base.milliseconds * Double(1 << exponent)
        return .milliseconds(Int64(min(cap.milliseconds, grown)))
    }

    /// A delay before retry `retry`, drawn with full jitter from the system's generator.
    ///
    /// Not `delay(forRetry:using:)` with a local `SystemRandomNumberGenerator`: that zero-sized
    /// variable has no storage of its own, its address is a global of the runtime, and
    /// ThreadSanitizer reports two requests backing off at once as a race on it.
    func delay(forRetry retry: Int) -> Duration {
        delay(forRetry: retry) { Double.random(in: $0) }
    }

    /// A delay before retry `retry`, drawn with full jitter from `generator`.
    func delay(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        delay(forRetry: retry) { Double.random(in: $0, using: &generator) }
    }

    private func delay(forRetry retry: Int, draw: (ClosedRange<Double>) -> Double) -> Duration {
        let ceiling = ceiling(forRetry: retry).milliseconds
        guard ceiling > 0 else { return .zero }
        return .microseconds(Int64(draw(0...ceiling) * 1000))
    }
}
