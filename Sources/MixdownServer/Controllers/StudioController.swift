import Hummingbird
import NIOCore

/// Mixdown Studio (docs/studio.md): the web app at `/studio/`, and `/` sending a browser there.
/// Its files are compiled into the binary (`Studio/`, embedded by SwiftPM), so an installed
/// `mixdown` serves them from anywhere and no build step runs in a user's hands. Anyone may
/// load the page; everything it does goes through the API with the key the user signs in with.
struct StudioController {
    /// The studio's files by name, with their types.
    static let files: [String: (type: String, bytes: [UInt8])] = [
        "index.html": ("text/html; charset=utf-8", PackageResources.index_html),
        "studio.css": ("text/css; charset=utf-8", PackageResources.studio_css),
        "studio.js": ("text/javascript; charset=utf-8", PackageResources.studio_js),
        "api.js": ("text/javascript; charset=utf-8", PackageResources.api_js),
        "dom.js": ("text/javascript; charset=utf-8", PackageResources.dom_js),
        "highlight.js": ("text/javascript; charset=utf-8", PackageResources.highlight_js),
        "csv.js": ("text/javascript; charset=utf-8", PackageResources.csv_js),
        "write.js": ("text/javascript; charset=utf-8", PackageResources.write_js),
        "master.js": ("text/javascript; charset=utf-8", PackageResources.master_js),
        "batch.js": ("text/javascript; charset=utf-8", PackageResources.batch_js),
        "jobs.js": ("text/javascript; charset=utf-8", PackageResources.jobs_js),
        "favicon.svg": ("image/svg+xml", PackageResources.favicon_svg),
    ]

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
        guard let file = files[name] else {
            return Response.json(.notFound, ["error": ErrorObject(code: "notFound", message: "the studio has no file '\(name.prefix(60))'", path: nil)])
        }
        return Response(status: .ok, headers: [
            .contentType: file.type, .contentLength: String(file.bytes.count), .contentSecurityPolicy: policy,
            .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
            // The files change with the binary: always asked again (cheap; they are small).
            .cacheControl: "no-cache",
        ], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
