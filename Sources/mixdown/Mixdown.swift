import ArgumentParser
import Mixdown
import Foundation
import MixdownCore

/// `mixdown`: exit 0 on success, 1 on bad input (one line on stderr), 2 on usage errors
/// (DESIGN.md §5). ArgumentParser's own usage exit code (64) is mapped to 2.
@main
struct Mixdown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixdown",
        abstract: "Script-to-audio production engine: render scripts, master, encode and analyse audio.",
        version: MixdownVersion.string,
        subcommands: [Render.self, Analyze.self, Encode.self, Master.self, Templates.self, Voices.self, Version.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as MixdownError {
            FileHandle.standardError.write(Data("mixdown: \(error.message)\n".utf8))
            Foundation.exit(error.kind == .usage ? 2 : 1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code.rawValue == 1 { Foundation.exit(1) }   // a subcommand already reported its failures
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}

enum MixdownVersion {
    static let string = Pipeline.version
}

/// Bad input already reported on stderr (one line per bad file): only the status is left.
extension ExitCode { static let badInput = ExitCode(1) }

/// Where the engine spills between passes: `$TMPDIR`, else /tmp.
func temporaryDirectory() -> String {
    let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
    return dir.isEmpty ? "/tmp" : (dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir)
}
