/// Which fault the next request gets: a pure state machine, no I/O.
///
/// A fault set "for N requests" applies to the next N requests, then the plan
/// goes back to ``DemoFault/none``.
struct DemoFaultPlan: Sendable, Equatable {
    /// The fault in force.
    private(set) var fault: DemoFault = .none
    /// How many more requests get ``fault``; `nil` for all of them.
    private(set) var remaining: Int?

    /// Sets the fault in force.
    /// - Parameters:
    ///   - fault: The fault.
    ///   - count: Only the next `count` requests get it; `nil` for all. A count
    ///     of 0 or less means no request gets it. Ignored for ``DemoFault/refuse``,
    ///     which is about the port, not requests.
    mutating func set(_ fault: DemoFault, forRequests count: Int?) {
        if fault == .refuse || count == nil {
            self.fault = fault
            self.remaining = nil
        } else if let count, count > 0 {
            self.fault = fault
            self.remaining = count
        } else {
            self.fault = .none
            self.remaining = nil
        }
    }

    /// Takes the fault for one request, counting it down.
    /// - Returns: The fault this request gets.
    mutating func next() -> DemoFault {
        let current = self.fault
        if let remaining = self.remaining {
            if remaining <= 1 {
                self.fault = .none
                self.remaining = nil
            } else {
                self.remaining = remaining - 1
            }
        }
        return current
    }
}
