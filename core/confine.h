/*
 * confine.h - how a worker process that runs untrusted code (a Lua
 * script, a review plugin) shuts itself in before it runs it.
 *
 * Two steps, both irreversible and both failing closed (a worker that
 * cannot confine itself runs nothing):
 *
 *  - sl_confine_limits(): not dumpable (no core file, no ptrace or
 *    /proc/PID/mem by our own uid), no file growth (RLIMIT_FSIZE 0), few
 *    descriptors, CPU and address-space ceilings, and no_new_privs (no
 *    setuid exec can ever give it more);
 *  - sl_confine_filter(): a seccomp allowlist (libseccomp) of what running
 *    code on bytes already in memory needs: memory that is never
 *    executable, the clocks, reading the request descriptor if any,
 *    writing the result descriptors, exiting. No open, no socket, no
 *    fork or exec, no kill of anyone else. Anything else kills the
 *    process (SIGSYS), which the parent reports as a crash of the code it
 *    was running.
 *
 * A plugin must be dlopen'ed, which opens and maps a file executable, so
 * the plugin worker adds sl_confine_preload_filter() before its dlopen: a
 * denylist of what loading code never needs (sockets, exec, fork, ptrace,
 * signals to other processes, writing or creating files), so that a
 * plugin's constructors, which run inside dlopen, are already fenced.
 *
 * AddressSanitizer reserves terabytes of address space, its leak checker
 * needs clone and ptrace at exit, and its reports go to stderr, which may
 * be a file: in sanitizer builds there is no RLIMIT_AS, no RLIMIT_FSIZE
 * and no filter (sl_confine_enforced() says so). Release builds have all
 * three.
 */
#ifndef SHENLI_CONFINE_H
#define SHENLI_CONFINE_H

#include <stddef.h>

typedef struct {
	size_t as_bytes;      /* RLIMIT_AS, 0: none */
	unsigned long cpu_s;  /* RLIMIT_CPU, 0: none */
	int nofile;           /* RLIMIT_NOFILE */
	int read_fd;          /* the one descriptor it may read, -1: none */
	const int *write_fds; /* the descriptors it may write */
	size_t n_write_fds;
} sl_confine_spec;

/* Rlimits, not dumpable, no_new_privs. 0, or -1 with errno. */
int sl_confine_limits(const sl_confine_spec *spec);
/* The denylist for the time code is being loaded (see above). */
int sl_confine_preload_filter(void);
/* The final allowlist. */
int sl_confine_filter(const sl_confine_spec *spec);
/* 1 if the filters and RLIMIT_AS are applied in this build. */
int sl_confine_enforced(void);
/* Bytes of address space in use now (0 if unknown): a ceiling is set
 * above what the worker already holds. */
size_t sl_confine_vm_size(void);

#endif
