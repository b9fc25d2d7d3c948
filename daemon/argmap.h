/*
 * argmap.h - which words of a command line name files, for the service.
 *
 * shenlid never opens a path that a client names: the client reads the
 * files its command line names and sends their bytes, and the service's
 * worker puts each in a private in-memory file in place of the path. Both
 * ends take from this one table which words those are, mirroring the
 * commands' own getopt_long parsing (options anywhere, "--opt VALUE" or
 * "--opt=VALUE", an exact name before unique abbreviations, "--" ending
 * the options), so that no word the command would open is left as the
 * client wrote it. A command that takes a file must have its entry here,
 * with all of its options. A package directory (plugin, rules, script
 * install) travels as its regular files and is made again, privately, by
 * the worker; a command that makes a store (init) does not go through the
 * service.
 */
#ifndef SHENLID_ARGMAP_H
#define SHENLID_ARGMAP_H

typedef enum {
	SL_ARG_PLAIN,   /* not a path */
	SL_ARG_FILE,    /* the word is a file the command reads */
	SL_ARG_FILE_EQ, /* --opt=FILE: the part after '=' */
	SL_ARG_STDIN,   /* "-" where a file is read: the client's stdin */
	SL_ARG_OUT,     /* a file the command writes (--out FILE) */
	SL_ARG_OUT_EQ,  /* --out=FILE */
	SL_ARG_DIR,     /* a package directory the command reads: its files */
} sl_arg_kind;

/* A package directory sent through the service: at most this many
 * regular files (payload, manifest, manifest.sig), named without '/'. */
#define SL_ARG_DIR_FILES 16
/* A file name of such a directory: 1-255 bytes, no '/', not "." or "..". */
int sl_arg_dir_name_ok(const char *name);

typedef struct {
	int writer;          /* it may write to the store: run one at a time */
	int local;           /* needs no store: runs in the client itself */
	const char *refused; /* not through the service: why (N_()) */
	/* the word whose bytes the command reads as a stream, start to end
	 * (case import --jsonl FILE|-): they may follow the request in
	 * chunks rather than inside it (proto.h); -1 if none */
	int stream_word;
	/* --json: its stdout is one JSON document, where a file's name
	 * stands inside a JSON string (namemap.h) */
	int json;
} sl_arg_info;

/* Classify argv[0..argc) (argv[0] is the command: "case", "report", ...);
 * kinds has argc entries. */
void sl_argmap(int argc, char *const *argv, sl_arg_kind *kinds,
               sl_arg_info *info);

/* The file name a FILE/FILE_EQ/OUT/OUT_EQ word names. */
const char *sl_arg_path(const char *word, sl_arg_kind kind);

/* The environment a client passes to its command (the language and the
 * time zone of the output), NULL-terminated. */
extern const char *const sl_arg_env[];
/* May value of sl_arg_env's name go to the service? Only what names no
 * file but the system's catalogs and zone files: a locale's or zone's
 * name, a POSIX TZ rule ("CST-8", "<+08>-8"), or a zone file under
 * /usr/share/zoneinfo; never "..". The client sends nothing else (the
 * service's own zone or language then applies), the service refuses it. */
int sl_arg_env_ok(const char *name, const char *value);

#endif
