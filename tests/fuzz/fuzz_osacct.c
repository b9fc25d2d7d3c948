/*
 * fuzz_osacct.c - the OS account of an audit entry, read from its stored
 * details without parsing them whole (sl_osacct_from_text, osacct.c).
 *
 * audit log shows it for every entry, tampered or not, so the shortcut
 * must answer exactly as parsing the whole text with jansson does
 * (sl_osacct_from_details on the parsed object): this target checks the
 * two against each other on any text, and that the account it returns is
 * bounded and safe to print.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz_common.h"
#include "osacct.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* details are text: up to the first NUL, as SQLite hands them */
	char *text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = 0;
	sl_os_account a, b;
	memset(&a, 0x55, sizeof a);
	memset(&b, 0x55, sizeof b);
	json_error_t err;
	json_t *d = json_loads(text, 0, &err);
	int want = json_is_object(d) ? sl_osacct_from_details(d, &a) : 0;
	json_decref(d);
	int got = sl_osacct_from_text(text, &b);
	if (got != want)
		fprintf(stderr, "from text %d, parsed whole %d\n", got, want);
	CHECK(got == want);
	if (got == 1) {
		CHECK(b.uid == a.uid);
		CHECK(!strcmp(b.user, a.user));
		CHECK(b.uid >= 0 && b.uid <= (int64_t)UINT32_MAX);
		size_t n = strnlen(b.user, sizeof b.user);
		CHECK(n < sizeof b.user && sl_text_safe(b.user, n));
	}
	free(text);
	return 0;
}
