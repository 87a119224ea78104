import Foundation
import Hummingbird
import MixdownCatalog
import MixdownCore
import MixdownTemplates
import MixdownStorage

/// Sound templates (docs/service.md, docs/templates.md): `GET /v1/templates` lists the server's
/// and the key's own (searchable by `mood`, `genre`, `instrument`); `POST /v1/templates?name=N`
/// adds one of the key's own from a zip of its folder; `DELETE /v1/templates/{name}` removes
/// one of them. A key's templates are seen and used by that key only.
struct TemplatesController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("templates", use: list)
        group.post("templates", use: add)
        group.delete("templates/:name", use: remove)
    }

    @Sendable func list(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let known = ["mood", "genre", "instrument"]
        for (name, _) in request.uri.queryParameters where !known.contains(String(name)) {
            throw APIError(.unprocessableContent, "invalidParameter", "unknown query parameter (known: \(known.joined(separator: ", ")))",
                           path: MixdownError.excerpt(name))
        }
        let query = request.uri.queryParameters
        let filter = Catalog.TemplateFilter(mood: query.getAll("mood").map { String($0) }, genre: query.getAll("genre").map { String($0) },
                                            instrument: query.getAll("instrument").map { String($0) })
        try await service.syncKeyLibrary(context.key.name)
        let own = try Catalog.templates(libraries: [service.keyLibrary(context.key.name)], cache: service.templates, withPaths: false, scope: "key")
        let server = try Catalog.templates(libraries: service.configuration.templateLibraries, cache: service.templates, withPaths: false, scope: "server")
        // The key's own first; a server template of the same name (one added after the key's)
        // is not what this key's productions get, so it is not listed for it.
        let all = own + server.filter { s in !own.contains { $0.name == s.name } }
        return Response.json(.ok, bytes: JSONText.encode(all.filter(filter.matches)))
    }

    @Sendable func add(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where !["name", "replace"].contains(String(name)) {
            throw APIError(.unprocessableContent, "invalidParameter", "unknown query parameter (known: name, replace)", path: MixdownError.excerpt(name))
        }
        guard let name = request.uri.queryParameters.get("name") else {
            throw APIError(.unprocessableContent, "invalidParameter", "name the template: POST /v1/templates?name=NAME", path: "name")
        }
        do { try TemplateInstaller.checkName(name) } catch let e as MixdownError {
            throw APIError(.unprocessableContent, "invalidParameter", e.reason, path: "name")
        }
        let replace = try MixdownService.flag(request, "replace")
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/zip") || type.hasPrefix("application/x-zip-compressed") || type.hasPrefix("application/octet-stream") else {
            throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the template folder zipped, with Content-Type application/zip")
        }
        // A key's template never takes a server template's name: a production naming it would
        // otherwise mean different music for different keys without anyone seeing why.
        if service.templateFolders.contains(where: { $0.name == name }) {
            throw APIError(.conflict, "nameTaken", "'\(name)' is one of the server's templates; choose another name", path: "name")
        }
        try await service.syncKeyLibrary(context.key.name)
        let library = service.keyLibrary(context.key.name)
        if !replace, TemplateInstaller.exists(name, in: library) {
            throw APIError(.conflict, "nameTaken", "this key already has a template '\(name)' (replace it with ?replace=true, or choose another name)", path: "name")
        }
        let body = try await MixdownService.body(request, upTo: TemplateLimits.maximumArchiveBytes)
        guard body.readableBytes > 0 else { throw APIError(.unprocessableContent, "invalidTemplate", "the body is empty: send the template folder zipped") }
        let archive = [UInt8](body.readableBytesView)
        let pool = service.pool
        // With S3 storage the template is unpacked and checked in a folder of its own, then
        // published; this process's copy of the library follows the bucket.
        let local = service.storage is LocalStorage
        let installInto = local ? library : service.configuration.dataDirectory + "/tmp/template-" + UUID().uuidString.lowercased()
        defer { if !local { try? FileManager.default.removeItem(atPath: installInto) } }
        let passed: TemplateValidation.Passed
        do {
            passed = try await MixdownService.onThread {
                try TemplateInstaller.install(archive: archive, into: installInto, name: name, replace: replace || !local, pool: pool)
            }
        } catch let e as MixdownError where e.kind == .badInput {
            // A clash that appeared while this request unpacked: as above.
            if e.keyPath == "name" { throw APIError(.conflict, "nameTaken", e.reason, path: "name") }
            throw APIError(.unprocessableContent, e.code.rawValue, e.reason, path: e.keyPath ?? e.location?.description)
        }
        if !local {
            let prefix = service.keyLibraryKey(context.key.name) + "/" + name
            do {
                try await service.storage.delete(prefix: prefix + "/")
                try await service.storage.put(folder: installInto + "/" + name, prefix: prefix, consume: true)
            } catch let error as StorageError {
                throw APIError(.serviceUnavailable, "storageError", "the template cannot be stored: \(error.description)")
            }
            try await service.syncKeyLibrary(context.key.name)
        }
        let listed = try Catalog.templates(libraries: [library], cache: service.templates, withPaths: false, scope: "key").first { $0.name == name }
        return Response.json(.created, TemplateAdded(template: listed, warnings: passed.warnings))
    }

    @Sendable func remove(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("name")
        try await service.syncKeyLibrary(context.key.name)
        let removed = (try? TemplateInstaller.remove(name, from: service.keyLibrary(context.key.name))) ?? false
        if removed, (try? TemplateInstaller.checkName(name)) != nil {
            try? await service.storage.delete(prefix: service.keyLibraryKey(context.key.name) + "/" + name + "/")
        }
        guard removed else {
            throw APIError(.notFound, "notFound", "this key has no template '\(MixdownError.excerpt(name))' (the server's own templates cannot be removed)")
        }
        return Response(status: .noContent)
    }
}

/// `POST /v1/templates`'s answer: the template as listed, and the checks' warnings.
struct TemplateAdded: Encodable {
    var template: Catalog.Template?
    var warnings: [String]
}
