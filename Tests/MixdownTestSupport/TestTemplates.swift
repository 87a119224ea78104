import Foundation
import MixdownCore
import MixdownIO

/// Sound templates made inside a test: a folder with `template.json` and WAV files written by
/// the project's own writer, and zips of it made by Python's `zipfile` (an independent writer,
/// which also makes the archives a client should not send: `../` paths, links, lies).
public enum TestTemplates {
    /// A tone bed: `main` a stereo sine at `frequency` Hz, 4 s, looping 0.5…3.5 s (a whole number
    /// of cycles for 660 Hz, so the seam is clean) at about −18.7 LUFS; an `intro`, an `outro`
    /// and a `chime` effect at other pitches. `change` edits the manifest before it is written.
    @discardableResult
    public static func write(_ folder: String, frequency: Double = 660, mainDBFS: Double = -18, genre: [String]? = ["test-genre"],
                             instruments: [String]? = ["sine"], mood: [String] = ["steady"],
                             change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: frequency, dBFS: mainDBFS, seconds: 4), to: folder + "/main.wav")
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: frequency / 2, dBFS: -20, seconds: 2), to: folder + "/intro.wav")
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: frequency * 1.5, dBFS: -20, seconds: 1, taper: 0.4), to: folder + "/outro.wav")
        try AudioFileWriter.writeFloatWAV(Signals.sine(frequency: 1_500, dBFS: -20, seconds: 0.3, taper: 0.1), to: folder + "/chime.wav")
        var manifest: [String: Any] = [
            "description": "A test bed: a steady tone.",
            "mood": mood,
            "defaultSegment": "main",
            "segments": [
                "intro": ["file": "intro.wav"],
                "main": ["file": "main.wav", "loopStart": 24_000, "loopEnd": 168_000],
                "outro": ["file": "outro.wav"],
            ],
            "effects": ["chime": ["file": "chime.wav", "description": "chime"]],
        ]
        if let genre { manifest["genre"] = genre }
        if let instruments { manifest["instruments"] = instruments }
        change(&manifest)
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: folder + "/template.json"))
        return folder
    }

    /// Zips `folder` (deflated) into `zip`: its files at the archive's root, or under `top/`.
    /// `extra` adds entries as Python writes them: `("name", "text")`, or a link
    /// (`("name", "->target")`, Unix mode 0o120777), or `("name", "zeros:N")` (N zero bytes,
    /// deflated to almost nothing), or `("name", "lie:N")` (N zero bytes declared as 10), or
    /// `("name", "encrypted:text")` (flagged as encrypted).
    public static func zip(_ folder: String?, to zip: String, top: String? = nil, extra: [(String, String)] = []) throws {
        let script = #"""
        import os, sys, zipfile, zlib, struct
        folder, out, top = sys.argv[1], sys.argv[2], sys.argv[3]
        extra = sys.argv[4:]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            if folder:
                for root, dirs, files in os.walk(folder):
                    for f in sorted(files):
                        path = os.path.join(root, f)
                        name = os.path.relpath(path, folder)
                        z.write(path, (top + "/" + name) if top else name)
            for i in range(0, len(extra), 2):
                name, what = extra[i], extra[i + 1]
                if what.startswith("->"):
                    info = zipfile.ZipInfo(name)
                    info.create_system = 3
                    info.external_attr = (0o120777 << 16)
                    z.writestr(info, what[2:])
                elif what.startswith("zeros:"):
                    z.writestr(zipfile.ZipInfo(name), b"\0" * int(what[6:]), zipfile.ZIP_DEFLATED)
                elif what.startswith("lie:"):
                    z.writestr(zipfile.ZipInfo(name), b"\0" * int(what[4:]), zipfile.ZIP_DEFLATED)
                elif what.startswith("encrypted:"):
                    z.writestr(name, what[10:])
                else:
                    z.writestr(name, what)
        if any(extra[i + 1].startswith(("lie:", "encrypted:")) for i in range(0, len(extra), 2)):
            # In the central directory: the lying entries' sizes rewritten to 10 bytes, the
            # "encrypted" ones flagged so (bit 0), as an encrypting zip writer would.
            data = bytearray(open(out, "rb").read())
            names = [extra[i].encode() for i in range(0, len(extra), 2) if extra[i + 1].startswith("lie:")]
            secret = [extra[i].encode() for i in range(0, len(extra), 2) if extra[i + 1].startswith("encrypted:")]
            p = 0
            while True:
                p = data.find(b"PK\x01\x02", p)
                if p < 0: break
                n = struct.unpack("<H", data[p + 28:p + 30])[0]
                if bytes(data[p + 46:p + 46 + n]) in names:
                    data[p + 24:p + 28] = struct.pack("<I", 10)
                if bytes(data[p + 46:p + 46 + n]) in secret:
                    data[p + 8] |= 1
                p += 4
            open(out, "wb").write(data)
        """#
        let result = try Tools.run("python3", ["-c", script, folder ?? "", zip, top ?? ""] + extra.flatMap { [$0.0, $0.1] })
        guard result.status == 0 else { throw ToolError("python3 zipfile failed: \(result.stderr)") }
    }

    /// The level at `frequency` Hz (Goertzel) relative to the whole signal's, in dB (0: all of
    /// it is that tone), over `samples`.
    public static func toneShare(_ samples: ArraySlice<Float>, frequency: Double, rate: Int = 48_000) -> Double {
        let w = 2 * Double.pi * frequency / Double(rate)
        var s1 = 0.0, s2 = 0.0, energy = 0.0
        for x in samples {
            let s = Double(x) + 2 * cos(w) * s1 - s2
            s2 = s1
            s1 = s
            energy += Double(x) * Double(x)
        }
        let power = s1 * s1 + s2 * s2 - 2 * cos(w) * s1 * s2
        let n = Double(samples.count)
        // A sine of amplitude A: Goertzel power ≈ (A·N/2)², energy ≈ A²·N/2.
        let toneEnergy = 2 * power / n
        return 10 * log10(max(toneEnergy, 1e-30) / max(energy, 1e-30))
    }
}
