/*
 * fuzz_casewire - the bytes between the review and the plugin worker
 * (core/casewire.c), read as the worker reads a case and as the review
 * reads a plugin's finding (a plugin may write anything on that pipe).
 * The first byte chooses which. Anything may be refused; nothing may
 * crash, and what is accepted must encode back to exactly the bytes it
 * came from (no value is read other than as it was written).
 */
#include <string.h>

#include "casewire.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sl_rbuf r = {data + 1, size - 1, 0, 0};
	sl_arena a = {0};
	sl_wbuf w = {0};
	if (data[0] & 1) {
		shenli_finding f;
		if (sl_casewire_get_finding(&r, &a, &f) == 0) {
			sl_casewire_put_finding(&w, &f);
			CHECK(!w.oom && w.n == r.off &&
			      !memcmp(w.p, data + 1, w.n));
		}
	} else {
		shenli_case c;
		if (sl_casewire_get_case(&r, &a, &c) == 0) {
			sl_casewire_put_case(&w, &c);
			CHECK(!w.oom && w.n == size - 1 &&
			      !memcmp(w.p, data + 1, w.n));
		} else {
			CHECK(r.bad);
		}
	}
	sl_wbuf_free(&w);
	sl_arena_free(&a);
	return 0;
}
