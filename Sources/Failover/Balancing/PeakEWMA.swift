import Foundation

/// A node's latency as Finagle's and Linkerd's peak-EWMA balancers see it: a slower answer is taken
/// at once (the peak), a faster one moves the estimate by the weight its age gives it, and the
/// estimate decays toward zero while the node gets no answer, so a node that was slow is tried
/// again after a while (one slow answer puts it back where it was).
///
/// Time is in nanoseconds on the caller's clock; pure, no clock of its own.
struct PeakEWMA: Sendable, Equatable {
    /// The time constant of the average and of the decay.
    static let decay: Double = 2e9

    /// The estimate at ``stamp``, in nanoseconds.
    private(set) var estimate: Double = 0
    /// When the estimate was last updated.
    private(set) var stamp: Int64 = 0

    /// Takes an answer's latency into account.
    mutating func observe(_ latency: Double, at now: Int64) {
        let weight = Foundation.exp(-Double(max(0, now - stamp)) / Self.decay)
        let decayed = estimate * weight
        estimate = latency > decayed ? latency : decayed + latency * (1 - weight)
        stamp = now
    }

    /// The estimate now, decayed since the last answer.
    func value(at now: Int64) -> Double {
        guard estimate > 0 else { return 0 }
        return estimate * Foundation.exp(-Double(max(0, now - stamp)) / Self.decay)
    }
}
