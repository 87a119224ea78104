import Foundation
import MixdownCore
import MixdownSpeech
import MixdownTestSupport
import Testing

/// Where a program finds its neural voices and Piper's interpreter, and what it says when a
/// voice it was asked for is not there.
@Suite struct VoiceSearchTests {
    let folder = TemporaryFolder()

    /// An installed layout: PREFIX/share/mixdown/voices and PREFIX/lib/mixdown/venv/bin/python
    /// beside PREFIX/bin/mixdown, after MIXDOWN_VOICES and ~/.local/share/mixdown/voices;
    /// MIXDOWN_PIPER_PYTHON wins over the installed interpreter.
    @Test func theInstalledVoicesAndRuntimeAreFoundBesideTheBinary() throws {
        let fm = FileManager.default
        let prefix = folder.file("prefix")
        try fm.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: prefix + "/lib/mixdown/venv/bin", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: prefix + "/bin/mixdown"))
        try Data().write(to: URL(fileURLWithPath: prefix + "/lib/mixdown/venv/bin/python"))
        chmod(prefix + "/lib/mixdown/venv/bin/python", 0o755)
        let found = PiperLibrary.standardFolders(environment: ["MIXDOWN_VOICES": "/v1:/v2", "HOME": "/home/u"], executable: prefix + "/bin/mixdown")
        #expect(found.folders == ["/v1", "/v2", "/home/u/.local/share/mixdown/voices", prefix + "/share/mixdown/voices"])
        #expect(found.python == prefix + "/lib/mixdown/venv/bin/python")
        let chosen = PiperLibrary.standardFolders(environment: ["MIXDOWN_PIPER_PYTHON": "/opt/py"], executable: prefix + "/bin/mixdown")
        #expect(chosen.python == "/opt/py")
    }

    /// A Piper voice id that is not installed: one line naming the folders searched and
    /// MIXDOWN_VOICES (and that Piper is missing too, when it is); an espeak-ng name is not
    /// Piper's to refuse; no library at all names no folder.
    @Test func aVoiceThatIsNotInstalledNamesTheFoldersSearched() throws {
        let library = PiperLibrary(host: PythonHost(.piper, python: "/nonexistent/python"), folders: [folder.file("a"), folder.file("b")])
        do {
            _ = try PiperLibrary.check("en_US-nobody-medium", in: library)
            Issue.record("an uninstalled voice passed")
        } catch let e as MixdownError {
            #expect(e.code == .unknownName)
            #expect(e.message == "voice 'en_US-nobody-medium' is not installed: no en_US-nobody-medium.onnx in \(folder.file("a")), \(folder.file("b")); "
                    + "Piper itself is not installed either (no /nonexistent/python); set MIXDOWN_VOICES to a folder holding "
                    + "en_US-nobody-medium.onnx and its .onnx.json", "\(e.message)")
        }
        #expect(try PiperLibrary.check("en-us", in: library) == false)
        #expect(try PiperLibrary.check("en-us+f3", in: nil) == false)
        #expect(throws: MixdownError.self) { try PiperLibrary.check("de_DE-thorsten-high", in: nil) }
    }
}
