/* request.c - what a run request must be before a worker starts (request.h). */
#define _GNU_SOURCE
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argmap.h"
#include "proto.h"

#define ARGV_MAX 4096
#define ARG_LEN_MAX SL_WIRE_ARG_MAX
#define FILES_MAX SL_REQUEST_FILES_MAX

/* A refusal: msg set, rc returned. */
__attribute__((format(printf, 4, 5))) static int
fail(char *msg, size_t cap, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return rc;
}

/* Base64 by its alphabet and length (decoded in the worker). */
static int b64_shape(const json_t *s)
{
	const char *p = json_string_value(s);
	size_t n = json_string_length(s);
	if (n % 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '+' ||
		      p[i] == '/' || (p[i] == '=' && i + 2 >= n)))
			return 0;
	/* padding is "=" or "==" at the very end, never "=X" */
	return n < 2 || p[n - 2] != '=' || p[n - 1] == '=';
}

/* A package directory as sent: {NAME: BASE64}, bounded, plain names. */
static int dir_ok(const json_t *d)
{
	if (!json_is_object(d) || json_object_size(d) > SL_ARG_DIR_FILES)
		return 0;
	const char *name;
	const json_t *v;
	json_object_foreach((json_t *)d, name, v)
	{
		if (!sl_arg_dir_name_ok(name) || !json_is_string(v) ||
		    !b64_shape(v))
			return 0;
	}
	return 1;
}

int sl_request_missing(const json_t *req, const char *name)
{
	const json_t *argv = json_object_get(req, "argv");
	const char *a0 = json_string_value(json_array_get(argv, 0)),
	           *a1 = json_string_value(json_array_get(argv, 1));
	if (!a0 || !a1 || strcmp(a0, "case") || strcmp(a1, "import"))
		return 0;
	const json_t *m = json_object_get(req, "missing"), *v;
	size_t i;
	json_array_foreach(m, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return 1;
	}
	return 0;
}

int sl_request_check(const json_t *req, const char *session_user, int *writer,
                     char *msg, size_t cap)
{
	const json_t *argv = json_object_get(req, "argv");
	size_t n = json_array_size(argv);
	if (!json_is_array(argv) || n < 1 || n > ARGV_MAX)
		return fail(msg, cap, SL_EINPUT, "%s",
		            _("malformed request: argv must be a list of 1 to "
		              "4096 words"));
	char **av = calloc(n + 1, sizeof *av);
	sl_arg_kind *kinds = calloc(n, sizeof *kinds);
	int rc = 0;
	for (size_t i = 0; !rc && av && i < n; i++) {
		const json_t *w = json_array_get(argv, i);
		if (!json_is_string(w) || json_string_length(w) > ARG_LEN_MAX)
			rc = fail(msg, cap, SL_EINPUT, "%s",
			          _("malformed request: argv holds a word that "
			            "is not text or is too long"));
		else
			av[i] = (char *)json_string_value(w);
	}
	sl_arg_info info = {0};
	if (!av || !kinds)
		rc = fail(msg, cap, SL_ESYS, "%s", _("out of memory"));
	if (!rc)
		sl_argmap((int)n, av, kinds, &info);
	if (!rc && info.refused)
		rc = fail(msg, cap, SL_EUSAGE, "%s", _(info.refused));
	/* help, the sample docket and the demo (its temporary store) are the
	 * client's to run; one that reaches the service was made by hand */
	if (!rc && info.local)
		rc = fail(msg, cap, SL_EUSAGE,
		          _("'%s' runs in the client, not in the service"),
		          av[0]);
	/* the words the command reads as files must all have come as bytes:
	 * no path of the client's is ever opened here */
	const json_t *files = json_object_get(req, "files");
	if (!rc && files &&
	    (!json_is_object(files) || json_object_size(files) > FILES_MAX))
		rc = fail(msg, cap, SL_EINPUT, "%s",
		          _("malformed request: files must be an object of at "
		            "most 256 files"));
	/* a stream names the one word argmap says may be streamed */
	const json_t *stream = json_object_get(req, "stream");
	json_int_t sw = -1;
	if (!rc && stream) {
		const json_t *w = json_object_get(stream, "word");
		sw = json_is_integer(w) ? json_integer_value(w) : -2;
		if (!json_is_object(stream) || sw < 0 || sw != info.stream_word)
			rc =
			    fail(msg, cap, SL_EINPUT, "%s",
			         _("malformed request: a stream of a word that "
			           "is not read as one"));
	}
	const json_t *missing = json_object_get(req, "missing");
	if (!rc && missing &&
	    (!json_is_array(missing) || json_array_size(missing) > FILES_MAX))
		rc = fail(msg, cap, SL_EINPUT, "%s",
		          _("malformed request: missing must be a list of at "
		            "most 256 names"));
	const json_t *dirs = json_object_get(req, "dirs");
	size_t nfiles = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (kinds[i] == SL_ARG_DIR) {
			if (++nfiles > FILES_MAX ||
			    !dir_ok(json_object_get(dirs, av[i])))
				rc = fail(msg, cap, SL_EINPUT,
				          _("malformed request: the files of "
				            "'%s' were not sent as a package "
				            "directory"),
				          av[i]);
			continue;
		}
		if ((kinds[i] != SL_ARG_FILE && kinds[i] != SL_ARG_FILE_EQ) ||
		    (json_int_t)i == sw)
			continue;
		if (++nfiles > FILES_MAX) {
			rc = fail(msg, cap, SL_EINPUT, "%s",
			          _("malformed request: more than 256 file "
			            "words"));
			break;
		}
		const json_t *f =
		    json_object_get(files, sl_arg_path(av[i], kinds[i]));
		if (kinds[i] == SL_ARG_FILE &&
		    sl_request_missing(req, sl_arg_path(av[i], kinds[i])))
			continue;
		if (!json_is_string(f) || !b64_shape(f))
			rc = fail(msg, cap, SL_EINPUT,
			          _("malformed request: the bytes of '%s' were "
			            "not sent"),
			          sl_arg_path(av[i], kinds[i]));
	}
	const json_t *in = json_object_get(req, "stdin");
	if (!rc && in && (!json_is_string(in) || !b64_shape(in)))
		rc = fail(msg, cap, SL_EINPUT, "%s",
		          _("malformed request: stdin must be base64 text"));
	const json_t *env = json_object_get(req, "env");
	if (!rc && env && !json_is_object(env))
		rc = fail(msg, cap, SL_EINPUT, "%s",
		          _("malformed request: env must be an object"));
	/* the client sends only what sl_arg_env_ok takes (a value it may
	 * not pass is left out: the service's own applies), so this is a
	 * request made by hand */
	for (size_t i = 0; !rc && env && sl_arg_env[i]; i++) {
		const json_t *v = json_object_get(env, sl_arg_env[i]);
		if (v && (!json_is_string(v) ||
		          !sl_arg_env_ok(sl_arg_env[i], json_string_value(v))))
			rc = fail(msg, cap, SL_EINPUT,
			          _("malformed request: a bad value of %s"),
			          sl_arg_env[i]);
	}
	const json_t *user = json_object_get(req, "user");
	if (!rc && user &&
	    (!json_is_string(user) ||
	     strcmp(json_string_value(user), session_user)))
		rc = fail(msg, cap, SL_EAUTH,
		          _("this session is %s's: log in as the other user "
		            "to act as them"),
		          session_user);
	*writer = info.writer;
	free(av);
	free(kinds);
	return rc;
}
