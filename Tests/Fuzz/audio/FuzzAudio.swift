import Fuzz
import MixdownDSP
import MixdownIO

/// Any bytes as an audio file: WAV, AIFF, FLAC, Ogg through libsndfile, MPEG through
/// libmpg123 (chosen by the content, as for a user's file), then analysed as `mixdown analyze`
/// would.
@main enum FuzzAudio {
    static func main() {
        Fuzz.drive { input in
            let path = Fuzz.write(input, to: "input")
            Fuzz.run {
                let decoded = try AudioFileReader.read(path)
                _ = AudioAnalysis.analyze(decoded.audio, roles: decoded.roles)
            }
        }
    }
}
