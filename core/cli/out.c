/*
 * out.c - what reaches the terminal: sanitised text, display width,
 * aligned tables, local times and the names of states and roles.
 *
 * Values printed for a person come from dossiers (hostile by assumption),
 * plugins, the store and the command line. An escape sequence among them
 * could rewrite the screen, and a bidi override could make "李某 refused"
 * read as something else, so each goes through cli_txt on its way out.
 * Widths are those of the terminal: a CJK character takes two columns,
 * so padding with printf's %-10s (bytes) would push Chinese columns out
 * of line.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <langinfo.h>
#include <shenli/ops.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"

static void oom(void)
{
	fprintf(stderr, _("shenli: %s\n"), _("out of memory"));
	exit(SL_ESYS);
}

/* Decode one UTF-8 character of s (n bytes left): its length, 0 if the
 * bytes are not a valid, shortest-form character. */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3F);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* A sanitised copy of s, malloc'ed: core/text.h, the one rule for what
 * reaches a terminal. */
static char *clean_copy(const char *s)
{
	char *c = sl_text_clean(s, "\xEF\xBF\xBD");
	if (!c)
		oom();
	return c;
}

const char *cli_txt(const char *s)
{
	/* A ring, so that one printf can take several values. */
	static char *ring[16];
	static size_t next;
	if (!s)
		return "-";
	size_t k = next++ % 16;
	free(ring[k]);
	return ring[k] = clean_copy(s);
}

const char *cli_reason(const char *r)
{
	/* our one catalog is Chinese: a label it translates says it is in
	 * use (LANGUAGE, LC_ALL, LC_MESSAGES, as gettext weighs them) */
	if (!r || !strcmp(cli_decision_label("accepted"), "accepted"))
		return cli_txt(r);
	char *c = strndup(r, sl_text_untagged(r));
	if (!c)
		return cli_txt(r);
	const char *t = cli_txt(c);
	free(c);
	return t;
}

/* East Asian Wide and Fullwidth, for when the C library cannot say (a
 * locale that is not UTF-8). */
static int wide(uint32_t c)
{
	static const uint32_t r[][2] = {
	    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
	    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
	    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
	    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
	    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
	};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (c >= r[i][0] && c <= r[i][1])
			return 1;
	return 0;
}

size_t cli_width(const char *s)
{
	static int utf8 = -1;
	if (utf8 < 0)
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t c = 0;
		/* ASCII is one column, whatever wcwidth would say of a
		 * control character (sanitised away before this anyway) */
		if (u[i] < 0x80) {
			w++;
			i++;
			continue;
		}
		size_t l = utf8_dec(u + i, n - i, &c);
		if (!l) {
			w++;
			i++;
			continue;
		}
		/* the CJK ideographs (most of a Chinese listing's text) are
		 * wide in every locale's table: no lookup for them */
		int cw = c >= 0x4E00 && c <= 0x9FFF ? 2
		         : utf8                     ? wcwidth((wchar_t)c)
		                                    : -1;
		if (cw < 0)
			cw = (c >= 0x300 && c <= 0x36F) ? 0 : wide(c) ? 2 : 1;
		w += (size_t)cw;
		i += l;
	}
	return w;
}

/* The longest prefix of s (sanitised) that fits in cols columns. */
static size_t fit(const char *s, size_t cols)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, i = 0;
	while (i < n) {
		uint32_t c = 0;
		size_t l = utf8_dec(u + i, n - i, &c);
		char one[5] = {0};
		memcpy(one, s + i, l ? l : 1);
		size_t cw = cli_width(one);
		if (w + cw > cols)
			break;
		w += cw;
		i += l ? l : 1;
	}
	return i;
}

/* ---- tables -------------------------------------------------------------- */

/* A column other than the last is cut at this width (with "…"), so that
 * one long value does not push every row off the screen. */
#define COL_MAX 48

enum { T_HOLD, T_STREAM };

struct cli_table {
	size_t ncols, ncells, cap;
	char **cells; /* row-major, sanitised; the headers are row 0 */
	size_t *cw;   /* each cell's display width */
	size_t *w;    /* column widths */
	size_t *fit;  /* and at least these once it streams */
	void (*on_stream)(cli_table *t, void *ud); /* asked for them then */
	void *on_stream_ud;
	unsigned char *right;
	int mode;    /* T_HOLD: rows kept; T_STREAM: each printed as it comes */
	size_t col;  /* T_STREAM: the column of the next cell (no division
	              * a cell: a million rows are nine million cells) */
	size_t hold; /* the rows kept before the table streams */
	FILE *out;   /* where it streams (cli_table_list); NULL: never */
	char *line;  /* the row being printed */
	size_t llen, lcap;
};

/* Is a cell cw columns wide cut in column col? (the last is never) */
static int cut_in(const cli_table *t, size_t col, size_t cw)
{
	return col + 1 < t->ncols && cw > COL_MAX;
}

/* A cell as it is shown (sanitised, a long one cut), malloc'ed, and its
 * display width; c is the cell's text, "-" for none. */
static char *clean_cut(const cli_table *t, size_t col, const char *c,
                       size_t *width)
{
	char *safe = clean_copy(c);
	size_t cw = cli_width(safe);
	if (cut_in(t, col, cw)) {
		size_t keep = fit(safe, COL_MAX - 1);
		char *cut = malloc(keep + 4);
		if (!cut)
			oom();
		memcpy(cut, safe, keep);
		memcpy(cut + keep, "\xE2\x80\xA6", 4); /* "…" */
		free(safe);
		safe = cut;
		cw = cli_width(safe);
	}
	*width = cw;
	return safe;
}

/* Room for n more bytes of the row being printed. */
static char *line_room(cli_table *t, size_t n)
{
	/* allocated even for nothing: memset and memcpy take no NULL,
	 * even for 0 bytes */
	if (!t->line || t->llen + n > t->lcap) {
		size_t cap = t->lcap ? t->lcap : 256;
		while (t->llen + n > cap)
			cap *= 2;
		char *l = realloc(t->line, cap);
		if (!l)
			oom();
		t->line = l;
		t->lcap = cap;
	}
	return t->line + t->llen;
}

static void line_put(cli_table *t, const char *s, size_t n)
{
	memcpy(line_room(t, n), s, n);
	t->llen += n;
}

static void line_spaces(cli_table *t, size_t n)
{
	memset(line_room(t, n), ' ', n);
	t->llen += n;
}

/* One cell of column col, cw columns wide, padded to its column, added
 * to the row; a row is written whole, with one call (a long listing's
 * cells and padding, one by one through stdio, cost more than their
 * text). */
static void put_cell(cli_table *t, FILE *f, size_t col, const char *c,
                     size_t len, size_t cw)
{
	int last = col + 1 == t->ncols;
	/* a row listed after the widths were set may be wider */
	size_t pad = t->w[col] > cw ? t->w[col] - cw : 0;
	if (t->right[col])
		line_spaces(t, pad);
	line_put(t, c, len);
	if (last) {
		line_put(t, "\n", 1);
		fwrite_unlocked(t->line, 1, t->llen, f);
		t->llen = 0;
	} else
		line_spaces(t, t->right[col] ? 2 : pad + 2);
}

/*
 * Whether s is only printable ASCII and CJK ideographs (U+4E00-U+9FFF),
 * nearly every cell of a long listing: then it is safe (text.h), each
 * character is 1 or 2 columns wide (cli_width), and one pass says so and
 * how long and wide it is, where safe-then-measure decoded it twice.
 */
static int plain_cell(const char *s, size_t *len, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;
	for (;;) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7F) {
			i++;
			w++;
		} else if (c >= 0xE4 && c <= 0xE9 &&
		           (p[i + 1] & 0xC0) == 0x80 &&
		           (c != 0xE4 || p[i + 1] >= 0xB8) &&
		           (p[i + 2] & 0xC0) == 0x80) {
			/* a NUL fails the continuation test: nothing past the
			 * end is read */
			i += 3;
			w += 2;
		} else {
			break;
		}
	}
	*len = i;
	*width = w;
	return p[i] == 0;
}

/* A cell as it is shown, its length and its display width, without a
 * copy where it is itself (text that is safe, not cut): a long listing
 * measures every cell once and prints it once, and copying each was most
 * of the table's cost. *owned says whether the caller frees what it gets. */
static const char *cell_view(const cli_table *t, size_t col, const char *cell,
                             size_t *len, size_t *width, int *owned)
{
	const char *c = cell && *cell ? cell : "-";
	*owned = 0;
	if (plain_cell(c, len, width) && !cut_in(t, col, *width))
		return c;
	*len = strlen(c);
	if (sl_text_safe(c, *len)) {
		*width = cli_width(c);
		if (!cut_in(t, col, *width))
			return c;
	}
	*owned = 1;
	c = clean_cut(t, col, c, width);
	*len = strlen(c);
	return c;
}

/* The same, malloc'ed: a held cell outlives the caller's text. */
static char *cell_of(const cli_table *t, size_t col, const char *cell,
                     size_t *width)
{
	int owned;
	size_t len;
	const char *c = cell_view(t, col, cell, &len, width, &owned);
	char *kept = owned ? (char *)c : strdup(c);
	if (!kept)
		oom();
	return kept;
}

static void drop_cells(cli_table *t, size_t from)
{
	for (size_t i = from; i < t->ncells; i++)
		free(t->cells[i]);
	t->ncells = from;
}

/* More rows than the table holds, and somewhere to print them: the rows
 * held so far are printed, in the widths they need, and every later row
 * as soon as it comes. */
static void start_stream(cli_table *t)
{
	if (t->on_stream)
		t->on_stream(t, t->on_stream_ud);
	for (size_t i = 0; i < t->ncols; i++)
		if (t->fit[i] > t->w[i])
			t->w[i] = t->fit[i];
	for (size_t i = 0; i < t->ncells; i++)
		put_cell(t, t->out, i % t->ncols, t->cells[i],
		         strlen(t->cells[i]), t->cw[i]);
	drop_cells(t, 0);
	t->mode = T_STREAM;
	t->col = 0;
}

void cli_table_add(cli_table *t, const char *cell)
{
	size_t cw;
	if (t->mode == T_STREAM) { /* nothing is kept */
		size_t col = t->col;
		if (++t->col == t->ncols)
			t->col = 0;
		int owned;
		size_t len;
		const char *c = cell_view(t, col, cell, &len, &cw, &owned);
		put_cell(t, t->out, col, c, len, cw);
		if (owned)
			free((char *)c);
		return;
	}
	size_t col = t->ncells % t->ncols;
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **c = realloc(t->cells, cap * sizeof *c);
		if (!c)
			oom();
		t->cells = c;
		size_t *w = realloc(t->cw, cap * sizeof *w);
		if (!w)
			oom();
		t->cw = w;
		t->cap = cap;
	}
	t->cells[t->ncells] = cell_of(t, col, cell, &cw);
	t->cw[t->ncells++] = cw;
	if (cw > t->w[col])
		t->w[col] = cw;
	/* a row is whole, one more than the table holds (the headers are
	 * row 0) */
	if (t->out && t->ncells % t->ncols == 0 &&
	    t->ncells / t->ncols > t->hold + 1)
		start_stream(t);
}

void cli_table_hold(cli_table *t, size_t rows)
{
	t->hold = rows;
}

void cli_table_fit(cli_table *t, size_t col, size_t width)
{
	if (col >= t->ncols)
		return;
	/* no cell but the last column's is shown wider than COL_MAX */
	if (cut_in(t, col, width))
		width = COL_MAX;
	if (width > t->fit[col])
		t->fit[col] = width;
}

void cli_table_on_stream(cli_table *t, void (*fn)(cli_table *t, void *ud),
                         void *ud)
{
	t->on_stream = fn;
	t->on_stream_ud = ud;
}

int cli_table_list(cli_table *t, FILE *f, int (*list)(void *ud), void *ud)
{
	if (t)
		t->out = f;
	return list(ud);
}

cli_table *cli_table_new(size_t ncols, ...)
{
	cli_table *t = calloc(1, sizeof *t);
	if (!t || !(t->w = calloc(ncols, sizeof *t->w)) ||
	    !(t->fit = calloc(ncols, sizeof *t->fit)) ||
	    !(t->right = calloc(ncols, 1)))
		oom();
	t->ncols = ncols;
	t->hold = CLI_TABLE_HOLD;
	va_list ap;
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++)
		cli_table_add(t, va_arg(ap, const char *));
	va_end(ap);
	return t;
}

void cli_table_right(cli_table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = 1;
}

void cli_table_print(cli_table *t, FILE *f)
{
	/* an unfinished last row is completed with "-" */
	while (t->mode == T_STREAM ? t->col : t->ncells % t->ncols)
		cli_table_add(t, NULL);
	if (t->mode == T_STREAM)
		return; /* every row is out */
	for (size_t i = 0; i < t->ncells; i++)
		put_cell(t, f, i % t->ncols, t->cells[i], strlen(t->cells[i]),
		         t->cw[i]);
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->cw);
	free(t->w);
	free(t->fit);
	free(t->right);
	free(t->line);
	free(t);
}

/* ---- times ------------------------------------------------------------- */

/* A long listing prints the same few times over and over (the deadlines of
 * many cases end on the same days), and localtime_r takes a lock and looks
 * at the time zone on every call: the text of each second asked for is
 * kept, in a small direct-mapped table, until the time zone may have
 * changed (cli_labels_forget). */
#define TIMES 256
static struct {
	time_t t;
	int sec;
	char text[24]; /* "": an empty entry */
} times[TIMES];

void cli_local_time(long long ms, int sec, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	size_t k = ((size_t)t * 2654435761u >> 8) % TIMES, n;
	if (ms && times[k].text[0] && times[k].t == t &&
	    times[k].sec == !!sec) {
		memcpy(out, times[k].text, sizeof times[k].text);
		return;
	}
	struct tm tm;
	if (!ms || !localtime_r(&t, &tm) ||
	    !(n = strftime(out, 32,
	                   sec ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
	                   &tm))) {
		strcpy(out, "-");
		return;
	}
	if (n >= sizeof times[k].text)
		return; /* a year past 9999: printed, not kept */
	times[k].t = t;
	times[k].sec = !!sec;
	memcpy(times[k].text, out, n + 1);
}

long long cli_parse_utc(const char *iso)
{
	struct tm tm = {0};
	char z = 0;
	if (!iso ||
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	return t == (time_t)-1 ? -1 : (long long)t * 1000;
}

/* ---- names of codes ---------------------------------------------------- */

/* A listing asks for the same few labels row after row: the catalogue's
 * answers, kept until the locale changes (cli_labels_forget). */
static struct {
	const char *id, *label;
} seen[64];
static size_t nseen;
/* the core's words for states and roles, by state and by role's bit */
static const char *state_said[SL_ST__COUNT], *role_said[5];

void cli_labels_forget(void)
{
	nseen = 0;
	memset(state_said, 0, sizeof state_said);
	memset(role_said, 0, sizeof role_said);
	memset(times, 0, sizeof times); /* the time zone, too, may change */
}

/* NC_(CONTEXT, CODE): the code is the msgid, so that the C locale shows the
 * code itself (what --state and --role take), and the context keeps
 * "member" the role apart from any other "member". */
const char *cli_label(const char *code, const char *const *codes,
                      const char *const *ctx_ids, size_t n)
{
	if (!code)
		return "-";
	for (size_t i = 0; i < n; i++)
		if (!strcmp(code, codes[i])) {
			for (size_t k = 0; k < nseen; k++)
				if (seen[k].id == ctx_ids[i])
					return seen[k].label;
			const char *t = gettext(ctx_ids[i]);
			t = t == ctx_ids[i] ? codes[i] : t;
			if (nseen < 64) {
				seen[nseen].id = ctx_ids[i];
				seen[nseen++].label = t;
			}
			return t;
		}
	return code;
}

/* The core's words for a state or role (sl_state_said, sl_role_said), kept
 * once looked up: a listing of a million rows asks a million times. */
const char *cli_state_label(const char *state)
{
	int s = sl_state_parse(state);
	if (s < 0)
		return state ? state : "-";
	if (!state_said[s])
		state_said[s] = sl_state_said((sl_state)s);
	return state_said[s];
}

const char *cli_state_code(size_t i)
{
	return i < SL_ST__COUNT ? sl_state_name((sl_state)i) : NULL;
}

const char *cli_role_label(const char *role)
{
	sl_role r = sl_role_parse(role);
	if (!r)
		return role ? role : "-";
	size_t i = 0; /* roles are bits: its bit's number */
	while (i < CLI_COUNT(role_said) && (1u << i) != (unsigned)r)
		i++;
	if (i == CLI_COUNT(role_said))
		return sl_role_said(r);
	if (!role_said[i])
		role_said[i] = sl_role_said(r);
	return role_said[i];
}

const char *cli_decision_label(const char *decision)
{
	static const char *const codes[] = {"accepted", "deferred", "refused"};
	static const char *const ids[] = {
	    NC_("intake decision", "accepted"),
	    NC_("intake decision", "deferred"),
	    NC_("intake decision", "refused"),
	};
	return cli_label(decision, codes, ids, CLI_COUNT(codes));
}

/* ---- errors and progress, on stderr ------------------------------------ */

int cli_fail(sl_rc rc)
{
	const char *m = sl_errmsg();
	fprintf(stderr, _("shenli: %s\n"), *m ? cli_txt(m) : _("failed"));
	return rc;
}

void cli_progress(cli_bar *b, size_t done, int finish)
{
	if (!b->on)
		return;
	if (!finish && done - b->shown < b->step && done != b->total)
		return;
	b->shown = done;
	if (b->total) {
		int pct = (int)(done * 100 / b->total), w = pct * 30 / 100;
		fprintf(stderr, "\r%s [%.*s%*s] %3d%% %zu/%zu", b->what, w,
		        "##############################", 30 - w, "", pct, done,
		        b->total);
	} else {
		fprintf(stderr, "\r%s %zu", b->what, done);
	}
	if (finish)
		fputc('\n', stderr);
	fflush(stderr);
}

void cli_progress_start(cli_bar *b, const char *what, size_t total,
                        int quiet_stdout)
{
	memset(b, 0, sizeof *b);
	b->what = what;
	b->total = total;
	/* only on a terminal, only for long work, and not over lines that the
	 * command itself prints to the same terminal */
	b->on = isatty(2) && (total == 0 || total > 300) &&
	        (quiet_stdout || !isatty(1));
	b->step = total > 1000 ? total / 200 : 50;
}

/* ---- JSON on stdout (the --json contract) ------------------------------- */

void cli_print_json(json_t *j)
{
	/* the shortest text that reads back as the same number: an amount
	 * of 1.1 is not printed as 1.1000000000000001 */
	cli_print_json_text(
	    sl_json_dumps_short(j, JSON_INDENT(2) | JSON_ENCODE_ANY));
}

void cli_print_json_text(char *text)
{
	if (!text)
		return;
	size_t n = strlen(text);
	char *safe = sl_text_json_escape(text, &n);
	fwrite(safe ? safe : text, 1, n, stdout);
	putchar('\n');
	free(safe);
	free(text);
}

void cli_json_array_next(cli_json_array *a)
{
	fputs(a->n++ ? ",\n  " : "[\n  ", a->out ? a->out : stdout);
}

void cli_json_array_add(cli_json_array *a, json_t *elem)
{
	if (!elem)
		return;
	/* jansson's output for the element one level down: every line break
	 * gains the array's two spaces (strings hold no raw '\n') */
	char stack[4096], *buf = stack;
	size_t n = json_dumpb(elem, stack, sizeof stack, JSON_INDENT(2));
	if (n > sizeof stack) {
		if (!(buf = malloc(n)))
			buf = stack, n = 0;
		else if (json_dumpb(elem, buf, n, JSON_INDENT(2)) != n)
			n = 0;
	}
	json_decref(elem);
	/* nothing in a string drives the terminal --json is printed on */
	char *safe = sl_text_json_escape(buf, &n);
	if (safe) {
		if (buf != stack)
			free(buf);
		buf = safe;
	}
	cli_json_array_next(a);
	/* indented into a buffer of its own and written once: a row is a
	 * dozen lines, and a write per line cost more than the dump */
	FILE *f = a->out ? a->out : stdout;
	char out[8192];
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (o + 3 > sizeof out) {
			fwrite(out, 1, o, f);
			o = 0;
		}
		out[o++] = buf[i];
		if (buf[i] == '\n') {
			out[o++] = ' ';
			out[o++] = ' ';
		}
	}
	fwrite(out, 1, o, f);
	if (buf != stack)
		free(buf);
}

void cli_json_array_end(cli_json_array *a)
{
	fputs(a->n ? "\n]\n" : "[]\n", a->out ? a->out : stdout);
}
