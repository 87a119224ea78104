import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `mixdown serve` or `mixdown worker` process for tests, killed when released.
public final class ServiceProcess: @unchecked Sendable {
    public let process = Process()
    /// `http://127.0.0.1:PORT` once it listens (serve only).
    public private(set) var base = ""
    private let output = Pipe()

    /// Starts `mixdown ARGUMENTS`; for `serve`, waits for its `listening on` line.
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Tools.mixdown)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        guard arguments.first == "serve" else { return }
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                base = String(line.dropFirst("listening on ".count))
                return
            }
        }
        process.terminate()
        throw ServiceError("mixdown serve did not start listening: \(text)")
    }

    public func kill(_ signal: Int32 = SIGKILL) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit { kill() }
}

public struct ServiceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// An HTTP exchange through URLSession: a real client on a real socket.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    public var object: [String: Any] { (json as? [String: Any]) ?? [:] }
    public var error: [String: Any] { (object["error"] as? [String: Any]) ?? [:] }
    public func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

public enum HTTP {
    public static func send(_ method: String, _ url: String, key: String? = nil, body: Data? = nil,
                            headers: [String: String] = [:], timeout: Double = 30) throws -> HTTPResult {
        guard let u = URL(string: url) else { throw ServiceError("bad URL \(url)") }
        var request = URLRequest(url: u, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let box = LockedBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data, response as? HTTPURLResponse, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = box.get()
        guard let response else { throw ServiceError("\(method) \(url): \(error.map { "\($0)" } ?? "no response")") }
        var fields = [String: String]()
        for (k, v) in response.allHeaderFields { fields["\(k)"] = "\(v)" }
        return HTTPResult(status: response.statusCode, headers: fields, body: data ?? Data())
    }

    public static func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object) }

    private final class LockedBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, HTTPURLResponse?, Error?) = (nil, nil, nil)
        func set(_ d: Data?, _ r: HTTPURLResponse?, _ e: Error?) { lock.lock(); value = (d, r, e); lock.unlock() }
        func get() -> (Data?, HTTPURLResponse?, Error?) { lock.lock(); defer { lock.unlock() }; return value }
    }
}

/// A private PostgreSQL cluster in a temporary folder (Debian's server binaries), reached over
/// its Unix socket; stopped and removed when released. As root, the server runs as `postgres`.
public final class PostgresCluster: @unchecked Sendable {
    public let folder: String
    public let port: Int
    public var url: String { "postgres://mixdown@localhost:\(port)/mixdown?host=\(folder)" }
    let bin: String

    public init() throws {
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        guard let version = versions.last, FileManager.default.fileExists(atPath: "/usr/lib/postgresql/\(version)/bin/initdb") else {
            throw ServiceError("PostgreSQL's server is not installed (Debian: apt-get install postgresql; `make test` does it)")
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        folder = "/tmp/mixdown-pg-\(UUID().uuidString.prefix(8))"
        port = Int.random(in: 20_000...40_000)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { _ = try Tools.run("chown", ["postgres:postgres", folder]) }
        try run("initdb", ["-D", folder + "/data", "-A", "trust", "-U", "mixdown", "--no-sync", "-E", "UTF8"])
        // The server runs as this object's child (not daemonised by pg_ctl), logging to a file.
        let arguments = ["-D", folder + "/data", "-k", folder, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off"]
        server.executableURL = URL(fileURLWithPath: getuid() == 0 ? "/usr/sbin/runuser" : "\(bin)/postgres")
        server.arguments = getuid() == 0 ? ["-u", "postgres", "--", "\(bin)/postgres"] + arguments : arguments
        _ = FileManager.default.createFile(atPath: folder + "/log", contents: nil)
        let log = FileHandle(forWritingAtPath: folder + "/log")
        server.standardOutput = log
        server.standardError = log
        server.standardInput = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: "\(folder)/.s.PGSQL.\(port)") {
            guard Date() < deadline, server.isRunning else {
                throw ServiceError("PostgreSQL did not start: \((try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? "")")
            }
            usleep(50_000)
        }
        // The socket appears before the server accepts connections ("the database system is
        // starting up"): wait until pg_isready says it accepts them.
        while (try? run("pg_isready", ["-q", "-h", folder, "-p", String(port)])) == nil {
            guard Date() < deadline, server.isRunning else {
                throw ServiceError("PostgreSQL did not become ready: \((try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? "")")
            }
            usleep(50_000)
        }
        try run("createdb", ["-h", folder, "-p", String(port), "-U", "mixdown", "mixdown"])
    }
    let server = Process()

    /// The whole database as SQL (`pg_dump`): every table's rows, for scans.
    public func dump() throws -> String {
        let arguments = ["-h", folder, "-p", String(port), "-U", "mixdown", "mixdown"]
        let result = getuid() == 0 ? try Tools.run("runuser", ["-u", "postgres", "--", "\(bin)/pg_dump"] + arguments)
                                   : try Tools.run("\(bin)/pg_dump", arguments)
        guard result.status == 0 else { throw ServiceError("pg_dump failed: \(result.stderr)") }
        return result.stdout
    }

    func run(_ tool: String, _ arguments: [String]) throws {
        let result = getuid() == 0 ? try Tools.run("runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
                                   : try Tools.run("\(bin)/\(tool)", arguments)
        guard result.status == 0 else { throw ServiceError("\(tool) failed: \(result.stderr)") }
    }

    deinit {
        // SIGQUIT to the server itself (runuser does not pass it on): an immediate shutdown.
        _ = try? Tools.run("pkill", ["-QUIT", "-f", "postgres -D \(folder)/data"])
        if server.isRunning {
            if getuid() != 0 { kill(server.processIdentifier, SIGQUIT) }
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// moto's S3 server (PyPI `moto[server]`, pinned in scripts/requirements-test.txt, in .venv) on
/// a loopback port: a real S3 API for the storage tests, stopped when released. Its own routes
/// are read without signing (moto checks no credentials), so a test sees the bucket as it is,
/// independently of Mixdown's client.
public final class S3Server: @unchecked Sendable {
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    /// What a Mixdown process needs to sign its requests (any key works with moto).
    public let environment = ["AWS_ACCESS_KEY_ID": "mixdowntest", "AWS_SECRET_ACCESS_KEY": "mixdowntestsecret"]
    let process = Process()

    public init(repository: URL) throws {
        let server = repository.appendingPathComponent(".venv/bin/moto_server").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw ServiceError("no .venv/bin/moto_server: run `make deps` (it installs the test tools into .venv)")
        }
        port = Int.random(in: 40_001...50_000)
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while (try? HTTP.send("GET", endpoint + "/", timeout: 2))?.status != 200 {
            guard Date() < deadline, process.isRunning else { throw ServiceError("moto_server did not start on port \(port)") }
            usleep(100_000)
        }
    }

    /// Creates `bucket` (path-style, as Mixdown is told with --s3-path-style).
    public func createBucket(_ bucket: String) throws {
        let r = try HTTP.send("PUT", "\(endpoint)/\(bucket)")
        guard r.status == 200 else { throw ServiceError("cannot create bucket \(bucket): \(r.status)") }
    }

    /// The keys of `bucket` under `prefix`, with their sizes (every page).
    public func objects(_ bucket: String, prefix: String) throws -> [(key: String, size: Int)] {
        var out = [(key: String, size: Int)]()
        var token: String?
        repeat {
            var url = "\(endpoint)/\(bucket)?list-type=2&prefix=\(prefix.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? prefix)"
            if let token { url += "&continuation-token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)" }
            let text = String(decoding: try HTTP.send("GET", url).body, as: UTF8.self)
            for entry in Self.elements("Contents", text) {
                out.append((Self.elements("Key", entry).first ?? "", Int(Self.elements("Size", entry).first ?? "") ?? -1))
            }
            token = Self.elements("IsTruncated", text).first == "true" ? Self.elements("NextContinuationToken", text).first : nil
        } while token != nil
        return out
    }

    /// Multipart uploads begun and neither completed nor aborted, under `prefix`.
    public func unfinishedUploads(_ bucket: String, prefix: String) throws -> [String] {
        let text = String(decoding: try HTTP.send("GET", "\(endpoint)/\(bucket)?uploads&prefix=\(prefix.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? prefix)").body, as: UTF8.self)
        return Self.elements("Upload", text).compactMap { Self.elements("Key", $0).first }
    }

    static func elements(_ tag: String, _ xml: String) -> [String] {
        var out = [String](), rest = xml[...]
        while let a = rest.range(of: "<\(tag)>"), let b = rest.range(of: "</\(tag)>", range: a.upperBound..<rest.endIndex) {
            out.append(String(rest[a.upperBound..<b.lowerBound]))
            rest = rest[b.upperBound...]
        }
        return out
    }

    deinit {
        // moto_server (werkzeug) does not stop on SIGTERM.
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
