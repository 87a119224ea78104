import Dispatch
import Foundation
import MixdownCore

/// Turns a render's speech requests into finished clips: identical requests are done once,
/// the cache answers what it can, and the rest are synthesised side by side (at most one per
/// core; espeak-ng serialises itself in its owner) and cleaned up.
public struct SpeechSynthesizer: Sendable {
    public struct Job: Sendable {
        public var request: SpeechRequest
        public var engine: any SpeechEngine
        public init(request: SpeechRequest, engine: any SpeechEngine) { (self.request, self.engine) = (request, engine) }
    }

    public struct Statistics: Sendable, Equatable {
        public var cacheHits = 0
        public var synthesised = 0
        public init(cacheHits: Int = 0, synthesised: Int = 0) { (self.cacheHits, self.synthesised) = (cacheHits, synthesised) }
    }

    public var cache: SpeechCache
    /// Part of every cache key: change it whenever what a clip holds changes (clean-up, word timing).
    static let processing = "trim -45 dB 10 ms; level \(SpeechCleanup.speechLevel) LUFS; words by token; v2"

    public init(cache: SpeechCache) { self.cache = cache }

    /// One result per job, in order: the cleaned clip, or the engine's error.
    public func clips(for jobs: [Job]) -> (results: [Result<SpeechClip, MixdownError>], statistics: Statistics) {
        var keyOfJob = [String]()
        var unique = [(key: String, job: Job)]()
        var seen = Set<String>()
        for job in jobs {
            let key = SpeechCache.key(engine: job.engine.identity, request: job.request, processing: Self.processing)
            keyOfJob.append(key)
            if seen.insert(key).inserted { unique.append((key, job)) }
        }
        var done = [Result<SpeechClip, MixdownError>](repeating: .failure(.failure("not synthesised")), count: unique.count)
        var hits = [Bool](repeating: false, count: unique.count)
        done.withUnsafeMutableBufferPointer { slots in
            hits.withUnsafeMutableBufferPointer { hit in
                DispatchQueue.concurrentPerform(iterations: unique.count) { i in
                    let (key, job) = unique[i]
                    if let cached = cache.load(key) {
                        slots[i] = .success(cached)
                        hit[i] = true
                        return
                    }
                    slots[i] = Result {
                        let clean = SpeechCleanup.level(SpeechCleanup.trim(try job.engine.synthesize(job.request)))
                        cache.store(clean, key: key)
                        return clean
                    }.mapError { $0 as? MixdownError ?? .failure("\($0)") }
                }
            }
        }
        let byKey = Dictionary(uniqueKeysWithValues: zip(unique.map(\.key), done))
        let statistics = Statistics(cacheHits: hits.filter { $0 }.count, synthesised: hits.filter { !$0 }.count)
        return (keyOfJob.map { byKey[$0]! }, statistics)
    }
}
