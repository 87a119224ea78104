import Foundation
import MixdownCore
import MixdownTemplates
import MixdownTestSupport
import Testing

/// Where a program finds its templates: MIXDOWN_TEMPLATES, ./SoundTemplates, the installed
/// library beside its binary (PREFIX/bin/mixdown → PREFIX/share/mixdown/SoundTemplates), the
/// checkout it was built in; and what it says when there are none.
@Suite struct SearchTests {
    let folder = TemporaryFolder()

    /// An installed layout: the library is found from the binary, also through a link to it
    /// (a symlink in another bin folder), and listed even before it exists (an error names it).
    @Test func theInstalledLibraryIsFoundBesideTheBinary() throws {
        let fm = FileManager.default
        let prefix = folder.file("prefix")
        try fm.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: prefix + "/bin/mixdown"))
        let expected = ["/a", "/b", "/tmp/x/SoundTemplates", prefix + "/share/mixdown/SoundTemplates"]
        let environment = ["MIXDOWN_TEMPLATES": "/a:/b"]
        #expect(SoundTemplate.standardLibraries(environment: environment, executable: prefix + "/bin/mixdown", currentDirectory: "/tmp/x") == expected)
        try fm.createDirectory(atPath: prefix + "/share/mixdown/SoundTemplates", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: folder.file("links"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: folder.file("links/mixdown"), withDestinationPath: prefix + "/bin/mixdown")
        #expect(SoundTemplate.standardLibraries(environment: environment, executable: folder.file("links/mixdown"), currentDirectory: "/tmp/x") == expected)
    }

    /// No template in any folder: the error names every folder searched and MIXDOWN_TEMPLATES.
    @Test func noTemplateAnywhereNamesTheFoldersSearched() throws {
        let libraries = [folder.file("one"), folder.file("two")]
        do {
            _ = try SoundTemplate.locate("corporate", relativeTo: folder.file("production"), libraries: libraries)
            Issue.record("found a template in empty folders")
        } catch let e as MixdownError {
            #expect(e.code == .unknownName && e.keyPath == "soundTemplate")
            #expect(e.message.hasPrefix("soundTemplate: no template 'corporate': no sound templates found (searched \(folder.file("production"))/SoundTemplates, "
                                        + "\(libraries[0]), \(libraries[1])); set MIXDOWN_TEMPLATES to a folder of templates"), "\(e.message)")
        }
    }
}
