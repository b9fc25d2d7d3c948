/* text.h - small text checks shared by the core. */
#ifndef SHENLI_TEXT_H
#define SHENLI_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sl_utf8_valid(const char *s, size_t n);
/* Well-formed UTF-8 with no control characters (C0, DEL). */
int sl_text_printable(const char *s, size_t n);

/* No control character may reach a terminal or a document as itself:
 * not C0, DEL or C1 (escape sequences, bells, carriage returns), nor a
 * bidirectional control (U+200E/F, U+202A-E, U+2066-9, U+061C) that
 * would show text in another order than it is. sl_text_safe says whether
 * s has none (and is valid UTF-8); the two below replace each with '?'.
 * Every byte of a dossier, a plugin's finding or a user's input that the
 * CLI prints goes through them. */
int sl_text_safe(const char *s, size_t n);

/* Copy in to out (cap bytes with the NUL) for a log or a message: invalid
 * UTF-8 and unsafe characters become '?', and a long text is cut on a
 * character boundary with "...". */
void sl_text_sanitize(const char *in, char *out, size_t cap);
/* Write the whole of s to f, made safe the same way. */
void sl_text_put(FILE *f, const char *s);

#endif
