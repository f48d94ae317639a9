import AsyncHTTPClient
import FailoverDemo
import Testing

@Test func scratchErrors() async throws {
    try await withNode { node, http in
        let url = node.baseURL + "/health"
        let ok = try await http.send(url)
        print("OK", ok.status, ok.headers, ok.text)
        for fault: DemoFault in [.refuse, .malformed, .resetMidBody, .hangMidBody, .hangBeforeHeaders] {
            await node.setFault(fault)
            do {
                let response = try await http.client.execute(http.request(url), timeout: .seconds(1))
                print("HEAD", fault, response.status, response.headers)
                _ = try await response.body.collect(upTo: 100000)
                print("BODY OK?", fault)
            } catch {
                print("ERR", fault, describe(error), type(of: error))
            }
            await node.setFault(.none)
        }
        await node.kill()
        do { _ = try await http.send(url) } catch { print("ERR kill", describe(error)) }
        try await node.revive()
        let again = try await http.send(url)
        print("OK", again.status, node.port)
    }
}
