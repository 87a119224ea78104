import Foundation
import MixdownSpeech
import MixdownTemplates

/// What `mixdown templates` / `voices` and the API's `/v1/templates` / `/v1/voices` list.
public enum Catalog {
    /// Template folders by name in `libraries`, in order; the first of a name wins.
    public static func templateFolders(libraries: [String]) -> [(name: String, path: String)] {
        var found = [(name: String, path: String)]()
        for library in libraries {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).sorted() {
                let dir = "\(library)/\(entry)"
                guard FileManager.default.fileExists(atPath: dir + "/template.json"), !found.contains(where: { $0.name == entry }) else { continue }
                found.append((entry, dir))
            }
        }
        return found
    }

    /// `{"name", "segments", "effects"}` per template (and `"path"` when asked).
    public static func templates(libraries: [String], cache: TemplateCache = TemplateCache(), withPaths: Bool) throws -> [[String: Any]] {
        try templateFolders(libraries: libraries).map { folder in
            let t = try cache.load(directory: folder.path)
            var object: [String: Any] = ["name": folder.name, "segments": t.segmentNames, "effects": t.effectNames]
            if withPaths { object["path"] = folder.path }
            return object
        }
    }

    /// `{"name", "identifier", "languages", "gender", "engine"}` per voice of the in-process engine.
    public static func voices() throws -> [[String: Any]] {
        try EspeakEngine.shared.voices().sorted { ($0.languages.first ?? $0.name) < ($1.languages.first ?? $1.name) }.map { v in
            ["name": v.name, "identifier": v.identifier, "languages": v.languages, "gender": v.gender ?? NSNull(), "engine": "espeak-ng"]
        }
    }
}
