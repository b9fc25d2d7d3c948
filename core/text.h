/* text.h - small text checks shared by the core. */
#ifndef SHENLI_TEXT_H
#define SHENLI_TEXT_H

#include <stddef.h>

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sl_utf8_valid(const char *s, size_t n);
/* Well-formed UTF-8 with no control characters (C0, DEL). */
int sl_text_printable(const char *s, size_t n);

/* Copy in to out (cap bytes with the NUL) for a log or a message: invalid
 * UTF-8 and control characters become '?', and a long text is cut on a
 * character boundary with "...". */
void sl_text_sanitize(const char *in, char *out, size_t cap);

#endif
