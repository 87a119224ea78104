/// Delivery metadata (title, artist ...). All optional; empty strings are treated as absent.
public struct Metadata: Sendable, Equatable, Codable {
    public var title, artist, album, albumArtist, genre, year, track, comment, copyright, publisher, language, url, isrc: String?
    public var cover: CoverImage?
    public init() {}

    /// The production's keys for the text tags, in the order docs/metadata.md lists them.
    public static let keys = ["title", "artist", "album", "albumArtist", "genre", "year", "track", "comment", "copyright",
                              "publisher", "language", "url", "isrc"]
    static func path(_ key: String) -> WritableKeyPath<Metadata, String?>? {
        switch key {
        case "title": \.title
        case "artist": \.artist
        case "album": \.album
        case "albumArtist": \.albumArtist
        case "genre": \.genre
        case "year": \.year
        case "track": \.track
        case "comment": \.comment
        case "copyright": \.copyright
        case "publisher": \.publisher
        case "language": \.language
        case "url": \.url
        case "isrc": \.isrc
        default: nil
        }
    }
    /// A text tag by its production key.
    public subscript(key: String) -> String? {
        get { Metadata.path(key).flatMap { self[keyPath: $0] } }
        set { if let path = Metadata.path(key) { self[keyPath: path] = newValue } }
    }
    /// No tag and no cover: nothing to write.
    public var isEmpty: Bool { cover == nil && Metadata.keys.allSatisfy { self[$0] == nil } }
}

/// A cover picture, checked by its bytes.
public struct CoverImage: Sendable, Equatable, Codable {
    public var bytes: [UInt8]
    public var mimeType: String      // "image/jpeg" or "image/png"
    public var width: Int, height: Int, depth: Int   // depth: bits per pixel (24 for RGB JPEG, PNG: bitDepth*channels)

    // Spelled out because a struct's memberwise init is internal: once this type
    // lives in the core module, MixdownIO (CoverImage.load) could not build one.
    public init(bytes: [UInt8], mimeType: String, width: Int, height: Int, depth: Int) {
        self.bytes = bytes
        self.mimeType = mimeType
        self.width = width
        self.height = height
        self.depth = depth
    }
}

/// A chapter: a section's name and its exact start/end in samples at `sampleRate`.
public struct Chapter: Sendable, Equatable, Codable {
    public var title: String
    public var start: Int, end: Int

    // Public for the same reason as CoverImage's: other modules must be able to make one.
    public init(title: String, start: Int, end: Int) {
        self.title = title
        self.start = start
        self.end = end
    }
}

/// What a render's files carry besides the audio: the tags, and one chapter per section at
/// the programme's own rate (each format gets them at its own).
public struct Tagging: Sendable, Equatable {
    public var metadata: Metadata
    /// The sections' chapters in samples at `rate`.
    public var chapters: [Chapter]
    public var rate: Int
    /// Chapters in every format that holds them; otherwise only in audiobooks (m4b).
    public var chaptersEverywhere: Bool

    public init(metadata: Metadata, chapters: [Chapter] = [], rate: Int = 48_000, chaptersEverywhere: Bool = false) {
        (self.metadata, self.chapters, self.rate, self.chaptersEverywhere) = (metadata, chapters, rate, chaptersEverywhere)
    }

    /// The chapters a file of `format` carries, at its rate.
    public func chapters(for format: EndFormat) -> [Chapter] {
        guard chaptersEverywhere || format.isAudiobook else { return [] }
        return chapters.map {
            Chapter(title: $0.title, start: SampleTime.rescale($0.start, from: rate, to: format.sampleRate),
                    end: SampleTime.rescale($0.end, from: rate, to: format.sampleRate))
        }
    }
}
