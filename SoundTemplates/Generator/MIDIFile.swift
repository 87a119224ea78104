import Foundation

/// One note of a part, in beats from the start of the file.
struct Note {
    var channel: Int
    var key: Int
    var velocity: Int
    var start: Double
    var length: Double
}

/// A controller (or program change) at a time in beats.
struct Control {
    enum Kind { case program(Int), controller(Int, Int), pitchBend(Int) }
    var channel: Int
    var kind: Kind
    var at: Double
}

/// A Standard MIDI File (format 0, one track) written from notes and controls. FluidSynth
/// renders it; the events are sorted so the same music always makes the same bytes.
enum MIDIFile {
    static let ticksPerBeat = 960

    static func bytes(notes: [Note], controls: [Control], tempo: Double, beatsPerBar: Int) -> [UInt8] {
        // (tick, order, bytes): at one tick, controls first, then note-offs, then note-ons.
        var events = [(tick: Int, order: Int, data: [UInt8])]()
        func tick(_ beats: Double) -> Int { max(0, Int((beats * Double(ticksPerBeat)).rounded())) }
        for c in controls {
            let status: [UInt8]
            switch c.kind {
            case .program(let p): status = [UInt8(0xC0 | c.channel), UInt8(p)]
            case .controller(let n, let v): status = [UInt8(0xB0 | c.channel), UInt8(n), UInt8(min(127, max(0, v)))]
            case .pitchBend(let v):
                let value = min(16_383, max(0, v + 8_192))
                status = [UInt8(0xE0 | c.channel), UInt8(value & 0x7F), UInt8(value >> 7)]
            }
            events.append((tick(c.at), 0, status))
        }
        for n in notes {
            let on = tick(n.start), off = max(on + 1, tick(n.start + n.length))
            events.append((on, 2, [UInt8(0x90 | n.channel), UInt8(n.key), UInt8(min(127, max(1, n.velocity)))]))
            events.append((off, 1, [UInt8(0x80 | n.channel), UInt8(n.key), 0]))
        }
        events.sort { a, b in a.tick != b.tick ? a.tick < b.tick : a.order != b.order ? a.order < b.order : a.data.lexicographicallyPrecedes(b.data) }

        var track = [UInt8]()
        let microseconds = Int((60_000_000 / tempo).rounded())
        track += [0x00, 0xFF, 0x51, 0x03, UInt8(microseconds >> 16 & 0xFF), UInt8(microseconds >> 8 & 0xFF), UInt8(microseconds & 0xFF)]
        track += [0x00, 0xFF, 0x58, 0x04, UInt8(beatsPerBar), 0x02, 24, 8]
        var last = 0
        for e in events {
            track += variableLength(e.tick - last) + e.data
            last = e.tick
        }
        track += [0x00, 0xFF, 0x2F, 0x00]
        var file = Array("MThd".utf8) + be32(6) + be16(0) + be16(1) + be16(ticksPerBeat)
        file += Array("MTrk".utf8) + be32(track.count) + track
        return file
    }

    static func variableLength(_ value: Int) -> [UInt8] {
        var v = value, out = [UInt8(v & 0x7F)]
        v >>= 7
        while v > 0 { out.insert(UInt8(v & 0x7F | 0x80), at: 0); v >>= 7 }
        return out
    }
    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

}
