import AsyncHTTPClient
import Foundation
import MixdownCore
import NIOCore

/// Completion callbacks (docs/service.md, "Webhooks"): the job's status object POSTed to the
/// production's `webhook.url`, retried with backoff (1, 2, 4 … 64 s; 8 tries) until a 2xx.
///
/// Signed with the key's webhook secret (`GET /v1/account/webhook-secret`), never with the API
/// key (which the server keeps only as a hash): `Mixdown-Signature: t=UNIX_SECONDS,v1=HEX`,
/// HEX the HMAC-SHA256 of `"T.BODY"`, signed anew for each try, so a receiver that rejects
/// timestamps more than 300 s away rejects a replay. The job keeps only the URL. Before each
/// try the URL's host is resolved again and checked against `WebhookPolicy`, and the try
/// connects to the address that was checked (TLS still verifies the certificate for the
/// host's name); redirects are not followed (a 3xx is a failed try).
public enum Webhook {
    /// What a job keeps: the URL alone. (`secret` is read from jobs queued before secrets
    /// existed, and ignored.)
    struct Target: Codable { var url: String; var secret: String? }

    static func target(url: String) -> String { JSONText.string(Target(url: url, secret: nil)) }

    /// The `Mixdown-Signature` value for `body` sent at `timestamp`.
    public static func signature(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=" + SHA256.hex(bytes: SHA256.hmac(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body))
    }

    /// The documented check a receiver makes: the signature is the body's, made with `secret`,
    /// at most `tolerance` seconds from `now`.
    public static func verify(_ header: String, body: [UInt8], secret: String, now: Double = Date().timeIntervalSince1970, tolerance: Double = 300) -> Bool {
        var t: Int?, v1: String?
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { t = Int(pair[1]) } else if pair[0] == "v1" { v1 = pair[1] }
        }
        guard let t, let v1, abs(now - Double(t)) <= tolerance else { return false }
        let expected = Array(signature(body: body, secret: secret, timestamp: t).utf8.suffix(64)), given = Array(v1.utf8)
        return expected.count == given.count && zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
    }

    /// Delivers `body` to the target stored as `stored`, signed with what `secret` gives at
    /// each try; true once a 2xx came back. A URL the policy refuses (now) is given up.
    @discardableResult
    static func deliver(_ stored: String, body: [UInt8], secret: @Sendable () async -> String?, policy: WebhookPolicy,
                        attempts: Int = 8, firstDelay: Double = 1) async -> Bool {
        guard let data = stored.data(using: .utf8), let target = try? JSONDecoder().decode(Target.self, from: data),
              let url = URL(string: target.url) else { return false }
        var delay = firstDelay
        for attempt in 0..<attempts {
            if attempt > 0 {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1_000)))
                delay = min(delay * 2, 64)
            }
            let check = target.url
            guard case .allowed(let host, let address)? = try? await MixdownService.onThread({ policy.vet(check) }) else { return false }
            guard let secret = await secret() else { return false }
            let signed = signature(body: body, secret: secret, timestamp: Int(Date().timeIntervalSince1970))
            if let status = await post(url, host: host, address: address, body: body, signature: signed), (200..<300).contains(status) {
                return true
            }
        }
        return false
    }

    /// One try: the POST, sent to `address` whatever `host` resolves to by now; its status,
    /// or nil when no answer came (10 s to connect, 10 s for the answer).
    static func post(_ url: URL, host: String, address: String, body: [UInt8], signature: String) async -> Int? {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(10)))
        if host != address { configuration.dnsOverride = [host: address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Mixdown-Signature", value: signature)
        request.body = .bytes(ByteBuffer(bytes: body))
        var status: Int?
        if let response = try? await client.execute(request, timeout: .seconds(20)) {
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 1 << 16)
        }
        try? await client.shutdown()
        return status
    }
}
