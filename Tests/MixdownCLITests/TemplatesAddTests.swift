import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// `mixdown templates add` and the search (`mixdown templates --genre …`), run as the built
/// binary: a template added renders, a bad one is refused in one line and nothing is
/// installed, a search that finds nothing says why.
@Suite struct TemplatesAddTests {
    let folder = TemporaryFolder()
    var library: String { folder.file("library") }

    func mixdown(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, arguments, environment: ["MIXDOWN_TEMPLATES": library].merging(environment) { $1 }, directory: directory)
    }

    /// Added to the library, then rendered: the output is the template's 660 Hz bed.
    @Test func anAddedTemplateRenders() throws {
        let source = try TestTemplates.write(folder.file("my-bed"))
        let add = try mixdown(["templates", "add", source])
        try #require(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.hasPrefix("added my-bed to \(library) (main loop -18."), "\(add.stdout)")
        #expect(add.stderr.isEmpty, "\(add.stderr)")
        let listed = try mixdown(["templates", "--json"])
        let templates = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let mine = try #require(templates.first { $0["name"] as? String == "my-bed" })
        #expect(mine["genre"] as? [String] == ["test-genre"] && mine["instruments"] as? [String] == ["sine"])

        let production: [String: Any] = ["scriptText": #"<<soundSegment::main>><break time="4000ms"/>"#, "soundTemplate": "my-bed", "forceLength": 6]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("spot.json")))
        let render = try mixdown(["render", folder.file("spot.json"), "-o", folder.file("spot.wav")])
        try #require(render.status == 0, "\(render.stderr)")
        let out = try AudioFileReader.read(folder.file("spot.wav")).audio
        #expect(out.frameCount == 288_000)
        // 1–4 s is the main loop: nearly all the output's energy is at 660 Hz.
        let middle = out.channels[0][48_000..<192_000]
        #expect(TestTemplates.toneShare(middle, frequency: 660) > -0.5, "\(TestTemplates.toneShare(middle, frequency: 660)) dB")
        #expect(TestTemplates.toneShare(middle, frequency: 440) < -30)

        // Again under the same name: refused unless --replace.
        let again = try mixdown(["templates", "add", source])
        #expect(again.status == 1 && again.stderr.split(separator: "\n").count == 1 && again.stderr.contains("already has a template 'my-bed'"), "\(again.stderr)")
        let replaced = try mixdown(["templates", "add", source, "--replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: library) == ["my-bed"])
    }

    /// Without --library and MIXDOWN_TEMPLATES there is no library to add to: a usage error
    /// that says what to do, not a folder made wherever the shell is.
    @Test func withoutALibraryTheErrorTeaches() throws {
        let source = try TestTemplates.write(folder.file("my-bed"))
        let r = try mixdown(["templates", "add", source], environment: ["MIXDOWN_TEMPLATES": ""], in: folder.path)
        #expect(r.status == 2 && r.stderr.contains("--library DIR, or set MIXDOWN_TEMPLATES"), "\(r.stderr)")
        #expect(folder.contents == ["my-bed"])
        // --library DIR outside the searched folders: added, with a note saying how to use it.
        let other = try mixdown(["templates", "add", source, "--library", folder.file("elsewhere"), "--name", "bed-two"],
                                environment: ["MIXDOWN_TEMPLATES": ""], in: folder.path)
        #expect(other.status == 0 && other.stderr.contains("add it to MIXDOWN_TEMPLATES"), "\(other.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.file("elsewhere/bed-two/template.json")))
    }

    enum Bad: String, CaseIterable, CustomTestStringConvertible {
        case loopOutsideTheFile, missingFile, noMain, tooLarge
        var testDescription: String { rawValue }
    }

    @Test(arguments: Bad.allCases) func aBadTemplateIsRefusedInOneLine(_ bad: Bad) throws {
        let source = folder.file("bad-bed")
        var says: String
        switch bad {
        case .loopOutsideTheFile:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = ["file": "main.wav", "loopStart": 24_000, "loopEnd": 400_000]
                m["segments"] = segments
            }
            says = "\(source)/template.json:"
        case .missingFile:
            try TestTemplates.write(source)
            try FileManager.default.removeItem(atPath: source + "/intro.wav")
            says = "segments.intro.file: 'intro.wav' is not in the template folder"
        case .noMain:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = nil
                m["segments"] = segments
                m["defaultSegment"] = "intro"
            }
            says = "segments: a bed needs a 'main' segment (segments: intro, outro)"
        case .tooLarge:
            try TestTemplates.write(source)
            let handle = try #require(FileHandle(forWritingAtPath: source + "/main.wav"))
            try handle.truncate(atOffset: UInt64(84 << 20))   // 20 MB over the 64 MB limit
            try handle.close()
            says = "the template's files come to more than 64 MB"
        }
        if bad == .loopOutsideTheFile {
            // The manifest's own path and line, then the key path.
            let r = try mixdown(["templates", "add", source])
            #expect(r.stderr.hasPrefix("mixdown: " + says), "\(r.stderr)")
            says = "segments.main: loop end 400000 is beyond the audio (192000 samples at 48 kHz)"
        }
        let r = try mixdown(["templates", "add", source])
        #expect(r.status == 1, "\(r.status): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(says), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // Nothing installed, no temporary folder left in the library.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).isEmpty)
    }

    /// `mixdown templates --mood … --genre … --instrument …`: each must match a tag, case aside.
    @Test func theLibraryIsSearchable() throws {
        try TestTemplates.write(library + "/jazzy-bed", genre: ["test-jazz"], instruments: ["test-piano", "test upright bass"], mood: ["test-calm"])
        try TestTemplates.write(library + "/rock-bed", genre: ["test-rock"], instruments: ["test-guitar"], mood: ["test-calm", "test-loud"])
        func names(_ arguments: [String]) throws -> (names: [String], stderr: String, status: Int32) {
            let r = try mixdown(["templates", "--json"] + arguments)
            let list = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
            return (list.compactMap { $0["name"] as? String }, r.stderr, r.status)
        }
        #expect(try names(["--mood", "test-calm"]).names == ["jazzy-bed", "rock-bed"])
        #expect(try names(["--mood", "TEST-CALM", "--genre", "Test-Jazz"]).names == ["jazzy-bed"])
        #expect(try names(["--instrument", "test upright bass"]).names == ["jazzy-bed"])
        #expect(try names(["--mood", "test-calm", "--mood", "test-loud"]).names == ["rock-bed"])
        // Nothing found: exit 0, an empty list, and one line saying what was searched and what exists.
        let none = try names(["--genre", "test-polka"])
        #expect(none.status == 0 && none.names.isEmpty)
        #expect(none.stderr.split(separator: "\n").count == 1 && none.stderr.hasPrefix("no template has genre 'test-polka' (genres: ")
                && none.stderr.contains("test-jazz, test-rock"), "\(none.stderr)")
        // The text listing shows the tags; list is the default subcommand.
        let text = try mixdown(["templates", "--genre", "test-jazz"])
        #expect(text.status == 0 && text.stdout.hasPrefix("jazzy-bed") && text.stdout.contains("  genre: test-jazz\n")
                && text.stdout.contains("  instruments: test-piano, test upright bass\n"), "\(text.stdout)")
    }
}
