@testable import Failover
import Testing

@Suite("Request paths")
struct PathValidationTests {
    @Test(arguments: [
        "/", "/api/stats", "/a?b=c:d", "/:/", "/a:/b", "/x?t=12:30", "/caf%C3%A9", "/café", "/日本", "", "?q=1",
    ])
    func aPathAndQueryIsRelative(_ path: String) {
        #expect(RequestPipeline.isRelative(path))
    }

    @Test(arguments: [
        "http://example.com/x", "/x?next=https://y", "://", "/a b", "/a\tb", "/a\nb", "/a\r", "/\u{7F}", "/\u{0}",
        "/a\u{85}b", "/a\u{A0}b", "/a\u{2003}b", "/a\u{3000}", "/é\u{2028}",
    ])
    func aSchemeWhitespaceOrControlIsRejected(_ path: String) {
        #expect(!RequestPipeline.isRelative(path))
    }
}
