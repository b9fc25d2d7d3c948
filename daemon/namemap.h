/*
 * namemap.h - the names of files put back in a command's output.
 *
 * shenlid's worker hands a command stand-ins for the files a client named
 * (a path to a private in-memory file, or a private directory: runner.c),
 * so what the command prints names the stand-ins; the client must see its
 * own names. Only the stand-ins are replaced: each holds a secret the
 * worker drew for it, so no text a dossier carries can pass for one.
 * Output may come in chunks (a streamed listing, proto.h): a name cut by
 * a chunk's end is held back and put back whole with the next chunk.
 */
#ifndef SHENLID_NAMEMAP_H
#define SHENLID_NAMEMAP_H

#include <stddef.h>

typedef struct {
	const char *from; /* the stand-in's path */
	const char *to;   /* the name the client used */
} sl_namemap;

/* t[0..n) with every from of m[0..nm) replaced by its to, into *out
 * (malloc'ed, NUL-terminated) and *olen. Unless last, bytes at the end
 * that could begin a from cut short are not consumed: returns how many
 * (the caller puts them in front of the next chunk); -1 out of memory. */
long sl_namemap_put(const sl_namemap *m, size_t nm, const char *t, size_t n,
                    int last, char **out, size_t *olen);

/* name as it is put in place of its stand-in, malloc'ed (NULL if out of
 * memory): escaped for a JSON string where the output is JSON (json: a
 * command's stdout with --json, where every name stands inside a
 * string), else made safe for a terminal as the CLI makes every name it
 * prints (no control character, no bidi override: sl_text_clean). */
char *sl_namemap_as(const char *name, int json);

#endif
