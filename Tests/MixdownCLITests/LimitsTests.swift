import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing
import MixdownDelivery

/// Input that used to trap, hang or grow without bound, through the CLI: exit 1 (2 for usage),
/// one line naming the file:line:col or key path, nothing written.
@Suite struct LimitsTests {
    let folder = TemporaryFolder()

    func mixdown(_ arguments: String...) throws -> Tools.Result { try Tools.run(Tools.mixdown, arguments) }
    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One clear line, exit 1, and no file in the folder but the inputs.
    func expectRefused(_ result: Tools.Result, says: String, before: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(says), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(folder.contents == before, "nothing may be written", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        (#"{"scriptText": "hi", "forceLength": 1e308}"#, "p.json:1:37: forceLength: must be at most 21600 s (6 hours)"),
        (#"{"scriptText": "hi", "timelineProperties": {"forceLength": 1e9}}"#, "timelineProperties.forceLength: must be at most 21600 s"),
        (#"{"scriptText": "hi", "pitch": 1e19}"#, "p.json:1:31: pitch: must be between 0.5 and 2"),
        (#"{"scriptText": "hi", "sectionProperties": {"a": {"endAt": 1e300}}}"#, "sectionProperties.a.endAt: must be at most 21600 s"),
        (#"{"scriptText": "hi", "sectionProperties": {"a": {"fadeIn": 99999}}}"#, "sectionProperties.a.fadeIn: must be at most 21600 s"),
        (#"{"scriptText": "hi", "speed": 1e400}"#, "p.json:1:31: invalid JSON: invalid number"),
        (String(repeating: "[", count: 100_000), "p.json:1:65: invalid JSON: nested deeper than 64 levels"),
    ])
    func numbersAndNestingAreCheckedWhereTheyEnter(_ json: String, _ says: String) throws {
        let path = try write("p.json", json)
        let before = folder.contents
        expectRefused(try mixdown("render", path, "-o", folder.file("out.wav")), says: says, before: before)
    }

    /// User text quoted in a message cannot break it into lines or drown it: control
    /// characters are escaped and a quoted tag is cut short (found by fuzz-script).
    @Test func quotedUserTextStaysOnOneShortLine() throws {
        let script = try write("s.txt", "Hello <break time=\"1s\u{0}" + String(repeating: "x", count: 5_000) + "\n/> there.")
        let before = folder.contents
        let result = try mixdown("render", "--script", script, "-o", folder.file("o.wav"))
        expectRefused(result, says: "s.txt:1:7: unclosed tag '<break time=\"1s\\u{0}xxx", before: before)
        #expect(result.stderr.count < 200, "stderr: \(result.stderr)")
    }

    @Test func commandLineNumbers() throws {
        let script = try write("s.txt", "Hello.")
        let before = folder.contents
        expectRefused(try mixdown("render", "--script", script, "--force-length", "inf", "-o", folder.file("o.wav")),
                      says: "forceLength: must be a finite number", before: before)
        expectRefused(try mixdown("render", "--script", script, "--section-properties", String(repeating: "[", count: 100_000), "-o", folder.file("o.wav")),
                      says: "--section-properties:1:65: invalid JSON: nested deeper than 64 levels", before: before)
        // A negative value is a value, not an option.
        let tone = folder.file("tone.wav")
        _ = try AudioEncoder.encode(Signals.musicLike(seconds: 3), as: .wav, to: tone)
        let mastered = try mixdown("master", tone, "-o", folder.file("m.wav"), "--target-lufs", "-20", "--true-peak", "-2",
                                   "--report", folder.file("m.json"))
        #expect(mastered.status == 0, "stderr: \(mastered.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("m.json")))) as? [String: Any]
        #expect(report?["loudnessTarget"] as? Double == -20)
        #expect(report?["truePeakLimit"] as? Double == -2)
        #expect(try Tools.ffmpegDecode(folder.file("m.wav")).samples.count == 3 * 48_000 * 2)
    }

    @Test func inputsThatAreNotRegularFilesAreRefusedWithoutBlocking() throws {
        let fifo = folder.file("pipe.wav")
        #expect(mkfifo(fifo, 0o644) == 0)
        let link = folder.file("link.wav")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        let production = try write("p.json", #"{"scriptText": "<<media::m>>", "mediaFiles": {"m": {"path": "link.wav", "role": "insert"}}}"#)
        let scriptFIFO = folder.file("script.txt")
        #expect(mkfifo(scriptFIFO, 0o644) == 0)
        let before = folder.contents
        for (args, says) in [
            (["analyze", fifo], "pipe.wav: is a FIFO (named pipe), not a regular file"),
            (["analyze", link], "link.wav: is a FIFO (named pipe), not a regular file"),
            (["analyze", "/dev/zero"], "/dev/zero: is a device, not a regular file"),
            (["analyze", "/proc/self/mem"], "/proc/self/mem: is a kernel file"),
            (["encode", "/dev/zero", "-o", folder.file("x.wav")], "/dev/zero: is a device"),
            (["render", production, "-o", folder.file("x.wav")], "link.wav: is a FIFO"),
            (["render", "--script", scriptFIFO, "-o", folder.file("x.wav")], "script.txt: is a FIFO"),
        ] {
            // (Were a FIFO opened and read, this would wait for a writer for ever.)
            let result = try Tools.run(Tools.mixdown, args)
            expectRefused(result, says: says, before: before)
        }
    }

    @Test func outputsThatAreNotRegularFilesAreRefusedFirst() throws {
        let tone = folder.file("tone.wav")
        _ = try AudioEncoder.encode(Signals.musicLike(seconds: 1), as: .wav, to: tone)
        let target = folder.file("elsewhere.wav")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        let link = folder.file("link.wav")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let fifo = folder.file("fifo.wav")
        #expect(mkfifo(fifo, 0o644) == 0)
        let before = folder.contents
        for (args, says) in [
            (["encode", tone, "-o", link], "link.wav: cannot write: it is a symbolic link"),
            (["master", tone, "-o", link], "link.wav: cannot write: it is a symbolic link"),
            (["encode", tone, "-o", fifo], "fifo.wav: cannot write: it exists and is not a regular file"),
            (["encode", tone, "-o", "/dev/null", "--end-format", "wav"], "/dev/null: cannot write"),
        ] {
            expectRefused(try Tools.run(Tools.mixdown, args), says: says, before: before)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
    }

    /// A folder that takes no new files is found before any work and named as given: /proc and
    /// /sys refuse even root (whom permission bits do not stop); a folder without write
    /// permission is tested for other users only.
    @Test func foldersThatTakeNoNewFilesAreRefusedFirst() throws {
        let tone = folder.file("tone.wav")
        _ = try AudioEncoder.encode(Signals.musicLike(seconds: 1), as: .wav, to: tone)
        let production = try write("p.json", #"{"scriptText": "Hi {{name}}.", "endFormat": ["wav"]}"#)
        let rows = try write("rows.csv", "name\nSam\n")
        let locked = folder.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o555)
        defer { chmod(locked, 0o755) }
        let before = folder.contents
        var cases = [
            (["encode", tone, "-o", "/proc/version", "--end-format", "wav"], "/proc/version: cannot write: folder /proc is not writable"),
            (["master", tone, "-o", "/proc/version", "--end-format", "wav"], "/proc/version: cannot write: folder /proc is not writable"),
            (["master", tone, "-o", folder.file("m.wav"), "--report", "/proc/r.json"], "/proc/r.json: cannot write: folder /proc is not writable"),
            (["batch", production, "--audience", rows, "-o", "/proc"], "/proc: cannot write: folder /proc is not writable"),
        ]
        if FileManager.default.fileExists(atPath: "/sys/kernel") {
            cases.append((["encode", tone, "-o", "/sys/kernel/e.wav"], "/sys/kernel/e.wav: cannot write: folder /sys/kernel is not writable"))
        }
        // Root writes into a folder of mode 555 all the same: that case means something for other users only.
        if getuid() != 0 {
            cases += [(["encode", tone, "-o", locked + "/e.wav"], "locked/e.wav: cannot write: folder \(locked) is not writable (permission denied)"),
                      (["batch", production, "--audience", rows, "-o", locked], "locked: cannot write: folder \(locked) is not writable (permission denied)")]
        }
        for (args, says) in cases {
            expectRefused(try Tools.run(Tools.mixdown, args), says: says, before: before)
        }
        #expect(folder.contents(of: locked).isEmpty)
    }

    @Test func namesAndValuesAreCheckedBeforeTheyReachCLibraries() throws {
        let script = try write("s.txt", "Hello {{name|friend}}.")
        let before = folder.contents
        let variant = "en-us+" + String(repeating: "f", count: 1_000)
        expectRefused(try mixdown("render", "--script", script, "--voice", variant, "-o", folder.file("o.wav")),
                      says: "voice: 'en-us+fff", before: before)
        let production = try write("v.json", #"{"scriptText": "<as:sub voice=\"en-us+\#(String(repeating: "f", count: 500))\">Hi</as:sub>"}"#)
        let before2 = folder.contents
        expectRefused(try mixdown("render", production, "-o", folder.file("o.wav")), says: "is 506 characters long; a voice name has at most 40", before: before2)
        // A personalisation value of 100,000 characters is refused by its length, not spoken for minutes.
        expectRefused(try mixdown("render", "--script", script, "--var", "name=" + String(repeating: "a", count: 100_000), "-o", folder.file("o.wav")),
                      says: "audience.name: is 100000 characters long; a personalisation value has at most 10000", before: before2)
        // An MBROLA voice that cannot load is refused in one line, without espeak-ng's own chatter
        // (this machine has no MBROLA; with it installed the voice would speak).
        if !FileManager.default.fileExists(atPath: "/usr/share/mbrola/en1") {
            expectRefused(try mixdown("render", "--script", script, "--voice", "mb-en1", "-o", folder.file("o.wav")),
                          says: "voice: voice 'mb-en1' is an MBROLA voice: it needs the mbrola program and MBROLA's voice data 'en1'", before: before2)
        }
    }

    @Test func audioHeadersOutsideTheRangesAreRefused() throws {
        // A valid WAV whose header declares 1 Hz, and one with 12 channels.
        func wav(_ name: String, rate: UInt32, channels: UInt16) throws -> String {
            var d = Data()
            func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
            func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
            let frames: UInt32 = 100, bytes = frames * UInt32(channels) * 2
            d.append(contentsOf: Array("RIFF".utf8)); u32(36 + bytes); d.append(contentsOf: Array("WAVEfmt ".utf8))
            u32(16); u16(1); u16(channels); u32(rate); u32(rate * UInt32(channels) * 2); u16(channels * 2); u16(16)
            d.append(contentsOf: Array("data".utf8)); u32(bytes); d.append(Data(repeating: 1, count: Int(bytes)))
            let path = folder.file(name)
            try d.write(to: URL(fileURLWithPath: path))
            return path
        }
        let slow = try wav("slow.wav", rate: 1, channels: 2)
        let wide = try wav("wide.wav", rate: 48_000, channels: 12)
        let before = folder.contents
        expectRefused(try mixdown("analyze", slow), says: "slow.wav: header declares 2 channels at 1 Hz", before: before)
        expectRefused(try mixdown("analyze", wide), says: "wide.wav: header declares 12 channels at 48000 Hz", before: before)
        expectRefused(try mixdown("encode", slow, "-o", folder.file("x.flac")), says: "at 1 Hz", before: before)
    }

    @Test func anEngineThatWritesWithoutEndIsStopped() throws {
        let scratch = folder.file("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let production = try write("e.json", """
        {"scriptText": "Endless.", "speechEngine": {"command": ["sh", "-c", "cat /dev/zero"], "timeoutSeconds": 120}}
        """)
        let before = folder.contents
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = scratch
        environment["MIXDOWN_CACHE"] = "off"
        let result = try Tools.run(Tools.mixdown, ["render", production, "-o", folder.file("o.wav")], environment: environment)
        // Stopped by the size limit (this message), not by its 120 s time limit (another).
        expectRefused(result, says: "speech engine 'sh' wrote more than 512 MB", before: before)
        #expect(!result.stderr.contains("did not finish within"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the engine's working folder is left")
    }

    /// Starts a render whose engine sleeps for a minute; returns once the engine runs.
    func startSlowRender(tmp scratch: String, name: String) throws -> (mixdown: Process, engine: Int32, production: String) {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let pidFile = folder.file("\(name).pid")
        let production = try write("\(name).json", """
        {"scriptText": "Slow.", "endFormat": ["wav"], "speechEngine": {"command": ["sh", "-c", "echo $$ > \(pidFile); exec sleep 60"], "timeoutSeconds": 120}}
        """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.mixdown)
        process.arguments = ["render", production, "-o", folder.file("\(name).wav")]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch, "MIXDOWN_CACHE": "off"]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let waitUntil = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: pidFile) && Date() < waitUntil { usleep(20_000) }
        usleep(100_000)
        let enginePID = Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(enginePID > 0)
        return (process, enginePID, production)
    }

    /// Running and not a zombie waiting for init; waits up to 5 s for it to go.
    func stillAlive(_ pid: Int32) -> Bool {
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
        }
        let gone = Date().addingTimeInterval(5)
        while alive() && Date() < gone { usleep(20_000) }
        return alive()
    }

    @Test func stoppingMixdownStopsItsEngineAndLeavesNothing() throws {
        let scratch = folder.file("tmp2")
        let (process, enginePID, _) = try startSlowRender(tmp: scratch, name: "slow")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)
        // The engine is gone, its folder and any partial output too.
        #expect(!stillAlive(enginePID), "the engine (pid \(enginePID)) outlived mixdown")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "temporary files left")
        #expect(!folder.contents.contains { $0.hasPrefix(".slow.wav") || $0 == "slow.wav" })
    }

    /// kill -9 runs no handler: the engine dies by its parent-death signal, and the folder it
    /// leaves is removed by the next render that runs an engine in the same place.
    @Test func killingMixdownOutrightStillStopsItsEngine() throws {
        let scratch = folder.file("tmp3")
        let (process, enginePID, _) = try startSlowRender(tmp: scratch, name: "killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!stillAlive(enginePID), "the engine (pid \(enginePID)) outlived mixdown")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).contains { $0.hasPrefix("mixdown-tts-") })
        let next = try write("quick.json", """
        {"scriptText": "Quick.", "endFormat": ["wav"], "speechEngine": {"command": ["false"], "timeoutSeconds": 5}}
        """)
        let result = try Tools.run(Tools.mixdown, ["render", next, "-o", folder.file("quick.wav")],
                                   environment: ["TMPDIR": scratch, "MIXDOWN_CACHE": "off"])
        #expect(result.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the killed render's folder is left")
    }

    @Test func programmesOverTheLengthLimitAreRefusedFirst() throws {
        let short = try write("short.txt", "Hello there, this sentence takes longer than one second to say.")
        let long = try write("long.txt", String(repeating: "word ", count: 30_000))
        let before = folder.contents
        expectRefused(try mixdown("render", "--script", short, "--force-length", "10", "--max-duration", "5", "-o", folder.file("o.wav")),
                      says: "forceLength: 10 s is longer than the limit of 5 s (--max-duration)", before: before)
        expectRefused(try mixdown("render", "--script", long, "--max-duration", "60", "-o", folder.file("o.wav")),
                      says: "script: the script has 30000 words: at least 2637 s of speech, over the limit of 60 s", before: before)
        // Known only once spoken: refused after planning, before any audio is rendered.
        expectRefused(try mixdown("render", "--script", short, "--max-duration", "1", "-o", folder.file("o.wav")),
                      says: "the programme would be", before: before)
        let usage = try mixdown("render", "--script", short, "--max-duration", "99999", "-o", folder.file("o.wav"))
        #expect(usage.status == 2 && usage.stderr.contains("--max-duration must be more than 0 and at most 21600 seconds"))
        // Refused before any speech: an engine that leaves a mark when called is never called.
        let marker = folder.file("engine-called")
        let counted = try write("counted.json", """
        {"scriptFile": "long.txt", "speechEngine": {"command": ["sh", "-c", "touch \(marker); espeak-ng -w \\"$0\\" \\"$1\\"", "{output}", "{text}"]}}
        """)
        let run = try mixdown("render", counted, "--max-duration", "60", "-o", folder.file("o.wav"))
        #expect(run.status == 1 && run.stderr.contains("the script has 30000 words"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the engine was called before the length was refused")
    }
}
