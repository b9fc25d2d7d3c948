/*
 * test_wire - shenlid's wire (daemon/proto.h) and the table of the words a
 * command reads as files (daemon/argmap.h): the table is what keeps the
 * service from ever opening a path a client names, so every way getopt
 * would read a file option is tried here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../daemon/argmap.h"
#include "../../daemon/proto.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* kinds of argv as a string, one letter a word: . plain, f file, e
 * --opt=file, i stdin, o out, O --out=file, d a package directory */
static void kinds_of(int argc, char **argv, char *out, sl_arg_info *info)
{
	sl_arg_kind k[32];
	sl_argmap(argc, argv, k, info);
	for (int i = 0; i < argc; i++)
		out[i] = ".feioOd"[k[i]];
	out[argc] = 0;
}

#define EXPECT(want, ...)                                                      \
	do {                                                                   \
		char *av[] = {__VA_ARGS__};                                    \
		char got[33];                                                  \
		sl_arg_info info;                                              \
		kinds_of(N(av), av, got, &info);                               \
		assert_string_equal(got, want);                                \
	} while (0)

static void import_files(void **st)
{
	(void)st;
	EXPECT("..ff.", "case", "import", "a.json", "b.json", "--json");
	EXPECT("...f", "case", "import", "--jsonl", "x.jsonl");
	EXPECT("..e", "case", "import", "--jsonl=x.jsonl");
	EXPECT("...i", "case", "import", "--jsonl", "-");
	EXPECT("..i", "case", "import", "--jsonl=-");
	/* getopt_long takes unique abbreviations: --jsonl as --jsonl's */
	EXPECT("...f", "case", "import", "--jsonl", "x");
	EXPECT("...f", "case", "import", "--jso", "x");
	EXPECT("..e", "case", "import", "--jsonl=/etc/passwd");
	/* after "--" every word is a positional: a file */
	EXPECT("...ff", "case", "import", "--", "--json", "-x");
	/* a short option is no file (getopt refuses it before any open) */
	EXPECT("..f.", "case", "import", "a.json", "-x");
	/* a positional "-" of import is a file named "-", not stdin */
	EXPECT("..f", "case", "import", "-");
}

static void positional_files(void **st)
{
	(void)st;
	EXPECT("...f", "case", "resubmit", "C-1", "answer.json");
	EXPECT("....f", "case", "resubmit", "--", "C-1", "answer.json");
	EXPECT("..f", "keys", "trust", "k.pub");
	/* --comment takes the next word: it is no file, the one after is */
	EXPECT("....f.", "keys", "trust", "--comment", "c", "k.pub", "--json");
	EXPECT("..f..", "keys", "trust", "k.pub", "--comment", "c");
	EXPECT("....f", "keys", "trust", "--com", "c", "k.pub");
	EXPECT("..e.", "review", "opinion", "--file=o.json", "C-1");
	EXPECT("...f.", "review", "opinion", "--file", "o.json", "C-1");
	/* after "--" it is an unexpected positional, not the option */
	EXPECT(".....", "user", "passwd", "--", "--new-passphrase-file", "p");
	EXPECT("...f", "user", "passwd", "--new-passphrase-file", "p");
	EXPECT("...f", "user", "passwd", "--new", "p");
}

/* the word that may follow the request as a stream (proto.h) */
static int stream_of(int argc, char **argv)
{
	sl_arg_kind k[32];
	sl_arg_info info;
	sl_argmap(argc, argv, k, &info);
	return info.stream_word;
}

static void streams(void **st)
{
	(void)st;
	char *a[] = {"case", "import", "--jsonl", "x.jsonl"};
	assert_int_equal(stream_of(4, a), 3);
	char *b[] = {"case", "import", "--jsonl=-"};
	assert_int_equal(stream_of(3, b), 2);
	char *c[] = {"case", "import", "--jsonl", "a", "--jsonl", "b"};
	assert_int_equal(stream_of(6, c), 5); /* getopt keeps the last */
	char *d[] = {"case", "import", "a.json"};
	assert_int_equal(stream_of(3, d), -1); /* read whole: not a stream */
	char *e[] = {"review", "opinion", "C-1", "--file", "o.json"};
	assert_int_equal(stream_of(5, e), -1);
}

static void directories(void **st)
{
	(void)st;
	EXPECT("..d", "plugin", "install", "pkg/evidence");
	EXPECT("..d", "rules", "install", "pkg/rules");
	EXPECT("...d", "script", "install", "--", "pkg/gate");
	EXPECT("...", "plugin", "remove", "evidence");
	assert_true(sl_arg_dir_name_ok("manifest.sig"));
	assert_false(sl_arg_dir_name_ok(".."));
	assert_false(sl_arg_dir_name_ok("."));
	assert_false(sl_arg_dir_name_ok("a/b"));
	assert_false(sl_arg_dir_name_ok(""));
}

static void outputs(void **st)
{
	(void)st;
	EXPECT("...o", "report", "C-1", "--out", "r.pdf");
	EXPECT("..O", "report", "C-1", "--out=r.pdf");
	EXPECT("...o..", "review", "outline", "--out", "o.md", "C-1",
	       "--format");
	/* report's ID is no file */
	EXPECT("..", "report", "C-1");
}

static void writers_readers_refused(void **st)
{
	(void)st;
	struct {
		int argc;
		char *argv[3];
		int writer, local, refused;
	} t[] = {
	    {2, {"case", "show"}, 0, 0, 0},
	    {2, {"case", "list"}, 0, 0, 0},
	    {2, {"audit", "verify"}, 0, 0, 0},
	    {1, {"report"}, 0, 0, 0},
	    {2, {"case", "import"}, 1, 0, 0},
	    {2, {"review", "run"}, 1, 0, 0},
	    {2, {"case", "frobnicate"}, 1, 0, 0}, /* unknown: a writer */
	    {1, {"--version"}, 0, 1, 0},
	    {1, {"sample"}, 0, 1, 0},
	    {3, {"case", "show", "--help"}, 0, 1, 0},
	    {2, {"plugin", "install"}, 1, 0, 0},
	    {2, {"script", "install"}, 1, 0, 0},
	    {1, {"init"}, 1, 0, 1},
	};
	for (int i = 0; i < N(t); i++) {
		sl_arg_kind k[3];
		sl_arg_info info;
		sl_argmap(t[i].argc, t[i].argv, k, &info);
		assert_int_equal(info.local, t[i].local);
		assert_int_equal(!!info.refused, t[i].refused);
		if (!t[i].local && !t[i].refused)
			assert_int_equal(info.writer, t[i].writer);
	}
}

static void base64(void **st)
{
	(void)st;
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *want[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
	                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (int i = 0; i < N(in); i++) {
		char *e = sl_b64_encode(in[i], strlen(in[i]));
		assert_string_equal(e, want[i]);
		unsigned char *d;
		size_t n;
		assert_int_equal(sl_b64_decode(e, strlen(e), &d, &n), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(d, in[i], n);
		free(e);
		free(d);
	}
	const char *bad[] = {"Zg=", "Zg=a", "Z=g=", "!!!!", "Zm9v=Zm9", "=Zm9"};
	for (int i = 0; i < N(bad); i++) {
		unsigned char *d = NULL;
		size_t n;
		assert_int_equal(sl_b64_decode(bad[i], strlen(bad[i]), &d, &n),
		                 -1);
	}
}

static void frames(void **st)
{
	(void)st;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	json_t *m = json_pack("{s:s, s:[s,s]}", "op", "run", "argv", "a", "b");
	assert_int_equal(sl_wire_send(sv[0], m), SL_OK);
	json_t *got = NULL;
	assert_int_equal(sl_wire_recv(sv[1], &got), SL_OK);
	assert_true(json_equal(m, got));
	json_decref(got);
	json_decref(m);
	/* a length beyond the bound is refused before anything is read */
	unsigned char big[4] = {0xff, 0xff, 0xff, 0xff};
	assert_int_equal(write(sv[0], big, 4), 4);
	assert_int_equal(sl_wire_recv(sv[1], &got), SL_EINPUT);
	/* not an object */
	char why[128];
	assert_null(sl_wire_parse("[1]", 3, why, sizeof why));
	assert_null(sl_wire_parse("{\"a\":1,\"a\":2}", 13, why, sizeof why));
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	sl_wire_wiping_alloc();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(import_files),
	    cmocka_unit_test(positional_files),
	    cmocka_unit_test(streams),
	    cmocka_unit_test(directories),
	    cmocka_unit_test(outputs),
	    cmocka_unit_test(writers_readers_refused),
	    cmocka_unit_test(base64),
	    cmocka_unit_test(frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
