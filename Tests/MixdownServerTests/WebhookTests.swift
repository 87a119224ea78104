import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import MixdownCore
@testable import MixdownServer
import MixdownTestSupport
import Testing

/// Webhooks go nowhere inside the server's network, are signed with the key's own secret with
/// a timestamp, and follow no redirect (docs/service.md, "Webhooks").
@Suite struct WebhookTests {
    @Test(arguments: [
        ("http://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("http://[::1]:8080/hook", "::1 is a loopback address"),
        ("https://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("http://localhost:9/hook", "'localhost' resolves to"),
        ("http://[::ffff:127.0.0.1]/hook", "is a loopback address"),
        ("http://[fd12::1]/hook", "is a unique-local address"),
        ("http://0.0.0.0/hook", "is an unspecified address"),
        ("http://224.0.0.1/hook", "is a multicast address"),
        ("ftp://example.com/hook", "http:// or https://"),
    ])
    func internalAddressesAreRefused(url: String, says: String) {
        let refusal = WebhookPolicy().check(url)
        #expect(refusal?.contains(says) == true, "\(url): \(refusal ?? "allowed")")
    }

    @Test func publicAddressesAndAllowedRangesPass() throws {
        #expect(WebhookPolicy().check("https://93.184.216.34/hook") == nil)
        #expect(WebhookPolicy().check("https://[2606:2800:220:1:248:1893:25c8:1946]/hook") == nil)
        let allowed = WebhookPolicy(allowed: [try #require(WebhookPolicy.CIDR("127.0.0.0/8")), try #require(WebhookPolicy.CIDR("fd00::/8"))])
        #expect(allowed.check("http://127.0.0.1:8080/hook") == nil)
        #expect(allowed.check("http://[fd12::1]/hook") == nil)
        #expect(allowed.check("http://10.0.0.1/hook") != nil)
        #expect(WebhookPolicy.CIDR("10.0.0.0/33") == nil && WebhookPolicy.CIDR("nonsense") == nil && WebhookPolicy.CIDR("::/129") == nil)
        #expect(WebhookPolicy.CIDR("10.1.2.3")?.contains([10, 1, 2, 3]) == true && WebhookPolicy.CIDR("10.1.2.3")?.contains([10, 1, 2, 4]) == false)
    }

    /// A production naming an internal webhook is refused at its key path, before queueing;
    /// the operator's allowed range lets it through.
    @Test func productionsWithInternalWebhooksAreRefused() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            for url in ["http://127.0.0.1:9/done", "http://169.254.169.254/", "http://localhost/done"] {
                let r = try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "Hi.", "webhook": {"url": "\#(url)"}}"#)
                #expect(r.status == .unprocessableContent && r.error["path"] == "webhook.url" && r.error["code"] == "forbidden", "\(url): \(r.text)")
            }
        }
        var configuration = harness.service.configuration
        configuration.webhookPolicy = WebhookPolicy(allowed: [try #require(WebhookPolicy.CIDR("127.0.0.0/8"))])
        let allowing = try MixdownService(store: harness.store, configuration: configuration)
        try await Application(router: allowing.router()).test(.router) { client in
            let r = try await client.send(.post, "/v1/productions", key: harness.alice, body: #"{"scriptText": "Hi.", "webhook": {"url": "http://127.0.0.1:9/done"}}"#)
            #expect(r.status == .accepted, "\(r.text)")
        }
        #expect(try await harness.store.activeCount(key: "alice") == 1)
    }

    @Test func eachKeyHasItsOwnSecretAndCanRotateIt() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let first = try await client.send(.get, "/v1/account/webhook-secret", key: harness.alice)
            let secret = try #require(first.object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && secret.count == 70 && secret.dropFirst(6).allSatisfy(\.isHexDigit))
            #expect(try await client.send(.get, "/v1/account/webhook-secret", key: harness.alice).object["secret"] as? String == secret)
            let bobs = try await client.send(.get, "/v1/account/webhook-secret", key: harness.bob).object["secret"] as? String
            #expect(bobs != nil && bobs != secret)
            let rotated = try #require(try await client.send(.post, "/v1/account/webhook-secret", key: harness.alice).object["secret"] as? String)
            #expect(rotated != secret && rotated.hasPrefix("whsec_"))
            #expect(try await client.send(.get, "/v1/account/webhook-secret").status == .unauthorized)
        }
    }

    /// The documented check: right secret, right body, at most 300 s away.
    @Test func aSignatureVerifiesAndItsReplayDoesNot() {
        let body = Array(#"{"id":"x","status":"succeeded"}"#.utf8)
        let header = Webhook.signature(body: body, secret: "whsec_abc", timestamp: 1_800_000_000)
        #expect(header.hasPrefix("t=1800000000,v1=") && header.count == "t=1800000000,v1=".count + 64)
        #expect(Webhook.verify(header, body: body, secret: "whsec_abc", now: 1_800_000_000))
        #expect(Webhook.verify(header, body: body, secret: "whsec_abc", now: 1_800_000_300))
        #expect(!Webhook.verify(header, body: body, secret: "whsec_abc", now: 1_800_000_301))
        #expect(!Webhook.verify(header, body: body + [0x20], secret: "whsec_abc", now: 1_800_000_000))
        #expect(!Webhook.verify(header, body: body, secret: "whsec_abd", now: 1_800_000_000))
    }

    /// A receiver that answers with a redirect to another address does not pass the webhook on:
    /// the redirect is not followed, so the second receiver hears nothing.
    @Test func aRedirectIsNotFollowed() async throws {
        let folder = TemporaryFolder()
        let target = Int.random(in: 41_000...44_000), redirector = target + 1
        func receiver(_ port: Int, _ answer: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try Tools.which("python3"))
            p.arguments = ["-c", """
                import http.server, sys
                class H(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        self.rfile.read(int(self.headers['Content-Length']))
                        open(sys.argv[2], 'a').write('hit\\n')
                        \(answer)
                    def log_message(self, *a): pass
                http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
                """, String(port), folder.file("hits-\(port)")]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        let a = try receiver(redirector, "self.send_response(307); self.send_header('Location', 'http://127.0.0.1:\(target)/x'); self.end_headers()")
        let b = try receiver(target, "self.send_response(204); self.end_headers()")
        defer { for p in [a, b] { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        try await Task.sleep(for: .milliseconds(600))
        let policy = WebhookPolicy(allowed: [try #require(WebhookPolicy.CIDR("127.0.0.0/8"))])
        let delivered = await Webhook.deliver(Webhook.target(url: "http://127.0.0.1:\(redirector)/hook"), body: Array("{}".utf8),
                                              secret: { "whsec_test" }, policy: policy, attempts: 2, firstDelay: 0.1)
        #expect(!delivered)
        let hitsA = (try? String(contentsOfFile: folder.file("hits-\(redirector)"), encoding: .utf8)) ?? ""
        #expect(hitsA.split(separator: "\n").count == 2, "each try reached the first receiver: \(hitsA)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("hits-\(target)")), "the redirect was followed")
        // And without the allowed range, nothing is sent at all.
        #expect(await Webhook.deliver(Webhook.target(url: "http://127.0.0.1:\(target)/hook"), body: [], secret: { "whsec_test" },
                                      policy: WebhookPolicy(), attempts: 1) == false)
        #expect(!FileManager.default.fileExists(atPath: folder.file("hits-\(target)")))
        // A try connects to the address the policy checked, not to what the name resolves to
        // by then (DNS rebinding): here a name that resolves nowhere still reaches 127.0.0.1.
        let url = try #require(URL(string: "http://rebound.invalid:\(target)/hook"))
        #expect(await Webhook.post(url, host: "rebound.invalid", address: "127.0.0.1", body: Array("{}".utf8), signature: "t=1,v1=00") == 204)
        #expect(((try? String(contentsOfFile: folder.file("hits-\(target)"), encoding: .utf8)) ?? "").split(separator: "\n").count == 1)
        #expect(policy.vet("http://127.0.0.1:\(target)/x") == .allowed(host: "127.0.0.1", address: "127.0.0.1"))
        #expect(WebhookPolicy().vet("http://[::1]:\(target)/x") != .allowed(host: "::1", address: "::1"))
    }
}
