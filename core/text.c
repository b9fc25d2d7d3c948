/* text.c - see text.h. */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A name or a line a person typed, to be stored: what would not be shown
 * as itself is refused, not kept and made safe only on the way out (two
 * reviewers "张三" and "张\u200b三" would print alike in a signed report). */
int sl_text_printable(const char *s, size_t n)
{
	return sl_text_safe(s, n);
}

int sl_text_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (n - i >= 3 && !memcmp(s + i, "\xE3\x80\x80", 3)) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
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

/*
 * What a character is in text a person reads: 0 itself; 1 a line break or
 * a tab, which would start a line of its own (in a table, a log line, a
 * Markdown block) and becomes a space; 2 unsafe, never shown as itself:
 * C0 and C1 controls and DEL (escape sequences, bells, a carriage return
 * that overwrites the line), the bidirectional controls and isolates
 * (U+061C, U+200E/F, U+202A-E, U+2066-9) that make text display in
 * another order than it is, the invisible ones that make two names look
 * alike (U+180E, U+200B-D, U+2060-5, the soft hyphen U+00AD, the
 * combining grapheme joiner U+034F, the Hangul fillers U+115F-60, U+3164
 * and U+FFA0, the Khmer inherent vowels U+17B4-5, the tag characters
 * U+E0000-7F, the shorthand and musical format controls U+1BCA0-3 and
 * U+1D173-A), the deprecated format characters (U+206A-F), a BOM, and the
 * interlinear annotations (U+FFF9-B).
 */
static int klass(uint32_t c)
{
	if (c == '\t' || c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 ||
	    c == 0x2029)
		return 1;
	if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C ||
	    c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) ||
	    c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB))
		return 2;
	if (c == 0xAD || c == 0x34F || c == 0x115F || c == 0x1160 ||
	    c == 0x17B4 || c == 0x17B5 || c == 0x3164 || c == 0xFFA0 ||
	    (c >= 0xE0000 && c <= 0xE007F) || (c >= 0x1BCA0 && c <= 0x1BCA3) ||
	    (c >= 0x1D173 && c <= 0x1D17A))
		return 2;
	return 0;
}

int sl_text_safe(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			i++;
			continue;
		}
		size_t l = seq_len(s + i, n - i);
		if (!l || klass(cp_of(s + i, l)))
			return 0;
		i += l;
	}
	return 1;
}

/* The character at s (n bytes left) in JSON as jansson writes it: its
 * length (1 for a byte that is not UTF-8), and *c, the code point to
 * escape, or 0 if it stands as itself. C0 is jansson's to escape; outside
 * JSON's strings there is only ASCII, so a character above it is inside
 * one, where an escape means the same. */
static size_t json_char(const unsigned char *s, size_t n, uint32_t *c)
{
	size_t l = s[0] < 0x80 ? 1 : seq_len(s, n);
	uint32_t cp = l > 1 ? cp_of(s, l) : s[0];
	*c = cp == 0x7F || (l > 1 && klass(cp)) ? cp : 0;
	return l ? l : 1;
}

char *sl_text_json_escape(const char *json, size_t *n)
{
	const unsigned char *s = (const unsigned char *)json;
	size_t len = *n, first = 0;
	uint32_t c = 0;
	while (first < len) {
		size_t l = json_char(s + first, len - first, &c);
		if (c)
			break;
		first += l;
	}
	if (first == len)
		return NULL;
	/* an escape is 6 bytes for at least 1 (DEL) */
	char *out = malloc(6 * len + 1);
	if (!out)
		return NULL;
	memcpy(out, json, first);
	size_t o = first;
	for (size_t i = first; i < len;) {
		size_t l = json_char(s + i, len - i, &c);
		if (c)
			o += (size_t)snprintf(out + o, 7, "\\u%04x",
			                      (unsigned)c);
		else
			memcpy(out + o, s + i, l), o += l;
		i += l;
	}
	out[o] = 0;
	*n = o;
	return out;
}

char *sl_text_clean(const char *str, const char *unsafe_as)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), rl = strlen(unsafe_as), o = 0;
	/* at most 3 bytes (U+FFFD) for each byte in */
	char *out = malloc(n * (rl > 3 ? rl : 3) + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		/* printable ASCII, most of every listing, is itself */
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			out[o++] = (char)s[i++];
			continue;
		}
		size_t l = seq_len(s + i, n - i);
		int k = l ? klass(cp_of(s + i, l)) : 3;
		if (k == 0) {
			memcpy(out + o, s + i, l);
			o += l;
		} else if (k == 1) {
			out[o++] = ' ';
		} else if (k == 2) {
			memcpy(out + o, unsafe_as, rl);
			o += rl;
		} else { /* not UTF-8 */
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
		}
		i += l ? l : 1;
	}
	out[o] = 0;
	return out;
}

void sl_text_put(FILE *f, const char *str)
{
	char *c = sl_text_clean(str, "\xEF\xBF\xBD");
	if (c)
		fputs(c, f);
	free(c);
}

void sl_text_sanitize(const char *in, char *out, size_t cap)
{
	sl_text_sanitize_n(in, strlen(in), out, cap);
}

void sl_text_sanitize_n(const char *in, size_t n, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (!cap)
		return;
	for (size_t i = 0; i < n;) {
		size_t l = seq_len(s + i, n - i);
		int ctl = l && klass(cp_of(s + i, l));
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

size_t sl_text_untagged(const char *r)
{
	size_t n = strlen(r);
	if (n < 4 || r[n - 1] != ')')
		return n;
	const char *open = NULL;
	for (const char *p = r; *p; p++)
		if (p[0] == ' ' && p[1] == '(')
			open = p;
	if (!open || open == r)
		return n;
	for (const char *p = open + 2; p < r + n - 1; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '(')
			return n;
	return (size_t)(open - r);
}
