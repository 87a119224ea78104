import Foundation
import MixdownCore
import MixdownIO

/// Runs programs for tests: the mixdown binary and the independent tools (ffmpeg, ffprobe).
public enum Tools {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil, directory: String? = nil) throws -> Result {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let outData = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    public static func which(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw MixdownError.failure("\(name) not found on PATH")
    }

    /// The `mixdown` binary built beside the test bundle.
    public static var mixdown: String {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            .deletingLastPathComponent() ?? Bundle.main.bundleURL
        return bundle.appendingPathComponent("mixdown").path
    }

    /// What ffmpeg decodes from a file: its stream's rate and channel count and every sample.
    public struct Decoded {
        public var sampleRate: Int
        public var channels: Int
        public var frames: Int { samples.count / max(channels, 1) }
        /// Interleaved float samples as ffmpeg's decoder delivers them (no resampling).
        public var samples: [Float]
        public func channel(_ c: Int) -> [Float] { stride(from: c, to: samples.count, by: channels).map { samples[$0] } }
        public var buffer: AudioBuffer {
            AudioBuffer(sampleRate: sampleRate, channels: (0..<channels).map(channel))
        }
    }

    /// What ffmpeg's EBU R128 meter (`-af ebur128=peak=true`: true peak by oversampling to
    /// 192 kHz) reads from a file: integrated loudness (LUFS), loudness range (LU) and true
    /// peak (dBTP), each as ffmpeg prints it (to 0.1). An independent meter for the product's.
    public struct Loudness { public var integrated, range, truePeak: Double }

    public static func ffmpegLoudness(_ path: String) throws -> Loudness {
        let measured = try run("ffmpeg", ["-nostats", "-nostdin", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"])
        // The summary is the last block; each of its lines is `Name: value unit`.
        let summary = measured.stderr.components(separatedBy: "Summary:").last ?? ""
        func value(_ name: String, _ unit: String) throws -> Double {
            let line = summary.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + ":") && $0.hasSuffix(unit) }
            guard let line, let v = Double(line.split(separator: " ").dropLast().last ?? "") else {
                throw ToolError("ffmpeg's ebur128 gave no \(name) for \(path): \(measured.stderr.suffix(600))")
            }
            return v
        }
        return Loudness(integrated: try value("I", "LUFS"), range: try value("LRA", "LU"), truePeak: try value("Peak", "dBFS"))
    }

    public static func ffmpegDecode(_ path: String) throws -> Decoded {
        let probe = try run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                        "stream=sample_rate,channels", "-of", "csv=p=0", path])
        let fields = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard probe.status == 0, fields.count == 2, let rate = Int(fields[0]), let channels = Int(fields[1]) else {
            throw MixdownError.failure("ffprobe could not read \(path): \(probe.stderr)")
        }
        let temporary = NSTemporaryDirectory() + "ffdec-\(UUID().uuidString).f32"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let decode = try run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", path, "-f", "f32le", "-acodec", "pcm_f32le", temporary])
        guard decode.status == 0 else { throw MixdownError.failure("ffmpeg could not decode \(path): \(decode.stderr)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: temporary))
        let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return Decoded(sampleRate: rate, channels: channels, samples: samples)
    }
}

/// A fresh folder under the system temporary folder, removed when released.
public final class TemporaryFolder: Sendable {
    public let path: String
    public init() {
        path = NSTemporaryDirectory() + "mixdown-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    public func file(_ name: String) -> String { "\(path)/\(name)" }
    public var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// A tool a test depends on failed; the message says which and why.
public struct ToolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
