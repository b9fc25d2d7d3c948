/*
 * cli.h - what the command files share: global options, unlocking, secure
 * passphrase input, and error printing. A cmd_*.c parses its options,
 * calls the core and prints; it decides nothing.
 */
#ifndef SHENLI_CLI_H
#define SHENLI_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include <shenli/base.h>

typedef struct sl_cli {
	char *store; /* resolved store path */
	const char *user;
	const char *pass_file;
	int pass_fd; /* -1 if not given */
	sl_store *s; /* opened by cli_store(), closed by the dispatcher */
	/* In shenlid's worker: opens the store with the session's secrets
	 * instead of asking for a passphrase (NULL: ask, as always). */
	sl_rc (*open)(const struct sl_cli *g, unsigned flags, sl_store **out);
	void *open_ctx;
} sl_cli;

/* The whole command line (main): embedded, or the client of shenlid. */
int cli_main(int argc, char **argv);
/* 1 if shenli was started with its standard input closed (main.c) */
int cli_stdin_closed(void);
/* Run one command (rest[0] is its name) with the global options already
 * in g: what main does after taking them out, and what shenlid's worker
 * does for a client's command line. */
int cli_run(int n, char **rest, sl_cli *g);
/* Messages in the language LC_ALL/LC_MESSAGES/LANG/LANGUAGE ask for. */
void cli_init_locale(void);
/* In shenlid's worker: a document for --out FILE is handed here instead
 * of written (the client writes it); NULL otherwise. */
extern sl_rc (*cli_out_hook)(const char *path, const char *data, size_t len);

/* A passphrase in locked memory; free with cli_pass_free. */
typedef struct {
	char *buf;
	size_t len, cap;
} cli_pass;

void cli_pass_free(cli_pass *p);
/* The bytes of a passphrase file (at most max), for the service to read
 * as the command would: refused as a passphrase file is if it is not a
 * private regular file (chmod 600). */
sl_rc cli_pass_file_read(const char *path, size_t max, char **buf, size_t *len);
/* The acting user's passphrase, from --passphrase-file/-fd or the tty. */
sl_rc cli_read_passphrase(const sl_cli *g, const char *prompt, cli_pass *out);
/* A new passphrase: from file (checked like --passphrase-file) or asked
 * twice on the terminal. */
/* A new passphrase for who: from file, else asked twice on the terminal;
 * without one, the error names opt, the option that gives it. */
sl_rc cli_read_new_passphrase(const char *file, const char *opt,
                              const char *who, cli_pass *out);
/* Read passphrase, unlock the store as --user. */
sl_rc cli_unlock(const sl_cli *g, sl_store **out);
/* The same with sl_store_open() flags (SL_OPEN_ENROL, SL_OPEN_UNVERIFIED). */
sl_rc cli_unlock_as(const sl_cli *g, unsigned flags, sl_store **out);

/* The store, opened as --user the way the running command's table entry
 * says (CLI_UNLOCK | flags): asks the passphrase the first time; NULL
 * after printing why (cli_fail) if it cannot be opened, with *rc the exit
 * code. The dispatcher closes it when the command returns. */
sl_store *cli_store(sl_cli *g, int *rc);

/* Print "shenli: <message>" for rc to stderr (sanitised) and return rc. */
int cli_fail(sl_rc rc);

/* ---- commands, their help and usage errors (help.c) ------------------------
 * Each command group is a table of subcommands with their synopsis and
 * help, so that 'shenli help CMD SUB', 'shenli CMD SUB --help' and a usage
 * error of SUB all say the same about SUB and only about SUB. The
 * dispatcher remembers which subcommand runs, so that its parser needs no
 * more than cli_usage() and cli_help(). */
typedef struct {
	const char *name; /* "import"; "" for a command without subcommands */
	int (*fn)(int argc, char **argv, sl_cli *g); /* argv[0] is name */
	/* "shenli case import FILE.json...", one line per form; a line that
	 * starts with a blank continues the form above it. Not translated:
	 * it is what one types. */
	const char *synopsis;
	const char *summary; /* N_(): one line for the group's help */
	const char *help;    /* N_(): what it does; NULL for none */
	/* Whether it opens the store as --user, and how: CLI_NO_STORE, or
	 * CLI_UNLOCK with sl_store_open() flags (SL_OPEN_ENROL, ...). The
	 * command asks for it with cli_store() once its arguments are
	 * parsed; the dispatcher closes it. */
	unsigned unlock;
} cli_sub;
#define CLI_NO_STORE 0u
#define CLI_UNLOCK 0x100u

typedef struct {
	const char *name; /* "case" */
	const cli_sub *subs;
	size_t n;
	const char *note; /* N_() or NULL: after the list in the group's help */
} cli_group;

#define CLI_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Run argv[1] (a subcommand of grp; argv[0] is the group's name), or the
 * only entry of a group without subcommands; "help", "--help" and a
 * missing or unknown subcommand are answered here. */
int cli_dispatch(const cli_group *grp, int argc, char **argv, sl_cli *g);
/* Print the help of the running subcommand (or group) on stdout; SL_OK. */
int cli_help(void);
/* Usage error of the running subcommand: "shenli: MESSAGE", its usage
 * lines and "try 'shenli help CMD SUB'" on stderr; SL_EUSAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a command that keeps its own usage text (use: "usage:"
 * lines, a blank line, the rest): only its usage lines are printed. */
int cli_usage_error(const char *use, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An option given a value it does not take (--format docx, --days abc):
 * the same message and usage lines, but SL_EINPUT (exit 5: spec/cli.md
 * counts a bad option value as invalid input). A missing value, or an
 * option or argument that is not there to be given, stays a usage
 * error. */
int cli_bad_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_bad_value_of(const char *use, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The word getopt_long (optstring "" or "+") refused: the option it
 * returned '?' for, a single-dash word ("-json") included. */
const char *cli_opt_word(int argc, char **argv);
/* The usage error for that '?', the same in every command: "WHAT: option
 * '--out' needs a value" for an option of opts missing its value, else
 * "WHAT: bad option 'WORD'". use as for cli_usage_error (NULL: the
 * running subcommand's); what NULL: the running (sub)command's name. */
struct option;
int cli_bad_option(const char *use, const char *what, int argc, char **argv,
                   const struct option *opts);
/* 1 if argv (argv[0] the command) asks for help, --help or -h, before
 * any "--": answered before any parsing. */
int cli_asks_help(int argc, char **argv);
/* "shenli [--store PATH] ... COMMAND [ARGS]" */
extern const char cli_top_synopsis[];
/* For main: the command about to run (its name, its group or NULL). */
void cli_enter(const char *cmd, const cli_group *grp);
/* 'shenli help [CMD [SUB]]' for a group (SUB may be NULL). */
int cli_help_group(const cli_group *grp, const char *sub);
/* Append word to a list of suggestions in out, quoted ("'a', 'b'"). */
void cli_quote_append(char *out, size_t cap, const char *word);
/* The candidates closest to word (edit distance, or a prefix of one),
 * appended to out as "'a', 'b'"; 0 if none is close. */
int cli_suggest(const char *word, const char *const *cand, size_t n, char *out,
                size_t cap);

/* ---- what reaches the terminal (out.c) -------------------------------------
 * Every value from the store, a dossier, a plugin or the command line
 * goes through cli_txt before it is printed for a person: control
 * characters (C0, DEL, C1), bidi overrides and isolates, line separators
 * and invalid UTF-8 never reach the terminal. */
/* A sanitised copy of s (NULL: "-"), valid until 16 more calls. Tabs and
 * line breaks become spaces, everything else unsafe U+FFFD. */
const char *cli_txt(const char *s);
/* An intake reason as cli_txt gives it, for a reader of our messages in
 * Chinese without the English tag kept for scripts and logs
 * (sl_text_untagged); as stored for a reader of the untranslated ones,
 * to whom the tag is what says it. */
const char *cli_reason(const char *r);
/* Display columns of UTF-8 text (CJK: 2 a character), as the terminal
 * shows it. */
size_t cli_width(const char *s);
/* A table: a header row and rows of cells, columns aligned by display
 * width; the last column is not padded. Cells are sanitised. */
typedef struct cli_table cli_table;
cli_table *cli_table_new(size_t ncols, ...);    /* ncols translated headers */
void cli_table_right(cli_table *t, size_t col); /* right-align a column */
void cli_table_add(cli_table *t, const char *cell); /* next cell; NULL "-" */
void cli_table_print(cli_table *t, FILE *f);
void cli_table_free(cli_table *t);
/* A listing of any length, in memory that does not grow with it and in
 * one pass over the store (one snapshot, and its first rows out at once):
 * cli_table_list() calls list(ud), which adds the rows to t (NULL: --json,
 * which streams itself). The table holds CLI_TABLE_HOLD rows
 * (cli_table_hold: another bound), printed as a held table is; when one
 * more comes, the rows held are printed to f, and every later row as soon
 * as it is whole, in the same widths: those of the rows held, widened to
 * what cli_table_fit() said. A later cell wider than its column pushes the
 * rest of its own row right, and is never cut for it.
 * cli_table_print() ends the table. list's result (0 or an sl_rc). */
#define CLI_TABLE_HOLD 10000
void cli_table_hold(cli_table *t, size_t rows);
int cli_table_list(cli_table *t, FILE *f, int (*list)(void *ud), void *ud);
/* Once the table streams, column col is at least width columns wide: the
 * widest the column's values can be, where the command knows it (the
 * longest case id, a state's name), so that later rows stay in line. A
 * table held whole has the widths of its own rows alone. */
void cli_table_fit(cli_table *t, size_t col, size_t width);
/* fn(t, ud) is called when the table is about to stream, to fit columns
 * with what costs a query to know: a listing short enough to hold never
 * asks (nor, refused, asks twice). */
void cli_table_on_stream(cli_table *t, void (*fn)(cli_table *t, void *ud),
                         void *ud);
/* Local time from unix ms: "2026-11-22 19:22" (sec: with seconds). */
void cli_local_time(long long ms, int sec, char out[32]);
/* Unix ms of "YYYY-MM-DDTHH:MM:SSZ" (the JSON times); -1 if not one. */
long long cli_parse_utc(const char *iso);
/* The translated name of a case state, role or intake decision ("in_review"
 * -> "审理中"); the code itself in the C locale. */
const char *cli_state_label(const char *state);
/* The i-th case state's code, NULL past the last. */
const char *cli_state_code(size_t i);
const char *cli_role_label(const char *role);
const char *cli_decision_label(const char *decision);
/* Forget the labels and local times looked up so far (the locale or the
 * time zone changed). */
void cli_labels_forget(void);
/* The same for any codes: ctx_ids[i] is NC_(CONTEXT, codes[i]). */
const char *cli_label(const char *code, const char *const *codes,
                      const char *const *ctx_ids, size_t n);

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
/* JSON text already dumped (malloc'ed; taken and freed; NULL prints
 * nothing), printed as cli_print_json prints its dump: escaped for a
 * terminal, one newline after it. */
void cli_print_json_text(char *text);
/* A JSON array printed element by element, as cli_print_json prints the
 * whole array, byte for byte: a listing of any length in flat memory.
 * add takes elem's reference (NULL, a json_pack that failed, is left out
 * as json_array_append_new leaves it out); next begins an element that
 * the caller prints itself, one level down (two spaces after each line
 * break); end closes the array ("[]" if empty). A listing that fails
 * half-way leaves the document unterminated. */
typedef struct {
	size_t n;
	FILE *out; /* NULL: stdout */
} cli_json_array;
void cli_json_array_add(cli_json_array *a, json_t *elem);
void cli_json_array_next(cli_json_array *a);
void cli_json_array_end(cli_json_array *a);
/* Parse [--json] (and --help), leaving the words from argv[optind] on:
 * 0 to go on, -1 when help was printed, else the exit code (usage
 * printed). usage is used only outside cli_dispatch (NULL: the running
 * subcommand's). */
int cli_json_args(int argc, char **argv, const char *usage, const char *what,
                  int *json);
/* Parse "ID [--json]" (and --help) for commands on one object: 0 to go on,
 * -1 when help was printed, else the exit code (usage printed). usage is
 * used only outside cli_dispatch (NULL: the running subcommand's). */
int cli_id_args(int argc, char **argv, const char *usage, const char *what,
                const char **id, int *json);

/* The per-script results of a gate (sign-off, script run): failing
 * scripts and their findings, or all scripts. */
struct sl_gate_res; /* <shenli/ops_review.h> */
void cli_print_gate(const struct sl_gate_res *r, int all);

/* A document (report, outline) to stdout, or written atomically to out
 * (mode 0600) with its path printed. Returns the exit code. */
int cli_write_document(const char *out, const char *data, size_t len);

/* The command groups (one cmd_*.c each; zone and agency share cmd_org.c,
 * plugin, rules, script and template cmd_pkg.c). */
extern const cli_group cli_init, cli_user, cli_zone, cli_agency, cli_case,
    cli_review, cli_keys, cli_plugin, cli_rules, cli_script, cli_template,
    cli_audit, cli_sample, cli_demo;
/* report keeps its own parser and usage text (cli_usage_error). */
int cmd_report(int argc, char **argv, sl_cli *g);

#endif
