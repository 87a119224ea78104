import Foundation
import MixdownCore

/// A batch's rows (docs/batch.md): a header of variable names, then one variant per row. An
/// `id` column names each variant's files; without one (or with its cell empty) a row is
/// named by its number, zero-padded (`00001`). An empty cell leaves its variable unset, so the
/// script's fallback (`{{city|your town}}`) or the production's `audience` applies.
///
/// What is wrong with the table as a whole (no header, a repeated column) is an error; what is
/// wrong with one row (its field count, a value too long, a bad or repeated id) is that row's
/// `problem`, and the row fails alone.
public struct Audience: Sendable {
    public struct Variant: Sendable {
        /// 1 for the first row under the header.
        public var row: Int
        public var id: String
        public var variables: [String: String]
        public var location: SourceLocation
        /// Why this row cannot be rendered, found before any rendering.
        public var problem: MixdownError?
        /// The row's cells as written (what a rerun compares to know the row is unchanged).
        public var cells: [String]
    }

    public var columns: [String]
    public var variants: [Variant]

    public static func load(path: String) throws -> Audience {
        try Audience(CSVTable.load(path: path), file: path)
    }

    public init(_ table: CSVTable, file: String) throws {
        guard let header = table.records.first else {
            throw MixdownError(.badInput, "\(file): no header row (the first row names the variables, e.g. name,city)", code: CSVTable.code)
        }
        columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = [String: Int]()
        for (i, name) in columns.enumerated() {
            let at = SourceLocation(file: file, line: header.location.line, column: header.columns[i])
            guard !name.isEmpty else { throw MixdownError.at(at, "column \(i + 1) of the header has no name", code: CSVTable.code) }
            guard name.count <= 100 else { throw MixdownError.at(at, "a column name has at most 100 characters", code: CSVTable.code) }
            if let first = seen[name] {
                throw MixdownError.at(at, "column '\(MixdownError.excerpt(name))' is named twice (columns \(first + 1) and \(i + 1))", code: CSVTable.code)
            }
            seen[name] = i
        }
        let idColumn = seen["id"]
        let rows = table.records.dropFirst()
        let width = max(5, String(rows.count).count)
        var ids = [String: Int]()
        variants = []
        variants.reserveCapacity(rows.count)
        for (n, record) in rows.enumerated() {
            let row = n + 1
            var variant = Variant(row: row, id: String(repeating: "0", count: max(0, width - String(row).count)) + String(row),
                                  variables: [:], location: record.location, problem: nil, cells: record.fields)
            func fail(_ column: Int?, _ reason: String) {
                guard variant.problem == nil else { return }
                var at = record.location
                if let column, column < record.columns.count { at.column = record.columns[column] }
                variant.problem = MixdownError.at(at, reason, code: CSVTable.code)
            }
            if record.fields.count != columns.count {
                fail(nil, "\(record.fields.count) field\(record.fields.count == 1 ? "" : "s") in this row; the header has \(columns.count)")
            }
            for (i, value) in record.fields.prefix(columns.count).enumerated() {
                if i == idColumn {
                    if !value.isEmpty { variant.id = value }
                    if let problem = Self.idProblem(value) { fail(i, problem) }
                } else if !value.isEmpty {
                    if let problem = Limits.variableProblem(value) { fail(i, "'\(MixdownError.excerpt(columns[i]))' \(problem)") }
                    variant.variables[columns[i]] = value
                }
            }
            // An id is taken by its first row even when that row fails, so fixing that row
            // later cannot make two rows write the same files.
            if Self.idProblem(variant.id) == nil {
                if let first = ids[variant.id] {
                    fail(idColumn, "id '\(variant.id)' is already row \(first)'s")
                } else {
                    ids[variant.id] = row
                }
            }
            variants.append(variant)
        }
    }

    /// An id names files: letters, digits, `.`, `_` and `-`, at most 100, not starting with a dot.
    static func idProblem(_ id: String) -> String? {
        if id.isEmpty { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if id.count > 100 { return "an id has at most 100 characters" }
        if id.hasPrefix(".") || !id.allSatisfy({ allowed.contains($0) }) {
            return "id '\(MixdownError.excerpt(id))' cannot name a file (letters, digits, . _ - only, not starting with a dot)"
        }
        return nil
    }
}
