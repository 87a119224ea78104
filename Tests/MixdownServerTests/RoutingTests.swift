import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
@testable import MixdownServer
import Testing

/// One route of the API, with a path that reaches it (ids that exist for no one).
struct RouteCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    /// As docs/openapi.yaml writes it.
    var template: String
    var needsKey = true
    /// Every method its path takes, as `Allow` lists them.
    var allow: String
    var path: String {
        template.replacingOccurrences(of: "{id}", with: "00000000-0000-0000-0000-000000000000").replacingOccurrences(of: "{endFormat}", with: "wav")
            .replacingOccurrences(of: "{name}", with: "no-such-template").replacingOccurrences(of: "{stem}", with: "speech")
    }
    var testDescription: String { "\(method) \(template)" }

    static let all: [RouteCase] = [
        .init(method: .get, template: "/health", needsKey: false, allow: "GET, HEAD"),
        .init(method: .get, template: "/openapi.yaml", needsKey: false, allow: "GET, HEAD"),
        .init(method: .get, template: "/metrics", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/templates", allow: "GET, HEAD, POST"),
        .init(method: .post, template: "/v1/templates", allow: "GET, HEAD, POST"),
        .init(method: .delete, template: "/v1/templates/{name}", allow: "DELETE"),
        .init(method: .get, template: "/v1/voices", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/media", allow: "GET, HEAD, POST"),
        .init(method: .post, template: "/v1/media", allow: "GET, HEAD, POST"),
        .init(method: .get, template: "/v1/media/{id}", allow: "GET, HEAD, DELETE"),
        .init(method: .get, template: "/v1/account/webhook-secret", allow: "GET, HEAD, POST"),
        .init(method: .post, template: "/v1/account/webhook-secret", allow: "GET, HEAD, POST"),
        .init(method: .delete, template: "/v1/media/{id}", allow: "GET, HEAD, DELETE"),
        .init(method: .get, template: "/v1/productions", allow: "GET, HEAD, POST"),
        .init(method: .post, template: "/v1/productions", allow: "GET, HEAD, POST"),
        .init(method: .post, template: "/v1/plan", allow: "POST"),
        .init(method: .post, template: "/v1/validate", allow: "POST"),
        .init(method: .get, template: "/v1/templates/{name}/preview", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/voices/{id}/preview", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}", allow: "GET, HEAD, DELETE"),
        .init(method: .delete, template: "/v1/productions/{id}", allow: "GET, HEAD, DELETE"),
        .init(method: .get, template: "/v1/productions/{id}/report", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/report.html", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/outputs/{endFormat}", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/stems/{stem}", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/captions.srt", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/captions.vtt", allow: "GET, HEAD"),
        .init(method: .get, template: "/v1/productions/{id}/vast.xml", allow: "GET, HEAD"),
        .init(method: .post, template: "/v1/master", allow: "POST"),
        .init(method: .post, template: "/v1/batches", allow: "POST"),
        .init(method: .get, template: "/v1/batches/{id}", allow: "GET, HEAD"),
    ]

    /// Mixdown Studio's routes: the web app, not API operations (docs/studio.md).
    static let studio: [RouteCase] = [
        .init(method: .get, template: "/", needsKey: false, allow: "GET, HEAD"),
        .init(method: .get, template: "/studio", needsKey: false, allow: "GET, HEAD"),
        .init(method: .get, template: "/studio/{file}", needsKey: false, allow: "GET, HEAD"),
    ]
}

@Suite struct RoutingTests {
    /// The router's routes are exactly the document's operations and this suite's list.
    @Test func theRoutesAreTheDocumentsOperations() async throws {
        let harness = try await Harness()
        let served = Set(harness.service.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let listed = Set(RouteCase.all.map { "\($0.method.rawValue) \($0.template)" })
        #expect(served == listed.union(RouteCase.studio.map { "\($0.method.rawValue) \($0.template)" }))
        // docs/openapi.yaml: `  /path:` then `    get:` … for each operation.
        var documented = Set<String>(), path = ""
        for line in OpenAPIDocument.yaml.split(separator: "\n") {
            if !line.hasPrefix("   ") { path = line.hasPrefix("  /") && line.hasSuffix(":") ? String(line.dropFirst(2).dropLast()) : "" }
            for method in ["get", "post", "delete", "put", "patch"] where !path.isEmpty && line == "    \(method):" {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(documented == listed)
        #expect(listed.count == 31)
    }

    @Test(arguments: RouteCase.all) func withoutAKeyARouteIs401(_ route: RouteCase) async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let none = try await client.send(route.method, route.path)
            let wrong = try await client.send(route.method, route.path, key: "mxd_nobody")
            let other = try await client.send(route.method, route.path, headers: [.authorization: "Basic abc"])
            let tooLong = try await client.send(route.method, route.path, key: String(repeating: "k", count: 201))
            if route.needsKey {
                for r in [none, other, tooLong] {
                    #expect(r.status == .unauthorized)
                    #expect(r.headers[.contentType] == "application/json")
                    #expect(r.text == #"{"error":{"code":"unauthorized","message":"send an API key: Authorization: Bearer KEY (or x-api-key: KEY)"}}"#)
                }
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text == #"{"error":{"code":"unauthorized","message":"this API key is not valid (unknown or revoked)"}}"#)
            } else {
                for r in [none, wrong, other, tooLong] { #expect(r.status == .ok) }
            }
        }
    }

    /// A revoked key is refused like an unknown one; `x-api-key` works like `Authorization`.
    @Test func aRevokedKeyIs401AndXAPIKeyIsAKey() async throws {
        let harness = try await Harness()
        #expect(try await harness.store.revokeKey(name: "bob"))
        try await harness.test { client in
            let revoked = try await client.send(.get, "/v1/templates", key: harness.bob)
            #expect(revoked.status == .unauthorized && revoked.error["message"] == "this API key is not valid (unknown or revoked)")
            let header = try await client.send(.get, "/v1/templates", headers: [HTTPField.Name("x-api-key")!: harness.alice])
            #expect(header.status == .ok)
            let names = ((try JSONSerialization.jsonObject(with: Data(header.text.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("corporate"))
            let voices = try await client.send(.get, "/v1/voices", key: harness.alice)
            #expect(voices.status == .ok && voices.headers[.contentType] == "application/json")
            #expect(((try JSONSerialization.jsonObject(with: Data(voices.text.utf8)) as? [[String: Any]]) ?? []).isEmpty == false, "\(voices.text)")
        }
    }

    /// Every other method on a route's path: 405 with the methods it takes in `Allow`, once
    /// the caller has a key (401 before, except on the public routes).
    @Test(arguments: RouteCase.all) func aWrongMethodIs405(_ route: RouteCase) async throws {
        let harness = try await Harness()
        try await harness.test { client in
            // HEAD is listed with GET but, as ever, answered 405 like any method without a route.
            let routed = route.allow.components(separatedBy: ", ").filter { $0 != "HEAD" }
            for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete, .options, .init("PURGE")!] where !routed.contains(method.rawValue) {
                let r = try await client.send(method, route.path, key: harness.alice)
                #expect(r.status == .methodNotAllowed, "\(method) \(route.path)")
                #expect(r.headers[.allow] == route.allow)
                #expect(r.text == #"{"error":{"code":"methodNotAllowed","message":"\#(method.rawValue) is not a method of this route"}}"#)
                let keyless = try await client.send(method, route.path)
                #expect(keyless.status == (route.needsKey ? .unauthorized : .methodNotAllowed), "\(method) \(route.path) without a key")
                #expect(keyless.headers[.allow] == (route.needsKey ? nil : route.allow))
            }
        }
    }

    @Test(arguments: ["/nothing", "/v1", "/v1/", "/v1/nothing", "/v2/templates", "/v1/templates/corporate/segments", "/v1/productions/x/y",
                      "/v1/productions/x/outputs", "/v1/productions/x/outputs/wav/more", "/v1/batches/x/jobs", "/health/more", "/openapi.json"])
    func anUnknownPathIs404WithAKey(_ path: String) async throws {
        let harness = try await Harness()
        try await harness.test { client in
            for method in [HTTPRequest.Method.get, .post, .delete] {
                let r = try await client.send(method, path, key: harness.alice)
                #expect(r.status == .notFound, "\(method) \(path)")
                #expect(r.headers[.allow] == nil)
                #expect(r.text == #"{"error":{"code":"notFound","message":"no such route or resource"}}"#)
                // Without a key a client learns no more than 401, whether the path exists or not.
                let keyless = try await client.send(method, path)
                #expect(keyless.status == .unauthorized && keyless.error["code"] == "unauthorized", "\(method) \(path)")
            }
        }
    }

    /// Requests are counted by status in /metrics, the refused ones included.
    @Test func metricsCountRequestsByStatus() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            _ = try await client.send(.get, "/health")
            _ = try await client.send(.get, "/v1/templates")
            _ = try await client.send(.put, "/health")
            _ = try await client.send(.get, "/nothing", key: harness.alice)
            let metrics = try await client.send(.get, "/metrics", key: harness.alice)
            #expect(metrics.status == .ok && metrics.headers[.contentType] == "text/plain; version=0.0.4")
            for line in [#"mixdown_http_requests_total{status="200"} 1"#, #"mixdown_http_requests_total{status="401"} 1"#,
                         #"mixdown_http_requests_total{status="404"} 1"#, #"mixdown_http_requests_total{status="405"} 1"#,
                         #"mixdown_jobs{state="queued"} 0"#] {
                #expect(metrics.text.contains(line + "\n"), "\(line) in \(metrics.text)")
            }
        }
    }

    @Test func healthAndTheDocumentNeedNoKey() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let health = try await client.send(.get, "/health")
            #expect(health.status == .ok && health.text == #"{"status":"ok"}"# && health.headers[.contentType] == "application/json")
            let document = try await client.send(.get, "/openapi.yaml")
            let inRepository = try String(contentsOfFile: Harness.repository + "/docs/openapi.yaml", encoding: .utf8)
            #expect(document.status == .ok && document.headers[.contentType] == "application/yaml")
            #expect(document.text.trimmingCharacters(in: .newlines) == inRepository.trimmingCharacters(in: .newlines))
        }
    }
}
