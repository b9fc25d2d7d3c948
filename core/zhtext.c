/* zhtext.c - Chinese numbers, dates and amounts. See zhtext.h. */
#include "zhtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DIGIT[] = {"〇", "一", "二", "三", "四",
                                    "五", "六", "七", "八", "九"};

static void cat(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out), m = strlen(s);
	if (n + m < cap) {
		memcpy(out + n, s, m + 1);
	}
}

void sl_zh_number(int n, char *out, size_t cap)
{
	if (!cap)
		return;
	out[0] = 0;
	if (n < 0 || n > 9999) {
		snprintf(out, cap, "%d", n);
		return;
	}
	if (n == 0) {
		cat(out, cap, "零");
		return;
	}
	static const char *const UNIT[] = {"千", "百", "十", ""};
	int d[4] = {n / 1000, n / 100 % 10, n / 10 % 10, n % 10};
	int started = 0, zero = 0;
	for (int i = 0; i < 4; i++) {
		if (!d[i]) {
			zero = started;
			continue;
		}
		if (zero)
			cat(out, cap, "零");
		zero = 0;
		/* "十二", not "一十二", when ten leads */
		if (!(i == 2 && !started && d[i] == 1))
			cat(out, cap, DIGIT[d[i]]);
		cat(out, cap, UNIT[i]);
		started = 1;
	}
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : D[m - 1];
}

static int parse_iso(const char *iso, int *y, int *m, int *d)
{
	if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
			return -1;
	*y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 +
	     (iso[2] - '0') * 10 + (iso[3] - '0');
	*m = (iso[5] - '0') * 10 + (iso[6] - '0');
	*d = (iso[8] - '0') * 10 + (iso[9] - '0');
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > mdays(*y, *m))
		return -1;
	return 0;
}

int sl_zh_date(const char *iso, int chinese, char *out, size_t cap)
{
	int y, m, d;
	if (cap)
		out[0] = 0;
	if (parse_iso(iso, &y, &m, &d))
		return -1;
	if (!chinese) {
		snprintf(out, cap, "%d年%d月%d日", y, m, d);
		return 0;
	}
	/* the year digit by digit (二〇二六), month and day as counted */
	for (int i = 0; i < 4; i++)
		cat(out, cap, DIGIT[iso[i] - '0']);
	char num[40];
	cat(out, cap, "年");
	sl_zh_number(m, num, sizeof num);
	cat(out, cap, num);
	cat(out, cap, "月");
	sl_zh_number(d, num, sizeof num);
	cat(out, cap, num);
	cat(out, cap, "日");
	return 0;
}

/* Days since 0000-03-01 (H. Hinnant's days_from_civil), and back. */
static long days_from(int y, int m, int d)
{
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static void civil_from(long z, int *y, int *m, int *d)
{
	long era = z / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int sl_zh_date_add(const char *iso, int days, char out[11])
{
	int y, m, d;
	out[0] = 0;
	if (parse_iso(iso, &y, &m, &d))
		return -1;
	civil_from(days_from(y, m, d) + days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

int sl_num_shortest(double v, char *out, size_t cap)
{
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, cap, "%.*g", prec, v);
		char *end;
		if (n < 0 || (size_t)n >= cap)
			break;
		if (strtod(out, &end) == v && !*end)
			break;
	}
	if (n < 0 || (size_t)n >= cap) {
		out[0] = 0;
		return 0;
	}
	for (char *p = out; *p; p++) /* a locale's decimal comma */
		if (*p == ',')
			*p = '.';
	return n;
}

/* yuan in fen, rounded half up from its shortest decimal. */
static long long fen_of(double yuan)
{
	char s[40], dig[24];
	int nd = 0, point = -1;
	sl_num_shortest(yuan, s, sizeof s);
	const char *p = s;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd < (int)sizeof dig)
				dig[nd++] = *p;
		} else if (*p != '-' && *p != '+') {
			point = nd; /* the decimal point */
		}
	}
	if (point < 0)
		point = nd;
	if (*p)
		point += atoi(p + 1);
	/* the value is 0.dig x 10^point: its first point + 2 digits are whole
	 * fen, the next one rounds */
	int keep = point + 2;
	long long fen = 0;
	for (int i = 0; i < keep; i++)
		fen = fen * 10 + (i < nd ? dig[i] - '0' : 0);
	if (keep >= 0 && keep < nd && dig[keep] >= '5')
		fen++;
	return fen;
}

/* "12,345" */
static void grouped(long long whole, char *out, size_t cap)
{
	char raw[32], g[48];
	int n = snprintf(raw, sizeof raw, "%lld", whole), o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g[o++] = ',';
		g[o++] = raw[i];
	}
	g[o] = 0;
	snprintf(out, cap, "%s", g);
}

static void yuan_doc(long long fen, char *out, size_t cap)
{
	long long whole = fen / 100, cents = fen % 100;
	if (cents) {
		snprintf(out, cap, "人民币%lld.%02lld元", whole, cents);
	} else if (whole >= 10000) {
		/* whole yuan in 万: four decimals at most, trailing zeros cut
		 */
		char frac[8];
		snprintf(frac, sizeof frac, "%04lld", whole % 10000);
		for (int i = 3; i >= 0 && frac[i] == '0'; i--)
			frac[i] = 0;
		snprintf(out, cap, "人民币%lld%s%s万元", whole / 10000,
		         frac[0] ? "." : "", frac);
	} else {
		snprintf(out, cap, "人民币%lld元", whole);
	}
}

void sl_zh_yuan(double yuan, sl_yuan_style how, char *out, size_t cap)
{
	const int doc = how == SL_YUAN_DOC;
	if (!(yuan >= 0) || yuan > 1e15) { /* the dossier bounds it anyway */
		snprintf(out, cap, doc ? "人民币%.2f元" : "%.2f 元", yuan);
		return;
	}
	long long fen = fen_of(yuan);
	if (fen == 0 && yuan > 0) {
		snprintf(out, cap, "%s",
		         doc ? "人民币不足0.01元" : "不足 0.01 元");
	} else if (doc) {
		yuan_doc(fen, out, cap);
	} else {
		char whole[48];
		grouped(fen / 100, whole, sizeof whole);
		snprintf(out, cap, "%s.%02lld 元", whole, fen % 100);
	}
}

void sl_zh_amount(double yuan, char *out, size_t cap)
{
	sl_zh_yuan(yuan, SL_YUAN_DOC, out, cap);
}
