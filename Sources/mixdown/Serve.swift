import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MixdownCatalog
import MixdownCore
import MixdownScript
import MixdownServer
import MixdownSpeech
import MixdownStorage
import MixdownTemplates

/// Where the queue lives: PostgreSQL when `--database` names one, else SQLite under `--data`.
struct StoreOptions: ParsableArguments {
    @Option(help: "The data folder: (without --database) the SQLite queue, renders in progress, and without --storage the media and outputs (then shared by every machine of one queue).")
    var data = "./mixdown-data"

    @Option(help: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE: a queue shared by any number of serve and worker processes.")
    var database: String?

    func open() async throws -> any JobStore {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let store: any JobStore
        do {
            store = try database.map { try PostgresStore(url: $0) } ?? SQLiteStore(path: data + "/mixdown.sqlite")
            try await store.migrate()
        } catch let error as StoreError {
            throw MixdownError.badInput(error.description)
        } catch {
            throw MixdownError.badInput("cannot open the queue (\(database == nil ? data + "/mixdown.sqlite" : "--database")): \(error)")
        }
        return store
    }
}

/// Runs async work from a synchronous command (the CLI's entry point is synchronous).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Locked<Result<T, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let r = await Result { try await body() }
        result.withLock { $0 = r }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Where media, outputs and keys' templates live: the data folder, or an S3 bucket.
struct StorageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep uploads, outputs and keys' templates in an S3-compatible bucket, so machines share only the database and the bucket. Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).", valueName: "s3://BUCKET[/PREFIX]"))
    var storage: String?

    @Option(name: .customLong("s3-endpoint"), help: ArgumentHelp("The S3 API's address (default https://s3.REGION.amazonaws.com): MinIO, Ceph, R2 …", valueName: "URL"))
    var s3Endpoint: String?

    @Option(name: .customLong("s3-region"), help: "The bucket's region (signs every request).")
    var s3Region = "us-east-1"

    @Flag(name: .customLong("s3-path-style"), help: "Address the bucket as ENDPOINT/BUCKET/KEY rather than BUCKET.ENDPOINT/KEY (MinIO and most self-hosted servers).")
    var s3PathStyle = false

    /// The storage these options name (nil: the data folder), after one request to the bucket
    /// proves the address and credentials work: a server that cannot store does not start.
    func open(data: String) throws -> (any ObjectStorage)? {
        do { return try openStorage(data: data) } catch let error as StorageError { throw MixdownError.badInput(error.description) }
    }

    func openStorage(data: String) throws -> (any ObjectStorage)? {
        guard let storage else {
            if s3Endpoint != nil || s3PathStyle { throw MixdownError.usage("--s3-endpoint and --s3-path-style go with --storage s3://BUCKET") }
            return nil
        }
        let address = try StorageAddress.s3(storage)
        guard !s3Region.isEmpty, s3Region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw MixdownError.usage("--s3-region: letters, digits and '-' (us-east-1, eu-central-1 …)")
        }
        let credentials = try SigV4.Credentials.environment(ProcessInfo.processInfo.environment)
        let s3 = try S3Storage(.init(bucket: address.bucket, prefix: address.prefix, endpoint: s3Endpoint, region: s3Region,
                                     pathStyle: s3PathStyle, credentials: credentials),
                               cacheFolder: URL(fileURLWithPath: data).standardizedFileURL.path + "/objects")
        do {
            _ = try blocking { try await s3.list(prefix: "media/.probe") }
        } catch {
            throw MixdownError.badInput("--storage \(storage): the bucket cannot be reached: \(error)")
        }
        return s3
    }
}

struct WorkerOptions: ParsableArguments {
    @Option(help: "Renders at once in this process (default: the number of cores). `serve --workers 0` renders nothing (a front end; needs --database and `mixdown worker`s).")
    var workers: Int?

    @Option(help: "A JSON file of the speech engines productions may name: {\"NAME\": {\"command\": [...], \"timeoutSeconds\": 60}}.")
    var engines: String?

    @OptionGroup var maxDuration: MaxDurationOption

    @Option(help: "Seconds a claimed job stays this process's without renewal (renewed every third): after a crash, its job is taken again this long after the last renewal.")
    var lease: Double = 30

    @Option(name: .customLong("max-upload-mb"), help: "The largest media upload, in MB.")
    var maxUploadMB = 256

    @Option(name: .customLong("webhook-allow"), help: ArgumentHelp("An address range webhooks may reach although it is internal (loopback, private, link-local …), e.g. 127.0.0.0/8 or fd00::/8. Repeat for more.", valueName: "CIDR"))
    var webhookAllow: [String] = []

    func configuration(data: String) throws -> ServiceConfiguration {
        if let workers, !(0...64).contains(workers) { throw MixdownError.usage("--workers must be 0 to 64") }
        guard lease.isFinite, lease >= 1, lease <= 3_600 else { throw MixdownError.usage("--lease must be 1 to 3600 seconds") }
        guard (1...4_096).contains(maxUploadMB) else { throw MixdownError.usage("--max-upload-mb must be 1 to 4096") }
        let env = ProcessInfo.processInfo.environment
        let libraries = SoundTemplate.standardLibraries(environment: env, executable: executablePath,
                                                        currentDirectory: FileManager.default.currentDirectoryPath)
        // A service without templates would take productions it cannot render: it does not
        // start (exit 1, one line naming the folders searched and MIXDOWN_TEMPLATES).
        guard !Catalog.templateFolders(libraries: libraries).isEmpty else {
            throw MixdownError(.badInput, SoundTemplate.noneFound(searched: libraries), code: .unknownName)
        }
        var c = ServiceConfiguration(
            dataDirectory: URL(fileURLWithPath: data).standardizedFileURL.path, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
            templateLibraries: libraries,
            speechCache: SpeechCache.standard(), temporaryDirectory: temporaryDirectory())
        // The server's neural voices by id only: a production cannot name a model file.
        let voices = voiceLibrary()
        c.voices = VoiceLibrary(piper: PiperLibrary(host: voices.piper.host, folders: [], voices: voices.piper.voices, allowsModelPaths: false))
        c.webhookPolicy = WebhookPolicy(allowed: try webhookAllow.map { text in
            guard let range = WebhookPolicy.CIDR(text) else {
                throw MixdownError.usage("--webhook-allow \(MixdownError.excerpt(text)): not an address range (write 127.0.0.0/8, 10.1.2.3 or fd00::/8)")
            }
            return range
        })
        c.leaseSeconds = lease
        c.maxUploadBytes = maxUploadMB << 20
        c.maximumDuration = maxDuration.seconds
        if let engines {
            let root = try JSONParser.parse(try InputFile.readText(engines, limit: Limits.maximumTextBytes), file: engines)
            for (name, value) in try JSONField(node: root, path: "").dictionary() {
                c.engines[name] = try ProductionDecoder.engine(value)
            }
        }
        return c
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API (and, by default, workers that render its jobs).",
        discussion: """
        With no --database, jobs live in SQLite under --data and this process renders them: \
        `mixdown serve` alone is a working service. With --database postgres://…, any number of \
        serve and `mixdown worker` processes share one queue. Prints `listening on http://HOST:PORT` \
        once it accepts connections. See docs/service.md.
        """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port, printed when listening).")
    var port = 8080

    @OptionGroup var store: StoreOptions
    @OptionGroup var storage: StorageOptions
    @OptionGroup var worker: WorkerOptions

    func run() throws {
        guard (0...65_535).contains(port) else { throw MixdownError.usage("--port must be 0 to 65535") }
        var configuration = try worker.configuration(data: self.store.data)
        configuration.storage = try storage.open(data: self.store.data)
        // One JSON line per request on stderr (docs/service.md, "The request log").
        configuration.requestLog = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        // With SQLite only this process can render its queue: said, since its jobs will wait.
        if worker.workers == 0 && store.database == nil {
            printWarning("--workers 0 with SQLite: this process renders nothing and no other can; jobs stay queued (give --database postgres://… and run `mixdown worker`)")
        }
        let store = try blocking { try await self.store.open() }
        let service = try MixdownService(store: store, configuration: configuration)
        let host = host, port = port
        var logger = Logger(label: "mixdown")
        logger.logLevel = .warning
        let app = Application(router: service.router(), configuration: .init(address: .hostname(host, port: port), serverName: "mixdown"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  printNow("listening on http://\(host):\(bound)")
                              }, logger: logger)
        try blocking {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                // `--workers 0`: a front end that answers the API and renders nothing.
                if service.configuration.workers > 0 { group.addTask { await service.work() } }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render jobs from a shared PostgreSQL queue (more workers, on any machine).",
        discussion: "mixdown worker --database postgres://… [--storage s3://BUCKET] [--data DIR] [--workers N]: with --storage, the same bucket the serve processes use and a --data folder of its own; without, --data must be the folder the serve processes see. See docs/service.md.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var storage: StorageOptions
    @OptionGroup var worker: WorkerOptions

    func validate() throws {
        if store.database == nil { throw ValidationError("a worker needs --database postgres://… (with SQLite, `mixdown serve` renders its own jobs)") }
        if worker.workers == 0 { throw ValidationError("a worker with --workers 0 would render nothing: give 1 to 64") }
    }

    func run() throws {
        var configuration = try worker.configuration(data: self.store.data)
        configuration.storage = try storage.open(data: self.store.data)
        let store = try blocking { try await self.store.open() }
        let service = try MixdownService(store: store, configuration: configuration)
        printNow("worker \(service.configuration.workerName): \(service.configuration.workers) at once")
        try blocking { await service.work() }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the service's API keys (stored hashed).",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; prints the key alone on stdout (it is shown once).")
        @Argument(help: "A name for the key (who or what uses it).") var name: String
        @Option(name: .customLong("max-concurrent"), help: "Jobs this key may have queued or running at once.") var maxConcurrent = 64
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...100).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
                throw ValidationError("a key's name is 1 to 100 letters, digits and . _ - @")
            }
            guard (1...100_000).contains(maxConcurrent) else { throw ValidationError("--max-concurrent must be 1 to 100000") }
        }

        func run() throws {
            var generator = SystemRandomNumberGenerator()
            let key = "mxd_" + SHA256.hex(bytes: (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let record = APIKeyRecord(name: name, hash: SHA256.hex(key), maxConcurrent: maxConcurrent, created: Date().timeIntervalSince1970, revoked: false)
            try blocking {
                let store = try await self.store.open()
                do { try await store.addKey(record) } catch let e as StoreError { throw MixdownError.badInput(e.description) }
            }
            print(key)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys: name, jobs at once, created, revoked.")
        @OptionGroup var store: StoreOptions
        func run() throws {
            let keys = try blocking { try await self.store.open().keys() }
            let format = ISO8601DateFormatter()
            for k in keys {
                print("\(k.name)  max-concurrent \(k.maxConcurrent)  created \(format.string(from: Date(timeIntervalSince1970: k.created)))\(k.revoked ? "  revoked" : "")")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: requests with it get 401 from now on.")
        @Argument var name: String
        @OptionGroup var store: StoreOptions
        func run() throws {
            let name = name
            guard try blocking({ try await self.store.open().revokeKey(name: name) }) else {
                throw MixdownError.badInput("no live key named '\(MixdownError.excerpt(name))'")
            }
            print("revoked \(name)")
        }
    }
}

/// A line on stdout at once (a script waiting for the server reads it through a pipe).
func printNow(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// `mixdown: warning: …` on stderr: what went on, but not as asked or not as a user may think.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("mixdown: warning: \(message)\n".utf8))
}
