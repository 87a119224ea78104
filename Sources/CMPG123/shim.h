#include <mpg123.h>

/* mpg123_param and the off_t functions are macros (API version and large-file names);
   Swift sees only functions, so these wrappers give it one name each. */
static inline int mixdown_mpg123_param(mpg123_handle *mh, enum mpg123_parms type, long value) {
    return mpg123_param(mh, type, value, 0.0);
}
static inline int mixdown_mpg123_open(mpg123_handle *mh, const char *path) {
    return mpg123_open(mh, path);
}
static inline long long mixdown_mpg123_length(mpg123_handle *mh) {
    return (long long)mpg123_length(mh);
}
