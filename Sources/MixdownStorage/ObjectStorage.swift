import Foundation
import NIOCore

/// Where the service keeps what outlives a request: uploads (`media/ID`), a job's files
/// (`jobs/ID/ATTEMPT/…`) and a key's templates (`templates/KEY/NAME/…`). Keys are relative
/// paths with `/` between parts.
///
/// Two places implement it: `LocalStorage`, the `--data` folder (one machine, or a shared
/// disk), and `S3Storage`, an S3-compatible bucket (`--storage s3://BUCKET/PREFIX`), which
/// lets servers and workers on different machines share nothing but the database and the
/// bucket. Each process still renders into its own `--data` folder; what it publishes goes
/// to the storage, and what it reads from the storage is fetched into a local cache first.
///
/// Every object is written whole or not at all: a reader never sees half an upload.
public protocol ObjectStorage: Sendable {
    /// For logs and errors: the folder, or `s3://bucket/prefix`.
    var location: String { get }

    /// Keeps the local file `path` as `key` (replacing any object of that key). `consume`:
    /// the file may be moved rather than copied.
    func put(file path: String, key: String, consume: Bool) async throws

    /// Keeps every file under the local `folder` below `prefix` (`prefix/relative/path`).
    /// `consume`: the folder may be moved, or removed once its files are stored.
    func put(folder: String, prefix: String, consume: Bool) async throws

    /// A local file with `key`'s bytes, or nil when there is no such object. Objects are
    /// never changed in place (a new upload is a new key), so a copy fetched once is reused.
    func localFile(_ key: String) async throws -> String?

    /// The whole object, for small ones (a report page), or nil when there is none.
    func bytes(_ key: String) async throws -> [UInt8]?

    /// The object's size in bytes, or nil when there is none.
    func size(_ key: String) async throws -> Int?

    /// The object, or the bytes `range` of it, as a stream; nil when there is none.
    func read(_ key: String, range: ClosedRange<Int>?) async throws -> ObjectBody?

    /// Every object whose key starts with `prefix`.
    func list(prefix: String) async throws -> [StoredObject]

    /// Removes every object whose key starts with `prefix`, and abandons unfinished uploads
    /// there (a worker that died mid-upload leaves none behind).
    func delete(prefix: String) async throws

    /// Copies every object under `source` to the same relative key under `target`; returns
    /// the keys copied, relative to the prefixes.
    @discardableResult
    func copy(prefix source: String, to target: String) async throws -> [String]

    /// Makes the local `folder` hold exactly the objects under `prefix` (downloading what is
    /// new or changed, removing what has gone). The local storage is its own mirror.
    func mirror(prefix: String, into folder: String) async throws
}

/// One object of a listing.
public struct StoredObject: Sendable, Equatable {
    public var key: String
    public var size: Int
    /// When it was last written, seconds since 1970 (whole seconds for S3).
    public var modified: Double
    public init(key: String, size: Int, modified: Double) { (self.key, self.size, self.modified) = (key, size, modified) }
}

/// An object being read: its whole size, the bytes sent (all, or the range asked for) and
/// the stream of them.
public struct ObjectBody: Sendable {
    public var totalSize: Int
    public var range: ClosedRange<Int>?
    public var length: Int
    public var chunks: AnyAsyncSequence
    public init(totalSize: Int, range: ClosedRange<Int>?, length: Int, chunks: AnyAsyncSequence) {
        (self.totalSize, self.range, self.length, self.chunks) = (totalSize, range, length, chunks)
    }
}

/// A stream of byte buffers whatever produced it (a file read in blocks, an HTTP body).
public struct AnyAsyncSequence: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let make: @Sendable () -> AsyncThrowingStream<ByteBuffer, Error>
    public init<S: AsyncSequence & Sendable>(_ sequence: S) where S.Element == ByteBuffer {
        make = {
            AsyncThrowingStream { continuation in
                let task = Task {
                    do {
                        for try await chunk in sequence { continuation.yield(chunk) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
    }
    public func makeAsyncIterator() -> AsyncThrowingStream<ByteBuffer, Error>.AsyncIterator { make().makeAsyncIterator() }
}

/// A storage operation that failed: what was asked, and the answer.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The storage `--storage` names: `s3://BUCKET[/PREFIX]`, or nil for the local folder.
public enum StorageAddress {
    /// The bucket and prefix of `s3://BUCKET[/PREFIX]`; throws for anything else.
    public static func s3(_ text: String) throws -> (bucket: String, prefix: String) {
        guard text.hasPrefix("s3://") else {
            throw StorageError("--storage: expected s3://BUCKET or s3://BUCKET/PREFIX, got '\(text)'")
        }
        let rest = text.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        let prefix = rest.dropFirst(bucket.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        // S3's bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens.
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }),
              bucket.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw StorageError("--storage: '\(bucket)' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')")
        }
        return (bucket, prefix)
    }
}
