import Foundation
import MixdownCore

/// Adds a template to a library folder, all or nothing: its files go into a hidden temporary
/// folder inside the library (same file system, so the last step is a rename), are validated
/// there (`TemplateValidation`), and only then take the template's name. On any failure the
/// temporary folder is removed and the library is as it was.
public enum TemplateInstaller {
    /// What a user may name a template: it is a folder name and what productions say.
    public static func checkName(_ name: String) throws {
        guard (1...64).contains(name.count), !name.hasPrefix("."),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw MixdownError(.badInput, "a template's name is 1 to 64 letters, digits, . _ or - (not starting with .), got '\(MixdownError.excerpt(name))'",
                               code: .invalidTemplate, keyPath: "name")
        }
    }

    /// A template's folder exists under this name in `library`.
    public static func exists(_ name: String, in library: String) -> Bool {
        FileManager.default.fileExists(atPath: library + "/" + name + "/template.json")
    }

    /// Copies the template folder `source` into `library` as `name`.
    @discardableResult
    public static func install(folder source: String, into library: String, name: String, replace: Bool, pool: WorkerPool = .serial) throws -> TemplateValidation.Passed {
        var info = stat()
        guard stat(source, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw MixdownError(.badInput, "\(source): not a folder (a template is a folder with template.json and its audio)", code: .invalidTemplate)
        }
        // Checked in place first (links, size, count), so nothing is copied of a folder that is refused.
        do { try TemplateValidation.checkFiles(source) } catch var e as MixdownError {
            e.keyPath = e.keyPath.map { (source.hasSuffix("/") ? source : source + "/") + $0 }
            throw e
        }
        return try install(into: library, name: name, replace: replace, label: source, pool: pool) { temporary in
            try copy(source, to: temporary)
        }
    }

    /// Unpacks the zip `archive` into `library` as `name` (`TemplateArchive`).
    @discardableResult
    public static func install(archive: [UInt8], into library: String, name: String, replace: Bool, pool: WorkerPool = .serial) throws -> TemplateValidation.Passed {
        try install(into: library, name: name, replace: replace, label: nil, pool: pool) { temporary in
            try TemplateArchive.unpack(archive, into: temporary)
        }
    }

    /// Removes `name` from `library`; false when there is none.
    public static func remove(_ name: String, from library: String) throws -> Bool {
        try checkName(name)
        guard exists(name, in: library) else { return false }
        let doomed = library + "/.removing-" + UUID().uuidString.lowercased()
        // Renamed first, so the name is free at once and a half-removed folder is never a template.
        guard rename(library + "/" + name, doomed) == 0 else { throw MixdownError.failure("cannot remove the template '\(name)' (\(String(cString: strerror(errno))))") }
        try? FileManager.default.removeItem(atPath: doomed)
        return true
    }

    /// The steps every install shares: a temporary folder, `fill`, validation, the rename.
    /// `label` replaces the temporary folder's path in messages (nil: paths relative to the template).
    static func install(into library: String, name: String, replace: Bool, label: String?, pool: WorkerPool,
                        fill: (String) throws -> Void) throws -> TemplateValidation.Passed {
        try checkName(name)
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: library, withIntermediateDirectories: true) } catch {
            throw MixdownError(.badInput, "\(library): cannot create the library folder (\(error.localizedDescription))", code: .outputNotWritable)
        }
        let target = library + "/" + name
        if !replace, fm.fileExists(atPath: target) {
            throw MixdownError(.badInput, "\(library) already has a template '\(name)' (replace it with --replace, or choose another name)",
                               code: .invalidTemplate, keyPath: "name")
        }
        let temporary = library + "/.adding-" + UUID().uuidString.lowercased()
        do { try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false) } catch {
            throw MixdownError(.badInput, "\(library): cannot write into the library folder (\(error.localizedDescription))", code: .outputNotWritable)
        }
        var installed = false
        defer { if !installed { try? fm.removeItem(atPath: temporary) } }
        let passed: TemplateValidation.Passed
        do {
            try fill(temporary)
            passed = try TemplateValidation.validate(directory: temporary, pool: pool)
        } catch var e as MixdownError {
            // Messages name the template as the user knows it, never the temporary folder.
            e.reason = relabel(e.reason, temporary, label)
            e.keyPath = e.keyPath.map { relabel($0, temporary, label) }
            if let location = e.location { e.location?.file = relabel(location.file, temporary, label) }
            throw e
        }
        if replace, fm.fileExists(atPath: target) {
            let old = library + "/.replaced-" + UUID().uuidString.lowercased()
            guard rename(target, old) == 0 else { throw MixdownError.failure("cannot replace \(target) (\(String(cString: strerror(errno))))") }
            guard rename(temporary, target) == 0 else {
                _ = rename(old, target)
                throw MixdownError.failure("cannot install \(target) (\(String(cString: strerror(errno))))")
            }
            try? fm.removeItem(atPath: old)
        } else {
            // A name taken meanwhile is not overwritten: rename(2) onto an empty folder would
            // succeed, so the check is the folder's existence just before.
            guard !fm.fileExists(atPath: target) else {
                throw MixdownError(.badInput, "\(library) already has a template '\(name)'", code: .invalidTemplate, keyPath: "name")
            }
            guard rename(temporary, target) == 0 else { throw MixdownError.failure("cannot install \(target) (\(String(cString: strerror(errno))))") }
        }
        installed = true
        var result = passed
        result.template.directory = target
        return result
    }

    /// `text` with the folder `from` named as `label` (nil: paths relative to the template).
    static func relabel(_ text: String, _ from: String, _ label: String? = nil) -> String {
        let prefix = from.hasSuffix("/") ? from : from + "/"
        return text.replacingOccurrences(of: prefix, with: label.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "")
    }

    /// Regular files and folders of `source` into `destination` (which exists); a link or a
    /// special file is refused (`checkFiles` already did, this is for one that appeared since).
    static func copy(_ source: String, to destination: String) throws {
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: source).sorted() {
            let from = source + "/" + name, to = destination + "/" + name
            var info = stat()
            guard lstat(from, &info) == 0 else { throw MixdownError(.badInput, "\(from): cannot be read", code: .invalidTemplate) }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try fm.createDirectory(atPath: to, withIntermediateDirectories: false)
                try copy(from, to: to)
            case S_IFREG:
                do { try fm.copyItem(atPath: from, toPath: to) } catch {
                    throw MixdownError(.badInput, "\(from): cannot be copied (\(error.localizedDescription))", code: .invalidTemplate)
                }
            default:
                throw MixdownError(.badInput, "\(from): is not a regular file or folder", code: .invalidTemplate)
            }
        }
    }
}
