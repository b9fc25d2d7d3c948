/* text.h - small text checks shared by the core. */
#ifndef SHENLI_TEXT_H
#define SHENLI_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sl_utf8_valid(const char *s, size_t n);
/* Well-formed UTF-8 with no control characters (C0, DEL). */
int sl_text_printable(const char *s, size_t n);

/* The one place that says what text from a dossier, a plugin, a log or a
 * user may show as itself (text.c: klass). A line break or tab becomes a
 * space; a control character (C0, DEL, C1), a bidirectional control or
 * isolate, or another invisible format character never reaches a
 * terminal or a document as itself. Every byte the CLI prints, every
 * document (md, html, pdf) and every message goes through one of these. */

/* Valid UTF-8 with nothing that is not shown as itself. */
int sl_text_safe(const char *s, size_t n);
/* A malloc'ed copy for a person to read: breaks and tabs a space, unsafe
 * characters unsafe_as ("" drops them, "\uFFFD" marks them), bytes that
 * are not UTF-8 U+FFFD. NULL if out of memory. */
char *sl_text_clean(const char *s, const char *unsafe_as);
/* Write s to f, cleaned, unsafe characters marked U+FFFD. */
void sl_text_put(FILE *f, const char *s);
/* Copy in to out (cap bytes with the NUL) for a log or a message: invalid
 * UTF-8 and characters not shown as themselves become '?', and a long
 * text is cut on a character boundary with "...". */
void sl_text_sanitize(const char *in, char *out, size_t cap);
/* The same for n bytes that may hold a NUL (a value from a file). */
void sl_text_sanitize_n(const char *in, size_t n, char *out, size_t cap);

#endif
