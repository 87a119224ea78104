import Foundation
import MixdownStorage
import Testing

/// The storage layer alone: SigV4 against AWS's published examples, the `--storage` address,
/// and the local folder's behaviour the service relies on.
@Suite struct StorageTests {
    /// AWS's example credentials, as in the S3 API reference ("Signature Calculations for the
    /// Authorization Header: Transferring Payload in a Single Chunk").
    let signer = SigV4(credentials: .init(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), region: "us-east-1")
    let example = Date(timeIntervalSince1970: 1_369_353_600)   // 2013-05-24T00:00:00Z

    func authorization(_ headers: [(String, String)]) -> String? { headers.first { $0.0 == "Authorization" }?.1 }

    @Test func getObjectMatchesAWSsExample() {
        #expect(SigV4.stamps(example) == ("20130524T000000Z", "20130524"))
        let headers = signer.sign(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [],
                                  headers: [("Range", "bytes=0-9")], payloadHash: SigV4.sha256Hex([UInt8]()), date: example)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectMatchesAWSsExample() {
        // A key with `$` in it (percent-encoded in the canonical path) and a signed body.
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SigV4.sha256Hex(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = signer.sign(method: "PUT", host: "examplebucket.s3.amazonaws.com", path: "/" + SigV4.encode("test$file.text", keepSlash: true),
                                  query: [], headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                                  payloadHash: hash, date: example)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func listObjectsMatchesAWSsExample() {
        // Query parameters sorted and encoded, an empty body.
        let headers = signer.sign(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/", query: [("max-keys", "2"), ("prefix", "J")],
                                  headers: [], payloadHash: SigV4.sha256Hex([UInt8]()), date: example)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func aSessionTokenIsSigned() {
        var withToken = signer
        withToken.credentials.sessionToken = "token"
        let headers = withToken.sign(method: "GET", host: "h", path: "/", query: [], headers: [], payloadHash: SigV4.unsignedPayload, date: example)
        #expect(headers.contains { $0 == ("x-amz-security-token", "token") })
        #expect(authorization(headers)?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
    }

    @Test func storageAddresses() throws {
        #expect(try StorageAddress.s3("s3://media-bucket").bucket == "media-bucket")
        let nested = try StorageAddress.s3("s3://media.bucket/prod/mixdown/")
        #expect(nested.bucket == "media.bucket" && nested.prefix == "prod/mixdown")
        for bad in ["media-bucket", "s3://", "s3://Upper", "s3://ab", "http://bucket", "s3://-bucket"] {
            #expect(throws: StorageError.self, "\(bad)") { try StorageAddress.s3(bad) }
        }
        #expect(throws: StorageError.self) { try SigV4.Credentials.environment(["AWS_ACCESS_KEY_ID": "a"]) }
        #expect(try SigV4.Credentials.environment(["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": ""]).sessionToken == nil)
    }

    @Test func theLocalFolderStoresListsCopiesAndDeletes() async throws {
        let root = NSTemporaryDirectory() + "mixdown-storage-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let storage = LocalStorage(folder: root)
        let work = root + "/work"
        try FileManager.default.createDirectory(atPath: work + "/stems", withIntermediateDirectories: true)
        try Data("abcdefghij".utf8).write(to: URL(fileURLWithPath: work + "/audio.mp3"))
        try Data("mix".utf8).write(to: URL(fileURLWithPath: work + "/stems/mix.wav"))
        try await storage.put(folder: work, prefix: "jobs/a/1", consume: true)
        #expect(!FileManager.default.fileExists(atPath: work))
        #expect(try await storage.list(prefix: "jobs/a/").map(\.key) == ["jobs/a/1/audio.mp3", "jobs/a/1/stems/mix.wav"])
        #expect(try await storage.size("jobs/a/1/audio.mp3") == 10)
        #expect(try await storage.size("jobs/a/1/none") == nil)
        var read = [UInt8]()
        for try await chunk in try #require(try await storage.read("jobs/a/1/audio.mp3", range: 2...4)).chunks { read += Array(chunk.readableBytesView) }
        #expect(String(decoding: read, as: UTF8.self) == "cde")
        try await storage.copy(prefix: "jobs/a/1/", to: "jobs/b/0/")
        try await storage.delete(prefix: "jobs/a/")
        #expect(try await storage.list(prefix: "jobs/a/").isEmpty)
        #expect(try await storage.bytes("jobs/b/0/stems/mix.wav") == Array("mix".utf8))
    }
}
