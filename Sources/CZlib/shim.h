#include <zlib.h>

/* inflateInit2 is a macro over inflateInit2_, which Swift cannot call; this wraps it. */
static inline int czlib_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}
