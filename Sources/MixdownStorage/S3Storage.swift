import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// An S3-compatible bucket as the storage (`--storage s3://BUCKET/PREFIX`): AWS S3, MinIO,
/// Ceph, R2, moto. Requests are signed with SigV4 (`SigV4`), sent by async-http-client, and
/// tried again with backoff when the answer is a 5xx, a 429 or no answer at all.
///
/// A file larger than `partSize` goes up as a multipart upload, one part in memory at a
/// time; a failed one is aborted, and `delete(prefix:)` aborts any a dead process left, so no
/// object is ever half-written. Objects fetched for reading (`localFile`) are kept in
/// `cacheFolder`, since an object is never changed in place.
public final class S3Storage: ObjectStorage {
    public struct Configuration: Sendable {
        public var bucket: String
        /// Prepended to every key (`PREFIX/media/…`); may be empty.
        public var prefix: String
        /// `https://s3.REGION.amazonaws.com` when not set (`--s3-endpoint`).
        public var endpoint: String?
        public var region: String
        /// `endpoint/bucket/key` rather than `bucket.endpoint/key` (`--s3-path-style`; MinIO, moto).
        public var pathStyle: Bool
        public var credentials: SigV4.Credentials
        /// Files up to this size go up in one PUT; larger ones in parts of this size (S3's
        /// minimum part is 5 MiB).
        public var partSize = 8 << 20
        /// Tries of one request before giving up (the first included).
        public var attempts = 5

        public init(bucket: String, prefix: String, endpoint: String?, region: String, pathStyle: Bool, credentials: SigV4.Credentials) {
            (self.bucket, self.prefix, self.endpoint, self.region, self.pathStyle, self.credentials) = (bucket, prefix, endpoint, region, pathStyle, credentials)
        }
    }

    public let configuration: Configuration
    let cacheFolder: String
    let signer: SigV4
    let scheme: String, host: String, port: Int?, basePath: String

    /// One client for the process: it pools connections per host, and lives as long as the process.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: {
        var c = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)))
        c.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        return c
    }())

    public init(_ configuration: Configuration, cacheFolder: String) throws {
        self.configuration = configuration
        self.cacheFolder = cacheFolder
        signer = SigV4(credentials: configuration.credentials, region: configuration.region)
        let endpoint = configuration.endpoint ?? "https://s3.\(configuration.region).amazonaws.com"
        guard let url = URL(string: endpoint), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw StorageError("--s3-endpoint: expected http(s)://HOST[:PORT], got '\(endpoint)'")
        }
        self.scheme = scheme
        self.port = url.port
        let trimmedPath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        if configuration.pathStyle {
            self.host = host
            basePath = trimmedPath + "/" + configuration.bucket
        } else {
            self.host = configuration.bucket + "." + host
            basePath = trimmedPath
        }
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
    }

    public var location: String { "s3://\(configuration.bucket)" + (configuration.prefix.isEmpty ? "" : "/" + configuration.prefix) }

    /// The bucket's key of one of ours.
    func objectKey(_ key: String) -> String { configuration.prefix.isEmpty ? key : configuration.prefix + "/" + key }

    // MARK: Requests

    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One signed request with its whole answer (small bodies), tried again on 5xx, 429 and
    /// transport errors, with backoff (0.2, 0.4, 0.8 … s, jittered).
    func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
              body: ByteBuffer? = nil, accept: Set<UInt> = [200], maxAnswer: Int = 16 << 20) async throws -> Answer {
        var delay = 0.2
        var lastProblem = ""
        for attempt in 1...max(1, configuration.attempts) {
            if attempt > 1 {
                try await Task.sleep(for: .milliseconds(Int(delay * Double.random(in: 0.75...1.25) * 1_000)))
                delay = min(delay * 2, 5)
            }
            do {
                let response = try await Self.client.execute(request(method, key: key, query: query, headers: headers, body: body), timeout: .seconds(120))
                let bytes = try await response.body.collect(upTo: maxAnswer)
                let answer = Answer(status: response.status, headers: response.headers, body: Array(bytes.readableBytesView))
                if accept.contains(answer.status.code) { return answer }
                lastProblem = "\(answer.status.code) \(Self.errorCode(answer.text) ?? answer.status.reasonPhrase)"
                if answer.status.code < 500 && answer.status.code != 429 { break }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw StorageError("\(location): \(method.rawValue) \(key ?? "/") failed: \(lastProblem)")
    }

    func request(_ method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)], body: ByteBuffer?) -> HTTPClientRequest {
        let path = basePath + "/" + (key.map { SigV4.encode(objectKey($0), keepSlash: true) } ?? "")
        let hostHeader = port.map { "\(host):\($0)" } ?? host
        let payload = body.map { SigV4.sha256Hex(Array($0.readableBytesView)) } ?? SigV4.sha256Hex([UInt8]())
        let signed = signer.sign(method: method.rawValue, host: hostHeader, path: path, query: query, headers: headers,
                                 payloadHash: payload, date: Date())
        let queryText = query.map { SigV4.encode($0.0, keepSlash: false) + ($0.1.isEmpty && $0.0 == "uploads" ? "" : "=" + SigV4.encode($0.1, keepSlash: false)) }
            .joined(separator: "&")
        var request = HTTPClientRequest(url: "\(scheme)://\(hostHeader)\(path)" + (queryText.isEmpty ? "" : "?" + queryText))
        request.method = method
        for (name, value) in signed { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            request.body = .bytes(body)
        }
        return request
    }

    static func errorCode(_ xml: String) -> String? { S3XML.values("Code", in: xml).first }

    // MARK: ObjectStorage

    public func put(file path: String, key: String, consume: Bool) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StorageError("cannot read \(path) to store it as \(key)") }
        defer {
            try? handle.close()
            if consume { unlink(path) }
        }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        try handle.seek(toOffset: 0)
        if size <= configuration.partSize {
            let data = try handle.readToEnd() ?? Data()
            _ = try await send(.PUT, key: key, body: ByteBuffer(bytes: data))
            return
        }
        try await multipart(handle, size: size, key: key)
    }

    /// CreateMultipartUpload, UploadPart × n, CompleteMultipartUpload; AbortMultipartUpload
    /// when any of it fails (the object is then not written at all).
    func multipart(_ handle: FileHandle, size: Int, key: String) async throws {
        let created = try await send(.POST, key: key, query: [("uploads", "")])
        guard let upload = S3XML.values("UploadId", in: created.text).first else {
            throw StorageError("\(location): CreateMultipartUpload for \(key) answered no UploadId")
        }
        do {
            var parts = [(Int, String)]()
            var number = 1
            while true {
                try Task.checkCancellation()
                guard let data = try handle.read(upToCount: configuration.partSize), !data.isEmpty else { break }
                let answer = try await send(.PUT, key: key, query: [("partNumber", String(number)), ("uploadId", upload)], body: ByteBuffer(bytes: data))
                guard let tag = answer.headers.first(name: "etag") else { throw StorageError("\(location): part \(number) of \(key) answered no ETag") }
                parts.append((number, tag))
                number += 1
            }
            let xml = "<CompleteMultipartUpload>" + parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\(S3XML.escape($0.1))</ETag></Part>" }.joined()
                + "</CompleteMultipartUpload>"
            let done = try await send(.POST, key: key, query: [("uploadId", upload)], body: ByteBuffer(string: xml))
            // S3 may answer 200 with an error in the body when completion fails late.
            if let code = Self.errorCode(done.text), done.text.contains("<Error>") {
                throw StorageError("\(location): CompleteMultipartUpload for \(key) failed: \(code)")
            }
        } catch {
            _ = try? await send(.DELETE, key: key, query: [("uploadId", upload)], accept: [204, 200, 404])
            throw error
        }
    }

    public func put(folder: String, prefix: String, consume: Bool) async throws {
        for relative in try LocalStorage.files(under: folder).sorted() {
            try await put(file: folder + "/" + relative, key: prefix + "/" + relative, consume: false)
        }
        if consume { try? FileManager.default.removeItem(atPath: folder) }
    }

    public func localFile(_ key: String) async throws -> String? {
        let local = cacheFolder + "/" + key
        if FileManager.default.fileExists(atPath: local) { return local }
        return try await download(key, to: local, modified: nil) ? local : nil
    }

    /// Streams object `key` into the file `local` (a temporary name, then a rename: a reader
    /// never sees half of it), dated `modified` when given; false when there is no such object.
    func download(_ key: String, to local: String, modified: Double?) async throws -> Bool {
        guard let body = try await read(key, range: nil) else { return false }
        try FileManager.default.createDirectory(atPath: (local as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = local + ".part-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let out = FileHandle(forWritingAtPath: temporary) else {
            throw StorageError("cannot write \(temporary)")
        }
        do {
            for try await chunk in body.chunks { try out.write(contentsOf: Data(chunk.readableBytesView)) }
            try out.close()
            if let modified { try? FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: modified)], ofItemAtPath: temporary) }
            guard rename(temporary, local) == 0 else { throw StorageError("cannot keep \(local)") }
        } catch {
            try? out.close()
            unlink(temporary)
            throw error
        }
        return true
    }

    public func bytes(_ key: String) async throws -> [UInt8]? {
        let answer = try await send(.GET, key: key, accept: [200, 404])
        return answer.status == .ok ? answer.body : nil
    }

    public func size(_ key: String) async throws -> Int? {
        let answer = try await send(.HEAD, key: key, accept: [200, 404])
        guard answer.status == .ok else { return nil }
        return answer.headers.first(name: "content-length").flatMap(Int.init)
    }

    public func read(_ key: String, range: ClosedRange<Int>?) async throws -> ObjectBody? {
        // The body is streamed to the caller: only its status is tried again.
        var delay = 0.2
        for attempt in 1...max(1, configuration.attempts) {
            if attempt > 1 {
                try await Task.sleep(for: .milliseconds(Int(delay * 1_000)))
                delay *= 2
            }
            let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
            guard let response = try? await Self.client.execute(request(.GET, key: key, query: [], headers: headers, body: nil), timeout: .hours(6)) else {
                continue
            }
            switch response.status.code {
            case 200, 206:
                let length = response.headers.first(name: "content-length").flatMap(Int.init) ?? 0
                var total = length
                if let contentRange = response.headers.first(name: "content-range"), let slash = contentRange.lastIndex(of: "/"),
                   let whole = Int(contentRange[contentRange.index(after: slash)...]) {
                    total = whole
                }
                return ObjectBody(totalSize: total, range: response.status.code == 206 ? range : nil, length: length, chunks: AnyAsyncSequence(response.body))
            case 404:
                return nil
            case 416:
                throw StorageError("\(location): range outside \(key)")
            case 500..., 429:
                _ = try? await response.body.collect(upTo: 1 << 20)
                continue
            default:
                let text = String(buffer: (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer())
                throw StorageError("\(location): GET \(key) failed: \(response.status.code) \(Self.errorCode(text) ?? "")")
            }
        }
        throw StorageError("\(location): GET \(key) failed after \(configuration.attempts) tries")
    }

    public func list(prefix: String) async throws -> [StoredObject] {
        var out = [StoredObject]()
        var token: String?
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        repeat {
            var query = [("list-type", "2"), ("prefix", objectKey(prefix))]
            if let token { query.append(("continuation-token", token)) }
            let answer = try await send(.GET, key: nil, query: query)
            for entry in S3XML.elements("Contents", in: answer.text) {
                guard let key = S3XML.values("Key", in: entry).first, key.count >= strip else { continue }
                out.append(StoredObject(key: String(key.dropFirst(strip)), size: S3XML.values("Size", in: entry).first.flatMap(Int.init) ?? 0,
                                        modified: S3XML.values("LastModified", in: entry).first.flatMap(S3XML.date) ?? 0))
            }
            token = S3XML.values("IsTruncated", in: answer.text).first == "true" ? S3XML.values("NextContinuationToken", in: answer.text).first : nil
        } while token != nil
        return out
    }

    public func delete(prefix: String) async throws {
        for object in try await list(prefix: prefix) {
            _ = try await send(.DELETE, key: object.key, accept: [204, 200, 404])
        }
        // Uploads a process started and never finished (it died): abort them, or they would
        // hold storage (invisible, but billed) until a lifecycle rule clears them.
        let answer = try await send(.GET, key: nil, query: [("uploads", ""), ("prefix", objectKey(prefix))])
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        for upload in S3XML.elements("Upload", in: answer.text) {
            guard let key = S3XML.values("Key", in: upload).first, let id = S3XML.values("UploadId", in: upload).first, key.count >= strip else { continue }
            _ = try await send(.DELETE, key: String(key.dropFirst(strip)), query: [("uploadId", id)], accept: [204, 200, 404])
        }
    }

    @discardableResult
    public func copy(prefix source: String, to target: String) async throws -> [String] {
        let relative = try await list(prefix: source).map { String($0.key.dropFirst(source.count)) }
        // Server-side copies (no bytes pass through here), up to 8 at once: a cache hit's
        // answer waits for them.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, name) in relative.enumerated() {
                if n >= 8 { try await group.next() }
                group.addTask {
                    let copySource = "/" + self.configuration.bucket + "/" + SigV4.encode(self.objectKey(source + name), keepSlash: true)
                    let answer = try await self.send(.PUT, key: target + name, headers: [("x-amz-copy-source", copySource)])
                    // S3 may answer 200 with an error in the body when a copy fails late.
                    if answer.text.contains("<Error>") { throw StorageError("\(self.location): copy of \(source + name) failed: \(Self.errorCode(answer.text) ?? "")") }
                }
            }
            try await group.waitForAll()
        }
        return relative
    }

    public func mirror(prefix: String, into folder: String) async throws {
        let objects = try await list(prefix: prefix.hasSuffix("/") ? prefix : prefix + "/")
        let base = prefix.hasSuffix("/") ? prefix : prefix + "/"
        var wanted = Set<String>()
        for object in objects {
            let relative = String(object.key.dropFirst(base.count))
            wanted.insert(relative)
            let local = folder + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: local)
            if (attributes?[.size] as? Int) == object.size,
               let date = attributes?[.modificationDate] as? Date, date.timeIntervalSince1970.rounded() == object.modified.rounded() {
                continue
            }
            // The object's time on the copy: a later listing sees it is current.
            _ = try await download(object.key, to: local, modified: object.modified)
        }
        // Hidden names are work in progress (an install's `.adding-…` folder): left alone.
        for relative in (try? LocalStorage.files(under: folder)) ?? []
        where !wanted.contains(relative) && !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            unlink(folder + "/" + relative)
        }
    }
}

/// The few parts of S3's XML answers the storage reads: element texts by tag name.
enum S3XML {
    /// The text of every `<tag>…</tag>` in `xml`, unescaped.
    static func values(_ tag: String, in xml: String) -> [String] { elements(tag, in: xml).map(unescape) }

    /// The inner XML of every `<tag>…</tag>` in `xml`.
    static func elements(_ tag: String, in xml: String) -> [String] {
        var out = [String]()
        var rest = xml[...]
        let open = "<\(tag)>", close = "</\(tag)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            out.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `2026-12-06T22:36:37.000Z` → seconds since 1970.
    static func date(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
