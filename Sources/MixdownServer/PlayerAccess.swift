import Foundation
import MixdownCore

/// Links that let the visual report's player fetch an output without an API key.
///
/// A browser's `<audio>` element sends no `Authorization` header, so a page served by
/// `GET /v1/productions/{id}/report.html` could not play `outputs/{endFormat}` with the key
/// the page itself was fetched with. The page is served with its player's link carrying
/// `?access=TOKEN`: an opaque id of the owning key (derived from its stored hash: it names no
/// key, and a link shared with a client tells them nothing of the operator's keys), an expiry
/// (Unix seconds), and an HMAC-SHA256 of the job, the format and the expiry keyed with the
/// key's stored hash. Every replica can check it from the database alone; it opens that one
/// output (or report page) of that one job, until it expires or the key is revoked.
enum PlayerAccess {
    /// What a link to the visual report opens (in place of a format).
    static let reportPage = "report.html"

    /// How long a served page's player link stays valid.
    static let lifetime: Double = 12 * 3600

    static func token(job: String, format: String, key: APIKeyRecord, now: Double = Date().timeIntervalSince1970) -> String {
        let expiry = Int(now + lifetime)
        return keyID(key) + "." + String(expiry) + "." + mac(job: job, format: format, expiry: expiry, key: key)
    }

    /// 16 hex digits that identify a key to this server alone (a one-way function of its
    /// stored hash, which is itself one of the key).
    static func keyID(_ key: APIKeyRecord) -> String {
        String(SHA256.hex(bytes: SHA256.hmac(key: Array("mixdown-player-key".utf8), message: Array(key.hash.utf8))).prefix(16))
    }

    /// The key a token opens `format` of `job` for, or nil (malformed, expired, revoked,
    /// another job or format, or forged).
    static func verify(_ token: String, job: String, format: String, store: any JobStore, now: Double = Date().timeIntervalSince1970) async throws -> APIKeyRecord? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.count <= 400, parts.count == 3, parts[0].count == 16,
              let expiry = Int(parts[1]), Double(expiry) >= now, Double(expiry) <= now + lifetime + 60 else { return nil }
        guard let key = try await store.keys().first(where: { !$0.revoked && keyID($0) == parts[0] }) else { return nil }
        let expected = Array(mac(job: job, format: format, expiry: expiry, key: key).utf8), given = Array(parts[2].utf8)
        // Compared in constant time: how far a guess matches must not show in the timing.
        guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return key
    }

    static func mac(job: String, format: String, expiry: Int, key: APIKeyRecord) -> String {
        SHA256.hex(bytes: SHA256.hmac(key: Array(key.hash.utf8), message: Array("mixdown-player \(job) \(format) \(expiry)".utf8)))
    }
}
