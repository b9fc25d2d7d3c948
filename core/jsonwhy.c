/* jsonwhy.c - jansson's parse errors in the message catalogue's words. */
#include "jsonwhy.h"

#include <stdio.h>
#include <string.h>

#include <shenli/base.h>

/* jansson 2.14's texts (load.c) that a loadb of untrusted bytes can give,
 * each with its words for the reader. Matched on the text before " near ". */
static const struct {
	const char *en;
	const char *msg;
} reasons[] = {
    {"unexpected token", N_("unexpected token")},
    {"invalid token", N_("invalid token")},
    {"end of file expected", N_("nothing may follow the top-level value")},
    {"'[' or '{' expected", N_("an object or array was expected")},
    {"string or '}' expected", N_("a key in quotes or '}' was expected")},
    {"':' expected", N_("':' was expected")},
    {"'}' expected", N_("'}' was expected")},
    {"']' expected", N_("']' was expected")},
    {"duplicate object key", N_("duplicate key")},
    {"premature end of input", N_("unexpected end of input")},
    {"unexpected newline", N_("a line break inside a string")},
    {"invalid escape", N_("invalid escape in a string")},
    {"invalid Unicode", N_("invalid \\u escape")},
    {"too big negative integer", N_("number out of range")},
    {"too big integer", N_("number out of range")},
    {"real number overflow", N_("number out of range")},
    {"maximum parsing depth reached", N_("nested too deeply")},
    {"NUL byte in object key", N_("NUL character (\\u0000) in a key")},
    {"\\u0000 is not allowed", N_("NUL character (\\u0000) in a string")},
    {"control character", N_("a control character inside a string")},
    {"unable to decode byte", N_("not valid UTF-8")},
};

const char *sl_json_why(const json_error_t *e, char *out, size_t cap)
{
	/* the last byte of e->text holds the error code, not text */
	char t[JSON_ERROR_TEXT_LENGTH];
	const char *nul = memchr(e->text, 0, sizeof e->text - 1);
	size_t len = nul ? (size_t)(nul - e->text) : sizeof e->text - 1;
	memcpy(t, e->text, len);
	t[len] = '\0';
	const char *near = strstr(t, " near ");
	const char *msg = NULL;
	for (size_t i = 0; i < sizeof reasons / sizeof *reasons && !msg; i++)
		if (!strncmp(t, reasons[i].en, strlen(reasons[i].en)))
			msg = _(reasons[i].msg);
	if (!msg) {
		sl_text_sanitize(t, out, cap);
		return out;
	}
	if (!near) {
		snprintf(out, cap, "%s", msg);
		return out;
	}
	const char *at = near + 6;
	if (!strcmp(at, "end of file")) {
		snprintf(out, cap, _("%s, at the end of the input"), msg);
		return out;
	}
	/* near 'TOKEN': the token as jansson quoted it, made printable */
	char tok[64];
	size_t n = strlen(at);
	if (n >= 2 && at[0] == '\'' && at[n - 1] == '\'')
		sl_text_sanitize_n(at + 1, n - 2, tok, sizeof tok);
	else
		sl_text_sanitize(at, tok, sizeof tok);
	snprintf(out, cap, _("%s, near '%s'"), msg, tok);
	return out;
}
