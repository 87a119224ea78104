import Foundation
import MixdownCatalog
import MixdownCore
import MixdownRender
import MixdownScript
import MixdownStorage

/// The result cache (docs/service.md, "The result cache"): a production posted again by the
/// same key, with the same inputs, is answered at once with the earlier job's files, and
/// renders nothing.
///
/// Its key is the SHA-256 of everything a render's output depends on: the production as
/// canonical JSON (sorted keys; media and covers are named by their upload ids, and an upload
/// never changes, so a new file is a new id), the template's files (name, size, modification
/// time: a replaced template misses), the server's voices and speech engines as configured,
/// the engine version, and the key's name. `"cache": false` in a production opts out.
enum ResultCache {
    static func key(production: JSONValue, admitted: Production, keyName: String, service: MixdownService) -> String {
        var canonical = production
        if case .object(var members) = canonical {
            // Where the status is sent, and whether to use the cache, change no output.
            members["webhook"] = nil
            members["cache"] = nil
            canonical = .object(members)
        }
        var parts = [Pipeline.version, keyName, JSONText.string(canonical)]
        if let template = admitted.soundTemplate {
            // The gate turned a key's own template into its folder; the server's keep their name.
            let folder = template.hasPrefix("/") ? template : service.templateFolders.first { $0.name == template }?.path
            parts.append(folder.map(PreviewsController.fingerprint(folder:)) ?? "no template")
        }
        let voices = (try? Catalog.voices(library: service.configuration.voices)).map { JSONText.string($0) } ?? ""
        parts.append(voices)
        parts.append(service.configuration.engines.keys.sorted().map { "\($0)=\(service.configuration.engines[$0].map { "\($0)" } ?? "")" }.joined(separator: ";"))
        return SHA256.hex(parts.joined(separator: "\n\u{1F}\n"))
    }

    /// A new finished job with `earlier`'s files (copied in the storage: hard links in the
    /// data folder, server-side copies in a bucket, so deleting either leaves the other whole)
    /// and report; nil when they cannot be copied (the caller renders instead).
    static func reuse(_ earlier: JobRecord, id: String, spec: String, idempotencyKey: String?, cacheKey: String, service: MixdownService) async -> JobRecord? {
        let outputs = StoredOutput.of(earlier)
        guard let first = outputs.first else { return nil }
        let from = (first.file as NSString).deletingLastPathComponent, to = "jobs/\(id)/0"
        guard outputs.allSatisfy({ ($0.file as NSString).deletingLastPathComponent == from }) else { return nil }
        do {
            let copied = Set(try await service.storage.copy(prefix: from + "/", to: to + "/"))
            // Every output must have come across (the earlier job may be being deleted).
            guard outputs.allSatisfy({ copied.contains(($0.file as NSString).lastPathComponent) }) else { throw StorageError("an output did not copy") }
        } catch {
            try? await service.storage.delete(prefix: to + "/")
            return nil
        }
        let moved = outputs.map { StoredOutput(endFormat: $0.endFormat, file: to + "/" + ($0.file as NSString).lastPathComponent, bytes: $0.bytes) }
        let now = Date().timeIntervalSince1970
        return JobRecord(id: id, key: earlier.key, spec: spec, state: .succeeded, progress: 1, error: nil, report: earlier.report,
                         outputs: JSONText.string(moved), idempotencyKey: idempotencyKey, batch: nil, webhook: nil, worker: nil, attempts: 0,
                         created: now, finished: now, cacheKey: cacheKey, cached: true)
    }
}
