import Foundation
import Hummingbird
import MixdownCore
import MixdownIO
import MixdownScript
import NIOCore
import MixdownCatalog
import MixdownRender

/// A request's context: the API key it carries, once checked.
public struct ServiceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var key: APIKeyRecord?
    /// The key as sent (a webhook is signed with it).
    public var rawKey: String?
    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    /// Bodies are read with explicit limits per route.
    public var maxUploadSize: Int { 1 << 20 }
}

extension MixdownService {
    typealias Handler = @Sendable (Request, ServiceContext) async throws -> Response

    /// Every route of DESIGN.md §14 that this build serves (docs/openapi.yaml).
    var routes: [(method: HTTPRequest.Method, path: String, handler: Handler)] {
        [
            (.get, "health", { _, _ in Response.json(.ok, Array(#"{"status":"ok"}"#.utf8)) }),
            (.get, "openapi.yaml", { _, _ in
                Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
            }),
            (.get, "metrics", { _, _ in
                let text = self.metrics.text(try await self.store.counts())
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }),
            (.get, "v1/templates", { _, _ in
                Response.json(.ok, JSONText.encode(try Catalog.templates(libraries: self.configuration.templateLibraries, cache: self.templates, withPaths: false)))
            }),
            (.get, "v1/voices", { _, _ in Response.json(.ok, JSONText.encode(try Catalog.voices(piper: self.configuration.piper))) }),
            (.post, "v1/media", { request, context in try await self.uploadMedia(request, context) }),
            (.post, "v1/productions", { request, context in try await self.createProduction(request, context) }),
            (.post, "v1/master", { request, context in try await self.createMaster(request, context) }),
            (.get, "v1/productions/:id", { _, context in
                Response.json(.ok, JSONText.serialize(self.status(try await self.ownJob(context))))
            }),
            (.delete, "v1/productions/:id", { _, context in try await self.deleteProduction(context) }),
            (.get, "v1/productions/:id/report", { _, context in
                let job = try await self.ownJob(context)
                guard let report = job.report else {
                    throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its report exists once it has succeeded")
                }
                return Response.json(.ok, Array(report.utf8))
            }),
            (.get, "v1/productions/:id/report.html", { _, context in try await self.reportPage(context) }),
            (.get, "v1/productions/:id/outputs/:endFormat", { request, context in try await self.output(request, context) }),
            (.post, "v1/batches", { request, context in try await self.createBatch(request, context) }),
            (.get, "v1/batches/:id", { _, context in try await self.batchStatus(context) }),
        ]
    }

    public func router() -> Router<ServiceContext> {
        let routes = routes
        let router = Router(context: ServiceContext.self)
        router.add(middleware: ErrorMiddleware(metrics: metrics, routes: RouteTable(routes.map { ($0.method, $0.path) })))
        router.add(middleware: KeyMiddleware(store: store))
        for route in routes { router.on(RouterPath(route.path), method: route.method, use: route.handler) }
        return router
    }

    /// A header by its lower-case name.
    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    func ownJob(_ context: ServiceContext) async throws -> JobRecord {
        let id = try context.parameters.require("id")
        guard let job = try await store.job(id: id, key: context.key!.name) else { throw APIError.notFound("production") }
        return job
    }

    // MARK: Media

    func uploadMedia(_ request: Request, _ context: ServiceContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where name != "name" {
            throw APIError(.unprocessableContent, "invalidParameter", "unknown query parameter (known: name)", path: MixdownError.excerpt(name))
        }
        let record = try await storeUpload(request, key: context.key!, name: request.uri.queryParameters.get("name") ?? "media")
        let object: [String: Any] = ["id": record.id, "name": record.name, "sampleRate": record.sampleRate, "channels": record.channels,
                                     "durationSamples": record.durationSamples]
        return Response.json(.created, JSONText.serialize(object))
    }

    /// The body, an audio file, checked by decoding it whole and kept as `key`'s media.
    func storeUpload(_ request: Request, key: APIKeyRecord, name: String) async throws -> MediaRecord {
        guard (1...100).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw APIError(.unprocessableContent, "invalidName", "name: 1 to 100 letters, digits, . _ or -", path: "name")
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("audio/") || type.hasPrefix("application/octet-stream") else {
            throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the audio file as the body with Content-Type audio/… (audio/wav, audio/mpeg, audio/flac, …)")
        }
        let body = try await request.body.collect(upTo: configuration.maxUploadBytes)
        guard body.readableBytes > 0 else { throw APIError(.unprocessableContent, "invalidMedia", "the body is empty: send the audio file") }
        let id = UUID().uuidString.lowercased()
        let relative = "media/\(id)"
        let path = configuration.dataDirectory + "/" + relative
        let temporary = configuration.dataDirectory + "/tmp/\(id).upload"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(body.readableBytesView)) else {
            throw APIError(.internalServerError, "storageError", "cannot store the upload")
        }
        let info: (sampleRate: Int, channels: Int, frames: Int)
        do {
            info = try await Self.onThread { try AudioFileReader.stream(temporary) { _ in } }
        } catch let error as MixdownError {
            unlink(temporary)
            throw APIError(.unprocessableContent, "invalidMedia", error.reason.replacingOccurrences(of: temporary, with: "the upload"))
        }
        guard rename(temporary, path) == 0 else { unlink(temporary); throw APIError(.internalServerError, "storageError", "cannot store the upload") }
        let record = MediaRecord(id: id, key: key.name, name: name, path: relative, sampleRate: info.sampleRate, channels: info.channels,
                                 durationSamples: info.frames, created: Date().timeIntervalSince1970)
        try await store.addMedia(record)
        return record
    }

    // MARK: Productions

    /// A body read whole as JSON text (bounded), parsed strictly: 400 when it is not JSON.
    func readJSON(_ request: Request, limit: Int, file: String) async throws -> (String, JSONNode) {
        let body = try await request.body.collect(upTo: limit)
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError(.badRequest, "invalidJSON", "the body is not UTF-8 text")
        }
        return (text, try JSONParser.parse(text, file: file))
    }

    func createProduction(_ request: Request, _ context: ServiceContext) async throws -> Response {
        let key = context.key!
        let idempotency = try Self.idempotencyKey(request)
        let (text, root) = try await readJSON(request, limit: configuration.maxProductionBytes, file: "production")
        let spec = #"{"production":"# + text + #","variables":{}}"#
        if let earlier = try await earlierJob(idempotency, key: key, sameRequest: { job in
            // The same production, however it was serialised (key order, spacing).
            guard let first = (try? JSONParser.parse(job.spec, file: "job"))?[member: "production"] else { return false }
            return first.sameValue(as: root)
        }) { return accepted(earlier) }
        let admitted = try await gate(for: key.name).admit(root, file: "production")
        _ = try Pipeline.check(renderRequest(admitted.production, variables: [:], folder: configuration.dataDirectory + "/tmp"))
        try await checkConcurrency(key, adding: 1)
        let job = JobRecord(id: UUID().uuidString.lowercased(), key: key.name, spec: spec,
                            state: .queued, progress: 0, idempotencyKey: idempotency, batch: nil,
                            webhook: admitted.webhook.map { Webhook.target(url: $0, secret: context.rawKey ?? "") },
                            attempts: 0, created: Date().timeIntervalSince1970)
        if let earlier = try await store.enqueue([job]) { return accepted(earlier) }
        return accepted(job)
    }

    /// The `Idempotency-Key` header: a retried request with the same key gets the first's job.
    static func idempotencyKey(_ request: Request) throws -> String? {
        let value = header(request, "idempotency-key")
        if let value, value.isEmpty || value.count > 200 {
            throw APIError(.badRequest, "invalidHeader", "Idempotency-Key: 1 to 200 characters", path: "Idempotency-Key")
        }
        return value
    }

    /// The job an earlier request with this Idempotency-Key made (nil: none). The same key with
    /// a different request is refused rather than answered with a job it did not ask for.
    func earlierJob(_ idempotency: String?, key: APIKeyRecord, sameRequest: (JobRecord) -> Bool) async throws -> JobRecord? {
        guard let idempotency, let earlier = try await store.job(idempotencyKey: idempotency, key: key.name) else { return nil }
        guard sameRequest(earlier) else {
            throw APIError(.unprocessableContent, "idempotencyKeyReused", "this Idempotency-Key was used for a different request (job \(earlier.id))",
                           path: "Idempotency-Key")
        }
        return earlier
    }

    func accepted(_ job: JobRecord) -> Response {
        Response.json(.accepted, JSONText.serialize(["id": job.id, "status": job.state.rawValue]),
                      headers: [.location: "/v1/productions/\(job.id)"])
    }

    /// 429 when the key already has its most jobs queued or running.
    func checkConcurrency(_ key: APIKeyRecord, adding: Int) async throws {
        let active = try await store.activeCount(key: key.name)
        if active + adding > key.maxConcurrent {
            var error = APIError(.tooManyRequests, "tooManyJobs",
                                 "this key has \(active) jobs queued or running and may have \(key.maxConcurrent) at once" + (adding > 1 ? "; this request adds \(adding)" : ""))
            error.headers[.retryAfter] = "5"
            throw error
        }
    }

    /// The visual report written beside the job's outputs. Its policy lets the page run its
    /// own inline script and play the job's outputs from this server, and nothing else.
    func reportPage(_ context: ServiceContext) async throws -> Response {
        let job = try await ownJob(context)
        guard job.state == .succeeded else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its report exists once it has succeeded")
        }
        let outputs = (JSONText.parse(job.outputs) as? [[String: Any]]) ?? []
        guard let file = outputs.first?["file"] as? String,
              var page = FileManager.default.contents(atPath: configuration.dataDirectory + "/" + (file as NSString).deletingLastPathComponent + "/" + Self.reportPage) else {
            throw APIError(.notFound, "notFound", "this job has no visual report")
        }
        // The player's link gets a token of its own: an <audio> element sends no API key.
        if let format = outputs.first?["endFormat"] as? String, let key = context.key {
            let link = #""player":"outputs/\#(format)""#
            let signed = #""player":"outputs/\#(format)?access=\#(PlayerAccess.token(job: job.id, format: format, key: key))""#
            if let range = page.range(of: Data(link.utf8)) { page.replaceSubrange(range, with: Data(signed.utf8)) }
        }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentLength: String(page.count),
                                               .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'"],
                        body: .init(byteBuffer: ByteBuffer(bytes: page)))
    }

    func output(_ request: Request, _ context: ServiceContext) async throws -> Response {
        let job = try await ownJob(context)
        let format = try context.parameters.require("endFormat")
        let outputs = (JSONText.parse(job.outputs) as? [[String: Any]]) ?? []
        guard job.state == .succeeded else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its outputs exist once it has succeeded")
        }
        guard let entry = outputs.first(where: { $0["endFormat"] as? String == format }), let file = entry["file"] as? String else {
            throw APIError(.notFound, "notFound", "no output in format '\(MixdownError.excerpt(format))' for this production")
        }
        let path = configuration.dataDirectory + "/" + file
        var info = stat()
        guard stat(path, &info) == 0 else { throw APIError(.notFound, "notFound", "the output is gone") }
        let size = Int(info.st_size)
        var headers: HTTPFields = [.contentType: EndFormat(rawValue: format).map(Self.mimeType) ?? "application/octet-stream", .acceptRanges: "bytes"]
        let fileIO = FileIO()
        if let range = request.headers[.range] {
            guard let r = Self.byteRange(range, size: size) else {
                var error = APIError(.rangeNotSatisfiable, "rangeNotSatisfiable", "Range: \(MixdownError.excerpt(range)) is outside the file's \(size) bytes")
                error.headers[.contentRange] = "bytes */\(size)"
                throw error
            }
            headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(size)"
            headers[.contentLength] = String(r.count)
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: path, range: r, context: context))
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
    }

    /// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, inside a file of `size` bytes.
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces), last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let n = Int(last), n > 0 else { return nil }
            return max(0, size - n)...(size - 1)
        }
        guard let a = Int(first), a >= 0, a < size else { return nil }
        if last.isEmpty { return a...(size - 1) }
        guard let b = Int(last), b >= a else { return nil }
        return a...min(b, size - 1)
    }

    static func mimeType(_ format: EndFormat) -> String {
        switch format.fileExtension {
        case "mp3": "audio/mpeg"
        case "wav": "audio/wav"
        case "flac": "audio/flac"
        case "ogg", "opus": "audio/ogg"
        default: "application/octet-stream"
        }
    }

    func deleteProduction(_ context: ServiceContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await store.cancel(id: id, key: context.key!.name) else { throw APIError.notFound("production") }
        rendering.withLock { $0[id] }?.cancel()
        try? FileManager.default.removeItem(atPath: configuration.dataDirectory + "/jobs/" + id)
        var object = status(job)
        object["outputs"] = [Any]()
        return Response.json(.ok, JSONText.serialize(object))
    }

    // MARK: Batches

    func createBatch(_ request: Request, _ context: ServiceContext) async throws -> Response {
        let key = context.key!
        let (_, root) = try await readJSON(request, limit: 32 << 20, file: "batch")
        let top = try JSONField(node: root, path: "").object(allowed: ["production", "rows"])
        guard let productionField = top["production"] else { throw APIError(.unprocessableContent, "invalidBatch", "missing production", path: "production") }
        guard let rowsField = top["rows"] else { throw APIError(.unprocessableContent, "invalidBatch", "missing rows", path: "rows") }
        let rows = try rowsField.list()
        guard !rows.isEmpty, rows.count <= configuration.maxBatchRows else {
            throw APIError(.unprocessableContent, "invalidBatch", "rows: 1 to \(configuration.maxBatchRows) objects of variables", path: "rows")
        }
        let admitted = try await gate(for: key.name).admit(productionField.node, file: "batch")
        var variables = [[String: String]]()
        for (i, row) in rows.enumerated() {
            var values = [String: String]()
            for (name, value) in try row.dictionary() { values[name] = try value.string() }
            do {
                _ = try Pipeline.check(renderRequest(admitted.production, variables: values, folder: configuration.dataDirectory + "/tmp"))
            } catch let error as MixdownError {
                throw APIError(.unprocessableContent, error.code.rawValue, error.reason, path: "rows[\(i)]" + (error.keyPath.map { ($0.hasPrefix("audience.") ? "." + $0.dropFirst(9) : ": " + $0) } ?? ""))
            }
            variables.append(values)
        }
        try await checkConcurrency(key, adding: rows.count)
        let batch = UUID().uuidString.lowercased()
        let productionText = String(decoding: JSONText.serialize(Self.plain(productionField.node)), as: UTF8.self)
        let now = Date().timeIntervalSince1970
        let webhook = admitted.webhook.map { Webhook.target(url: $0, secret: context.rawKey ?? "") }
        let jobs = variables.map { values in
            JobRecord(id: UUID().uuidString.lowercased(), key: key.name,
                      spec: #"{"production":"# + productionText + #","variables":"# + JSONText.string(values) + "}",
                      state: .queued, progress: 0, batch: batch, webhook: webhook, attempts: 0, created: now)
        }
        _ = try await store.enqueue(jobs)
        return Response.json(.accepted, JSONText.serialize(["id": batch, "jobs": jobs.map(\.id)] as [String: Any]),
                             headers: [.location: "/v1/batches/\(batch)"])
    }

    func batchStatus(_ context: ServiceContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let jobs = try await store.jobs(batch: id, key: context.key!.name)
        guard !jobs.isEmpty else { throw APIError.notFound("batch") }
        var counts = [String: Int]()
        for state in JobState.allCases { counts[state.rawValue] = jobs.filter { $0.state == state }.count }
        let status = jobs.allSatisfy { $0.state == .succeeded } ? "succeeded"
            : jobs.allSatisfy(\.state.isFinal) ? (jobs.contains { $0.state == .failed } ? "failed" : "cancelled")
            : jobs.contains { $0.state == .running } || jobs.contains(where: \.state.isFinal) ? "running" : "queued"
        let progress = jobs.map { $0.state.isFinal ? 1 : $0.progress }.reduce(0, +) / Double(jobs.count)
        let object: [String: Any] = ["id": id, "status": status, "progress": progress, "counts": counts, "jobs": jobs.map(\.id)]
        return Response.json(.ok, JSONText.serialize(object))
    }

    /// A JSON node back to plain values (to store a production that came inside a batch).
    static func plain(_ node: JSONNode) -> Any {
        switch node.value {
        case .object(let members): Dictionary(members.map { ($0.key, plain($0.value)) }, uniquingKeysWith: { a, _ in a })
        case .array(let items): items.map(plain)
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b
        case .null: NSNull()
        }
    }
}

/// The routes' paths and methods, to tell "no such route" (404) from "not this method" (405).
struct RouteTable: Sendable {
    let entries: [(method: HTTPRequest.Method, path: [Substring])]

    init(_ routes: [(HTTPRequest.Method, String)]) {
        entries = routes.map { ($0.0, $0.1.split(separator: "/")) }
    }

    /// The methods a path answers (HEAD with GET), empty when no route has this path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        var methods = [HTTPRequest.Method]()
        for entry in entries where entry.path.count == parts.count && zip(entry.path, parts).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) {
            methods.append(entry.method)
            if entry.method == .get { methods.append(.head) }
        }
        return methods
    }
}

/// Errors of every kind answered as `{"error": {…}}`, and requests counted by status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let metrics: ServiceMetrics
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.request(status: response.status.code)
            return response
        } catch {
            let api: APIError = switch error {
            case let e as APIError: e
            case let e as MixdownError: APIError(e)
            case let e as HTTPError where e.status == .contentTooLarge:
                APIError(.contentTooLarge, "tooLarge", "the body is larger than this route takes")
            case let e as NIOTooManyBytesError:
                APIError(.contentTooLarge, "tooLarge", "the body is larger than this route takes (at most \(e.maxBytes.map(String.init) ?? "?") bytes)")
            case let e as HTTPError where e.status == .notFound:
                if case let allowed = routes.methods(for: request.uri.path), !allowed.isEmpty {
                    APIError(.methodNotAllowed, "methodNotAllowed", "\(request.method.rawValue) is not a method of this route",
                             headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
                } else {
                    APIError(.notFound, "notFound", "no such route or resource")
                }
            case let e as HTTPError: APIError(e.status, "httpError", e.body ?? e.status.reasonPhrase)
            default: APIError(.internalServerError, "internalError", "\(error)")
            }
            metrics.request(status: api.status.code)
            throw api
        }
    }
}

/// `Authorization: Bearer KEY` or `x-api-key: KEY` on every route but /health and /openapi.yaml.
struct KeyMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let store: any JobStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path == "/openapi.yaml" { return try await next(request, context) }
        var raw = MixdownService.header(request, "x-api-key")
        if raw == nil, let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            raw = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        // A served report page's player: one output, by the link the page was given.
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if raw == nil, let access = request.uri.queryParameters.get("access"),
           parts.count == 6, parts[1] == "v1", parts[2] == "productions", parts[4] == "outputs" {
            guard let key = try await PlayerAccess.verify(access, job: String(parts[3]), format: String(parts[5]), store: store) else {
                throw APIError(.unauthorized, "unauthorized", "this player link is not valid (expired, or its key revoked): open the report page again")
            }
            var context = context
            context.key = key
            return try await next(request, context)
        }
        guard let raw, !raw.isEmpty, raw.count <= 200 else {
            throw APIError(.unauthorized, "unauthorized", "send an API key: Authorization: Bearer KEY (or x-api-key: KEY)")
        }
        guard let key = try await store.key(hash: SHA256.hex(raw)) else {
            throw APIError(.unauthorized, "unauthorized", "this API key is not valid (unknown or revoked)")
        }
        var context = context
        context.key = key
        context.rawKey = raw
        return try await next(request, context)
    }
}
