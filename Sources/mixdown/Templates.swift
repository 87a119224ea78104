import ArgumentParser
import Foundation
import MixdownCore
import MixdownTemplates

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the sound templates Mixdown can find, with their segments and effects.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let cwd = FileManager.default.currentDirectoryPath
        var found = [(name: String, path: String, segments: [String], effects: [String])]()
        for library in SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                                       executable: CommandLine.arguments[0], currentDirectory: cwd) {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).sorted() {
                let dir = "\(library)/\(entry)"
                guard FileManager.default.fileExists(atPath: dir + "/template.json"), !found.contains(where: { $0.name == entry }) else { continue }
                let t = try SoundTemplate.load(directory: dir)
                found.append((entry, dir, t.segmentNames, t.effectNames))
            }
        }
        if json {
            let objects = found.map { ["name": $0.name, "path": $0.path, "segments": $0.segments, "effects": $0.effects] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for t in found { print("\(t.name)  segments: \(t.segments.joined(separator: ", "))  effects: \(t.effects.joined(separator: ", "))  (\(t.path))") }
        }
    }
}
