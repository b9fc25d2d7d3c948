/*
 * benchproc.h - what the benchmarks that time whole shenli processes
 * share (bench_service, bench_web): a monotonic clock, a setup command
 * that must succeed, one timed process run, a median, and the environment
 * with shenli's own variables replaced.
 */
#ifndef SHENLI_BENCHPROC_H
#define SHENLI_BENCHPROC_H

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

#endif
