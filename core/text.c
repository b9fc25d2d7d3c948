/* text.c - see text.h. */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int sl_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

int sl_text_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return 0;
	}
	return sl_utf8_valid(s, n);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80             ? 1
	             : (s[0] & 0xE0) == 0xC0 ? 2
	             : (s[0] & 0xF0) == 0xE0 ? 3
	             : (s[0] & 0xF8) == 0xF0 ? 4
	                                     : 0;
	if (!len || len > n || !sl_utf8_valid((const char *)s, len))
		return 0;
	return len;
}

static uint32_t cp_of(const unsigned char *s, size_t len)
{
	static const unsigned char lead[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
	uint32_t cp = s[0] & lead[len];
	for (size_t k = 1; k < len; k++)
		cp = cp << 6 | (s[k] & 0x3F);
	return cp;
}

/* What must never reach a terminal or a document as itself: C0 and C1
 * controls, DEL (escape sequences, bells, carriage returns that overwrite
 * a line), and the bidirectional controls that make text display in
 * another order than it is stored (a name that reads as something else). */
static int unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

int sl_text_safe(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		size_t l = seq_len(s + i, n - i);
		if (!l || unsafe(cp_of(s + i, l)))
			return 0;
		i += l;
	}
	return 1;
}

void sl_text_put(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	for (size_t i = 0; i < n;) {
		size_t l = seq_len(s + i, n - i);
		if (l && !unsafe(cp_of(s + i, l)))
			fwrite(s + i, 1, l, f);
		else
			fputc('?', f);
		i += l ? l : 1;
	}
}

void sl_text_sanitize(const char *in, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), o = 0;
	if (!cap)
		return;
	for (size_t i = 0; i < n;) {
		size_t l = seq_len(s + i, n - i);
		int ctl = l && unsafe(cp_of(s + i, l));
		size_t w = l && !ctl ? l : 1;
		if (o + w + 4 > cap) { /* room for "..." and the NUL */
			if (o + 4 <= cap)
				memcpy(out + o, "...", 3), o += 3;
			break;
		}
		if (l && !ctl)
			memcpy(out + o, s + i, l);
		else
			out[o] = '?';
		o += w;
		i += l ? l : 1;
	}
	out[o] = 0;
}
