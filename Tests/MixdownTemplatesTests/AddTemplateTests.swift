import Foundation
import MixdownCatalog
import MixdownCore
import MixdownTemplates
import MixdownTestSupport
import Testing

/// Adding a template (docs/templates.md, "Adding a template"): the one validation, the
/// all-or-nothing install, the zip reader, the tags and the search.
@Suite struct AddTemplateTests {
    let folder = TemporaryFolder()
    var repository: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path }

    /// The library holds exactly `names` (no temporary folder left behind).
    func expectLibrary(_ library: String, holds names: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).sorted()
        #expect(entries == names.sorted(), sourceLocation: sourceLocation)
    }

    /// Refused in one line naming `says`, with code invalidTemplate, and nothing installed.
    func expectRefused(_ body: () throws -> Void, says: String, library: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("accepted; expected a refusal saying \(says)", sourceLocation: sourceLocation)
        } catch let e as MixdownError {
            #expect(e.code == .invalidTemplate, "\(e.code): \(e.message)", sourceLocation: sourceLocation)
            #expect(!e.message.contains("\n") && e.message.contains(says), "\(e.message)", sourceLocation: sourceLocation)
            #expect(!e.message.contains(".adding-"), "the temporary folder leaks into \(e.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
        expectLibrary(library, holds: [], sourceLocation: sourceLocation)
    }

    @Test func theShippedLibraryPassesTheChecks() throws {
        let library = repository + "/SoundTemplates"
        let names = Catalog.templateFolders(libraries: [library]).map(\.name)
        #expect(names.count >= 8)
        for name in names {
            let passed = try TemplateValidation.validate(directory: library + "/" + name, pool: .machine())
            #expect(passed.warnings.isEmpty, "\(name): \(passed.warnings)")
            #expect(abs(passed.mainLoudness + 18) < 1, "\(name): \(passed.mainLoudness)")
        }
    }

    @Test func aGoodTemplateIsInstalledWithItsTags() throws {
        let source = try TestTemplates.write(folder.file("tone-bed"), genre: ["jazz", "lounge"], instruments: ["piano", "upright bass"])
        let library = folder.file("library")
        let passed = try TemplateInstaller.install(folder: source, into: library, name: "tone-bed", replace: false)
        #expect(passed.warnings.isEmpty, "\(passed.warnings)")
        #expect(abs(passed.mainLoudness + 18.5) < 0.5)
        expectLibrary(library, holds: ["tone-bed"])
        let listed = try Catalog.templates(libraries: [library], withPaths: false)
        #expect(listed.count == 1 && listed[0].genre == ["jazz", "lounge"] && listed[0].instruments == ["piano", "upright bass"])
        // The same name again is refused unless replacing.
        do {
            try TemplateInstaller.install(folder: source, into: library, name: "tone-bed", replace: false)
            Issue.record("a second template of one name was accepted")
        } catch let e as MixdownError { #expect(e.message.contains("already has a template 'tone-bed'") && e.message.contains("--replace")) }
        try TemplateInstaller.install(folder: source, into: library, name: "tone-bed", replace: true)
        expectLibrary(library, holds: ["tone-bed"])
        #expect(try TemplateInstaller.remove("tone-bed", from: library))
        expectLibrary(library, holds: [])
    }

    /// A manifest without genre or instruments (every template before them) still loads.
    @Test func tagsAreOptionalAndLowercase() throws {
        let plain = try TestTemplates.write(folder.file("plain"), genre: nil, instruments: nil)
        let t = try SoundTemplate.load(directory: plain)
        #expect(t.genre.isEmpty && t.instruments.isEmpty)
        let shouting = try TestTemplates.write(folder.file("shouting"), genre: ["Jazz"])
        #expect(throws: MixdownError.self) { try SoundTemplate.load(directory: shouting) }
    }

    @Test func aQuietBedIsAcceptedWithAWarningAndSilenceIsRefused() throws {
        let quiet = try TestTemplates.write(folder.file("quiet"), mainDBFS: -30)
        let passed = try TemplateValidation.validate(directory: quiet)
        #expect(passed.warnings.count == 1 && passed.warnings[0].hasPrefix("segments.main: the loop measures -30.")
                && passed.warnings[0].contains("dB quieter than the shipped beds"), "\(passed.warnings)")
        let silent = try TestTemplates.write(folder.file("silent"), mainDBFS: -80)
        expectRefused({ try TemplateInstaller.install(folder: silent, into: folder.file("lib"), name: "silent", replace: false) },
                      says: "segments.main: the main loop measures", library: folder.file("lib"))
        let clipping = try TestTemplates.write(folder.file("clipping"), mainDBFS: 0) { m in
            var segments = m["segments"] as! [String: Any]
            segments["main"] = ["file": "main.wav", "loopStart": 24_000, "loopEnd": 168_000, "gain": 3]
            m["segments"] = segments
        }
        expectRefused({ try TemplateInstaller.install(folder: clipping, into: folder.file("lib"), name: "clipping", replace: false) },
                      says: "dBTP", library: folder.file("lib"))
    }

    /// A button may say where its last note starts; inside the file only.
    @Test func aButtonsLastOnsetIsCheckedAndListed() throws {
        func button(_ onset: Int) throws -> String {
            try TestTemplates.write(folder.file("button-\(onset)")) { m in
                var segments = m["segments"] as! [String: Any]
                segments["button"] = ["file": "chime.wav", "lastOnsetSample": onset]
                m["segments"] = segments
            }
        }
        let good = try button(4_800)
        let listed = try Catalog.templates(libraries: [folder.path], withPaths: false).first { $0.name == "button-4800" }
        let segment = try #require(listed?.segments.first { $0.name == "button" })
        #expect(segment.playsOnce && segment.loopEndSample == nil && segment.lastOnsetSample == 4_800)
        _ = try TemplateValidation.validate(directory: good)
        let outside = try button(20_000)   // the chime is 0.3 s: 14,400 samples
        expectRefused({ try TemplateInstaller.install(folder: outside, into: folder.file("lib"), name: "b", replace: false) },
                      says: "segments.button.lastOnsetSample: 20000 is beyond the audio", library: folder.file("lib"))
    }

    enum Bad: String, CaseIterable, CustomTestStringConvertible {
        case loopOutsideTheFile, missingFile, noMain, tooLarge, climbingFile, symlink, badJSON
        var testDescription: String { rawValue }
    }

    /// Each bad template: one line naming the file or key path, and nothing installed.
    @Test(arguments: Bad.allCases) func aBadTemplateIsRefusedAndNothingInstalled(_ bad: Bad) throws {
        let source = folder.file("bad")
        switch bad {
        case .loopOutsideTheFile:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = ["file": "main.wav", "loopStart": 24_000, "loopEnd": 500_000]
                m["segments"] = segments
            }
        case .missingFile:
            try TestTemplates.write(source)
            try FileManager.default.removeItem(atPath: source + "/outro.wav")
        case .noMain:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = nil
                m["segments"] = segments
                m["defaultSegment"] = "intro"
            }
        case .tooLarge:
            try TestTemplates.write(source)
            // 20 MB over the limit, sparse: its size is what counts.
            let handle = try #require(FileHandle(forWritingAtPath: source + "/main.wav"))
            try handle.truncate(atOffset: UInt64(TemplateLimits.maximumBytes + (20 << 20)))
            try handle.close()
        case .climbingFile:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["outro"] = ["file": "../outside.wav"]
                m["segments"] = segments
            }
            try FileManager.default.copyItem(atPath: source + "/outro.wav", toPath: folder.file("outside.wav"))
        case .symlink:
            try TestTemplates.write(source)
            try FileManager.default.removeItem(atPath: source + "/outro.wav")
            try FileManager.default.createSymbolicLink(atPath: source + "/outro.wav", withDestinationPath: "/etc/passwd")
        case .badJSON:
            try TestTemplates.write(source) { m in
                var segments = m["segments"] as! [String: Any]
                segments["main"] = ["file": "main.wav", "loopStartBar": 1, "loopEndBar": 2]
                m["segments"] = segments
            }
        }
        let expected: String = switch bad {
        case .loopOutsideTheFile: "segments.main: loop end 500000 is beyond the audio (192000 samples at 48 kHz)"
        case .missingFile: "segments.outro.file: 'outro.wav' is not in the template folder"
        case .noMain: "segments: a bed needs a 'main' segment"
        case .tooLarge: "more than 64 MB"
        case .climbingFile: "segments.outro.file: '../outside.wav' climbs out of the template folder"
        case .symlink: "bad/outro.wav: is a symbolic link"
        case .badJSON: "segments.main.loopStartBar: needs the template's tempo"
        }
        let library = folder.file("library")
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        expectRefused({ try TemplateInstaller.install(folder: source, into: library, name: "bad", replace: false) }, says: expected, library: library)
        if bad == .loopOutsideTheFile || bad == .missingFile {
            // Manifest errors name the template's own manifest, not the temporary copy.
            do { try TemplateInstaller.install(folder: source, into: library, name: "bad", replace: false) } catch let e as MixdownError {
                #expect(e.message.hasPrefix(source + "/template.json:"), "\(e.message)")
            }
        }
    }

    // MARK: Archives

    func unpack(_ zip: String) throws -> String {
        let out = folder.file("out-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try TemplateArchive.unpack([UInt8](try Data(contentsOf: URL(fileURLWithPath: zip))), into: out)
        return out
    }

    /// A template zipped at the root or inside one folder unpacks to the same files, and
    /// installs from the archive.
    @Test func anArchiveAtTheRootOrInOneFolderUnpacks() throws {
        let source = try TestTemplates.write(folder.file("tone-bed"))
        try TestTemplates.zip(source, to: folder.file("root.zip"), extra: [("__MACOSX/._main.wav", "x")])
        try TestTemplates.zip(source, to: folder.file("nested.zip"), top: "tone-bed")
        for zip in ["root.zip", "nested.zip"] {
            let out = try unpack(folder.file(zip))
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["chime.wav", "intro.wav", "main.wav", "outro.wav", "template.json"], "\(zip)")
            #expect(FileManager.default.contentsEqual(atPath: out + "/main.wav", andPath: source + "/main.wav"))
        }
        let library = folder.file("library")
        try TemplateInstaller.install(archive: [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("nested.zip")))), into: library, name: "zipped", replace: false)
        expectLibrary(library, holds: ["zipped"])
    }

    enum BadArchive: String, CaseIterable, CustomTestStringConvertible {
        case climbing, absolute, symlink, encrypted, collision, declaredTooLarge, inflatesPastItsSize, notAZip
        var testDescription: String { rawValue }
    }

    @Test(arguments: BadArchive.allCases) func aBadArchiveIsRefusedAndNothingInstalled(_ bad: BadArchive) throws {
        let source = try TestTemplates.write(folder.file("tone-bed"))
        let zip = folder.file("bad.zip")
        let says: String
        switch bad {
        case .climbing:
            try TestTemplates.zip(source, to: zip, extra: [("../evil.txt", "boo")])
            says = "'../evil.txt' climbs out of the template folder"
        case .absolute:
            try TestTemplates.zip(source, to: zip, extra: [("/tmp/evil.txt", "boo")])
            says = "has an absolute path"
        case .symlink:
            try TestTemplates.zip(source, to: zip, extra: [("passwd.wav", "->/etc/passwd")])
            says = "'passwd.wav' is a symbolic link"
        case .encrypted:
            try TestTemplates.zip(source, to: zip, extra: [("notes.txt", "encrypted:secret")])
            says = "'notes.txt' is encrypted"
        case .collision:
            try TestTemplates.zip(source, to: zip, extra: [("main.wav/inside.txt", "a file where a file is")])
            says = "'main.wav/inside.txt' collides with another entry"
        case .declaredTooLarge:
            try TestTemplates.zip(source, to: zip, extra: [("padding.bin", "zeros:\(TemplateLimits.maximumBytes + (20 << 20))")])
            says = "unpacks to more than 64 MB"
        case .inflatesPastItsSize:
            try TestTemplates.zip(source, to: zip, extra: [("bomb.bin", "lie:\(10 << 20)")])
            says = "'bomb.bin' inflates to more than it declares"
        case .notAZip:
            try Data("not a zip at all, just some text long enough".utf8).write(to: URL(fileURLWithPath: zip))
            says = "not a zip archive"
        }
        let library = folder.file("library")
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: zip)))
        expectRefused({ try TemplateInstaller.install(archive: bytes, into: library, name: "bad", replace: false) }, says: says, library: library)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/evil.txt") && !FileManager.default.fileExists(atPath: "/tmp/evil.txt"))
    }

    // MARK: Search

    @Test func theSearchMatchesEveryFilterWithoutRegardToCase() throws {
        try TestTemplates.write(folder.file("lib/jazzy"), genre: ["jazz", "lounge"], instruments: ["piano", "upright bass"], mood: ["calm", "warm"])
        try TestTemplates.write(folder.file("lib/rocky"), genre: ["rock"], instruments: ["electric guitar"], mood: ["energetic"])
        try TestTemplates.write(folder.file("lib/old"), genre: nil, instruments: nil, mood: ["calm"])
        let all = try Catalog.templates(libraries: [folder.file("lib")], withPaths: false)
        func names(_ filter: Catalog.TemplateFilter) -> [String] { all.filter(filter.matches).map(\.name) }
        #expect(names(.init(mood: ["calm"])) == ["jazzy", "old"])
        #expect(names(.init(mood: ["CALM"], genre: ["Jazz"])) == ["jazzy"])
        #expect(names(.init(instrument: ["upright bass"])) == ["jazzy"])
        #expect(names(.init(mood: ["calm", "warm"])) == ["jazzy"])
        #expect(names(.init(genre: ["jaz"])).isEmpty)
        #expect(Catalog.TemplateFilter(mood: ["calm"], genre: ["jaz"]).nothingFound(in: all)
                == "no template has mood 'calm' and genre 'jaz' (moods: calm, energetic, warm; genres: jazz, lounge, rock)")
    }
}
