// FFmpeg's own libraries (libavcodec's AAC encoder and decoder, libavformat's MP4 muxer and
// demuxer). Swift cannot import function-like macros, so the error codes are functions here.
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>

static inline int mixdown_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int mixdown_averror_eof(void) { return AVERROR_EOF; }
static inline const char *mixdown_av_err(int code, char *buffer, size_t size) {
    av_strerror(code, buffer, size);
    return buffer;
}
