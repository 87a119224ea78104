import ArgumentParser
import Foundation
import Mixdown
import MixdownCore
import MixdownTemplates

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the sound templates Mixdown can find, with their segments and effects.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let libraries = SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                                        executable: CommandLine.arguments[0], currentDirectory: FileManager.default.currentDirectoryPath)
        let found = try Catalog.templates(libraries: libraries, withPaths: true)
        if json {
            let data = try JSONSerialization.data(withJSONObject: found, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for t in found {
                let segments = (t["segments"] as? [String] ?? []).joined(separator: ", "), effects = (t["effects"] as? [String] ?? []).joined(separator: ", ")
                print("\(t["name"] ?? "")  segments: \(segments)  effects: \(effects)  (\(t["path"] ?? ""))")
            }
        }
    }
}
