import Foundation
import MixdownCore
import MixdownIO

/// What a job writes beside its audio, into the same transaction (so they appear with the
/// audio or not at all): the report as JSON (`--report`) and the visual report page
/// (`--report-html`). One place for `render` and `master`.
public struct Sidecars: Sendable {
    public var reportPath: String?
    public var pagePath: String?
    /// The page's player link for an output (nil: the file's path relative to the page; a
    /// service serves the page and the outputs under its own URLs).
    public var player: (@Sendable (EncodedOutput) -> String)?

    public init(reportPath: String? = nil, pagePath: String? = nil, player: (@Sendable (EncodedOutput) -> String)? = nil) {
        (self.reportPath, self.pagePath, self.player) = (reportPath, pagePath, player)
    }

    /// The files this writes, for the checks made before any work.
    public var paths: [String] { [reportPath, pagePath].compactMap { $0 } }

    /// Writes the report (as `json`) and the page (made by `page`, given the player link to
    /// the first output) into `transaction`.
    public func write(json: () throws -> Data, page: (_ player: String?) throws -> String, outputs: [EncodedOutput],
                      in transaction: OutputTransaction) throws {
        if let reportPath {
            try json().write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: reportPath)))
        }
        if let pagePath {
            let link = outputs.first.map { player?($0) ?? ReportPage.relativePath(to: $0.path, from: pagePath) }
            try Data(try page(link).utf8).write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: pagePath)))
        }
    }
}
