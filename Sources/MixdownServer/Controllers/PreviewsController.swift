import Foundation
import Hummingbird
import MixdownCatalog
import MixdownCore
import MixdownRender
#if canImport(Glibc)
import Glibc
#endif

/// Hearing before choosing (docs/service.md): `GET /v1/templates/{name}/preview` plays a
/// template's bed for 12 s, `GET /v1/voices/{id}/preview` a voice saying a sentence in its
/// language. Each is a real render (the same engines, mix and mastering as a production's),
/// made once and kept under the data folder's `previews/`, keyed by what it was made from
/// (the template's files, the voice, the engine version): a changed template or a new version
/// makes a new one. MP3 (mp3_medium), with Range requests.
struct PreviewsController {
    let service: MixdownService

    /// How long a template preview plays.
    static let templateSeconds = 12

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("templates/:name/preview", use: template)
        group.get("voices/:id/preview", use: voice)
    }

    @Sendable func template(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("name")
        // The key's own first, as its productions get it.
        try await service.syncKeyLibrary(context.key.name)
        let own = Catalog.templateFolders(libraries: [service.keyLibrary(context.key.name)])
        let server = service.templateFolders
        guard let folder = own.first(where: { $0.name == name }) ?? server.first(where: { $0.name == name }) else {
            let names = own.map(\.name) + server.map(\.name)
            throw APIError(.notFound, "notFound", "no template '\(MixdownError.excerpt(name))'\(Suggestion.hint(for: name, in: names)) (GET /v1/templates lists them)")
        }
        let scope = own.contains(where: { $0.name == name }) ? "key-" + String(SHA256.hex(context.key.name).prefix(16)) : "server"
        let fingerprint = Self.fingerprint(folder: folder.path)
        // The bed under a pause as long as the preview: no speech, the template's default
        // segment and its ending, mastered like any production.
        let production = #"{"scriptText": "<break time=\"\#(Self.templateSeconds)s\"/>", "soundTemplate": \#(JSONText.string(name)), "forceLength": \#(Self.templateSeconds), "endFormat": "mp3_medium"}"#
        return try await preview("templates/\(scope)/\(Self.safe(name))-\(fingerprint).mp3", production: production,
                                 key: context.key.name, request: request, context: context)
    }

    @Sendable func voice(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let voices = try Catalog.voices(library: service.configuration.voices)
        guard let voice = voices.first(where: { $0.id == id }) else {
            throw APIError(.notFound, "notFound", "no voice '\(MixdownError.excerpt(id))'\(Suggestion.hint(for: id, in: voices.map(\.id))) (GET /v1/voices lists them)")
        }
        let text = Self.sentence(for: voice.languages.first ?? "en")
        let production = #"{"scriptText": \#(JSONText.string(text)), "voice": \#(JSONText.string(id)), "endFormat": "mp3_medium"}"#
        let fingerprint = String(SHA256.hex("\(id)\n\(text)\n\(Pipeline.version)").prefix(16))
        return try await preview("voices/\(Self.safe(id))-\(fingerprint).mp3", production: production,
                                 key: context.key.name, request: request, context: context)
    }

    /// The preview at `relative` under `previews/`, rendered from `production` first when it is
    /// not there. Two requests at once may both render; each writes its own folder and the
    /// rename is atomic, so a reader never sees half a file.
    func preview(_ relative: String, production: String, key: String, request: Request, context: AuthenticatedContext) async throws -> Response {
        let path = service.configuration.dataDirectory + "/previews/" + relative
        if !FileManager.default.fileExists(atPath: path) {
            let admitted = try await service.gate(for: key).admit(try JSONParser.parse(production, file: "preview"), file: "preview")
            let folder = service.configuration.dataDirectory + "/tmp/preview-" + UUID().uuidString.lowercased()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var render = service.renderRequest(admitted.production, variables: [:], folder: folder)
            render.reportPagePath = nil
            let ready = render
            let report = try await MixdownService.onThread { try Pipeline.render(ready) }
            guard let output = report.outputs.first else { throw APIError(.internalServerError, "internalError", "the preview rendered no file") }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard rename(output.path, path) == 0 else {
                throw APIError(.internalServerError, "internalError", "cannot keep the preview (\(String(cString: strerror(errno))))")
            }
            Self.prune(beside: path)
        }
        return try await OutputsController.file(path, type: "audio/mpeg", request: request, context: context, missing: "the preview is gone")
    }

    /// Removes the previews of the same template or voice made from what it was before (a
    /// changed template, another engine version): `NAME-FINGERPRINT.mp3` with another
    /// fingerprint. A request still reading one keeps its open file.
    static func prune(beside path: String) {
        let folder = (path as NSString).deletingLastPathComponent, kept = (path as NSString).lastPathComponent
        guard let dash = kept.lastIndex(of: "-") else { return }
        let stem = kept[...dash]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name != kept && name.hasPrefix(stem) && name.hasSuffix(".mp3") && name.dropFirst(stem.count).count == kept.dropFirst(stem.count).count
            && name.dropFirst(stem.count).dropLast(4).allSatisfy(\.isHexDigit) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// What a template's preview is made from: each file's name, size and modification time.
    static func fingerprint(folder: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let listing = names.map { name -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            let size = (attributes?[.size] as? Int) ?? 0
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name) \(size) \(modified)"
        }
        return String(SHA256.hex(listing.joined(separator: "\n") + "\n" + Pipeline.version).prefix(16))
    }

    /// A name as a file name: letters, digits, `.`, `_` and `-`; anything else becomes `_`.
    static func safe(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.prefix(64).map {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) ? $0 : "_"
        }))
    }

    /// A sentence in the voice's language (its first), English where none is written here.
    static func sentence(for language: String) -> String {
        let primary = language.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? "en"
        switch primary {
        case "de": return "Hallo, das ist eine Hörprobe dieser Stimme. Frühling im Laden: zwanzig Prozent auf alles, nur bis Sonntag."
        case "fr": return "Bonjour, voici un extrait de cette voix. Le printemps est là : vingt pour cent sur tout, jusqu'à dimanche."
        case "es": return "Hola, esta es una muestra de esta voz. Llega la primavera: veinte por ciento en todo, solo hasta el domingo."
        case "it": return "Ciao, questo è un esempio di questa voce. È primavera: venti per cento su tutto, solo fino a domenica."
        case "nl": return "Hallo, dit is een voorbeeld van deze stem. Het is lente: twintig procent op alles, alleen tot zondag."
        case "pt": return "Olá, esta é uma amostra desta voz. Chegou a primavera: vinte por cento em tudo, só até domingo."
        case "ja": return "こんにちは。これはこの声のサンプルです。春のセール、日曜日まで全品二割引きです。"
        default: return "Hello, this is a sample of this voice. Spring is here: twenty percent off everything, until Sunday only."
        }
    }
}
