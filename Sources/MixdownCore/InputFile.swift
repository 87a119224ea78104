import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files a user names as input (productions, scripts, template manifests, audio), checked
/// before anything opens them for reading: only a regular file is read. A FIFO would block
/// forever, a device never ends (`/dev/zero`), and kernel files (`/proc`, `/sys`) claim to be
/// empty while holding anything; each gets its own one-line refusal naming the path. Symbolic
/// links are followed, so a link to a FIFO is refused like the FIFO.
public enum InputFile {
    /// The refusal for `path`, or nil when it is a readable regular file of at most `limit` bytes.
    public static func check(_ path: String, limit: Int? = nil, allowEmpty: Bool = false) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let e = errno
            throw MixdownError.badInput("\(path): \(e == ENOENT || e == ENOTDIR ? "no such file" : String(cString: strerror(e)).lowercased())", code: .invalidInput)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw refuse(path, "is a directory, not a file")
        case S_IFIFO: throw refuse(path, "is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw refuse(path, "is a device, not a regular file")
        case S_IFSOCK: throw refuse(path, "is a socket, not a regular file")
        default: throw refuse(path, "is not a regular file")
        }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if kernelFolders.contains(where: { real == $0 || real.hasPrefix($0 + "/") }) && !real.hasPrefix("/dev/shm/") {
            throw refuse(path, "is a kernel file (/proc, /sys), not a regular file")
        }
        guard access(path, R_OK) == 0 else { throw refuse(path, "permission denied") }
        if info.st_size == 0 && !allowEmpty { throw refuse(path, "empty file (0 bytes)") }
        if let limit, Int(info.st_size) > limit {
            throw refuse(path, "too large: \(info.st_size) bytes (at most \(limit))")
        }
    }

    /// A checked text file, read whole (`limit` bounds it), as UTF-8.
    public static func readText(_ path: String, limit: Int) throws -> String {
        try check(path, limit: limit, allowEmpty: true)
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse(path, "cannot read the file") }
        guard data.count <= limit else { throw refuse(path, "too large: more than \(limit) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse(path, "not UTF-8 text") }
        return text
    }

    /// Where the kernel's own file systems are mounted: sizes there say nothing about content
    /// (`/dev/shm`, ordinary shared memory, is allowed).
    static let kernelFolders = ["/proc", "/sys", "/dev"]

    static func refuse(_ path: String, _ why: String) -> MixdownError { .badInput("\(path): \(why)", code: .invalidInput) }
}
