import CFuzzer
import Foundation
import MixdownCore
import MixdownIO

/// What every fuzz target shares: a private scratch folder, and the rule that decides what is a
/// finding. A `MixdownError` with a one-line message is the expected answer to bad input;
/// anything else (another error, a trap, a sanitizer report, a hang, memory past libFuzzer's
/// limit) is a finding, and libFuzzer saves its input.
public enum Fuzz {
    /// A folder of this process's own under /dev/shm (or the temporary folder), made once.
    public static let scratch: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(base)/mixdown-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: "/dev/shm/mixdown-fuzz-\(getpid())") }
        return path
    }()

    /// Writes the input to `name` in the scratch folder and returns its path.
    public static func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> String {
        let path = scratch + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The input as text, as a user's file would be read (invalid UTF-8 repaired).
    public static func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Hands the process to libFuzzer with `body` as the target. The targets are ordinary
    /// executables (`@main`), so they start libFuzzer's driver themselves.
    public static func drive(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        target = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzz.target?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        })
    }
    nonisolated(unsafe) static var target: ((UnsafeRawBufferPointer) -> Void)?

    /// Runs one input: returning or throwing a clear one-line `MixdownError` are both fine.
    public static func run(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as MixdownError {
            if error.message.isEmpty || error.message.contains(where: \.isNewline) || error.message.count > 4_000 {
                fatalError("not one clear line: \(error.message.debugDescription)")
            }
        } catch {
            fatalError("an error that is not a MixdownError: \(error)")
        }
    }
}

/// A small template for the targets that need one: `a.wav` (1 s) and `b.wav` (0.3 s) of quiet
/// tones at 48 kHz, and the manifest that the template target's corpus starts from.
public enum FuzzTemplate {
    public static let manifest = """
        {
          "name": "t", "tempo": 120, "beatsPerBar": 4, "defaultSegment": "main",
          "segments": {
            "main": { "file": "a.wav", "loopStart": 0, "loopEnd": 48000 },
            "intro": { "file": "b.wav", "loopStartBar": 0, "loopEndBar": 0.5 },
            "outro": { "file": "b.wav", "gain": -3 }
          },
          "effects": { "effect1": { "file": "b.wav", "gain": -2 } }
        }
        """

    public static func install(in folder: String) {
        for (name, seconds) in [("a.wav", 1.0), ("b.wav", 0.3)] {
            let frames = Int(48_000 * seconds)
            let tone = (0..<frames).map { Float(0.1 * sin(2 * Double.pi * 220 * Double($0) / 48_000)) }
            try? AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [tone, tone]), to: folder + "/" + name)
        }
        try? manifest.write(toFile: folder + "/template.json", atomically: true, encoding: .utf8)
    }
}
