import Hummingbird
import NIOCore

/// Mixdown Studio (docs/studio.md): the web app at `/studio/`, and `/` sending a browser there.
/// Its files are compiled into the binary (`Studio/`, embedded by SwiftPM), so an installed
/// `mixdown` serves them from anywhere and no build step runs in a user's hands. Anyone may
/// load the page; everything it does goes through the API with the key the user signs in with.
struct StudioController {
    /// The studio's files by name (each also listed in Package.swift's resources).
    static let files: [String: [UInt8]] = [
        "index.html": PackageResources.index_html, "studio.css": PackageResources.studio_css, "favicon.svg": PackageResources.favicon_svg,
        "studio.js": PackageResources.studio_js, "api.js": PackageResources.api_js, "dom.js": PackageResources.dom_js,
        "highlight.js": PackageResources.highlight_js, "csv.js": PackageResources.csv_js, "write.js": PackageResources.write_js,
        "master.js": PackageResources.master_js, "batch.js": PackageResources.batch_js, "jobs.js": PackageResources.jobs_js,
    ]

    /// A file's type by its extension.
    static func type(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// Only this server's own files run or load (`default-src 'self'`); audio fetched with the
    /// key plays from blob URLs (an audio element cannot send the key itself); the page may not
    /// be framed by another site.
    static let policy = "default-src 'self'; media-src 'self' blob:; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func addRoutes(to group: RouterGroup<ServiceContext>) {
        group.get("/") { _, _ in Self.redirect() }
        group.get("studio") { request, _ in
            // The page's files are linked relative to it, so it must be read as a folder.
            request.uri.path.hasSuffix("/") ? Self.file("index.html") : Self.redirect()
        }
        group.get("studio/:file") { _, context in
            Self.file(try context.parameters.require("file"))
        }
    }

    static func redirect() -> Response {
        Response(status: .found, headers: [.location: "/studio/", .contentLength: "0"])
    }

    static func file(_ name: String) -> Response {
        guard let bytes = files[name] else {
            return Response.json(.notFound, ["error": ErrorObject(code: "notFound", message: "the studio has no file '\(name.prefix(60))'", path: nil)])
        }
        return Response(status: .ok, headers: [
            .contentType: type(of: name), .contentLength: String(bytes.count), .contentSecurityPolicy: policy,
            .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
            // The files change with the binary: always asked again (cheap; they are small).
            .cacheControl: "no-cache",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
