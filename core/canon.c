/* canon.c - canonical digests. See canon.h. */
#include "canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void sl_canon_begin(sl_canon *c, sl_hasher *h, const char *domain)
{
	c->h = h;
	sl_hasher_init(h);
	sl_hasher_update(h, domain, strlen(domain) + 1);
}

/* 'S' len bytes | 'N' for NULL */
void sl_canon_str(sl_canon *c, const char *s)
{
	uint8_t hdr[5];
	if (!s) {
		hdr[0] = 'N';
		sl_hasher_update(c->h, hdr, 1);
		return;
	}
	size_t n = strlen(s);
	hdr[0] = 'S';
	be(hdr + 1, n, 4);
	sl_hasher_update(c->h, hdr, 5);
	sl_hasher_update(c->h, s, n);
}

void sl_canon_int(sl_canon *c, int64_t v)
{
	uint8_t b[9];
	b[0] = 'I';
	be(b + 1, (uint64_t)v, 8);
	sl_hasher_update(c->h, b, 9);
}

void sl_canon_real(sl_canon *c, int has, double v)
{
	if (!has) {
		sl_canon_str(c, NULL);
		return;
	}
	/* the exact double, as the table gives it back */
	char t[40];
	snprintf(t, sizeof t, "%.17g", v);
	uint8_t b = 'R';
	sl_hasher_update(c->h, &b, 1);
	sl_canon_str(c, t);
}

void sl_canon_end(sl_canon *c, uint8_t out[SL_SHA256_LEN])
{
	sl_hasher_final(c->h, out);
}

static void tag(sl_canon *c, char t)
{
	uint8_t b = (uint8_t)t;
	sl_hasher_update(c->h, &b, 1);
}

void sl_canon_case_header(sl_canon *c, const char *subject_name,
                          const char *person_id, int party_member,
                          int public_official, const char *position,
                          const char *rank, const char *transferred_on,
                          const char *disciplines, int eight_point,
                          const char *party_sanction, const char *gov_sanction,
                          int form, const char *circumstances)
{
	tag(c, 'C');
	sl_canon_str(c, subject_name);
	sl_canon_str(c, person_id);
	sl_canon_int(c, party_member);
	sl_canon_int(c, public_official);
	sl_canon_str(c, position);
	sl_canon_str(c, rank);
	sl_canon_str(c, transferred_on);
	sl_canon_str(c, disciplines);
	sl_canon_int(c, eight_point);
	sl_canon_str(c, party_sanction);
	sl_canon_str(c, gov_sanction);
	sl_canon_int(c, form);
	sl_canon_str(c, circumstances);
}

void sl_canon_prior(sl_canon *c, int64_t n, const char *system,
                    const char *level, const char *decided_on)
{
	tag(c, 'P');
	sl_canon_int(c, n);
	sl_canon_str(c, system);
	sl_canon_str(c, level);
	sl_canon_str(c, decided_on);
}

void sl_canon_fact(sl_canon *c, int64_t n, const char *id, const char *summary,
                   const char *violation, const char *from, const char *to,
                   int has_amount, double amount, const char *evidence,
                   const char *use, int in_kind)
{
	tag(c, 'F');
	sl_canon_int(c, n);
	sl_canon_str(c, id);
	sl_canon_str(c, summary);
	sl_canon_str(c, violation);
	sl_canon_str(c, from);
	sl_canon_str(c, to);
	sl_canon_real(c, has_amount, amount);
	sl_canon_str(c, evidence);
	sl_canon_str(c, use);
	sl_canon_int(c, in_kind != 0);
}

void sl_canon_evidence(sl_canon *c, int64_t n, const char *id, const char *kind,
                       const char *title, const char *obtained_on,
                       const char *source, const char *tags)
{
	tag(c, 'E');
	sl_canon_int(c, n);
	sl_canon_str(c, id);
	sl_canon_str(c, kind);
	sl_canon_str(c, title);
	sl_canon_str(c, obtained_on);
	sl_canon_str(c, source);
	sl_canon_str(c, tags);
}

void sl_canon_document(sl_canon *c, int64_t n, const char *kind,
                       const char *date)
{
	tag(c, 'D');
	sl_canon_int(c, n);
	sl_canon_str(c, kind);
	sl_canon_str(c, date);
}

void sl_canon_finding(sl_canon *c, int64_t n, const char *check,
                      const char *standard, const char *severity,
                      const char *code, const char *message, const char *refs,
                      const char *outline_item)
{
	tag(c, 'X');
	sl_canon_int(c, n);
	sl_canon_str(c, check);
	sl_canon_str(c, standard);
	sl_canon_str(c, severity);
	sl_canon_str(c, code);
	sl_canon_str(c, message);
	sl_canon_str(c, refs);
	sl_canon_str(c, outline_item);
}

/* ---- the bytes that are signed ---------------------------------------- */

size_t sl_opinion_message(const uint8_t store_id[16], const char *case_id,
                          const char *author, int panel, int64_t ms,
                          const char *body, uint8_t **out)
{
	static const char dom[] = "shenli.opinion/1";
	size_t cl = strlen(case_id), al = strlen(author), bl = strlen(body);
	size_t len = sizeof dom + 16 + cl + 1 + al + 1 + 1 + 8 + bl;
	uint8_t *m = malloc(len), *p = m;
	*out = m;
	if (!m)
		return 0;
	memcpy(p, dom, sizeof dom);
	p += sizeof dom;
	memcpy(p, store_id, 16);
	p += 16;
	memcpy(p, case_id, cl + 1);
	p += cl + 1;
	memcpy(p, author, al + 1);
	p += al + 1;
	*p++ = panel ? 1 : 0;
	for (int i = 7; i >= 0; i--)
		*p++ = (uint8_t)((uint64_t)ms >> (8 * i));
	memcpy(p, body, bl);
	return len;
}

size_t sl_enrol_message(const uint8_t store_id[16], const char *user,
                        const uint8_t pub[SL_ED25519_PUB_LEN], uint8_t out[128])
{
	static const char dom[] = "shenli.enrol.v1";
	size_t n = strlen(user), o = 0;
	memcpy(out, dom, sizeof dom);
	o += sizeof dom;
	memcpy(out + o, store_id, 16);
	o += 16;
	out[o++] = (uint8_t)n;
	memcpy(out + o, user, n);
	o += n;
	memcpy(out + o, pub, SL_ED25519_PUB_LEN);
	return o + SL_ED25519_PUB_LEN;
}
