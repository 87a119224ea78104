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

    var body: [String: [String: String]] {
        var object = ["code": code, "message": message]
        if let path { object["path"] = path }
        return ["error": object]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONText.encode(body))))
    }
}

/// JSON for responses and the store: sorted keys, no escaped slashes.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? [UInt8](encoder.encode(value))) ?? Array(#"{"error":{"code":"internalError","message":"cannot encode"}}"#.utf8)
    }

    static func string<T: Encodable>(_ value: T) -> String { String(decoding: encode(value), as: UTF8.self) }

    /// `object` as JSON (JSONSerialization: for values assembled from stored JSON).
    static func serialize(_ object: Any) -> [UInt8] {
        (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? Array("{}".utf8)
    }

    static func parse(_ text: String?) -> Any? {
        guard let text, let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}

extension Response {
    /// A JSON body with its status.
    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
