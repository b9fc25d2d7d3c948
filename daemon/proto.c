/* proto.c - framing, base64 and wiped memory for the client/service wire. */
#define _GNU_SOURCE
#include "proto.h"

#include <errno.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Blocks come from malloc itself (the core frees what json_dumps returns
 * with free()); their usable size says how much to wipe. */
static void wiping_free(void *p)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

void sl_wire_wiping_alloc(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}

static sl_rc write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		/* a peer gone is an error to report, not a SIGPIPE to die of */
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sl_error(SL_ESYS,
			                _("the service connection "
			                  "broke: %s"),
			                w < 0 ? strerror(errno) : "EOF");
		c += w;
		n -= (size_t)w;
	}
	return SL_OK;
}

static sl_rc read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return sl_error(SL_ESYS,
			                _("the service connection "
			                  "broke: %s"),
			                r < 0 ? strerror(errno)
			                      : _("closed by the other end"));
		c += r;
		n -= (size_t)r;
	}
	return SL_OK;
}

sl_rc sl_wire_send_raw(int fd, const void *p, size_t n)
{
	return write_all(fd, p, n);
}

sl_rc sl_wire_recv_raw(int fd, void *p, size_t n)
{
	return read_all(fd, p, n);
}

sl_rc sl_wire_send(int fd, const json_t *msg)
{
	size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT);
	if (n == 0 || n > SL_WIRE_MAX)
		return sl_error(SL_EINPUT,
		                _("a message to the service is larger than "
		                  "%u MiB"),
		                SL_WIRE_MAX >> 20);
	char *buf = malloc(4 + n);
	if (!buf)
		return sl_error(SL_ESYS, _("out of memory"));
	buf[0] = (char)(n >> 24);
	buf[1] = (char)(n >> 16);
	buf[2] = (char)(n >> 8);
	buf[3] = (char)n;
	sl_rc rc = json_dumpb(msg, buf + 4, n, JSON_COMPACT) == n
	               ? write_all(fd, buf, 4 + n)
	               : sl_error(SL_ESYS, _("out of memory"));
	OPENSSL_cleanse(buf, 4 + n); /* a login carries a passphrase */
	free(buf);
	return rc;
}

json_t *sl_wire_parse(const char *buf, size_t len, char *why, size_t cap)
{
	json_error_t e;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		snprintf(why, cap, _("malformed message: %s"), e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(why, cap, "%s", _("malformed message: not an object"));
		return NULL;
	}
	return j;
}

sl_rc sl_wire_recv(int fd, json_t **out)
{
	unsigned char h[4];
	sl_rc rc = read_all(fd, h, 4);
	if (rc)
		return rc;
	uint32_t n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	             (uint32_t)h[2] << 8 | h[3];
	if (n == 0 || n > SL_WIRE_MAX)
		return sl_error(SL_EINPUT,
		                _("the service sent a message of %u bytes "
		                  "(at most %u)"),
		                n, SL_WIRE_MAX);
	char *buf = malloc(n);
	if (!buf)
		return sl_error(SL_ESYS, _("out of memory"));
	if (!(rc = read_all(fd, buf, n))) {
		char why[256];
		if (!(*out = sl_wire_parse(buf, n, why, sizeof why)))
			rc = sl_error(SL_EINPUT, "%s", why);
	}
	OPENSSL_cleanse(buf, n);
	free(buf);
	return rc;
}

char *sl_b64_encode(const void *data, size_t n)
{
	if (n > (SIZE_MAX / 4) * 3 - 3 || n > INT32_MAX / 2)
		return NULL;
	size_t cap = 4 * ((n + 2) / 3) + 1;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	/* EVP_EncodeBlock takes an int length: in chunks of 3 * 2^20 */
	size_t done = 0, w = 0;
	while (done < n) {
		size_t k = n - done > 3u << 20 ? 3u << 20 : n - done;
		w += (size_t)EVP_EncodeBlock((unsigned char *)s + w,
		                             (const unsigned char *)data + done,
		                             (int)k);
		done += k;
	}
	s[w] = 0;
	return s;
}

int sl_b64_decode(const char *s, size_t slen, unsigned char **out, size_t *n)
{
	if (slen % 4 || slen > SL_WIRE_MAX)
		return -1;
	unsigned char *b = malloc(slen / 4 * 3 + 1);
	if (!b)
		return -1;
	size_t w = 0;
	for (size_t done = 0; done < slen;) {
		size_t k = slen - done > 4u << 20 ? 4u << 20 : slen - done;
		int r = EVP_DecodeBlock(b + w, (const unsigned char *)s + done,
		                        (int)k);
		if (r < 0) {
			free(b);
			return -1;
		}
		w += (size_t)r;
		done += k;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes */
	if (slen && s[slen - 1] == '=')
		w--;
	if (slen > 1 && s[slen - 2] == '=')
		w--;
	/* '=' only at the very end: elsewhere it would be decoded as data */
	for (size_t i = 0; i < slen; i++)
		if (s[i] == '=' && (i + 2 < slen || s[slen - 1] != '=')) {
			free(b);
			return -1;
		}
	b[w] = 0;
	*out = b;
	*n = w;
	return 0;
}

int sl_wire_bytes(const json_t *obj, const char *key, unsigned char **out,
                  size_t *n)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		return -1;
	return sl_b64_decode(json_string_value(v), json_string_length(v), out,
	                     n);
}

sl_rc sl_wire_send_stream(int sock, int fd, const char *name)
{
	char *buf = malloc(4 + SL_STREAM_CHUNK);
	if (!buf)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = SL_OK;
	for (;;) {
		/* input that is slow to come (a pipe, a terminal) is waited
		 * for only while the service is there to take it: gone (it
		 * answered, or stopped), the sending ends */
		struct pollfd p[2] = {{fd, POLLIN, 0}, {sock, POLLRDHUP, 0}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = sl_error(SL_ESYS, _("%s: %s"), name,
			              strerror(errno));
			break;
		}
		if (!p[0].revents && p[1].revents) {
			rc = sl_error(SL_ESYS,
			              _("%s: the service closed the connection "
			                "before the input ended"),
			              name);
			break;
		}
		ssize_t r = read(fd, buf + 4, SL_STREAM_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = sl_error(SL_EINPUT, _("%s: read failed: %s"), name,
			              strerror(errno));
			break;
		}
		buf[0] = (char)(r >> 24);
		buf[1] = (char)(r >> 16);
		buf[2] = (char)(r >> 8);
		buf[3] = (char)r;
		if ((rc = write_all(sock, buf, 4 + (size_t)r)) || r == 0)
			break;
	}
	free(buf);
	return rc;
}

int sl_wire_recv_stream(int sock, int fd)
{
	char *buf = malloc(SL_STREAM_CHUNK);
	int ok = buf != NULL;
	while (ok) {
		unsigned char h[4];
		if (read_all(sock, h, 4) != SL_OK) {
			ok = 0;
			break;
		}
		uint32_t n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
		             (uint32_t)h[2] << 8 | h[3];
		if (n == 0)
			break;
		if (n > SL_STREAM_CHUNK || read_all(sock, buf, n) != SL_OK ||
		    write_all(fd, buf, n) != SL_OK)
			ok = 0;
	}
	free(buf);
	return ok ? 0 : -1;
}

const char *sl_wire_text(const json_t *msg, const char *key)
{
	return json_string_value(json_object_get(msg, key));
}

long long sl_wire_int(const json_t *msg, const char *key)
{
	return (long long)json_integer_value(json_object_get(msg, key));
}

int sl_wire_has(const json_t *msg, const char *key)
{
	return json_object_get(msg, key) != NULL;
}

int sl_wire_is_int(const json_t *msg, const char *key)
{
	return json_is_integer(json_object_get(msg, key));
}

json_t *sl_wire_object(const json_t *msg, const char *key)
{
	json_t *o = json_object_get(msg, key);
	return json_is_object(o) ? o : NULL;
}
