import Foundation
import Fuzz
import MixdownCore
import MixdownScript
import MixdownRender

/// A production file through everything a render checks before it speaks: the JSON reader,
/// the production decoder, the script with the production's variables, the template manifest,
/// formats, `endAt` and the length limit. Its folder holds `spot.txt` and a template library
/// with one small template, `t` (the template target's seed).
let folder: String = {
    let folder = Fuzz.scratch + "/production"
    try? FileManager.default.createDirectory(atPath: folder + "/templates/t", withIntermediateDirectories: true)
    try? FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
    try? "<<sectionName::intro>> Hello {{name|friend}}. <<soundSegment::main>> Bye.".write(toFile: folder + "/spot.txt", atomically: true, encoding: .utf8)
    FuzzTemplate.install(in: folder + "/templates/t")
    return folder
}()

@main enum FuzzProduction {
    static func main() {
        Fuzz.drive { input in
            let text = Fuzz.text(input)
            Fuzz.run {
                let production = try ProductionDecoder.decode(JSONParser.parse(text, file: "fuzz.json"), file: "fuzz.json", baseDirectory: folder)
                var request = RenderRequest(production: production, name: "fuzz", pool: .serial)
                request.output = folder + "/out/"
                request.templateLibraries = [folder + "/templates"]
                request.temporaryDirectory = folder
                _ = try Pipeline.check(request)
            }
        }
    }
}
