/* text.h - small text checks shared by the core. */
#ifndef SHENLI_TEXT_H
#define SHENLI_TEXT_H

#include <stddef.h>

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sl_utf8_valid(const char *s, size_t n);
/* Well-formed UTF-8 with no control characters (C0, DEL). */
int sl_text_printable(const char *s, size_t n);

#endif
