import CFFmpeg

/// FFmpeg's own words for one of its (negative) error codes, for the one-line errors of
/// `AACStream` and `MP4InputFile`.
func ffmpegMessage(_ code: Int32) -> String {
    var text = [CChar](repeating: 0, count: 256)
    return String(cString: mixdown_av_err(code, &text, text.count))
}
