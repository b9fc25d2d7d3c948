/*
 * casewire.h - a plugin's view of a case (shenli/plugin.h's shenli_case)
 * and the findings it emits, as bytes on the plugin worker's pipes.
 *
 * Both ends are this program, so the encoding is plain: little-endian
 * u32 counts and lengths, a string as its length (0xffffffff for NULL)
 * then its bytes then a NUL, so that the reader hands out pointers into
 * the bytes it got with no copy. The reader trusts nothing: every length
 * and count is checked against what is left (a count can never ask for
 * more memory than the bytes it came in could describe), every string
 * must end in its NUL, and a malformed message is refused whole.
 */
#ifndef SHENLI_CASEWIRE_H
#define SHENLI_CASEWIRE_H

#include <shenli/plugin.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct {
	unsigned char *p;
	size_t n, cap;
	int oom; /* an append failed: the buffer is unusable */
} sl_wbuf;

void sl_wbuf_reset(sl_wbuf *b); /* empty, memory kept */
void sl_wbuf_free(sl_wbuf *b);
void sl_wbuf_u8(sl_wbuf *b, uint8_t v);
void sl_wbuf_u32(sl_wbuf *b, uint32_t v);
void sl_wbuf_str(sl_wbuf *b, const char *s); /* s may be NULL */
void sl_wbuf_bytes(sl_wbuf *b, const void *p, size_t n);

typedef struct {
	const unsigned char *p;
	size_t n, off;
	int bad; /* a read ran past the end or met a malformed value */
} sl_rbuf;

uint8_t sl_rbuf_u8(sl_rbuf *r);
uint32_t sl_rbuf_u32(sl_rbuf *r);
/* A string of at most max bytes, pointing into the buffer (NULL for a
 * NULL string; also NULL, with bad set, for a malformed one). */
const char *sl_rbuf_str(sl_rbuf *r, size_t max);

/* Longest string a case or a finding may carry. */
#define SL_CASEWIRE_STR_MAX (1u << 20)

void sl_casewire_put_case(sl_wbuf *b, const shenli_case *c);
/* Arrays come from a; strings point into r's bytes. 0, or -1 if the
 * bytes are not a case (r->bad set). */
int sl_casewire_get_case(sl_rbuf *r, sl_arena *a, shenli_case *c);

void sl_casewire_put_finding(sl_wbuf *b, const shenli_finding *f);
int sl_casewire_get_finding(sl_rbuf *r, sl_arena *a, shenli_finding *f);

#endif
