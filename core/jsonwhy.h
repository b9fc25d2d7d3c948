/*
 * jsonwhy.h - why jansson refused a document, in the reader's language.
 *
 * jansson's error text is English ("unexpected token near ','") and quotes
 * the input it stopped at. A panel member reads Chinese, and the quoted
 * input may hold control characters. sl_json_why gives the reason in the
 * message catalogue's words, with the quoted input made printable; a text
 * jansson adds in a later version is passed on, made printable, as it is.
 */
#ifndef SHENLI_JSONWHY_H
#define SHENLI_JSONWHY_H

#include <jansson.h>
#include <stddef.h>

/* The reason for e, at most cap bytes with its NUL, in out; returns out. */
const char *sl_json_why(const json_error_t *e, char *out, size_t cap);

#endif
