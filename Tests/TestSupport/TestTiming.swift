public import Failover
import Foundation

/// How much slower than usual this test run is allowed to be.
///
/// `FAILOVER_TEST_TIME_SCALE` (a whole number, 1 by default) multiplies the timeouts the tests give
/// their clients: `Scripts/sanitize` sets it, as ThreadSanitizer makes every handshake and every
/// request several times slower. The tests assert on orders and counts (which node answered, how
/// many attempts), not on how long things took, so a larger budget changes no outcome.
public enum TestTiming {
    /// The factor, at least 1.
    public static let scale: Int = max(1, Int(ProcessInfo.processInfo.environment["FAILOVER_TEST_TIME_SCALE"] ?? "") ?? 1)

    /// `duration` times ``scale``.
    public static func scaled(_ duration: Duration) -> Duration { duration * scale }
}

extension FailoverClient.Configuration.Timeouts {
    /// These timeouts times ``TestTiming/scale``.
    public var scaledForTestRun: Self {
        .init(request: TestTiming.scaled(request), total: TestTiming.scaled(total), connect: TestTiming.scaled(connect))
    }
}
