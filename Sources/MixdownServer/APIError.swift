import Foundation
import Hummingbird
import MixdownCore

/// Every error the API answers: `{"error": {"code", "message", "path"}}` with its status.
/// `path` is the key path into the body (or file:line:col in its script) when there is one.
public struct APIError: Error, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var path: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, path: String? = nil, headers: HTTPFields = [:]) {
        (self.status, self.code, self.message, self.path, self.headers) = (status, code, message, path, headers)
    }

    /// A render's or a check's error: bad input is 422 (400 when the body is not JSON at all).
    public init(_ error: MixdownError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .badInput, .usage: error.code == .invalidJSON ? .badRequest : .unprocessableContent
        case .cancelled: .conflict
        default: .internalServerError
        }
        self.init(status, error.code.rawValue, error.reason, path: error.path)
    }

    public static func notFound(_ what: String) -> APIError { APIError(.notFound, "notFound", "no \(what) with this id") }

    /// The error object, as answered and as a failed job keeps it.
    var object: ErrorObject { ErrorObject(code: code, message: message, path: path) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(status, ["error": object], headers: headers)
    }
}

/// `{"code", "message", "path"}`: an answered error's body inside `{"error": …}`, and a failed
/// job's `error` (`path` left out when there is none).
struct ErrorObject: Codable, Sendable, Equatable {
    var code: String
    var message: String
    var path: String?

    init(code: String, message: String, path: String?) { (self.code, self.message, self.path) = (code, message, path) }

    init(_ error: MixdownError) { self.init(code: error.code.rawValue, message: error.reason, path: error.path) }
}

/// JSON for responses and the store, in the one configuration everything Mixdown writes uses
/// (`JSONOutput`: sorted keys, no escaped slashes), compact.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        (try? [UInt8](JSONOutput.encode(value))) ?? Array(#"{"error":{"code":"internalError","message":"cannot encode"}}"#.utf8)
    }

    static func string<T: Encodable>(_ value: T) -> String { String(decoding: encode(value), as: UTF8.self) }

    /// Stored JSON text back to a value (nil: absent, or not of that shape).
    static func decode<T: Decodable>(_ type: T.Type, from text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// `object` as JSON, for the values `Catalog` assembles (JSONSerialization: sorted keys).
    static func serialize(_ object: Any) -> [UInt8] {
        (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? Array("{}".utf8)
    }
}

extension Response {
    /// A JSON body with its status.
    static func json(_ status: HTTPResponse.Status, bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `body` encoded as JSON (`JSONText`), with its status.
    static func json(_ status: HTTPResponse.Status, _ body: some Encodable, headers: HTTPFields = [:]) -> Response {
        json(status, bytes: JSONText.encode(body), headers: headers)
    }
}
