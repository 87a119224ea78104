import Foundation
import MixdownCore

/// An input file already decoded once with every check (`MixStream`), read again as a
/// `BlockSource`, folded to stereo: what `mixdown master` reads on its later passes when the
/// file is WAV, AIFF or FLAC at the working rate, instead of writing a spill of it. Reading a
/// 16-bit WAV again costs less than writing and reading 1.4 GB of float spill per hour.
/// Unchecked Sendable: reads are serialised by a lock (they seek a shared decoder).
public final class FileSource: BlockSource, @unchecked Sendable {
    public let sampleRate: Int
    public let channelCount = 2
    public let frameCount: Int
    private let path: String
    private let file: SndFileInputFile
    private let roles: [ChannelRole]
    private var position = 0
    private var scratch: [Float] = []
    private var decoded: AudioBlock
    private let lock = NSLock()

    /// The file at `path` to read again, if it can be: WAV, AIFF or FLAC at `rate`, with the
    /// `frames` its checked decode gave. Nil otherwise (the caller spills instead).
    public static func rereading(_ path: String, rate: Int, frames: Int) -> FileSource? {
        guard let file = try? SndFileInputFile(path: path), canReread(file.container, at: file.sampleRate, as: rate),
              file.declaredFrames == frames else { return nil }
        return FileSource(path: path, file: file, frames: frames)
    }

    /// What can be read again as decoded: a container libsndfile seeks exactly, at the
    /// working rate (nothing to resample).
    static func canReread(_ container: AudioContainer, at sampleRate: Int, as rate: Int) -> Bool {
        [.wav, .aiff, .flac].contains(container) && sampleRate == rate
    }

    private init(path: String, file: SndFileInputFile, frames: Int) {
        (self.path, self.file, frameCount, sampleRate) = (path, file, frames, file.sampleRate)
        roles = file.roles
        decoded = AudioBlock(channels: file.channels, capacity: 0)
    }

    public func read(from start: Int, into block: inout AudioBlock) throws {
        try lock.withLock {
            let frames = min(block.capacity, frameCount - start)
            if start != position {
                guard file.seek(to: start) else { throw MixdownError.failure("\(path): cannot seek to frame \(start) on reading it again") }
                position = start
            }
            if decoded.capacity < frames { decoded = AudioBlock(channels: file.channels, capacity: frames) }
            if scratch.count < frames * file.channels { scratch = [Float](repeating: 0, count: frames * file.channels) }
            var got = 0
            while got < frames {
                let n = scratch.withUnsafeMutableBufferPointer { file.read(into: $0.baseAddress! + got * file.channels, frames: frames - got) }
                if n <= 0 { break }
                got += n
            }
            // The file was checked whole on the first pass; a shortfall now means it changed since.
            guard got == frames else { throw MixdownError.badInput("\(path): the file changed while it was being mastered", code: .invalidAudio) }
            position += got
            scratch.withUnsafeBufferPointer { decoded.deinterleave($0, frames: got) }
            ChannelMix.toStereo(decoded, roles: roles, into: &block)
        }
    }
}
