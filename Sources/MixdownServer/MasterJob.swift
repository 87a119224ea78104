import Foundation
import Hummingbird
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownMasterFile

/// `POST /v1/master`: a finished mix as the body, the settings in the query. The upload is
/// kept as the key's media and a job like a production's is queued; its report is the
/// mastering report (`mixdown master --report`).
struct MasterJob: Codable, Sendable, Equatable {
    /// The uploaded mix (a media id of the same key).
    var media: String
    var preset: String
    /// With the reference preset: a media id of the same key.
    var reference: String?
    var loudnessPreset: String?
    var targetLufs: Double?
    var truePeak: Double?
    var endFormat: [String]
    /// Clean the mix first (docs/cleanup.md): `cleanup=true` or `cleanup={JSON}`.
    var cleanup: CleanupSettings?

    /// The query parameters the route takes (anything else is refused, so a misspelt one is
    /// not silently ignored).
    static let parameters: Set<String> = ["preset", "reference", "loudnessPreset", "targetLufs", "truePeak", "endFormat", "name", "cleanup"]

    /// The settings from the query, checked as the engine checks them; `media` is set later.
    static func settings(_ query: Parameters) throws -> MasterJob {
        for (name, _) in query where !parameters.contains(String(name)) {
            throw APIError(.unprocessableContent, "invalidParameter",
                           "unknown query parameter (known: \(parameters.sorted().joined(separator: ", ")))", path: MixdownError.excerpt(name))
        }
        func single(_ name: String) throws -> String? {
            let values = query.getAll(name)
            if values.count > 1 { throw APIError(.unprocessableContent, "invalidParameter", "give it once", path: name) }
            return values.first
        }
        func number(_ name: String) throws -> Double? {
            guard let text = try single(name) else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw APIError(.unprocessableContent, "invalidParameter", "'\(MixdownError.excerpt(text))' is not a number", path: name)
            }
            return value
        }
        func one<T: RawRepresentable & CaseIterable>(of: T.Type, _ name: String, _ text: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: text) else {
                throw APIError(.unprocessableContent, "invalidParameter",
                               "unknown value '\(MixdownError.excerpt(text))' (one of \(T.allCases.map(\.rawValue).joined(separator: ", ")))", path: name)
            }
            return value
        }
        // endFormat may be repeated or comma-separated; the default is a WAV master.
        let formatNames = query.getAll("endFormat").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        var unique = [String]()
        for f in formatNames.isEmpty ? ["wav"] : formatNames where !unique.contains(f) {
            guard EndFormat.preset(named: f) != nil else {
                throw APIError(.unprocessableContent, "invalidParameter",
                               "unknown value '\(MixdownError.excerpt(f))' (one of \(EndFormat.names))", path: "endFormat")
            }
            unique.append(f)
        }
        let job = MasterJob(media: "", preset: try one(of: MasterRequest.Preset.self, "preset", try single("preset") ?? "streaming").rawValue,
                            reference: try single("reference"),
                            loudnessPreset: try single("loudnessPreset").map { try one(of: LoudnessPreset.self, "loudnessPreset", $0).rawValue },
                            targetLufs: try number("targetLufs"), truePeak: try number("truePeak"), endFormat: unique,
                            cleanup: try single("cleanup").flatMap { text in
                                do { return try CleanupSettings.parse(text, name: "cleanup") } catch let error as MixdownError {
                                    throw APIError(.unprocessableContent, "invalidParameter", error.reason, path: error.keyPath ?? "cleanup")
                                }
                            })
        do {
            _ = try job.engineRequest(input: "mix", reference: job.reference, output: "out/").checkSettings()
        } catch let error as MixdownError {
            throw APIError(.unprocessableContent, "invalidParameter", error.reason, path: error.keyPath)
        }
        return job
    }

    /// The engine's request for these settings (values were checked when the job was made).
    func engineRequest(input: String, reference: String?, output: String) -> MasterRequest {
        var request = MasterRequest(input: input, output: output, endFormats: endFormat.compactMap(EndFormat.preset(named:)), pool: .serial)
        request.preset = MasterRequest.Preset(rawValue: preset) ?? .streaming
        request.reference = reference
        request.loudnessPreset = loudnessPreset.flatMap(LoudnessPreset.init(rawValue:))
        request.targetLufs = targetLufs
        request.truePeak = truePeak
        request.cleanup = cleanup
        return request
    }

    /// The engine's request for this job, reading the key's media as `localFile` gives it.
    func request(folder: String, lookup: (String) async throws -> MediaRecord?, localFile: (MediaRecord) async throws -> String) async throws -> MasterRequest {
        func path(_ id: String, _ setting: String) async throws -> String {
            guard let record = try await lookup(id) else {
                throw APIError(.unprocessableContent, "unknownMedia", "no media with id '\(MixdownError.excerpt(id))' for this key", path: setting)
            }
            return try await localFile(record)
        }
        let referencePath: String? = if let reference { try await path(reference, "reference") } else { nil }
        var request = engineRequest(input: try await path(media, "media"), reference: referencePath, output: folder + "/audio")
        request.analyse = true
        return request
    }
}

extension MixdownService {
    /// Renders a master job into `folder`; returns its report and outputs.
    func master(_ settings: MasterJob, job: JobRecord, folder: String, control: RenderControl) async throws -> (report: String, outputs: [EncodedOutput]) {
        let store = store
        var request = try await settings.request(folder: folder, lookup: { try await store.media(id: $0, key: job.key) },
                                                 localFile: { try await self.localMedia($0) })
        request.pool = pool
        request.control = control
        request.temporaryDirectory = configuration.temporaryDirectory
        request.reportPagePath = folder + "/" + Self.reportPage
        request.reportPagePlayer = Self.servedPlayer
        let ready = request
        let result = try await Self.onThread { try Mastering.master(ready) }
        return (String(decoding: try result.report!.json(), as: UTF8.self), result.outputs)
    }
}
