import Foundation
import NIOHTTP1
import Testing

@testable import Failover

@Suite("Node state machine")
struct NodeStateMachineTests {
    @Test func unknownBecomesHealthyOnFirstSuccess() {
        var machine = NodeStateMachine(rise: 2, fall: 2)
        #expect(machine.state == .unknown)
        #expect(machine.record(.success) == .healthy)
        #expect(machine.record(.success) == nil)
    }

    @Test func fallFailuresInARowTakeTheNodeDown() {
        var machine = NodeStateMachine(rise: 2, fall: 3)
        machine.record(.success)
        #expect(machine.record(.failure(conclusive: false)) == .suspect)
        #expect(machine.record(.failure(conclusive: false)) == nil)
        #expect(machine.state == .suspect)
        #expect(machine.record(.failure(conclusive: false)) == .down)
        #expect(machine.consecutiveFailures == 3)
    }

    @Test func aSuccessBetweenFailuresResetsTheCount() {
        var machine = NodeStateMachine(rise: 2, fall: 2)
        machine.record(.failure(conclusive: false))
        machine.record(.success)
        machine.record(.failure(conclusive: false))
        #expect(machine.state == .suspect)
    }

    @Test func aRefusedConnectionIsConclusive() {
        var machine = NodeStateMachine(rise: 2, fall: 5)
        #expect(machine.record(.failure(conclusive: true)) == .down)
    }

    @Test func riseSuccessesBringADownNodeBackThroughProbing() {
        var machine = NodeStateMachine(rise: 3, fall: 1)
        machine.record(.failure(conclusive: false))
        #expect(machine.state == .down)
        #expect(machine.record(.success) == .probing)
        #expect(machine.record(.success) == nil)
        #expect(machine.record(.success) == .healthy)
    }

    @Test func aFailureWhileProbingGoesStraightBackDown() {
        var machine = NodeStateMachine(rise: 3, fall: 3)
        machine.record(.failure(conclusive: true))
        machine.record(.success)
        #expect(machine.record(.failure(conclusive: false)) == .down)
    }

    @Test func disabledIgnoresSignalsAndRestartsUnknown() {
        var machine = NodeStateMachine(rise: 2, fall: 2)
        machine.record(.success)
        machine.disable()
        #expect(machine.record(.failure(conclusive: true)) == nil)
        #expect(machine.state == .disabled)
        #expect(!machine.state.isEligible)
        machine.enable()
        #expect(machine.state == .unknown)
        #expect(machine.state.isEligible)
    }

    @Test func resetClearsFailures() {
        var machine = NodeStateMachine(rise: 2, fall: 1)
        machine.record(.failure(conclusive: false))
        machine.reset()
        #expect(machine.state == .unknown)
        #expect(machine.consecutiveFailures == 0)
    }
}

@Suite("Backoff, retry budget, Retry-After")
struct RetryMechanicsTests {
    @Test func backoffCeilingsDoubleUpToTheCap() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))
        let ceilings = (0..<7).map { backoff.ceiling(forRetry: $0) }
        #expect(ceilings == [100, 200, 400, 800, 1600, 2000, 2000].map { Duration.milliseconds($0) })
    }

    @Test func backoffDelaysAreJitteredWithinTheCeiling() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))
        var generator = SplitMix64(seed: 7)
        for delays in [(0..<200).map { _ in backoff.delay(forRetry: 2, using: &generator) }, (0..<200).map { _ in backoff.delay(forRetry: 2) }] {
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(400) })
            #expect(Set(delays).count > 50)
        }
    }

    @Test func budgetAllowsTheReserveThenAShareOfRequests() {
        let budget = RetryBudget(.init(ratio: 0.2, reserve: 3))
        #expect(budget.withdraw() && budget.withdraw() && budget.withdraw())
        #expect(!budget.withdraw())
        for _ in 0..<4 { budget.deposit() }
        #expect(!budget.withdraw())
        budget.deposit()
        #expect(budget.withdraw())
        #expect(!budget.withdraw())
    }

    @Test func budgetGrantsEachTokenOnceUnderContention() async {
        let budget = RetryBudget(.init(ratio: 0, reserve: 1_000))
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).reduce(0) { count, _ in count + (budget.withdraw() ? 1 : 0) } }
            }
            return await group.reduce(0, +)
        }
        #expect(granted == 1_000)
        #expect(budget.available == 0)
    }

    @Test func budgetNeverHoldsMoreThanTheReserve() {
        let budget = RetryBudget(.init(ratio: 1, reserve: 2))
        for _ in 0..<100 { budget.deposit() }
        #expect(budget.available == 2)
    }

    @Test func retryAfterSecondsAndDates() {
        #expect(RetryAfter.parse("1") == .seconds(1))
        #expect(RetryAfter.parse(" 120 ") == .seconds(120))
        #expect(RetryAfter.parse("-1") == nil)
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse(nil) == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
        // The two obsolete forms a recipient must accept too (RFC 9110 §5.6.7).
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Wed Oct 21 07:28:10 2015", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wed Oct  1 07:28:10 2015", now: now) == .zero)
        // Across a leap day and a year end.
        let leap = Date(timeIntervalSince1970: 951_782_400)  // Tue, 29 Feb 2000 00:00:00 GMT
        #expect(RetryAfter.parse("Tue, 29 Feb 2000 00:00:05 GMT", now: leap) == .seconds(5))
        #expect(RetryAfter.parse("Wed, 01 Mar 2000 00:00:00 GMT", now: leap) == .seconds(86_400))
        #expect(RetryAfter.parse("Mon, 29 Feb 2001 00:00:00 GMT", now: leap) == nil)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 24:00:00 GMT", now: now) == nil)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 CET", now: now) == nil)
        // Longer than a day is a day; digits beyond Int64 too.
        #expect(RetryAfter.parse("999999") == .seconds(86_400))
        #expect(RetryAfter.parse("99999999999999999999999") == .seconds(86_400))
    }

    /// Found by the fuzzer: Foundation's DateFormatter trapped on a date followed by bytes that are
    /// not UTF-8 (a node's header must never crash the client).
    @Test func aRetryAfterDateWithGarbageIsIgnored() {
        let bytes: [UInt8] = Array("Sun, 06 Nov 2044 08:49:37".utf8) + [0xDC, 0xB8, 0xB2, 0xAB]
        #expect(RetryAfter.parse(String(decoding: bytes, as: UTF8.self)) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 2044 08:49:37 GMT\u{0}") == nil)
    }
}

@Suite("Default error classifier")
struct ClassifierTests {
    let classifier = DefaultErrorClassifier()

    func decide(_ outcome: AttemptOutcome, retries: Int = 1, headers: HTTPHeaders = [:]) -> FailoverDecision {
        classifier.classify(ClassificationContext(request: FailoverRequest(path: "/"), outcome: outcome, responseHeaders: headers, retriesRemaining: retries))
    }

    @Test(arguments: [100, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 422])
    func delivered(_ status: Int) {
        #expect(decide(.response(status: status)) == .deliver)
    }

    /// The pipeline skips the classifier for the answers `delivers` names: it must name exactly the
    /// answers the table delivers whatever the headers and the retries left.
    @Test func shortcutMatchesTheTable() {
        for status in 100..<700 {
            let outcome = AttemptOutcome.response(status: status)
            let always = [0, 1].allSatisfy { retries in
                decide(outcome, retries: retries) == .deliver && decide(outcome, retries: retries, headers: ["Retry-After": "1"]) == .deliver
            }
            #expect(DefaultErrorClassifier.delivers(outcome) == always, "status \(status)")
        }
        #expect(!DefaultErrorClassifier.delivers(.failure(TransportFailure(.connectionRefused))))
    }

    @Test(arguments: [500, 501, 505, 599])
    func serverErrorsFailOver(_ status: Int) {
        #expect(decide(.response(status: status)) == .failover)
    }

    @Test(arguments: [408, 429, 502, 503, 504])
    func retriedWhileRetriesRemainThenFailedOver(_ status: Int) {
        #expect(decide(.response(status: status)) == .retry(after: nil))
        #expect(decide(.response(status: status), retries: 0) == .failover)
    }

    @Test func retryAfterIsPassedOn() {
        #expect(decide(.response(status: 429), headers: ["Retry-After": "3"]) == .retry(after: .seconds(3)))
    }

    @Test(arguments: TransportFailure.Kind.allCases)
    func transportFailures(_ kind: TransportFailure.Kind) {
        #expect(decide(.failure(TransportFailure(kind))) == (kind == .bodyTooLarge ? .fail : .failover))
    }

    @Test func idempotencyRules() {
        let refused = AttemptOutcome.failure(TransportFailure(.connectionRefused))
        let reset = AttemptOutcome.failure(TransportFailure(.connectionReset))
        let post = FailoverRequest(method: .POST, path: "/items")
        #expect(post.mayResend(after: refused))
        #expect(!post.mayResend(after: reset))
        #expect(!post.mayResend(after: .response(status: 503)))
        var keyed = post
        keyed.headers.add(name: "Idempotency-Key", value: "k1")
        #expect(keyed.mayResend(after: reset))
        #expect(FailoverRequest(method: .POST, path: "/items", idempotent: true).mayResend(after: reset))
        #expect(FailoverRequest(method: .PATCH, path: "/x").isIdempotent == false)
        for method: HTTPMethod in [.GET, .HEAD, .OPTIONS, .PUT, .DELETE] {
            #expect(FailoverRequest(method: method, path: "/x").mayResend(after: reset))
        }
        #expect(FailoverRequest(method: .GET, path: "/x", idempotent: false).mayResend(after: reset) == false)
    }
}
