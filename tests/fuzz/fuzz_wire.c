/*
 * fuzz_wire - what shenlid reads from its socket: a frame's body parsed as
 * a request (daemon/proto.c), checked as a run request (daemon/request.c:
 * argv, files, stdin, env, user) with the table of file words
 * (daemon/argmap.c), and the base64 of every file decoded as the worker
 * would. Anything may be refused; nothing may crash, and a request that
 * passes must have sent every word its command reads as a file, and the
 * files of every package directory, under plain names.
 */
#include <string.h>

#include "../../daemon/argmap.h"
#include "../../daemon/proto.h"
#include "../../daemon/request.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sl_wire_wiping_alloc();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256];
	json_t *req = sl_wire_parse((const char *)data, size, why, sizeof why);
	if (!req)
		return 0;
	int writer = 0;
	char msg[512];
	if (sl_request_check(req, "boss", &writer, msg, sizeof msg) == 0) {
		const json_t *argv = json_object_get(req, "argv");
		size_t n = json_array_size(argv);
		CHECK(n >= 1 && n <= 4096);
		char **av = calloc(n, sizeof *av);
		sl_arg_kind *k = calloc(n, sizeof *k);
		SETUP(av && k);
		for (size_t i = 0; i < n; i++) {
			av[i] =
			    (char *)json_string_value(json_array_get(argv, i));
			CHECK(av[i]);
		}
		sl_arg_info info;
		sl_argmap((int)n, av, k, &info);
		CHECK(!info.refused);
		/* a stream, if any, is of the one word read as a stream */
		const json_t *js = json_object_get(req, "stream");
		CHECK(!js || json_integer_value(json_object_get(js, "word")) ==
		                 info.stream_word);
		if (!js)
			info.stream_word = -1; /* its bytes came in "files" */
		const json_t *files = json_object_get(req, "files");
		const json_t *dirs = json_object_get(req, "dirs");
		for (size_t i = 0; i < n; i++) {
			if (k[i] == SL_ARG_DIR) {
				const json_t *d = json_object_get(dirs, av[i]);
				const char *name;
				json_t *v;
				CHECK(json_is_object(d));
				json_object_foreach((json_t *)d, name, v)
				{
					CHECK(sl_arg_dir_name_ok(name));
					unsigned char *b;
					size_t len;
					CHECK(
					    sl_b64_decode(json_string_value(v),
					                  json_string_length(v),
					                  &b, &len) == 0);
					free(b);
				}
				continue;
			}
			if ((k[i] != SL_ARG_FILE && k[i] != SL_ARG_FILE_EQ) ||
			    (int)i == info.stream_word)
				continue;
			unsigned char *b;
			size_t len;
			CHECK(sl_wire_bytes(files, sl_arg_path(av[i], k[i]), &b,
			                    &len) == 0);
			free(b);
		}
		free(av);
		free(k);
	}
	json_decref(req);
	return 0;
}
