import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MixdownCore

/// Completion callbacks (docs/service.md): the job's status object POSTed to the production's
/// `webhook.url`, signed `X-Mixdown-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with
/// the API key>`, retried with backoff (1, 2, 4 … 64 s; 8 tries) until a 2xx answer.
///
/// The signing key is the client's API key itself, which the server otherwise keeps only as a
/// hash: it is stored with the job when the production asks for a webhook, and erased once
/// the webhook is delivered or given up.
public enum Webhook {
    struct Target: Codable { var url: String; var secret: String }

    static func target(url: String, secret: String) -> String { JSONText.string(Target(url: url, secret: secret)) }

    public static func signature(body: [UInt8], key: String) -> String {
        "sha256=" + SHA256.hex(bytes: SHA256.hmac(key: Array(key.utf8), message: body))
    }

    /// Delivers `body` to the target stored as `stored`; true once a 2xx came back.
    @discardableResult
    static func deliver(_ stored: String, body: [UInt8], attempts: Int = 8, firstDelay: Double = 1) async -> Bool {
        guard let data = stored.data(using: .utf8), let target = try? JSONDecoder().decode(Target.self, from: data),
              let url = URL(string: target.url) else { return false }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(signature(body: body, key: target.secret), forHTTPHeaderField: "X-Mixdown-Signature")
        request.httpBody = Data(body)
        var delay = firstDelay
        for attempt in 0..<attempts {
            if attempt > 0 {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1_000)))
                delay = min(delay * 2, 64)
            }
            if let (_, response) = try? await URLSession.shared.data(for: request),
               let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) {
                return true
            }
        }
        return false
    }
}
