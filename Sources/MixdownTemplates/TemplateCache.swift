import Foundation
import MixdownCore

/// Templates decoded once per process: a batch or a service renders many productions over the
/// same few templates, and decoding a template's audio (and resampling it to 48 kHz) is the
/// largest fixed cost of a short render. An entry is keyed by the template's folder and kept
/// while its manifest is unchanged (same size and modification time), so a template edited
/// under a running service is read again. Safe from any thread; two renders asking for the
/// same new template at once may both decode it, and either result is kept.
public final class TemplateCache: Sendable {
    private struct Entry { var stamp: Stamp; var template: SoundTemplate }
    private struct Stamp: Equatable { var size: Int64; var seconds: Int; var nanoseconds: Int }
    private let entries = Locked([String: Entry]())

    public init() {}

    /// The template in `directory`, decoded now or earlier.
    public func load(directory: String, pool: WorkerPool = .serial) throws -> SoundTemplate {
        let stamp = Self.stamp(directory + "/template.json")
        if let stamp, let hit = entries.withLock({ $0[directory] }), hit.stamp == stamp { return hit.template }
        let template = try SoundTemplate.load(directory: directory, pool: pool)
        if let stamp { entries.withLock { $0[directory] = Entry(stamp: stamp, template: template) } }
        return template
    }

    private static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
    }
}
