import Crypto
import Foundation
import MixdownCore

/// AWS Signature Version 4 for S3 (the `Authorization` header). Pure: the same request,
/// credentials and time give the same header, which the tests check against AWS's published
/// examples.
public struct SigV4: Sendable {
    public struct Credentials: Sendable {
        public var accessKey: String
        public var secretKey: String
        public var sessionToken: String?
        public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
            (self.accessKey, self.secretKey, self.sessionToken) = (accessKey, secretKey, sessionToken)
        }

        /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from `environment`.
        public static func environment(_ environment: [String: String]) throws -> Credentials {
            guard let access = environment["AWS_ACCESS_KEY_ID"], !access.isEmpty,
                  let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                throw StorageError("--storage s3://…: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)")
            }
            return Credentials(accessKey: access, secretKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    public var credentials: Credentials
    public var region: String
    public var service = "s3"

    public init(credentials: Credentials, region: String) { (self.credentials, self.region) = (credentials, region) }

    /// The hash S3 is told for a body it is not asked to check (the transport's own checks
    /// and the object's ETag cover it).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Lower-case hex, as MixdownCore writes every digest.
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 { MixdownCore.SHA256.hex(bytes: Array(bytes)) }

    public static func sha256Hex(_ bytes: some DataProtocol) -> String { hex(Crypto.SHA256.hash(data: bytes)) }

    /// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, `/` stays in
    /// paths.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) || (keepSlash && c == "/") {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `20130524T000000Z` and `20130524` for `date`.
    public static func stamps(_ date: Date) -> (time: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0), day)
    }

    /// Signs a request: returns the headers to send (the given ones, `x-amz-date`,
    /// `x-amz-content-sha256`, the session token if any, and `Authorization`).
    /// `path` is already encoded; `query` pairs are not.
    public func sign(method: String, host: String, path: String, query: [(String, String)], headers: [(String, String)],
                     payloadHash: String, date: Date) -> [(String, String)] {
        let (time, day) = Self.stamps(date)
        var all: [(String, String)] = headers.map { ($0.0.lowercased(), $0.1.trimmingCharacters(in: .whitespaces)) }
        all.append(("host", host))
        all.append(("x-amz-date", time))
        all.append(("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { all.append(("x-amz-security-token", token)) }
        all.sort { $0.0 < $1.0 }
        let signedHeaders = all.map(\.0).joined(separator: ";")
        let encodedQuery: [(String, String)] = query.map { (Self.encode($0.0, keepSlash: false), Self.encode($0.1, keepSlash: false)) }
        let sortedQuery = encodedQuery.sorted { (a: (String, String), b: (String, String)) -> Bool in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        let canonicalQuery = sortedQuery.map { (name: String, value: String) -> String in name + "=" + value }.joined(separator: "&")
        let headerLines: String = all.map { (name: String, value: String) -> String in name + ":" + value + "\n" }.joined()
        let parts: [String] = [method, path, canonicalQuery, headerLines, signedHeaders, payloadHash]
        let canonical = parts.joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let canonicalHash: String = Self.sha256Hex(Array(canonical.utf8))
        let toSign: String = ["AWS4-HMAC-SHA256", time, scope, canonicalHash].joined(separator: "\n")
        let signature = Self.hex(HMAC<Crypto.SHA256>.authenticationCode(for: Array(toSign.utf8), using: signingKey(day: day)))
        var out = all.filter { $0.0 != "host" }
        out.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope),SignedHeaders=\(signedHeaders),Signature=\(signature)"))
        return out
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request").
    func signingKey(day: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<Crypto.SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretKey).utf8))
        return mac(mac(mac(mac(secret, day), region), service), "aws4_request")
    }
}
