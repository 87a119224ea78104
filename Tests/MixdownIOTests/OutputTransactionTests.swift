import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// `OutputTransaction.checkTargets`: a folder is proven to take a new file by making one, which
/// is removed at once; a folder that refuses it is named with the path the caller gave.
@Suite struct OutputTransactionTests {
    let folder = TemporaryFolder()

    @Test func aWritableFolderPassesAndKeepsNothing() throws {
        try OutputTransaction.checkTargets([folder.file("a.wav"), folder.file("b.mp3")])
        try OutputTransaction.checkWritableFolder(folder.path, for: folder.file("c.wav"))
        #expect(folder.contents.isEmpty)
    }

    @Test func aFolderThatTakesNoNewFileIsRefusedEvenForRoot() {
        var paths = ["/proc/version", "/proc/out.wav"]
        if FileManager.default.fileExists(atPath: "/sys/kernel") { paths.append("/sys/kernel/out.wav") }
        for path in paths {
            let folderName = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try OutputTransaction.checkTargets([path])
                Issue.record("\(path) was taken as writable")
            } catch let e as MixdownError {
                #expect(e.code == .outputNotWritable)
                #expect(e.message.hasPrefix("\(path): cannot write: folder \(folderName) is not writable ("), "\(e.message)")
            } catch { Issue.record("\(error)") }
        }
    }
}
