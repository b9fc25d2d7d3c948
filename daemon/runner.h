/*
 * runner.h - one client command, run in a worker process of its own.
 *
 * shenlid forks a worker per "run" request. The worker keeps only the
 * session of the request (every other one is wiped from its copy of the
 * memory), puts each file the client sent in a private in-memory file
 * (memfd) in place of the path it named, sends stdout and stderr to
 * memfds, opens the store with the session's secrets (no scrypt: see
 * sl_store_open_unwrapped) and runs the same command table as the CLI
 * (cli_run). Then it answers the client itself with the exit code, the
 * output and any --out document, and exits. A worker that crashes costs
 * its own request only.
 */
#ifndef SHENLID_RUNNER_H
#define SHENLID_RUNNER_H

#include <jansson.h>
#include <sys/types.h>

#include "session.h"

/* In the forked worker: run req for session s against the store at path,
 * answer on fd, and exit. Never returns. peer: the uid SO_PEERCRED gave
 * for fd, which the log records as the OS account of every entry the
 * command writes; nothing in req can change it. */
void sl_runner_main(int fd, const json_t *req, const sl_session *s, uid_t peer,
                    const char *store_path) __attribute__((noreturn));

#endif
