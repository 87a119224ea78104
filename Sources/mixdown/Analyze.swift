import ArgumentParser
import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure loudness (BS.1770-4 / EBU R128), true peak, spectrum balance and stereo image.")

    @Argument(help: "Audio files (WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3).")
    var files: [String]

    @Flag(help: "Print JSON: one object for one file, an array for several.")
    var json = false

    func run() throws {
        var results = [AudioAnalysis]()
        var failed = false
        let pool = WorkerPool.machine()
        for path in files {
            do {
                let file = try AudioFileReader.read(path)
                let analysis = AudioAnalysis.analyze(file.audio, roles: file.roles, pool: pool)
                results.append(analysis)
                if !json { print(Self.table(path, analysis)) }
            } catch let error as MixdownError {
                FileHandle.standardError.write(Data("mixdown: \(error.message)\n".utf8))
                failed = true
            }
        }
        if json && !results.isEmpty {
            let data = files.count == 1 ? try JSONOutput.encode(results[0], pretty: true) : try JSONOutput.encode(results, pretty: true)
            print(String(decoding: data, as: UTF8.self))
        }
        if failed { throw ExitCode.badInput }
    }

    static func table(_ path: String, _ a: AudioAnalysis) -> String {
        func f(_ v: Double?, _ unit: String) -> String { v.map { String(format: "%.1f %@", $0, unit) } ?? "–" }
        func g(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "–" }
        let seconds = Double(a.durationSamples) / Double(a.sampleRate)
        return """
        \(path)
          duration         \(String(format: "%.3f s", seconds)) (\(a.durationSamples) samples, \(a.sampleRate) Hz, \(a.channels) ch)
          integrated       \(f(a.integratedLufs, "LUFS"))
          momentary max    \(f(a.momentaryMaxLufs, "LUFS"))
          short-term max   \(f(a.shortTermMaxLufs, "LUFS"))
          loudness range   \(f(a.loudnessRangeLu, "LU"))
          true peak        \(f(a.truePeakDbtp, "dBTP"))
          sample peak      \(f(a.samplePeakDbfs, "dBFS"))
          crest factor     \(f(a.crestFactorDb, "dB"))
          bands (dB)       sub \(f(a.bands.sub, "")) bass \(f(a.bands.bass, "")) lowMid \(f(a.bands.lowMid, "")) mid \(f(a.bands.mid, "")) presence \(f(a.bands.presence, "")) air \(f(a.bands.air, ""))
          correlation      \(g(a.stereoCorrelation))
          side/mid         \(f(a.sideToMidDb, "dB"))
        """
    }
}
