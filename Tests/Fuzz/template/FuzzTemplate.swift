import Foundation
import Fuzz
import MixdownTemplates

/// A template manifest (`template.json`) read and resolved against two small audio files of
/// its folder, `a.wav` (1 s) and `b.wav` (0.3 s).
let folder: String = {
    let folder = Fuzz.scratch + "/template"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    FuzzTemplate.install(in: folder)
    return folder
}()

@main enum FuzzTemplateManifest {
    static func main() {
        Fuzz.drive { input in
            _ = Fuzz.write(input, to: "template/template.json")
            Fuzz.run { _ = try SoundTemplate.load(directory: folder) }
        }
    }
}
