@testable import FailoverDemo
import Testing

/// The pure parts, without sockets.
@Suite struct UnitTests {
    @Test func faultPlanCountsDown() {
        var plan = DemoFaultPlan()
        plan.set(.status(503), forRequests: 2)
        #expect(plan.next() == .status(503))
        #expect(plan.next() == .status(503))
        #expect(plan.next() == .none)
        #expect(plan.fault == .none)

        plan.set(.malformed, forRequests: nil)
        #expect((0..<5).map { _ in plan.next() }.allSatisfy { $0 == .malformed })

        plan.set(.malformed, forRequests: 0)
        #expect(plan.next() == .none)

        plan.set(.refuse, forRequests: 1)
        #expect(plan.next() == .refuse)
        #expect(plan.fault == .refuse)
    }

    @Test func jsonEscapesStrings() {
        #expect(DemoJSON.quoted("a\"b\\c\nd\u{01}é") == #""a\"b\\c\nd\u0001é""#)
        #expect(DemoJSON.object(["n": .int(3), "ok": .bool(true), "s": .string("x")]) == #"{"n":3,"ok":true,"s":"x"}"#)
    }

    @Test func routerClampsSlowAndListsAllowedMethods() {
        let router = DemoRouter(node: "n", ledger: DemoLedger())
        let slow = router.route(DemoRequestRecord(method: "GET", target: "/api/slow?ms=999999", headers: []), port: 1, requestCount: 1)
        #expect(slow.waitMilliseconds == DemoRouter.maxSlowMilliseconds)
        #expect(slow.response.body == Array(#"{"node":"n","waitedMs":60000}"#.utf8))
        let wrong = router.route(DemoRequestRecord(method: "POST", target: "/api/stats", headers: []), port: 1, requestCount: 1)
        #expect(wrong.response.status == 405)
        #expect(wrong.response.headers.contains(DemoHeader(name: "Allow", value: "GET")))
    }

    @Test func wireWritesStatusLineAndFramingHeaders() {
        let bytes = DemoWire.response(.json(503, "{}"), keepAlive: false, node: "n1")
        #expect(String(decoding: bytes, as: UTF8.self) == """
            HTTP/1.1 503 Service Unavailable\r
            Content-Type: application/json\r
            Content-Length: 2\r
            Connection: close\r
            X-Demo-Node: n1\r
            \r
            {}
            """)
    }

    @Test func recordSplitsTargetAndFindsTheKey() {
        let record = DemoRequestRecord(
            method: "POST",
            target: "/api/items?x=1&flag",
            headers: [DemoHeader(name: "idempotency-key", value: "K")]
        )
        #expect(record.path == "/api/items")
        #expect(record.query == "x=1&flag")
        #expect(record.queryItem("flag") == "")
        #expect(record.queryItem("y") == nil)
        #expect(record.idempotencyKey == "K")
    }

    @Test func faultDescriptionsAreShort() {
        #expect(DemoFault.status(503).description == "status(503)")
        #expect(DemoFault.delay(.milliseconds(250)).description == "delay(250ms)")
        #expect(DemoFault.delay(.seconds(2)).description == "delay(2000ms)")
    }
}
