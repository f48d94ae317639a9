import Failover
import Testing

/// What counts as a secret, and how URLs lose theirs.
@Suite("Redaction")
struct RedactionTests {
    @Test(arguments: [
        ("http://a/x", "http://a/x"),
        ("http://a/x?limit=5", "http://a/x?limit=5"),
        ("http://a/x?api_token=abc&limit=5", "http://a/x?api_token=<redacted>&limit=5"),
        ("http://a/x?limit=5&Secret=1&PASSWORD=2&apiKey=3", "http://a/x?limit=5&Secret=<redacted>&PASSWORD=<redacted>&apiKey=<redacted>"),
        ("http://a/x?token=abc#frag", "http://a/x?token=<redacted>#frag"),
        ("http://a/x?flag&key=", "http://a/x?flag&key=<redacted>"),
        ("http://a/x#?token=abc", "http://a/x#?token=abc"),
    ])
    func urlsLoseTheValuesOfSecretParameters(url: String, shown: String) {
        #expect(Redaction.url(url) == shown)
    }

    @Test func headersThatAreSecret() {
        for name in ["Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Api-Token", "X-Client-Secret", "api-key"] {
            #expect(Redaction.isSecret(header: name), "\(name)")
        }
        for name in ["Accept", "Content-Type", "Idempotency-Id", "traceparent"] {
            #expect(!Redaction.isSecret(header: name), "\(name)")
        }
    }
}
