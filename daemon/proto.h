/*
 * proto.h - the wire between the shenli client and shenlid: one JSON
 * object per message, framed by its length (4 bytes, big-endian), over a
 * unix stream socket. Shared by both ends (linked into shenli and shenlid).
 *
 *   request  {"op": "login",  "user": ID, "passphrase": TEXT}
 *            {"op": "logout" | "status", "token": HEX64}
 *            {"op": "run", "token": HEX64, "argv": [ARG...],
 *             "files": {ARG: BASE64}, "stdin": BASE64, "env": {NAME: VALUE}}
 *            {"op": "ticket", "token": HEX64}        shenli open
 *            {"op": "redeem", "ticket": HEX64}       the web front only
 *   reply    {"error": MESSAGE, "rc": N}             any op refused
 *            (a login throttled: also "retry_after": SECONDS)
 *            {"token": HEX64, "user": ID}            login, redeem
 *            {"ticket": HEX64, "port": N, "expires_in": S}   ticket
 *            {"user": ID|null, "idle_timeout": S}    status, logout
 *            {"rc": N, "stdout": BASE64, "stderr": BASE64,
 *             "out": {ARG: BASE64}}                  run
 *
 *
 * A run's "stream_out": true asks for stdout as it is made: before the
 * reply come messages {"stdout_bytes": N}, each followed by N bytes of
 * output (1 <= N <= SL_STREAM_CHUNK) with the names of files put back, and
 * the reply's "stdout" is then empty. So a listing of any length goes
 * through, neither end holds it whole, and its bytes are not encoded twice
 * on the way.
 *
 * A run's "stream": {"word": I} says that the bytes of argv[I] (case
 * import --jsonl FILE|-, argmap.h) follow the request instead of being in
 * it, as chunks: each a 4-byte big-endian length and that many bytes (at
 * most SL_STREAM_CHUNK), ended by a chunk of length 0. So an input of any
 * size goes through without being held whole by either end. With both,
 * the client sends the stream while it reads the chunks of stdout (an
 * import prints as it goes), and the service reads the one while it
 * writes the other, each in a process of its own: neither end waits on
 * the other.
 *
 * Everything read from the socket is bounded (SL_WIRE_MAX) and checked
 * for type before use; a malformed message is answered, never trusted.
 */
#ifndef SHENLID_PROTO_H
#define SHENLID_PROTO_H

#include <jansson.h>
#include <stddef.h>

#include <shenli/base.h>

/* The largest message either end accepts: files travel whole (base64 in
 * JSON), so this bounds a command's input, and its output where stdout is
 * not streamed (the web front's pages). */
#define SL_WIRE_MAX (64u << 20)
/* The longest word of a command line the service runs (bytes): the
 * client refuses a longer one as a usage error before it is sent. */
#define SL_WIRE_ARG_MAX 65536
/* A session token: 32 random bytes, sent as 64 hex digits. */
#define SL_TOKEN_LEN 32
#define SL_TOKEN_HEX (2 * SL_TOKEN_LEN)

/* Make jansson wipe every block it frees: a passphrase and the bytes of
 * files pass through its strings and parse buffers. Once per process,
 * before the first JSON value is made. */
void sl_wire_wiping_alloc(void);

/* Send msg as one frame (blocking; EINTR retried). */
sl_rc sl_wire_send(int fd, const json_t *msg);
/* Receive one frame and parse it as a JSON object (blocking). */
sl_rc sl_wire_recv(int fd, json_t **out);
/* Exactly n bytes, unframed (what follows a "stdout_bytes" message). */
sl_rc sl_wire_send_raw(int fd, const void *p, size_t n);
sl_rc sl_wire_recv_raw(int fd, void *p, size_t n);
/* Parse a received frame's body as a JSON object; NULL with a message. */
json_t *sl_wire_parse(const char *buf, size_t len, char *why, size_t cap);

#define SL_STREAM_CHUNK (1u << 20)
/* Send what fd holds, to its end, as chunks ended by an empty one; name
 * is for messages. */
sl_rc sl_wire_send_stream(int sock, int fd, const char *name);
/* Receive chunks from sock into fd until the empty one: 0, or -1 if the
 * stream broke or was malformed (a chunk too long, the peer gone). */
int sl_wire_recv_stream(int sock, int fd);

/* Base64 (RFC 4648, padded). encode: a malloc'ed string, NULL if out of
 * memory. decode: malloc'ed bytes (NUL-terminated beyond *n), -1 if s is
 * not base64. */
char *sl_b64_encode(const void *data, size_t n);
int sl_b64_decode(const char *s, size_t slen, unsigned char **out, size_t *n);

/* A message's members, read by type: the text of a string member (NULL
 * if absent or not a string), the value of an integer member (0 if
 * absent or not an integer), whether a member is there at all. */
const char *sl_wire_text(const json_t *msg, const char *key);
long long sl_wire_int(const json_t *msg, const char *key);
int sl_wire_has(const json_t *msg, const char *key);
int sl_wire_is_int(const json_t *msg, const char *key);
/* An object member (NULL if absent or not an object). */
json_t *sl_wire_object(const json_t *msg, const char *key);

/* A base64 string member of obj as bytes; -1 if absent or not base64. */
int sl_wire_bytes(const json_t *obj, const char *key, unsigned char **out,
                  size_t *n);

#endif
