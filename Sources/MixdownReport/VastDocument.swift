import Foundation
import MixdownCore
import MixdownIO
import MixdownScript

/// A VAST 4.2 InLine Linear ad for a render's outputs (docs/vast.md): the programme's exact
/// duration, one MediaFile per delivered file. Audio ads have no picture, so width and height
/// (required by the schema) are 0. The document is a pure function of what it is given: the
/// CLI writes it beside the outputs, the service builds it per request with its own URLs.
public enum VastDocument {
    /// One delivered file: its format's name, its file's name (the extension gives its type
    /// and codec), its size and where a player fetches it.
    public struct Media: Sendable {
        public var name: String, file: String, bytes: Int, url: String
        public init(name: String, file: String, bytes: Int, url: String) { (self.name, self.file, self.bytes, self.url) = (name, file, bytes, url) }
        public init(_ output: EncodedOutput, url: String) { self.init(name: output.endFormat.name, file: output.path, bytes: output.bytes, url: url) }
    }

    /// `hh:mm:ss.mmm`, the milliseconds rounded to nearest (VAST's finest unit).
    public static func duration(samples: Int, sampleRate: Int) -> String {
        let ms = (samples * 2_000 + sampleRate) / (2 * sampleRate)
        return String(format: "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1_000 % 60, ms % 1_000)
    }

    /// The document. `id` names the ad (a job id, a file stem); the serving id is derived from
    /// the files, so the same render gives the same document.
    public static func xml(_ vast: VastRequest, id: String, totalSamples: Int, sampleRate: Int, media: [Media], version: String) -> String {
        let servingId = SHA256.hex(media.map { "\($0.name) \($0.bytes)" }.joined(separator: "\n") + "\n\(totalSamples)")
        let seconds = Double(totalSamples) / Double(sampleRate)
        let indent = String(repeating: " ", count: 28)
        var files = ""
        for m in media {
            let ext = URL(fileURLWithPath: m.file).pathExtension
            let kbps = seconds > 0 ? Int((Double(m.bytes) * 8 / seconds / 1_000).rounded()) : 0
            let codec = codecName(forExtension: ext).map { " codec=\"\($0)\"" } ?? ""
            files += indent + "<MediaFile id=\"\(escape(m.name))\" delivery=\"progressive\" type=\"\(EndFormat.mimeType(forExtension: ext))\""
                + " width=\"0\" height=\"0\" bitrate=\"\(kbps)\"\(codec)><![CDATA[\(cdata(m.url))]]></MediaFile>\n"
        }
        let click = vast.clickThrough.map {
            "\(indent.dropLast(4))<VideoClicks>\n\(indent)<ClickThrough id=\"mixdown\"><![CDATA[\(cdata($0))]]></ClickThrough>\n\(indent.dropLast(4))</VideoClicks>\n"
        } ?? ""
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <VAST version="4.2" xmlns="http://www.iab.com/VAST">
            <Ad id="\(escape(id))" adType="audio">
                <InLine>
                    <AdSystem version="\(escape(version))">Mixdown</AdSystem>
                    <Impression id="mixdown"><![CDATA[]]></Impression>
                    <AdServingId>\(servingId.prefix(32))</AdServingId>
                    <AdTitle>\(escape(vast.adTitle))</AdTitle>
                    <Creatives>
                        <Creative id="\(escape(id))-audio" sequence="1">
                            <UniversalAdId idRegistry="unknown">unknown</UniversalAdId>
                            <Linear>
                                <Duration>\(duration(samples: totalSamples, sampleRate: sampleRate))</Duration>
                                <MediaFiles>
        \(files)                        </MediaFiles>
        \(click)                    </Linear>
                        </Creative>
                    </Creatives>
                </InLine>
            </Ad>
        </VAST>

        """
    }

    /// RFC 6381 codec names where a player can use them (each extension has one codec here).
    static func codecName(forExtension ext: String) -> String? {
        switch ext {
        case "m4a", "m4b": return "mp4a.40.2"
        case "mp3": return "mp3"
        case "opus": return "opus"
        case "ogg": return "vorbis"
        case "flac": return "flac"
        default: return nil
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    /// A CDATA section cannot hold "]]>": split it across two sections.
    static func cdata(_ s: String) -> String { s.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") }

    /// A MediaFile's URL for a file: `base` followed by the file's name (percent-encoded), or
    /// the name alone (relative to the document) without a base.
    public static func url(base: String?, file: String) -> String {
        let name = URL(fileURLWithPath: file).lastPathComponent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        guard let base else { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}
