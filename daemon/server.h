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
 *
 * With --http, it also starts the web front (daemon/web.h), a process of
 * its own that holds no key: it reaches the service over the same socket
 * as any client. The service knows it by its pid (its own child, so the
 * pid is not reused while the service lives) and binds the sessions made
 * through it to it: a session the web front opened is accepted from the
 * web front only, and the web front can use no other session, although it
 * runs as the service's own uid.
 */
#ifndef SHENLID_SERVER_H
#define SHENLID_SERVER_H

typedef struct {
	const char *store;  /* the store's path */
	const char *socket; /* where to listen */
	long idle_s;        /* a session's idle timeout */
	int http_port;      /* --http: the web front's port; 0: none */
	const char *web;    /* the web front's program (shenlid-web) */
	/* --http-origin: the https origin a TLS reverse proxy serves the
	 * workbench at (NULL: loopback only); checked by main.c */
	const char *http_origin;
} sl_server_conf;

/* Listen and serve until SIGTERM or SIGINT; the exit code. */
int sl_server_run(const sl_server_conf *c);

#endif
