import Foundation
import MixdownCore
import MixdownScript

/// A production as the API takes it (docs/service.md): the same JSON as a production file, held
/// to what a client of a shared server may ask for. It cannot reach the server's files or run
/// programs:
///
/// - `scriptFile` is refused (send `scriptText`);
/// - `mediaFiles` entries are uploaded media ids, `{"media": "ID", "role": "speech"}` (and
///   `cleanup`), never paths;
/// - `soundTemplate` is the name of one of the server's templates or of the key's own
///   (`POST /v1/templates`), never a folder; a key's own is rewritten to its folder;
/// - `speechEngine` (at the top or in `sections`) is the name of an engine the operator
///   configured, never a command line;
/// - `cache`: `false` opts out of the result cache (`ResultCache`);
/// - `webhook`: `{"url": "https://…"}`, taken out of the production and kept with the job; a URL
///   into the server's own network is refused (`WebhookPolicy`).
///
/// The rewritten production (media ids replaced by the server's own paths, engine names by
/// their commands) goes through the same strict decoder as a production file.
struct ProductionGate {
    let media: (String) async throws -> MediaRecord?
    /// A local file with the upload's bytes (`MixdownService.localMedia`).
    let localFile: (MediaRecord) async throws -> String
    let dataDirectory: String
    let engines: [String: ExternalEngine]
    let templateNames: [String]
    /// The key's own templates by name → their folders (`MixdownService.keyLibrary`).
    var keyTemplates: [String: String] = [:]
    /// Where a webhook may go (nil: anywhere, for in-process uses that deliver none).
    var webhookPolicy: WebhookPolicy? = nil

    struct Admitted {
        var production: Production
        var webhook: String?
        /// `"cache": false` opts out of the result cache.
        var cache = true
    }

    func admit(_ root: JSONNode, file: String) async throws -> Admitted {
        guard case .object(let members) = root.value else {
            throw MixdownError(.badInput, "a production is a JSON object", code: .invalidProduction, location: root.location)
        }
        var out = [(key: String, value: JSONNode)]()
        var webhook: String?
        var cache = true
        for (key, value) in members {
            let field = JSONField(node: value, path: key)
            switch key {
            case "scriptFile":
                throw field.error("the API takes the script as scriptText; it cannot name a file on the server", code: .forbidden)
            case "webhook":
                let object = try field.object(allowed: ["url"])
                guard let url = object["url"] else { throw field.error("missing url") }
                let text = try url.nonEmptyString()
                guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil,
                      text.count <= 2_000 else {
                    throw url.error("must be an http:// or https:// URL")
                }
                if let policy = webhookPolicy, let refusal = try await MixdownService.onThread({ policy.check(text) }) {
                    throw url.error(refusal, code: .forbidden)
                }
                webhook = text
            case "cache":
                cache = try field.bool()
            case "mediaFiles":
                out.append((key, try await mediaFiles(field)))
            case "metadata":
                out.append((key, try await metadata(field)))
            case "soundTemplate":
                let name = try field.nonEmptyString()
                // The key's own first: a server template added later under the same name does
                // not change the music of this key's productions.
                if let folder = keyTemplates[name] {
                    out.append((key, JSONNode(value: .string(folder), location: value.location)))
                    continue
                }
                guard templateNames.contains(name) else {
                    let known = Set(templateNames).union(keyTemplates.keys).sorted()
                    throw field.error("no template '\(MixdownError.excerpt(name))' on this server (templates: \(known.joined(separator: ", ")))",
                                      code: name.contains("/") ? .forbidden : .unknownName)
                }
                out.append((key, value))
            case "lexicon":
                // Inline entries only: a PLS file would be a path on the server.
                let list: [JSONField] = (try? field.list()) ?? [field]
                if let file = list.first(where: { if case .string = $0.node.value { return true }; return false }) {
                    throw file.error("the API takes lexicon entries inline ({\"grapheme\": …, \"alias\" or \"phoneme\": …}); it cannot read a file on the server",
                                     code: .forbidden)
                }
                out.append((key, value))
            case "speechEngine":
                out.append((key, try engine(field)))
            case "sections":
                out.append((key, try sections(field)))
            default:
                out.append((key, value))
            }
        }
        let production = try ProductionDecoder.decode(JSONNode(value: .object(out), location: root.location), file: file, baseDirectory: dataDirectory)
        return Admitted(production: production, webhook: webhook, cache: cache)
    }

    /// `{"name": {"media": "ID", "role": "speech"}}` → the stored file's path.
    func mediaFiles(_ field: JSONField) async throws -> JSONNode {
        var entries = [(key: String, value: JSONNode)]()
        for (name, value) in try field.dictionary() {
            guard case .object(let keys) = value.node.value, !keys.contains(where: { $0.key == "path" }) else {
                throw value.error("upload the audio (POST /v1/media) and give {\"media\": \"ID\"}; the API takes no file paths", code: .forbidden)
            }
            let object = try value.object(allowed: ["media", "role", "cleanup"])
            guard let id = object["media"] else { throw value.error("missing media (the id POST /v1/media returned)") }
            let idText = try id.nonEmptyString()
            guard let record = try await media(idText) else { throw id.error("no media '\(MixdownError.excerpt(idText))' for this key", code: .unknownName) }
            guard record.sampleRate > 0 else { throw id.error("media '\(MixdownError.excerpt(idText))' is a picture, not audio") }
            var rewritten: [(key: String, value: JSONNode)] = [("path", JSONNode(value: .string(try await localFile(record)), location: id.node.location))]
            if let role = object["role"] { rewritten.append(("role", role.node)) }
            if let cleanup = object["cleanup"] { rewritten.append(("cleanup", cleanup.node)) }
            entries.append((name, JSONNode(value: .object(rewritten), location: value.node.location)))
        }
        return JSONNode(value: .object(entries), location: field.node.location)
    }

    /// `metadata.coverImage`: an uploaded picture's media id → the stored file's path.
    func metadata(_ field: JSONField) async throws -> JSONNode {
        guard case .object(let members) = field.node.value else { return field.node }
        var out = [(key: String, value: JSONNode)]()
        for (key, value) in members {
            guard key == "coverImage" else { out.append((key, value)); continue }
            let id = JSONField(node: value, path: "metadata.coverImage")
            let text = try id.nonEmptyString()
            guard let record = try await media(text) else {
                throw id.error("no media '\(MixdownError.excerpt(text))' for this key (upload the JPEG or PNG with POST /v1/media; the API takes no file paths)",
                               code: text.contains("/") ? .forbidden : .unknownName)
            }
            guard record.sampleRate == 0 else { throw id.error("media '\(MixdownError.excerpt(text))' is audio, not a JPEG or PNG picture") }
            out.append((key, JSONNode(value: .string(try await localFile(record)), location: value.location)))
        }
        return JSONNode(value: .object(out), location: field.node.location)
    }

    /// An engine's name → the command the operator configured for it.
    func engine(_ field: JSONField) throws -> JSONNode {
        guard case .string(let name) = field.node.value else {
            throw field.error("the API takes the name of a speech engine this server configured, not a command", code: .forbidden)
        }
        guard let engine = engines[name] else {
            let known = engines.keys.sorted()
            throw field.error("no speech engine '\(MixdownError.excerpt(name))' on this server" + (known.isEmpty ? " (it configures none)" : " (engines: \(known.joined(separator: ", ")))"),
                              code: .unknownName)
        }
        let at = field.node.location
        var members: [(key: String, value: JSONNode)] = [
            ("command", JSONNode(value: .array(engine.command.map { JSONNode(value: .string($0), location: at) }), location: at)),
            ("timeoutSeconds", JSONNode(value: .number(engine.timeoutSeconds), location: at)),
        ]
        if let stdin = engine.stdin { members.append(("stdin", JSONNode(value: .string(stdin), location: at))) }
        return JSONNode(value: .object(members), location: at)
    }

    func sections(_ field: JSONField) throws -> JSONNode {
        guard case .object(let members) = field.node.value else { return field.node }
        var out = [(key: String, value: JSONNode)]()
        for (name, section) in members {
            guard case .object(let keys) = section.value else { out.append((name, section)); continue }
            var rewritten = [(key: String, value: JSONNode)]()
            for (key, value) in keys {
                rewritten.append((key, key == "speechEngine" ? try engine(JSONField(node: value, path: "\(field.path).\(name).speechEngine")) : value))
            }
            out.append((name, JSONNode(value: .object(rewritten), location: section.location)))
        }
        return JSONNode(value: .object(out), location: field.node.location)
    }
}
