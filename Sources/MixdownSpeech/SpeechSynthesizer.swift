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
    static let processing = "trim -45 dB 10 ms; level \(SpeechCleanup.speechLevel) LUFS; words by token, shared spans; directed runs; v4"

    public init(cache: SpeechCache) { self.cache = cache }

    /// One result per job, in order: the cleaned clip, or the engine's error.
    public func clips(for jobs: [Job], temporaryDirectory: String = "/tmp") -> (results: [Result<SpeechClip, MixdownError>], statistics: Statistics) {
        guard let spool = try? ClipSpool(directory: temporaryDirectory) else {
            return (jobs.map { _ in .failure(.failure("cannot create a temporary file")) }, Statistics())
        }
        let (stored, statistics) = stored(for: jobs, spool: spool)
        return (stored.map { r in r.flatMap { c in Result { SpeechClip(audio: try c.load(), words: c.words) }.mapError { $0 as? MixdownError ?? .failure("\($0)") } } },
                statistics)
    }

    /// One result per job, in order: the cleaned clip kept on disk (in the cache, or in
    /// `spool` when caching is off), or the engine's error. Memory holds only the clips being
    /// synthesised at the moment, one per lane.
    /// `progress` hears the fraction of clips done after each one; when it throws (a cancelled
    /// render), no further clip is synthesised and those left fail with its error.
    public func stored(for jobs: [Job], spool: ClipSpool, pool: WorkerPool = .serial,
                       progress: (@Sendable (Double) throws -> Void)? = nil) -> (results: [Result<StoredClip, MixdownError>], statistics: Statistics) {
        var keyOfJob = [String]()
        var unique = [(key: String, job: Job)]()
        var seen = Set<String>()
        for job in jobs {
            let key = SpeechCache.key(engine: job.engine.identity, request: job.request, processing: Self.processing)
            keyOfJob.append(key)
            if seen.insert(key).inserted { unique.append((key, job)) }
        }
        // 1. The cache answers what it can (headers only: the samples stay on disk).
        var done = [Result<StoredClip, MixdownError>?](repeating: nil, count: unique.count)
        for i in unique.indices { if let cached = cache.peek(unique[i].key) { done[i] = .success(cached) } }
        let misses = unique.indices.filter { done[$0] == nil }
        let hits = unique.count - misses.count
        // 2. Synthesis on one lane per core the pool lends: lane 0 takes the serial engine's requests in script
        //    order first; every lane pulls the other engines' requests as it comes free. Each
        //    clip is cleaned up (trim, level) and stored as soon as it is spoken.
        let serial = misses.filter { unique[$0].job.engine.isSerial }
        let parallel = misses.filter { !unique[$0].job.engine.isSerial }
        let nextParallel = Counter()
        done.withUnsafeMutableBufferPointer { slots in
            let finished = Counter()
            func synthesise(_ i: Int) {
                let job = unique[i].job, key = unique[i].key
                slots[i] = Result {
                    try progress?(Double(finished.take(below: .max) ?? 0) / Double(misses.count))
                    var clean = SpeechCleanup.level(SpeechCleanup.trim(try job.engine.synthesize(job.request)))
                    if job.request.gainDb != 0 {
                        // An item-wide volume: after levelling, which would otherwise undo it.
                        let gain = Float(pow(10, job.request.gainDb / 20))
                        for i in clean.audio.indices { clean.audio[i] *= gain }
                    }
                    cache.store(clean, key: key)
                    return try cache.peek(key) ?? spool.store(clean)
                }.mapError { $0 as? MixdownError ?? .failure("\($0)") }
            }
            pool.forEach(pool.width) { lane in
                if lane == 0 { serial.forEach(synthesise) }
                while let k = nextParallel.take(below: parallel.count) { synthesise(parallel[k]) }
            }
        }
        let finished = done.map { $0! }
        let byKey = Dictionary(uniqueKeysWithValues: zip(unique.map(\.key), finished))
        let statistics = Statistics(cacheHits: hits, synthesised: misses.count)
        return (keyOfJob.map { byKey[$0]! }, statistics)
    }
}
