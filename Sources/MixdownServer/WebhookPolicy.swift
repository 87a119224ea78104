import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MixdownCore

/// Where a webhook may go (docs/service.md, "Webhooks"): not to this server's own network. A
/// URL whose host is, or resolves to, a loopback, private, shared (CGNAT), link-local,
/// unique-local, multicast, reserved or unspecified address is refused: at submission (422,
/// `webhook.url`) and again at each delivery, after resolving the name anew (a name may
/// resolve elsewhere later). `--webhook-allow CIDR` lets chosen ranges through (a test
/// receiver on 127.0.0.1, a partner on a private link). Redirects are never followed.
public struct WebhookPolicy: Sendable, Equatable {
    /// Ranges let through although they are internal.
    public var allowed: [CIDR]

    public init(allowed: [CIDR] = []) { self.allowed = allowed }

    /// An address range: `10.0.0.0/8`, `127.0.0.1` (one address), `fd00::/8`.
    public struct CIDR: Sendable, Equatable, CustomStringConvertible {
        public var address: [UInt8]     // 4 or 16 bytes
        public var prefix: Int

        public init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = WebhookPolicy.parse(String(parts[0])) else { return nil }
            let width = bytes.count * 8
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...width).contains(n) else { return nil }
                prefix = n
            } else {
                prefix = width
            }
            address = bytes
        }

        public func contains(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == address.count else { return false }
            var left = prefix
            for (a, b) in zip(address, bytes) {
                guard left > 0 else { return true }
                let bits = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                left -= bits
            }
            return true
        }

        public var description: String { "\(WebhookPolicy.format(address))/\(prefix)" }
    }

    /// Why `address` may not be reached, or nil when it may.
    public func refusal(_ address: [UInt8]) -> String? {
        guard let kind = Self.internalKind(address) else { return nil }
        return allowed.contains { $0.contains(address) } ? nil : kind
    }

    /// What internal kind of address this is, or nil for a public one.
    static func internalKind(_ a: [UInt8]) -> String? {
        if a.count == 4 {
            switch (a[0], a[1]) {
            case (0, _): return "an unspecified address"
            case (10, _), (172, 16...31), (192, 168): return "a private address"
            case (100, 64...127): return "a shared (carrier-grade NAT) address"
            case (127, _): return "a loopback address"
            case (169, 254): return "a link-local address"
            case (192, 0) where a[2] == 0: return "a reserved address"
            case (198, 18...19): return "a benchmarking address"
            case (224...239, _): return "a multicast address"
            case (240...255, _): return "a reserved address"
            default: return nil
            }
        }
        guard a.count == 16 else { return "an address of no known kind" }
        if a.allSatisfy({ $0 == 0 }) { return "an unspecified address" }
        if a[0..<15].allSatisfy({ $0 == 0 }) && a[15] == 1 { return "a loopback address" }
        // IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, and NAT64 64:ff9b::a.b.c.d): as the IPv4.
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xFF && a[11] == 0xFF { return internalKind(Array(a[12..<16])) }
        if a[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return internalKind(Array(a[12..<16])) }
        if a[0] & 0xFE == 0xFC { return "a unique-local address" }
        if a[0] == 0xFE && a[1] & 0xC0 == 0x80 { return "a link-local address" }
        if a[0] == 0xFF { return "a multicast address" }
        return nil
    }

    /// Why `url` may not be a webhook's, or nil when it may: its scheme, its host, then every
    /// address its host resolves to now.
    public func check(_ url: String) -> String? {
        if case .refused(let reason) = vet(url) { return reason }
        return nil
    }

    /// What a delivery may do: connect to `address` (checked, as text) for `host`, or not at all.
    public enum Verdict: Equatable, Sendable {
        case allowed(host: String, address: String)
        case refused(String)
    }

    /// `check`, with the address the check passed: a delivery connects to that address and no
    /// other, so a name that resolves elsewhere a moment later (DNS rebinding) changes nothing.
    public func vet(_ url: String) -> Verdict {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .refused("a webhook URL is http:// or https://")
        }
        guard let host = parsed.host, !host.isEmpty else { return .refused("the webhook URL has no host") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [[UInt8]]
        if let literal = Self.parse(bare) {
            addresses = [literal]
        } else {
            addresses = Self.resolve(bare)
            guard !addresses.isEmpty else { return .refused("the webhook's host '\(MixdownError.excerpt(bare))' does not resolve") }
        }
        for address in addresses {
            if let kind = refusal(address) {
                let shown = Self.format(address)
                let via = Self.parse(bare) == nil ? "'\(MixdownError.excerpt(bare))' resolves to \(shown), " : "\(shown) is "
                return .refused("\(via)\(kind): a webhook may not reach the server's own network (an operator can allow a range with --webhook-allow CIDR)")
            }
        }
        return .allowed(host: bare, address: Self.format(addresses[0]))
    }

    /// Every address `host` resolves to (IPv4 and IPv6), none when it does not.
    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out = [[UInt8]]()
        var entry = list
        while let e = entry {
            if let sa = e.pointee.ai_addr {
                if e.pointee.ai_family == AF_INET {
                    var a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    out.append(withUnsafeBytes(of: &a) { Array($0) })
                } else if e.pointee.ai_family == AF_INET6 {
                    var a = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    out.append(withUnsafeBytes(of: &a) { Array($0) })
                }
            }
            entry = e.pointee.ai_next
        }
        return out
    }

    /// A literal IPv4 or IPv6 address as its bytes, or nil.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(cString: buffer) : bytes.map(String.init).joined(separator: ".")
    }
}
