/*
 * benchproc.h - what the benchmarks that time whole shenli processes
 * share (bench_service, bench_web): a monotonic clock, a setup command
 * that must succeed, one timed process run, a median, and the environment
 * with shenli's own variables replaced.
 */
#ifndef SHENLI_BENCHPROC_H
#define SHENLI_BENCHPROC_H

#include <stddef.h>
#include <sys/types.h>

/* The benchmark's name, for its messages ("bench_web"). */
extern const char *bp_name;

double bp_now_ms(void);
/* A shell command for the setup (printf-style); exits on failure. */
__attribute__((format(printf, 1, 2))) void bp_sh(const char *fmt, ...);
/* Run argv with envp, its output to /dev/null: the wall time in ms;
 * exits if it does not exit 0. */
double bp_run_ms(char *const argv[], char *const envp[]);
/* The median of v[0..n) (sorts v). */
double bp_median(double *v, int n);
/* The environment without SHENLI_* and XDG_RUNTIME_DIR, then extra
 * (NULL-terminated; NULL for none). The array is malloc'ed; its strings
 * are borrowed. */
char **bp_env_with(char **extra);

/* A private temporary directory named after prefix into dir (under
 * TMPDIR, else /tmp); exits if none can be made. */
void bp_tmpdir(const char *prefix, char *dir, size_t cap);
/* A store at DIR/store.db made with the shenli at shenli: the admin root,
 * the sample's zones and agencies, the leader boss who sees every zone and
 * has set their own passphrase (DIR/root, DIR/boss hold them). */
void bp_base_store(const char *shenli, const char *dir);
/* shenlid (the program at shenlid) on DIR/store.db, listening on sock
 * and, if port > 0, serving the workbench there; its stderr in
 * DIR/shenlid.log. Returns once both answer; exits if they do not. */
pid_t bp_shenlid(const char *shenlid, const char *dir, const char *sock,
                 int port);

#endif
