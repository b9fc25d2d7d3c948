/*
 * scrypt_shim.c - LD_PRELOAD'ed by tools/valgrind.sh into every program it
 * runs under valgrind memcheck (and nowhere else): scrypt's N, when it is
 * at least the product's floor of 2^16, is divided by 64 (2^16 becomes
 * 1024). Smaller N (the RFC 7914 vectors, the unit tests' fast slots) pass
 * through unchanged.
 *
 * Why: every unlock and every key slot sealed costs a 64 MiB scrypt (the
 * floor of core/keyslot.c), which takes seconds under memcheck; the suite
 * unlocks thousands of times. Lowered the same way for sealing and for
 * opening, slots still open with the right passphrase and only with it;
 * different N still give different keys (a slot whose N was altered still
 * fails); and OpenSSL's scrypt code still runs, under memcheck, with the
 * same r and p.
 * The product, `make test`, `make asan` and the fuzzers never load this: it
 * is built by tools/valgrind.sh into its private work directory.
 *
 * It interposes EVP_KDF_derive and changes only the "n" parameter (that of
 * scrypt, OSSL_KDF_PARAM_SCRYPT_N); everything else passes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core.h>
#include <openssl/core_names.h>

#define SHIM_DIV 64
#define SHIM_FROM (1ull << 16)
#define MAX_PARAMS 32

typedef struct evp_kdf_ctx_st EVP_KDF_CTX;
typedef int (*derive_fn)(EVP_KDF_CTX *, unsigned char *, size_t,
                         const OSSL_PARAM *);

int EVP_KDF_derive(EVP_KDF_CTX *ctx, unsigned char *key, size_t keylen,
                   const OSSL_PARAM params[]);

int EVP_KDF_derive(EVP_KDF_CTX *ctx, unsigned char *key, size_t keylen,
                   const OSSL_PARAM params[])
{
	static derive_fn real;
	if (!real)
		real = (derive_fn)dlsym(RTLD_NEXT, "EVP_KDF_derive");
	if (!real) {
		fprintf(stderr, "scrypt_shim: no EVP_KDF_derive to wrap\n");
		return 0;
	}
	OSSL_PARAM p[MAX_PARAMS];
	uint64_t n = 0;
	size_t k = 0;
	for (; params && params[k].key; k++) {
		if (k + 1 >= MAX_PARAMS)
			return real(ctx, key, keylen, params);
		p[k] = params[k];
		if (!strcmp(p[k].key, OSSL_KDF_PARAM_SCRYPT_N) &&
		    p[k].data_type == OSSL_PARAM_UNSIGNED_INTEGER &&
		    p[k].data_size == sizeof n && p[k].data &&
		    *(const uint64_t *)p[k].data >= SHIM_FROM) {
			n = *(const uint64_t *)p[k].data / SHIM_DIV;
			p[k].data = &n;
		}
	}
	if (!params)
		return real(ctx, key, keylen, params);
	p[k] = params[k]; /* the end marker */
	return real(ctx, key, keylen, p);
}
