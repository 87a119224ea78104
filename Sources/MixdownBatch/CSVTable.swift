import Foundation
import MixdownCore

/// A CSV file as RFC 4180 writes it: comma-separated fields, quoted with `"` where they hold a
/// comma, a quote (doubled) or a line break, records ending in CRLF or LF. A UTF-8 byte-order
/// mark is dropped, and lines with nothing on them are skipped (spreadsheets add them at the
/// end). Every record keeps the line it starts on, so a bad row is reported where it is.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        /// Where the record starts (line and column 1).
        public var location: SourceLocation
        public var fields: [String]
        /// The column each field starts at, for messages about one field.
        public var columns: [Int]
    }

    public var records: [Record]

    /// The most a table may hold: a batch's audience is read whole, so it is bounded.
    public static let maximumBytes = 64 << 20
    public static let maximumRecords = 1_000_000
    public static let maximumFields = 1_000
    static let code = MixdownError.Code.invalidAudience

    public static func load(path: String) throws -> CSVTable {
        try parse(InputFile.readText(path, limit: maximumBytes), file: path)
    }

    /// Reads `text`; only a quoted field left open, or text after a closing quote, is an error
    /// (anything else is a table, whose shape the caller checks).
    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var records = [Record]()
        var fields = [String](), columns = [Int]()
        var field = String.UnicodeScalarView()
        var line = 1, column = 1
        var recordStart = SourceLocation(file: file, line: 1, column: 1)
        var fieldColumn = 1
        var inQuotes = false, quoted = false, afterQuote = false
        var recordHasContent = false
        var opened = SourceLocation(file: file, line: 1, column: 1)

        func endField() throws {
            fields.append(String(field))
            columns.append(fieldColumn)
            field = String.UnicodeScalarView()
            quoted = false; afterQuote = false
            guard fields.count <= maximumFields else {
                throw MixdownError.at(recordStart, "more than \(maximumFields) fields in one row", code: code)
            }
        }
        func endRecord() throws {
            if recordHasContent || fields.count > 0 {
                try endField()
                records.append(Record(location: recordStart, fields: fields, columns: columns))
                guard records.count <= maximumRecords else {
                    throw MixdownError.at(recordStart, "more than \(maximumRecords) rows", code: code)
                }
            }
            fields = []; columns = []
            field = String.UnicodeScalarView()
            quoted = false; afterQuote = false; recordHasContent = false
        }

        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                        column += 2
                        continue
                    }
                    inQuotes = false; afterQuote = true
                    column += 1
                    pending = next
                    continue
                }
                field.append(c)
                if c == "\n" { line += 1; column = 1 } else { column += 1 }
                continue
            }
            switch c {
            case ",":
                if !recordHasContent { recordStart = SourceLocation(file: file, line: line, column: column) }
                recordHasContent = true
                try endField()
                column += 1
                fieldColumn = column
            case "\r", "\n":
                if c == "\r" {
                    let next = iterator.next()
                    if next != "\n" { pending = next }
                }
                try endRecord()
                line += 1; column = 1; fieldColumn = 1
            case "\"" where field.isEmpty && !quoted && !afterQuote:
                if !recordHasContent { recordStart = SourceLocation(file: file, line: line, column: column) }
                recordHasContent = true
                inQuotes = true; quoted = true
                opened = SourceLocation(file: file, line: line, column: column)
                column += 1
            default:
                if afterQuote {
                    throw MixdownError.at(SourceLocation(file: file, line: line, column: column),
                                          "text after a quoted field's closing quote (a quote inside a quoted field is written \"\")", code: code)
                }
                if !recordHasContent { recordStart = SourceLocation(file: file, line: line, column: column) }
                recordHasContent = true
                field.append(c)
                column += 1
            }
        }
        if inQuotes {
            throw MixdownError.at(opened, "the quoted field that starts here is never closed (a \" is missing)", code: code)
        }
        try endRecord()
        return CSVTable(records: records)
    }
}
