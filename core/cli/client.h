/*
 * client.h - the shenli command as a client of shenlid (the service that
 * alone holds the store; daemon/proto.h is the wire).
 *
 * login, logout and status always talk to the service. Any other command
 * that needs the store goes to it when no store is named (--store,
 * SHENLI_STORE) and this account has a session: the command line, the
 * bytes of the files it names (daemon/argmap.h) and standard input where
 * it is read ("--jsonl -") go over the socket; the output, the exit code
 * and any --out document come back, and the client writes the document.
 *
 * The socket is SHENLI_SOCKET, else /run/shenli/shenli.sock; the session
 * token is $XDG_RUNTIME_DIR/shenli/session (directory 0700, file 0600).
 */
#ifndef SHENLI_CLIENT_H
#define SHENLI_CLIENT_H

#include "cli.h"

#define SL_SOCKET_DEFAULT "/run/shenli/shenli.sock"

/* login, logout, status */
int cli_client_session_cmd(const char *cmd);
int cli_client_session(int n, char **rest, sl_cli *g);
/* The command needs the store, and there are a socket and a token. */
int cli_client_wanted(int n, char **rest);
/* Run rest through the service; the exit code. */
int cli_client_run(int n, char **rest, sl_cli *g);
/* A document for --out was written to out: say where, as embedded mode
 * does (cmd_report.c); the client says it once it has written the
 * document the service sent. */
void cli_said_written(const char *out);

#endif
