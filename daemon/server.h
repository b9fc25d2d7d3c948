/*
 * server.h - shenlid's socket and its one event loop.
 *
 * One process, one thread: it accepts connections on a unix socket (mode
 * 0660), learns each peer's uid and pid from SO_PEERCRED, reads one
 * request per connection (bounded in size and time), and answers login,
 * logout and status itself. A run is handed to a worker process forked
 * for it (runner.h), which answers on the connection. Writers run one at
 * a time, in arrival order, so that no client ever meets a busy store;
 * readers run at once beside them. Sessions expire when idle.
 */
#ifndef SHENLID_SERVER_H
#define SHENLID_SERVER_H

typedef struct {
	const char *store;  /* the store's path */
	const char *socket; /* where to listen */
	long idle_s;        /* a session's idle timeout */
} sl_server_conf;

/* Listen and serve until SIGTERM or SIGINT; the exit code. */
int sl_server_run(const sl_server_conf *c);

#endif
