/*
 * cli.h - what the command files share: global options, unlocking, secure
 * passphrase input, and error printing. A cmd_*.c parses its options,
 * calls the core and prints; it decides nothing.
 */
#ifndef SHENLI_CLI_H
#define SHENLI_CLI_H

#include <jansson.h>
#include <stddef.h>

#include "../err.h"
#include "../store.h"

typedef struct {
	char *store; /* resolved store path */
	const char *user;
	const char *pass_file;
	int pass_fd; /* -1 if not given */
} sl_cli;

/* A passphrase in locked memory; free with cli_pass_free. */
typedef struct {
	char *buf;
	size_t len, cap;
} cli_pass;

void cli_pass_free(cli_pass *p);
/* The acting user's passphrase, from --passphrase-file/-fd or the tty. */
sl_rc cli_read_passphrase(const sl_cli *g, const char *prompt, cli_pass *out);
/* A new passphrase: from file (checked like --passphrase-file) or asked
 * twice on the terminal. */
sl_rc cli_read_new_passphrase(const char *file, const char *who, cli_pass *out);
/* Read passphrase, unlock the store as --user. */
sl_rc cli_unlock(const sl_cli *g, sl_store **out);

/* Print "shenli: <message>" for rc to stderr and return rc. */
int cli_fail(sl_rc rc);
/* Usage error: print msg and the usage text, return SL_EUSAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A progress bar on stderr for long work (import, review run --all), drawn
 * only when stderr is a terminal and the work is more than a few hundred
 * items; total 0 means unknown (a counter). */
typedef struct {
	const char *what;
	size_t total, shown, step;
	int on;
} cli_bar;
void cli_progress_start(cli_bar *b, const char *what, size_t total,
                        int quiet_stdout);
void cli_progress(cli_bar *b, size_t done, int finish);

/* One JSON document on stdout (the --json contract). */
void cli_print_json(json_t *j);
/* A JSON array printed element by element, as cli_print_json prints the
 * whole array, byte for byte: a listing of any length in flat memory.
 * add takes elem's reference (NULL, a json_pack that failed, is left out
 * as json_array_append_new leaves it out); next begins an element that
 * the caller prints itself, one level down (two spaces after each line
 * break); end closes the array ("[]" if empty). A listing that fails
 * half-way leaves the document unterminated. */
typedef struct {
	size_t n;
} cli_json_array;
void cli_json_array_add(cli_json_array *a, json_t *elem);
void cli_json_array_next(cli_json_array *a);
void cli_json_array_end(cli_json_array *a);
/* Parse "ID [--json]" (and --help) for commands on one object: 0 to go on,
 * else the exit code (usage printed). */
int cli_id_args(int argc, char **argv, const char *usage, const char *what,
                const char **id, int *json);

/* The per-script results of a gate (sign-off, script run): failing
 * scripts and their findings, or all scripts. */
void cli_print_gate(const json_t *scripts, int all);

/* Human time from unix ms: "2026-11-22 11:22:33" (UTC). */
void cli_fmt_time(long long ms, char out[32]);
/* A document (report, outline) to stdout, or written atomically to out
 * (mode 0600) with its path printed. Returns the exit code. */
int cli_write_document(const char *out, const char *data, size_t len);

/* getopt_long over argv; "--help" prints usage and returns 0 through *done. */
int cmd_init(int argc, char **argv, sl_cli *g);
int cmd_user(int argc, char **argv, sl_cli *g);
int cmd_audit(int argc, char **argv, sl_cli *g);
int cmd_zone(int argc, char **argv, sl_cli *g);
int cmd_agency(int argc, char **argv, sl_cli *g);
int cmd_case(int argc, char **argv, sl_cli *g);
int cmd_sample(int argc, char **argv, sl_cli *g);
int cmd_keys(int argc, char **argv, sl_cli *g);
int cmd_plugin(int argc, char **argv, sl_cli *g);
int cmd_script(int argc, char **argv, sl_cli *g);
int cmd_review(int argc, char **argv, sl_cli *g);
int cmd_rules(int argc, char **argv, sl_cli *g);
int cmd_demo(int argc, char **argv, sl_cli *g);
int cmd_report(int argc, char **argv, sl_cli *g);

#endif
