import MixdownBatch
import MixdownCore
import Testing

/// The audience reader: RFC 4180 as spreadsheets write it, and rows checked one by one.
@Suite struct CSVTests {
    @Test func quotingLineEndsAndTheByteOrderMark() throws {
        let text = "\u{FEFF}id,name,city\r\na1,\"Smith, Jo\",\"He said \"\"hi\"\"\"\r\n\r\na2,\"two\nlines\",\n,,\n"
        let table = try CSVTable.parse(text, file: "t.csv")
        #expect(table.records.map(\.fields) == [["id", "name", "city"], ["a1", "Smith, Jo", "He said \"hi\""],
                                                ["a2", "two\nlines", ""], ["", "", ""]])
        #expect(table.records.map(\.location.line) == [1, 2, 4, 6])
        #expect(table.records[1].columns == [1, 4, 16])
        // No line end after the last record, and a lone CR as a line end.
        #expect(try CSVTable.parse("a,b\r1,2", file: "t.csv").records.map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func whatCannotBeReadIsPlaced() {
        #expect(throws: MixdownError.badInput("t.csv:2:6: text after a quoted field's closing quote (a quote inside a quoted field is written \"\")")) {
            try CSVTable.parse("a,b\n1,\"x\"y\n", file: "t.csv")
        }
        #expect(throws: MixdownError.badInput("t.csv:1:3: the quoted field that starts here is never closed (a \" is missing)")) {
            try CSVTable.parse("a,\"b\n1,2\n", file: "t.csv")
        }
    }

    @Test func rowsAreCheckedOneByOne() throws {
        let table = try CSVTable.parse("name,id,city\nSam,,Leeds\nAna,a-1\nKofi,a-1,Accra\nMei,.x,York\nLi,b,\n", file: "t.csv")
        let audience = try Audience(table, file: "t.csv")
        #expect(audience.columns == ["name", "id", "city"])
        let v = audience.variants
        #expect(v.map(\.id) == ["00001", "a-1", "a-1", ".x", "b"])
        #expect(v[0].variables == ["name": "Sam", "city": "Leeds"] && v[0].problem == nil)
        #expect(v[1].problem?.message == "t.csv:3:1: 2 fields in this row; the header has 3")
        // Row 2 failed, yet its id is taken by no one: row 3 may not have it either way.
        #expect(v[2].problem?.message == "t.csv:4:6: id 'a-1' is already row 2's")
        #expect(v[3].problem?.message == "t.csv:5:5: id '.x' cannot name a file (letters, digits, . _ - only, not starting with a dot)")
        #expect(v[4].variables == ["name": "Li"], "an empty cell leaves its variable unset")
        #expect(throws: MixdownError.badInput("t.csv: no header row (the first row names the variables, e.g. name,city)")) {
            try Audience(CSVTable.parse("\n\n", file: "t.csv"), file: "t.csv")
        }
    }
}
