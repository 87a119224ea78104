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
        try run("createdb", ["-h", folder, "-p", String(port), "-U", "mixdown", "mixdown"])
    }
    let server = Process()

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
