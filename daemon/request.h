/*
 * request.h - what a run request must be before shenlid starts a worker
 * for it: argv a bounded list of text, every word the command reads as a
 * file sent as base64 bytes (argmap.h), stdin base64, env only the
 * locale's and time zone's names and none naming a path of its own
 * (sl_arg_env_ok), and the user, if named, the session's. Kept apart from
 * the worker so that it can be fuzzed alone (tests/fuzz/fuzz_wire.c).
 */
#ifndef SHENLID_REQUEST_H
#define SHENLID_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#define SL_REQUEST_FILES_MAX 256

/* 0, or the exit code with why in msg; *writer: the command may write
 * the store (run one at a time). user is the session's. */
int sl_request_check(const json_t *req, const char *user, int *writer,
                     char *msg, size_t cap);

/* Whether the client found no file of that name to send: a dossier of
 * case import's (its "missing" list), which the command then refuses in
 * its place as embedded mode does; never any other command's file. */
int sl_request_missing(const json_t *req, const char *name);

#endif
