import Foundation
import NIOCore


/// The `--data` folder as the storage: an object is the file at `folder/key`. Writes go to a
/// temporary name beside it and are renamed into place, so a reader sees all or nothing.
public struct LocalStorage: ObjectStorage {
    public let folder: String
    public init(folder: String) { self.folder = folder }

    public var location: String { folder }

    func path(_ key: String) -> String { folder + "/" + key }

    public func put(file source: String, key: String, consume: Bool) async throws {
        let target = path(key)
        if source == target { return }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if consume, rename(source, target) == 0 { return }
        let temporary = target + ".part-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            guard rename(temporary, target) == 0 else { throw StorageError("cannot store \(key): \(String(cString: strerror(errno)))") }
        } catch {
            unlink(temporary)
            throw error
        }
        if consume { unlink(source) }
    }

    public func put(folder source: String, prefix: String, consume: Bool) async throws {
        let target = path(prefix)
        if source == target { return }
        if consume {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            if rename(source, target) == 0 { return }
        }
        for relative in try Self.files(under: source) {
            try await put(file: source + "/" + relative, key: prefix + "/" + relative, consume: consume)
        }
        if consume { try? FileManager.default.removeItem(atPath: source) }
    }

    public func localFile(_ key: String) async throws -> String? {
        FileManager.default.fileExists(atPath: path(key)) ? path(key) : nil
    }

    public func bytes(_ key: String) async throws -> [UInt8]? {
        FileManager.default.contents(atPath: path(key)).map { [UInt8]($0) }
    }

    public func size(_ key: String) async throws -> Int? {
        var info = stat()
        guard stat(path(key), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    public func read(_ key: String, range: ClosedRange<Int>?) async throws -> ObjectBody? {
        guard let total = try await size(key) else { return nil }
        let span = range ?? 0...max(0, total - 1)
        let length = total == 0 ? 0 : span.count
        let file = path(key)
        let stream = AsyncThrowingStream<ByteBuffer, Error> { continuation in
            let task = Task.detached {
                guard let handle = FileHandle(forReadingAtPath: file) else {
                    continuation.finish(throwing: StorageError("cannot open \(key)"))
                    return
                }
                defer { try? handle.close() }
                do {
                    try handle.seek(toOffset: UInt64(span.lowerBound))
                    var left = length
                    while left > 0, !Task.isCancelled {
                        guard let data = try handle.read(upToCount: min(left, 1 << 16)), !data.isEmpty else { break }
                        left -= data.count
                        continuation.yield(ByteBuffer(bytes: data))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return ObjectBody(totalSize: total, range: range, length: length, chunks: AnyAsyncSequence(stream))
    }

    public func list(prefix: String) async throws -> [StoredObject] {
        // The prefix's folder part is walked; its last part filters names.
        let base = prefix.hasSuffix("/") || prefix.isEmpty ? prefix : (prefix as NSString).deletingLastPathComponent + "/"
        let root = base == "/" ? "" : base
        guard let names = try? Self.files(under: path(String(root.dropLast()))) else { return [] }
        return names.compactMap { relative in
            let key = root + relative
            guard key.hasPrefix(prefix), let attributes = try? FileManager.default.attributesOfItem(atPath: path(key)) else { return nil }
            return StoredObject(key: key, size: (attributes[.size] as? Int) ?? 0,
                                modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }.sorted { $0.key < $1.key }
    }

    public func delete(prefix: String) async throws {
        if prefix.hasSuffix("/") {
            try? FileManager.default.removeItem(atPath: path(String(prefix.dropLast())))
        } else {
            for object in try await list(prefix: prefix) { unlink(path(object.key)) }
        }
    }

    @discardableResult
    public func copy(prefix source: String, to target: String) async throws -> [String] {
        // Hard links: the copy costs nothing, and deleting either leaves the other whole.
        let objects = try await list(prefix: source)
        for object in objects {
            let to = path(target + object.key.dropFirst(source.count))
            try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if link(path(object.key), to) != 0 { try FileManager.default.copyItem(atPath: path(object.key), toPath: to) }
        }
        return objects.map { String($0.key.dropFirst(source.count)) }
    }

    public func mirror(prefix: String, into folder: String) async throws {}

    /// Every regular file under `folder`, as paths relative to it.
    static func files(under folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out = [String]()
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue, !relative.contains(".part-") {
                out.append(relative)
            }
        }
        return out
    }
}
