import ArgumentParser
import CEspeakNG
import CLame
import CSampleRate
import CSndFile

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version of mixdown and of the libraries it links.")

    func run() {
        print("mixdown \(MixdownVersion.string)")
        print("libsndfile: \(String(cString: sf_version_string()))")
        print("LAME: \(String(cString: get_lame_version()))")
        print("libsamplerate: \(String(cString: src_get_version()))")
        print("espeak-ng: \(String(cString: espeak_Info(nil)))")
    }
}
