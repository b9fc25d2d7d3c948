/* sample.c - deterministic sample dockets. See sample.h. */
#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>

/*
 * The output is written as JSON text straight into one growing buffer: the
 * benchmarks import 100k dossiers at > 10k/s, so one dossier has a budget of
 * a few microseconds, which a jansson tree (hundreds of small allocations)
 * would eat on its own. Every string we write comes from the tables below,
 * but it still goes through the escaper so a future table edit cannot break
 * the JSON.
 */

/* ---- organisation ------------------------------------------------------ */

static const sl_sample_zone zones[SL_SAMPLE_ZONES] = {
    {"Z1", "第一片区"},
    {"Z2", "第二片区"},
    {"Z3", "第三片区"},
};

static const sl_sample_agency agencies[SL_SAMPLE_AGENCIES] = {
    {"ZRJ", "驻市人社局纪检监察组", "Z1"},
    {"ZCJ", "驻市财政局纪检监察组", "Z1"},
    {"ZJY", "驻市教育局纪检监察组", "Z1"},
    {"ZWJW", "驻市卫健委纪检监察组", "Z1"},
    {"ZMZ", "驻市民政局纪检监察组", "Z1"},
    {"ZYB", "驻市医保局纪检监察组", "Z1"},
    {"ZTJR", "驻市退役军人事务局纪检监察组", "Z1"},
    {"ZSF", "驻市司法局纪检监察组", "Z1"},
    {"ZGA", "驻市公安局纪检监察组", "Z1"},
    {"ZTY", "驻市体育局纪检监察组", "Z1"},
    {"ZWL", "驻市文旅局纪检监察组", "Z1"},
    {"ZXF", "驻市信访局纪检监察组", "Z1"},

    {"ZJS", "驻市建设局纪检监察组", "Z2"},
    {"ZJT", "驻市交通运输局纪检监察组", "Z2"},
    {"ZZG", "驻市自然资源和规划局纪检监察组", "Z2"},
    {"ZHJ", "驻市生态环境局纪检监察组", "Z2"},
    {"ZSL", "驻市水利局纪检监察组", "Z2"},
    {"ZNN", "驻市农业农村局纪检监察组", "Z2"},
    {"ZSY", "驻市市政园林局纪检监察组", "Z2"},
    {"ZHY", "驻市海洋发展局纪检监察组", "Z2"},
    {"ZGK", "驻市港口管理局纪检监察组", "Z2"},
    {"ZYJ", "驻市应急管理局纪检监察组", "Z2"},
    {"ZFGW", "驻市发改委纪检监察组", "Z2"},
    {"ZGXJ", "驻市工信局纪检监察组", "Z2"},

    {"ZSC", "驻市市场监管局纪检监察组", "Z3"},
    {"ZSWJ", "驻市商务局纪检监察组", "Z3"},
    {"ZKJ", "驻市科技局纪检监察组", "Z3"},
    {"ZSJ", "驻市审计局纪检监察组", "Z3"},
    {"ZZFB", "驻市政府办公室纪检监察组", "Z3"},
    {"ZGZW", "驻市国资委纪检监察组", "Z3"},
    {"ZJG", "驻市机关事务管理局纪检监察组", "Z3"},
    {"ZJR", "驻市金融监管局纪检监察组", "Z3"},
    {"ZZW", "驻市政务服务中心纪检监察组", "Z3"},
    {"ZGJJ", "驻市住房公积金中心纪检监察组", "Z3"},
    {"ZRD", "驻市人大机关纪检监察组", "Z3"},
    {"ZZX", "驻市政协机关纪检监察组", "Z3"},
};

/* The department each group is stationed in, and two of its subordinate
 * units, in the same order as agencies[]: subjects work there. */
static const struct {
	const char *dept, *unit[2];
} depts[SL_SAMPLE_AGENCIES] = {
    {"市人社局", {"社会保险中心", "就业服务中心"}},
    {"市财政局", {"国库支付中心", "财政投资评审中心"}},
    {"市教育局", {"教育装备中心", "学生资助管理中心"}},
    {"市卫健委", {"卫生健康监督所", "妇幼保健院"}},
    {"市民政局", {"社会救助服务中心", "社会福利中心"}},
    {"市医保局", {"医疗保障基金中心", "医药服务管理处"}},
    {"市退役军人事务局", {"退役军人服务中心", "优抚褒扬处"}},
    {"市司法局", {"法律援助中心", "社区矫正管理局"}},
    {"市公安局", {"交通警察支队", "出入境管理支队"}},
    {"市体育局", {"体育中心管理处", "全民健身指导中心"}},
    {"市文旅局", {"文化市场综合执法支队", "市图书馆"}},
    {"市信访局", {"信访接待中心", "网上信访办理处"}},

    {"市建设局", {"建设工程质量安全站", "城市建设档案馆"}},
    {"市交通运输局", {"交通综合执法支队", "公路事业发展中心"}},
    {"市资源规划局", {"思明分局", "湖里分局"}},
    {"市生态环境局", {"生态环境执法支队", "环境监测站"}},
    {"市水利局", {"水利工程管理中心", "河道管理中心"}},
    {"市农业农村局", {"农业综合执法支队", "动物疫病预防控制中心"}},
    {"市市政园林局", {"市政设施管理中心", "园林植物园"}},
    {"市海洋发展局", {"海洋综合行政执法支队", "渔港管理处"}},
    {"市港口管理局", {"港航服务中心", "港口建设处"}},
    {"市应急管理局", {"应急管理综合执法支队", "应急指挥中心"}},
    {"市发改委", {"价格监测中心", "重点项目服务中心"}},
    {"市工信局", {"中小企业服务中心", "产业发展处"}},

    {"市市场监管局", {"市场监管综合执法支队", "特种设备检验检测院"}},
    {"市商务局", {"会展服务中心", "对外贸易发展处"}},
    {"市科技局", {"科技成果转化中心", "高新技术企业服务中心"}},
    {"市审计局", {"审计信息中心", "经济责任审计处"}},
    {"市政府办公室", {"机关服务中心", "行政科"}},
    {"市国资委", {"产权管理处", "国资监管服务中心"}},
    {"市机关事务管理局", {"公务用车服务中心", "行政中心管理处"}},
    {"市金融监管局", {"地方金融监测中心", "融资担保监管处"}},
    {"市政务服务中心", {"行政审批服务处", "信息中心"}},
    {"市住房公积金中心", {"归集管理部", "贷款管理部"}},
    {"市人大机关", {"机关服务中心", "财务处"}},
    {"市政协机关", {"机关服务中心", "文史资料室"}},
};

/* Codes no zone knows (for SL_FAULT_UNKNOWN_AGENCY); test_sample checks
 * that none of them is among the 36. */
static const char *const unknown_agencies[] = {"ZQT", "ZWX", "ZDQ", "ZXQ"};

void sl_sample_zones(const sl_sample_zone **z, size_t *n)
{
	*z = zones;
	*n = SL_SAMPLE_ZONES;
}

void sl_sample_agencies(const sl_sample_agency **a, size_t *n)
{
	*a = agencies;
	*n = SL_SAMPLE_AGENCIES;
}

json_t *sl_sample_zone_json(const sl_sample_zone *z)
{
	return json_pack("{s:s, s:s}", "code", z->code, "name", z->name);
}

json_t *sl_sample_agency_json(const sl_sample_agency *a)
{
	return json_pack("{s:s, s:s, s:s}", "code", a->code, "name", a->name,
	                 "zone", a->zone);
}

static const char *const fault_names[SL_FAULT__COUNT] = {
    "none",
    "missing_document",
    "no_identity",
    "dangling_evidence",
    "no_evidence",
    "confession_only",
    "no_money_flow",
    "eight_point_missed",
    "discipline_missed",
    "sanction_too_light",
    "sanction_too_heavy",
    "form_mismatch",
    "party_gov_mismatch",
    "date_order",
    "transfer_before_response",
    "unknown_agency",
    "use_unproven",
    "no_valuation",
};

const char *sl_sample_fault_name(sl_sample_fault f)
{
	if ((unsigned)f >= SL_FAULT__COUNT)
		return NULL;
	return fault_names[f];
}

/* ---- randomness ---------------------------------------------------------- */

/* splitmix64: tiny, fast, and the same on every platform (only uint64_t
 * wrap-around arithmetic, which C defines). */
typedef struct {
	uint64_t s;
} rng;

static uint64_t next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) by multiply-shift; the bias (n / 2^32) is irrelevant
 * here and the result does not depend on the platform's RAND_MAX. */
static uint32_t below(rng *r, uint32_t n)
{
	return (uint32_t)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t between(rng *r, uint32_t lo, uint32_t hi)
{
	return lo + below(r, hi - lo + 1);
}

static int chance(rng *r, uint32_t percent)
{
	return below(r, 100) < percent;
}

/* Independent streams per (seed, index, purpose): the fault choice uses its
 * own stream so that sl_sample_fault_of() needs no generation. */
static rng rng_for(uint64_t seed, uint64_t idx, uint64_t stream)
{
	rng r = {seed};
	uint64_t a = next(&r);
	r.s = idx * 0xD1B54A32D192ED03ull + stream;
	uint64_t b = next(&r);
	r.s = a ^ b;
	return r;
}

sl_sample_fault sl_sample_fault_of(uint64_t seed, uint64_t idx)
{
	rng r = rng_for(seed, idx, 1);
	/* 60% complete; the other 40% spread evenly over the faults. */
	if (below(&r, 1000) < 600)
		return SL_FAULT_NONE;
	return (sl_sample_fault)(1 + below(&r, SL_FAULT__COUNT - 1));
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) -------------------
 * the core's exact arithmetic (<shenli/base.h>). */

static int year_of(int32_t day)
{
	int y;
	unsigned m, d;
	sl_civil_from_days(day, &y, &m, &d);
	return y;
}

/* ---- small string builder (fixed capacity, never splits a character) ---- */

typedef struct {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_put(sbuf *s, const char *x, size_t n)
{
	if (s->n + n >= s->cap) {
		n = s->cap - 1 - s->n;
		/* back off to the start of a UTF-8 sequence */
		while (n > 0 && ((unsigned char)x[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(s->p + s->n, x, n);
	s->n += n;
	s->p[s->n] = '\0';
}

static void sb_str(sbuf *s, const char *x)
{
	sb_put(s, x, strlen(x));
}

/* Decimal digits of v, at least width of them, into out (no NUL). */
static size_t fmt_uint(char *out, uint64_t v, unsigned width)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static void sb_uint(sbuf *s, uint64_t v)
{
	char t[24];
	sb_put(s, t, fmt_uint(t, v, 1));
}

/* "8.6万元", "12.34万元", "3600元": how a dossier writes amounts. */
static void sb_amount(sbuf *s, int64_t a)
{
	if (a < 10000) {
		sb_uint(s, (uint64_t)a);
		sb_str(s, "元");
		return;
	}
	sb_uint(s, (uint64_t)(a / 10000));
	unsigned frac = (unsigned)(a % 10000);
	if (frac) {
		char t[8];
		size_t n = fmt_uint(t, frac, 4);
		while (t[n - 1] == '0')
			n--;
		sb_put(s, ".", 1);
		sb_put(s, t, n);
	}
	sb_str(s, "万元");
}

/* ---- the vocabulary ---------------------------------------------------- */

enum disc {
	D_POLITICAL,
	D_ORGANIZATIONAL,
	D_INTEGRITY,
	D_MASS,
	D_WORK,
	D_LIFE,
	D__COUNT
};
static const char *const disc_names[D__COUNT] = {
    "political", "organizational", "integrity", "mass", "work", "life"};

enum kind {
	K_PHYSICAL,
	K_DOCUMENTARY,
	K_WITNESS,
	K_VICTIM,
	K_SUBJECT,
	K_EXPERT,
	K_INSPECTION,
	K_AUDIOVISUAL,
	K_ELECTRONIC
};
static const char *const kind_names[] = {
    "physical",          "documentary",       "witness_testimony",
    "victim_statement",  "subject_statement", "expert_opinion",
    "inspection_record", "audiovisual",       "electronic_data"};

/* Evidence tags, exactly those of case-format.md. */
enum tag {
	TAG_NONE,
	TAG_BANK,
	TAG_VOUCHER,
	TAG_INVOICE,
	TAG_RECEIPT,
	TAG_ACCOUNTS,
	TAG_CONTRACT,
	TAG_VALUATION,
	TAG_USE,
	TAG_DEST,
	TAG_IDENTITY
};
static const char *const tag_names[] = {
    NULL,         "bank_record", "voucher",  "invoice",
    "receipt",    "accounts",    "contract", "valuation",
    "use_record", "destination", "identity"};

enum viol {
	V_OFFICE,
	V_CAR,
	V_BANQUET,
	V_GIFTS,
	V_ALLOW,
	V_COFFERS,
	V_EMBEZZLE,
	V_FALSE_REPORT,
	V_OBSTRUCT,
	V_DERELICT,
	V__COUNT
};

/* How far back a fact reaches: a period of years, a short episode, or the
 * weeks just before filing (obstruction happens during preliminary checks). */
enum span { SPAN_RANGE, SPAN_SHORT, SPAN_NEAR };

/* What a summary template says beyond its violation: the amount is the
 * value of goods (in_kind), or it states what the money was used for. */
enum { TPL_INKIND = 1, TPL_USE = 2 };

/*
 * Summary templates. Placeholders: %R the period ("2019年至2022年" or
 * "2022年"), %Z the last year, %S the subject, %U the unit, %A the amount,
 * %N a count of occasions, %n a count of flats, %M/%K office area in m²
 * (total / over standard), %B a benefit fund, %P what the money paid for
 * (TPL_USE templates).
 */
struct sumtpl {
	const char *text;
	uint8_t money, span, flags;
};

/*
 * Evidence templates: %S subject, %U unit, %W a witness, %Q a bank, %B a
 * benefit fund. role says what a complete file uses the item for:
 *   R_PLAIN  corroboration of the fact
 *   R_MONEY  the record of the money (documentary: a bank record, voucher,
 *            invoice, accounts, or an untagged documentary record)
 *   R_GOODS  the record of goods given in kind (the goods, a list, chats)
 *   R_VALUE  a valuation of goods (价格认定)
 * A money fact cites one R_MONEY item; a fact in kind an R_VALUE and an
 * R_GOODS item; a fact that states a use also its use's three items.
 */
enum role { R_PLAIN, R_MONEY, R_GOODS, R_VALUE };

struct evtpl {
	uint8_t kind, tag, tag2, role;
	const char *title, *source;
};

/* A sanction range (the scale below) from an amount on. */
struct band {
	uint32_t from;
	uint8_t lo, hi;
};

struct violdef {
	const char *code;
	uint8_t disc;
	uint8_t eight; /* 0 no, 1 yes, 2 depends on what the money paid for */
	uint32_t amin, amax;
	const struct sumtpl *sum;
	uint8_t nsum;
	const struct evtpl *ev;
	uint8_t nev;
	const struct evtpl *ev_kind; /* for facts in kind; NULL: none */
	uint8_t nev_kind;
	uint8_t lo, hi; /* the range without an amount (or below all bands) */
	const struct band *band;
	uint8_t nband;
};

#define N(a) (uint8_t)(sizeof(a) / sizeof(a)[0])

static const struct sumtpl sum_office[] = {
    {"%R,%S违规占用%U两间办公室,实际使用面积%M平方米,超出规定标准%K平方米", 0,
     SPAN_RANGE, 0},
    {"%R,%S在%U办公用房调整后未按规定腾退原办公室,超标准使用办公用房%M平方米,"
     "超标%K平方米",
     0, SPAN_RANGE, 0},
};
static const struct evtpl ev_office[] = {
    {K_INSPECTION, 0, 0, R_PLAIN, "%U办公用房现场勘验笔录", "%U"},
    {K_EXPERT, 0, 0, R_PLAIN, "办公用房面积测绘鉴定意见", "厦门某测绘有限公司"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "%U办公用房分配使用台账", "%U"},
    {K_WITNESS, 0, 0, R_PLAIN, "%W证人证言", "%W"},
};

static const struct sumtpl sum_car[] = {
    {"%R,%S将私家车挂靠%U,由单位承担车辆维修保养、加油等费用共计%A", 1,
     SPAN_RANGE, 0},
    {"%R,%S多次使用单位公务加油卡为私家车加油,共计%A", 1, SPAN_RANGE, 0},
    {"%R,%S多次驾驶公务用车接送子女上下学、办理私事,累计%N次", 0, SPAN_RANGE,
     0},
    {"%Z年春节期间,%S驾驶%U公务用车回外地老家探亲", 0, SPAN_SHORT, 0},
};
static const struct evtpl ev_car[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "公务加油卡充值及消费流水", "%Q"},
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%U向维修厂转账记录", "%Q"},
    {K_DOCUMENTARY, TAG_VOUCHER, 0, R_MONEY, "%U车辆维修保养费报销凭证", "%U"},
    {K_DOCUMENTARY, 0, 0, R_MONEY, "%U车辆费用支出明细账", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "%U公务用车使用登记表", "%U"},
    {K_ELECTRONIC, 0, 0, R_PLAIN, "公务用车北斗定位行驶轨迹数据",
     "市公务用车管理平台"},
    {K_AUDIOVISUAL, 0, 0, R_PLAIN, "停车场出入口监控录像", "%U"},
    {K_WITNESS, 0, 0, R_PLAIN, "驾驶员%W证人证言", "%W"},
};
static const struct band band_car[] = {{0, 1, 2}, {30000, 2, 3}};

static const struct sumtpl sum_banquet[] = {
    {"%R,%S在%U组织公款宴请%N次,以会议费、培训费名义虚列开支报销餐费共计%A", 1,
     SPAN_RANGE, 0},
    {"%Z年,%S安排在%U内部食堂违规公务接待,使用公款购买高档酒水,费用共计%A", 1,
     SPAN_SHORT, 0},
    {"%R,%S虚列公务接待对象,违规公款吃喝%N次,报销费用共计%A", 1, SPAN_RANGE, 0},
};
static const struct evtpl ev_banquet[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%U公务卡消费流水", "%Q"},
    {K_DOCUMENTARY, TAG_VOUCHER, 0, R_MONEY, "餐费报销凭证", "%U"},
    {K_DOCUMENTARY, TAG_INVOICE, 0, R_MONEY, "酒店开具的餐饮发票",
     "厦门某酒店"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "公务接待审批单及接待清单", "%U"},
    {K_WITNESS, 0, 0, R_PLAIN, "同桌就餐人员%W证人证言", "%W"},
    {K_ELECTRONIC, 0, 0, R_PLAIN, "酒店消费电子结算记录", "厦门某酒店"},
};
static const struct band band_banquet[] = {
    {0, 1, 2}, {20000, 2, 3}, {50000, 3, 4}};

static const struct sumtpl sum_gifts[] = {
    {"%R,%S在逢年过节期间多次收受管理服务对象所送购物卡、礼金共计%A", 1,
     SPAN_RANGE, 0},
    {"%R,%S违规收受辖区企业负责人所送礼金,共计%A", 1, SPAN_RANGE, 0},
    {"%Z年,%S通过微信红包、转账方式收受下属及管理服务对象礼金共计%A", 1,
     SPAN_SHORT, 0},
    {"%R,%S违规收受管理服务对象所送高档烟酒、茶叶等礼品,经价格认定价值共计%A",
     1, SPAN_RANGE, TPL_INKIND},
    {"%Z年春节期间,%S收受辖区企业负责人所送名人字画一幅,经价格认定价值%A", 1,
     SPAN_SHORT, TPL_INKIND},
};
static const struct evtpl ev_gifts[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%S个人银行账户流水", "%Q"},
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%W向%S转账记录", "%Q"},
    {K_DOCUMENTARY, TAG_ACCOUNTS, 0, R_MONEY, "%S记录收受礼金情况的笔记本",
     "%S"},
    {K_DOCUMENTARY, 0, 0, R_MONEY, "购物卡发售及消费记录", "厦门某商场"},
    {K_WITNESS, 0, 0, R_PLAIN, "送礼人%W证人证言", "%W"},
    {K_ELECTRONIC, 0, 0, R_PLAIN, "%S微信转账及聊天记录", "%S手机"},
    {K_PHYSICAL, 0, 0, R_PLAIN, "收缴的购物卡", "%S"},
};
/* Gifts in kind: proved by a valuation and the goods' own record, not by a
 * flow of funds. */
static const struct evtpl ev_gifts_kind[] = {
    {K_EXPERT, 0, 0, R_VALUE, "涉案礼品价格认定结论书", "市价格认定中心"},
    {K_DOCUMENTARY, TAG_VALUATION, 0, R_VALUE, "涉案礼品价格评估报告",
     "厦门某资产评估有限公司"},
    {K_PHYSICAL, 0, 0, R_GOODS, "收缴的涉案礼品", "%S"},
    {K_DOCUMENTARY, TAG_INVOICE, 0, R_GOODS, "送礼人%W购买礼品的发票及清单",
     "%W"},
    {K_ELECTRONIC, 0, 0, R_GOODS, "%W与%S商定送礼的微信聊天记录", "%W手机"},
    {K_WITNESS, 0, 0, R_PLAIN, "送礼人%W证人证言", "%W"},
};
static const struct band band_gifts[] = {
    {0, 1, 2}, {20000, 2, 3}, {60000, 3, 4}, {120000, 4, 5}};

static const struct sumtpl sum_allow[] = {
    {"%R,%S在主持%U工作期间,以加班费、值班补助名义违规向职工发放津贴补贴共计%A",
     1, SPAN_RANGE, 0},
    {"%R,%S决定以虚列劳务费方式套取资金,违规发放年终奖励共计%A", 1, SPAN_RANGE,
     0},
};
static const struct evtpl ev_allow[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%U银行代发明细", "%Q"},
    {K_DOCUMENTARY, 0, 0, R_MONEY, "津贴补贴发放表", "%U"},
    {K_DOCUMENTARY, TAG_VOUCHER, 0, R_MONEY, "劳务费支出记账凭证", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "%U主任办公会议纪要", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "市审计局审计报告", "市审计局"},
    {K_WITNESS, 0, 0, R_PLAIN, "财务人员%W证人证言", "%W"},
};
static const struct band band_allow[] = {
    {0, 1, 2}, {100000, 2, 3}, {300000, 3, 4}};

static const struct sumtpl sum_coffers[] = {
    {"%R,%S授意%U将房屋出租、废旧物资变卖等收入%A未纳入单位账户核算,"
     "违规设立小金库,%P",
     1, SPAN_RANGE, TPL_USE},
    {"%R,%S通过虚开会议费发票方式套取财政资金%A,违规设立小金库,%P", 1,
     SPAN_RANGE, TPL_USE},
};
static const struct evtpl ev_coffers[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "小金库资金银行流水", "%Q"},
    {K_DOCUMENTARY, TAG_ACCOUNTS, 0, R_MONEY, "账外收支登记簿", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "专项审计报告", "市审计局"},
    {K_WITNESS, 0, 0, R_PLAIN, "出纳%W证人证言", "%W"},
    {K_EXPERT, 0, 0, R_PLAIN, "司法会计鉴定意见", "厦门某司法鉴定所"},
};
static const struct band band_coffers[] = {
    {0, 1, 2}, {100000, 2, 3}, {300000, 3, 4}, {600000, 4, 5}};

/*
 * What the money paid for, for the templates that say so. Whether a 小金库
 * is also an eight-point violation depends on it (feasts, perks and hired
 * cars are; plugging a budget gap is not), and a statement of use needs
 * proof (seed 002: who the car owner was, whether the car was really used
 * officially, whether owner and official were related, and where the money
 * ended up): the use itself, the counterparty and the final destination,
 * one evidence template each.
 */
struct usedef {
	const char *text;  /* in the summary */
	const char *field; /* the dossier's "use" field, when written */
	uint8_t eight;
	struct evtpl ev[3]; /* use, counterparty, destination */
};

static const struct usedef coffer_uses[] = {
    {"主要用于公款吃喝及购买节日礼品",
     "公款吃喝及购买节日礼品",
     1,
     {{K_DOCUMENTARY, TAG_INVOICE, TAG_USE, R_PLAIN,
       "小金库支出的餐饮发票及礼品购货单据", "%U"},
      {K_WITNESS, TAG_IDENTITY, 0, R_PLAIN,
       "收款酒店经营者%W证人证言及身份信息", "%W"},
      {K_DOCUMENTARY, TAG_BANK, TAG_DEST, R_PLAIN, "小金库支出资金去向核查流水",
       "%Q"}}},
    {"主要用于违规发放职工福利",
     "违规发放职工福利",
     1,
     {{K_DOCUMENTARY, TAG_USE, 0, R_PLAIN, "职工福利发放签收表", "%U"},
      {K_DOCUMENTARY, TAG_IDENTITY, 0, R_PLAIN, "领取福利职工名册及身份信息",
       "%U"},
      {K_DOCUMENTARY, TAG_BANK, TAG_DEST, R_PLAIN, "福利发放资金流向核查流水",
       "%Q"}}},
    {"主要用于租用私家车供单位负责人使用",
     "租用私家车供单位负责人使用",
     1,
     {{K_DOCUMENTARY, TAG_USE, 0, R_PLAIN, "租用车辆派车单及使用登记", "%U"},
      {K_DOCUMENTARY, TAG_CONTRACT, TAG_IDENTITY, R_PLAIN,
       "车辆租赁协议及车主%W身份、车辆登记信息", "%W"},
      {K_DOCUMENTARY, TAG_BANK, TAG_DEST, R_PLAIN, "车主%W收款账户资金去向流水",
       "%Q"}}},
    {"主要用于弥补单位办公经费不足",
     "弥补单位办公经费不足",
     0,
     {{K_DOCUMENTARY, TAG_VOUCHER, TAG_USE, R_PLAIN,
       "办公经费支出记账凭证及报销单据", "%U"},
      {K_DOCUMENTARY, TAG_CONTRACT, 0, R_PLAIN, "办公用品采购合同", "%U"},
      {K_EXPERT, TAG_DEST, 0, R_PLAIN, "资金去向司法会计鉴定意见",
       "厦门某司法鉴定所"}}},
    {"主要用于支付编外人员劳务报酬",
     "支付编外人员劳务报酬",
     0,
     {{K_DOCUMENTARY, TAG_USE, 0, R_PLAIN, "编外人员劳务报酬签领表", "%U"},
      {K_DOCUMENTARY, TAG_CONTRACT, TAG_IDENTITY, R_PLAIN,
       "编外人员劳务合同及身份信息", "%U"},
      {K_DOCUMENTARY, TAG_BANK, TAG_DEST, R_PLAIN, "劳务报酬发放银行流水",
       "%Q"}}},
};

/* The one embezzlement template that states a use. */
static const struct usedef embezzle_use = {
    "用于弥补单位经费缺口",
    "弥补单位经费缺口",
    0,
    {{K_DOCUMENTARY, TAG_VOUCHER, TAG_USE, R_PLAIN, "被挪用资金支出记账凭证",
      "%U"},
     {K_DOCUMENTARY, TAG_CONTRACT, 0, R_PLAIN, "相关支出合同及收款单位信息",
      "%U"},
     {K_DOCUMENTARY, TAG_BANK, TAG_DEST, R_PLAIN, "被挪用资金流向核查流水",
      "%Q"}}};

static const struct sumtpl sum_embezzle[] = {
    {"%R,%S利用负责%B审核发放的职务便利,截留挪用%B共计%A", 1, SPAN_RANGE, 0},
    {"%R,%S违规将%B%A挪作他用,%P", 1, SPAN_RANGE, TPL_USE},
    {"%R,%S虚报冒领%B,将%A转入其个人控制的账户", 1, SPAN_RANGE, 0},
};
static const struct evtpl ev_embezzle[] = {
    {K_DOCUMENTARY, TAG_BANK, 0, R_MONEY, "%B专户银行流水", "%Q"},
    {K_DOCUMENTARY, 0, 0, R_MONEY, "%B发放花名册", "%U"},
    {K_VICTIM, 0, 0, R_PLAIN, "应享受补助群众%W陈述", "%W"},
    {K_EXPERT, 0, 0, R_PLAIN, "司法会计鉴定意见", "厦门某司法鉴定所"},
    {K_WITNESS, 0, 0, R_PLAIN, "经办人%W证人证言", "%W"},
};
/* Above 300,000 yuan embezzling benefit funds is treated as a crime
 * (挪用公款罪): level 6, the only band that reaches it. */
static const struct band band_embezzle[] = {
    {0, 1, 2}, {30000, 2, 3}, {100000, 3, 4}, {200000, 4, 5}, {300000, 6, 6}};

static const struct sumtpl sum_false_report[] = {
    {"%Z年,%S在填报领导干部个人有关事项报告时,未如实报告本人及配偶名下房产%n套",
     0, SPAN_SHORT, 0},
    {"%R,%S在填报个人有关事项报告时,隐瞒其配偶经商办企业情况", 0, SPAN_RANGE,
     0},
    {"%Z年,%S在填报个人有关事项报告时漏报本人持有的股票、基金情况", 0,
     SPAN_SHORT, 0},
};
static const struct evtpl ev_false_report[] = {
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "%S领导干部个人有关事项报告表",
     "市委组织部"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "不动产登记信息查询结果",
     "市不动产登记中心"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "市场主体登记信息查询结果", "市市场监管局"},
    {K_WITNESS, 0, 0, R_PLAIN, "%W证人证言", "%W"},
};

static const struct sumtpl sum_obstruct[] = {
    {"%Z年,%S在组织初核期间与相关人员串供,订立攻守同盟,对抗组织审查", 0,
     SPAN_NEAR, 0},
    {"%Z年,%S得知被组织调查后,指使他人删除微信聊天记录,转移、隐匿相关账册,"
     "对抗组织审查",
     0, SPAN_NEAR, 0},
};
static const struct evtpl ev_obstruct[] = {
    {K_ELECTRONIC, 0, 0, R_PLAIN, "恢复提取的微信聊天记录", "%S手机"},
    {K_WITNESS, 0, 0, R_PLAIN, "%W证人证言", "%W"},
    {K_AUDIOVISUAL, 0, 0, R_PLAIN, "办公区域监控录像", "%U"},
    {K_PHYSICAL, 0, 0, R_PLAIN, "被隐匿的会计账册", "%U"},
};

static const struct sumtpl sum_derelict[] = {
    {"%R,%S作为%U负责人,对项目资金拨付审核把关不严,"
     "致使不符合条件的企业骗取补贴资金",
     0, SPAN_RANGE, 0},
    {"%Z年,%S履行监管职责不力,对%U安全隐患排查整治不到位,造成不良影响", 0,
     SPAN_SHORT, 0},
    {"%R,%S未认真履行工程项目监管职责,致使工程验收流于形式,造成国有资产损失", 0,
     SPAN_RANGE, 0},
};
static const struct evtpl ev_derelict[] = {
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "%U会议纪要", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "项目审批及验收材料", "%U"},
    {K_DOCUMENTARY, 0, 0, R_PLAIN, "市审计局审计报告", "市审计局"},
    {K_WITNESS, 0, 0, R_PLAIN, "%W证人证言", "%W"},
    {K_INSPECTION, 0, 0, R_PLAIN, "现场检查笔录", "%U"},
};

/*
 * The sanction scale the generator reasons on (the rules' scale):
 *   0 no sanction (form 1)      4 留党察看 / 撤职 (form 3)
 *   1 警告 / 警告 (form 2)       5 开除党籍 / 开除 (form 3, or 4)
 *   2 严重警告 / 记过|记大过      6 开除党籍 / 开除 + crime (form 4)
 *   3 撤销党内职务 / 降级|撤职
 * Each violation gives a range per amount band (the 条例's 情节较轻 /
 * 较重 / 严重 read onto amounts), or one range without an amount.
 */
#define VD(code, disc, eight, amin, amax, sum, ev, kind, nkind, lo, hi, band,  \
           nband)                                                              \
	{                                                                      \
		code, disc, eight, amin, amax, sum, N(sum), ev, N(ev), kind,   \
		    nkind, lo, hi, band, nband                                 \
	}
static const struct violdef viols[V__COUNT] = {
    VD("office_space_over_standard", D_INTEGRITY, 1, 0, 0, sum_office,
       ev_office, NULL, 0, 0, 1, NULL, 0),
    VD("official_car_misuse", D_INTEGRITY, 1, 3000, 50000, sum_car, ev_car,
       NULL, 0, 1, 2, band_car, N(band_car)),
    VD("public_funds_banquet", D_INTEGRITY, 1, 1500, 60000, sum_banquet,
       ev_banquet, NULL, 0, 1, 2, band_banquet, N(band_banquet)),
    VD("gifts_and_money", D_INTEGRITY, 1, 2000, 150000, sum_gifts, ev_gifts,
       ev_gifts_kind, N(ev_gifts_kind), 1, 3, band_gifts, N(band_gifts)),
    VD("unauthorized_allowances", D_INTEGRITY, 1, 20000, 400000, sum_allow,
       ev_allow, NULL, 0, 1, 2, band_allow, N(band_allow)),
    VD("small_coffers", D_INTEGRITY, 2, 30000, 800000, sum_coffers, ev_coffers,
       NULL, 0, 1, 3, band_coffers, N(band_coffers)),
    VD("embezzle_benefit_funds", D_MASS, 0, 10000, 400000, sum_embezzle,
       ev_embezzle, NULL, 0, 1, 3, band_embezzle, N(band_embezzle)),
    VD("false_personal_report", D_ORGANIZATIONAL, 0, 0, 0, sum_false_report,
       ev_false_report, NULL, 0, 0, 1, NULL, 0),
    VD("obstructing_review", D_POLITICAL, 0, 0, 0, sum_obstruct, ev_obstruct,
       NULL, 0, 2, 3, NULL, 0),
    VD("dereliction", D_WORK, 0, 0, 0, sum_derelict, ev_derelict, NULL, 0, 1, 2,
       NULL, 0),
};
#undef VD

/* How often each violation turns up (out of 100). */
static const uint8_t viol_weight[V__COUNT] = {10, 10, 14, 14, 10,
                                              10, 10, 8,  4,  10};

static const char *const party_names[] = {"警告", "严重警告", "撤销党内职务",
                                          "留党察看", "开除党籍"};
static const char *const gov_names[] = {"警告", "记过", "记大过",
                                        "降级", "撤职", "开除"};

/* A fact's range: its violation's band for the amount, else the plain
 * range. */
static void range_of(unsigned v, int64_t amount, uint8_t *lo, uint8_t *hi)
{
	const struct violdef *d = &viols[v];
	*lo = d->lo;
	*hi = d->hi;
	for (unsigned i = 0; amount >= 0 && i < d->nband; i++)
		if ((uint64_t)amount >= d->band[i].from) {
			*lo = d->band[i].lo;
			*hi = d->band[i].hi;
		}
}

/* ---- people and places ------------------------------------------------- */

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
    "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
    "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石",
    "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江",
    "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛",
    "郝", "龚", "邵", "万", "钱", "严", "洪", "柯", "庄", "颜", "翁", "傅",
};
#define NSURNAMES (sizeof surnames / sizeof surnames[0])

static const struct {
	const char *title, *rank;
} titles[] = {
    {"主任", "处级"},       {"副主任", "副处级"},     {"综合科科长", "科级"},
    {"财务科科长", "科级"}, {"办公室主任", "科级"},   {"副科长", "副科级"},
    {"科员", "一般干部"},   {"一级主任科员", "科级"},
};

static const char *const banks[] = {
    "中国工商银行厦门分行",
    "中国建设银行厦门分行",
    "中国农业银行厦门分行",
    "中国银行厦门分行",
    "厦门银行",
    "兴业银行厦门分行",
};

static const char *const benefits[] = {
    "城乡低保资金",   "临时救助资金", "就业补助资金", "高龄老人补贴",
    "困难学生资助金", "优抚补助资金", "医疗救助资金", "耕地地力保护补贴",
};

/* ---- the model of one dossier ------------------------------------------ */

#define MAX_FACTS 4
#define MAX_EV 24
#define MAX_REFS 8

enum doc {
	DOC_IDENTITY,
	DOC_FILING,
	DOC_REPORT,
	DOC_FACTS,
	DOC_RESPONSE,
	DOC_EXPLANATION,
	DOC_TRANSFER,
	DOC__COUNT
};
static const char *const doc_names[DOC__COUNT] = {
    "identity",      "filing_approval",          "investigation_report",
    "fact_material", "subject_written_response", "response_explanation",
    "transfer_form"};

/* The proposal's circumstances, exactly case-format.md's vocabulary:
 * mitigating, aggravating, and the aggravation of prior sanctions. */
enum circ {
	C_CONFESSION,
	C_REFUND,
	C_COOPERATION,
	C_MINOR,
	C_REPEATED,
	C_OBSTRUCTION,
	C_AFTER_WARNING,
	C_SERIOUS,
	C__COUNT
};
static const char *const circ_names[C__COUNT] = {"voluntary_confession",
                                                 "refund",
                                                 "cooperation",
                                                 "minor_consequence",
                                                 "repeated",
                                                 "obstruction",
                                                 "after_warning",
                                                 "serious_consequence"};
#define C_MITIGATING                                                           \
	((1u << C_CONFESSION) | (1u << C_REFUND) | (1u << C_COOPERATION) |     \
	 (1u << C_MINOR))
#define C_AGGRAVATING                                                          \
	((1u << C_REPEATED) | (1u << C_OBSTRUCTION) | (1u << C_SERIOUS))

struct ev {
	uint8_t kind, tag, tag2;
	int32_t date;
	char title[128], source[64];
};

struct fact {
	uint8_t viol, tpl, eight, lo, hi, money, inkind, nref, dangling,
	    benefit;
	uint8_t use_field;        /* the use is also in the "use" field */
	const struct usedef *use; /* what the money paid for, if stated */
	uint8_t refs[MAX_REFS];   /* 1-based evidence numbers */
	int64_t amount;
	int32_t from, to;
	char summary[400];
};

struct model {
	const char *agency;
	unsigned dept, unit;
	int32_t doc[DOC__COUNT];
	uint8_t has_doc[DOC__COUNT];
	int32_t transferred_on;

	char name[16], person_id[12];
	uint8_t surname, party, official;
	const char *title, *rank;
	struct {
		uint8_t party, level;
		int32_t date;
	} prior[2];
	uint8_t nprior;

	struct fact f[MAX_FACTS];
	uint8_t nf;
	struct ev e[MAX_EV];
	uint8_t ne;

	uint8_t level, discs, eight, form;
	uint16_t circs;
	int8_t psanc, gsanc; /* index into party_names / gov_names, -1 null */
};

/* What a fault needs of the fact that carries it. */
enum cls {
	CLS_ANY,
	CLS_NONMONEY,
	CLS_MONEY,
	CLS_EIGHT,
	CLS_BIG,
	CLS_SMALL,
	CLS_USE,
	CLS_INKIND
};

static uint8_t fault_class(sl_sample_fault f)
{
	switch (f) {
	/* a money fact without evidence would also lack a money flow: keep
	 * these faults on facts without amounts so they stay single */
	case SL_FAULT_NO_EVIDENCE:
	case SL_FAULT_CONFESSION_ONLY: return CLS_NONMONEY;
	case SL_FAULT_NO_MONEY_FLOW: return CLS_MONEY;
	case SL_FAULT_EIGHT_POINT_MISSED: return CLS_EIGHT;
	case SL_FAULT_SANCTION_TOO_LIGHT: return CLS_BIG;
	case SL_FAULT_SANCTION_TOO_HEAVY: return CLS_SMALL;
	case SL_FAULT_USE_UNPROVEN: return CLS_USE;
	case SL_FAULT_NO_VALUATION: return CLS_INKIND;
	default: return CLS_ANY;
	}
}

/* Expansion context for templates. */
struct ctx {
	const struct model *m;
	const struct fact *f;
	rng *r;
	const char *benefit, *use;
	unsigned count, flats, area, excess;
};

static void put_unit(sbuf *s, const struct model *m)
{
	sb_str(s, depts[m->dept].dept);
	sb_str(s, depts[m->dept].unit[m->unit]);
}

static void expand(char *dst, size_t cap, const char *tpl, struct ctx *c)
{
	sbuf s = {dst, 0, cap};
	dst[0] = '\0';
	for (const char *p = tpl; *p;) {
		const char *q = strchr(p, '%');
		if (!q) {
			sb_str(&s, p);
			break;
		}
		sb_put(&s, p, (size_t)(q - p));
		p = q + 2;
		switch (q[1]) {
		case 'R': {
			int a = year_of(c->f->from), b = year_of(c->f->to);
			sb_uint(&s, (uint64_t)a);
			sb_str(&s, "年");
			if (a != b) {
				sb_str(&s, "至");
				sb_uint(&s, (uint64_t)b);
				sb_str(&s, "年");
			}
			break;
		}
		case 'Z': sb_uint(&s, (uint64_t)year_of(c->f->to)); break;
		case 'S': sb_str(&s, c->m->name); break;
		case 'U': put_unit(&s, c->m); break;
		case 'A': sb_amount(&s, c->f->amount); break;
		case 'N': sb_uint(&s, c->count); break;
		case 'n': sb_uint(&s, c->flats); break;
		case 'M': sb_uint(&s, c->area); break;
		case 'K': sb_uint(&s, c->excess); break;
		case 'B': sb_str(&s, c->benefit); break;
		case 'P': sb_str(&s, c->use); break;
		case 'Q': sb_str(&s, banks[below(c->r, N(banks))]); break;
		case 'W': {
			/* a witness is never the subject's namesake */
			unsigned k = below(c->r, NSURNAMES - 1);
			if (k >= c->m->surname)
				k++;
			sb_str(&s, surnames[k]);
			sb_str(&s, "某");
			break;
		}
		default: /* a typo in a table: keep the text, drop the mark */
			p = q + 1;
			break;
		}
	}
}

/* A witness named in a title is the source of that testimony: expand both
 * from one stream position so they agree. */
static void expand_ev(struct ev *e, const struct evtpl *t, struct ctx *c)
{
	rng saved = *c->r;
	expand(e->title, sizeof e->title, t->title, c);
	rng after = *c->r;
	*c->r = saved;
	expand(e->source, sizeof e->source, t->source, c);
	*c->r = after; /* go on from where the title left the stream */
}

static unsigned pick_viol(rng *r, uint8_t cls, const struct model *m,
                          unsigned nfacts)
{
	static const uint8_t nonmoney[] = {V_OFFICE, V_CAR, V_FALSE_REPORT,
	                                   V_OBSTRUCT, V_DERELICT};
	/* money without a stated use: a missing money record is then the
	 * only fault */
	static const uint8_t money[] = {V_CAR, V_BANQUET, V_GIFTS, V_ALLOW};
	static const uint8_t eight[] = {V_OFFICE, V_CAR, V_BANQUET, V_GIFTS,
	                                V_ALLOW};
	static const uint8_t small[] = {V_OFFICE, V_CAR, V_BANQUET, V_GIFTS};
	for (;;) {
		unsigned v;
		switch (cls) {
		case CLS_NONMONEY: v = nonmoney[below(r, N(nonmoney))]; break;
		case CLS_MONEY: v = money[below(r, N(money))]; break;
		case CLS_EIGHT: v = eight[below(r, N(eight))]; break;
		case CLS_SMALL: v = small[below(r, N(small))]; break;
		case CLS_BIG: v = chance(r, 60) ? V_EMBEZZLE : V_GIFTS; break;
		case CLS_USE: v = chance(r, 70) ? V_COFFERS : V_EMBEZZLE; break;
		case CLS_INKIND: v = V_GIFTS; break;
		default: {
			unsigned x = below(r, 100);
			for (v = 0; v < V__COUNT - 1 && x >= viol_weight[v];
			     v++)
				x -= viol_weight[v];
		}
		}
		/* one fact per violation type: a dossier merges repeats */
		unsigned i;
		for (i = 0; i < nfacts && m->f[i].viol != v; i++)
			;
		if (i == nfacts)
			return v;
	}
}
/* Roughly log-uniform in [lo, hi] (small sums are the common case, as in
 * the statistics of seed 003): a random number of 25% steps up from lo,
 * then uniform within the step. Integers only, so it is the same on every
 * platform, unlike pow(). */
static int64_t log_uniform(rng *r, uint32_t lo, uint32_t hi)
{
	unsigned steps = 0;
	for (uint64_t x = lo; x * 5 / 4 < hi; x = x * 5 / 4)
		steps++;
	unsigned j = below(r, steps + 1);
	uint64_t x = lo;
	for (unsigned k = 0; k < j; k++)
		x = x * 5 / 4;
	uint64_t top = x * 5 / 4 < hi ? x * 5 / 4 : hi;
	return (int64_t)(x + below(r, (uint32_t)(top - x + 1)));
}

/* Facts: violation, template, amount, period, summary. No evidence yet. */

/* Does template t suit the class? */
static int tpl_suits(unsigned v, const struct sumtpl *t, uint8_t cls)
{
	switch (cls) {
	case CLS_NONMONEY: return !t->money;
	case CLS_SMALL: return !(t->money && v == V_CAR);
	case CLS_MONEY: return t->money && !t->flags;
	case CLS_USE: return (t->flags & TPL_USE) != 0;
	case CLS_INKIND: return (t->flags & TPL_INKIND) != 0;
	default: return 1;
	}
}

/* Facts: violation, template, amount, range, period, summary. No evidence
 * yet. */
static void make_fact(struct model *m, rng *r, uint8_t cls, unsigned i)
{
	struct fact *f = &m->f[i];
	memset(f, 0, sizeof *f);
	unsigned v = pick_viol(r, cls, m, i);
	const struct violdef *d = &viols[v];
	f->viol = (uint8_t)v;

	unsigned t;
	do
		t = below(r, d->nsum);
	while (!tpl_suits(v, &d->sum[t], cls));
	f->tpl = (uint8_t)t;
	f->money = d->sum[t].money;
	f->inkind = (d->sum[t].flags & TPL_INKIND) != 0;

	f->benefit = (uint8_t)below(r, N(benefits));
	struct ctx c = {m,
	                f,
	                r,
	                benefits[f->benefit],
	                NULL,
	                between(r, 4, 36),
	                between(r, 1, 3),
	                0,
	                0};
	f->amount = -1;
	if (f->money) {
		uint32_t lo = d->amin, hi = d->amax;
		if (cls == CLS_BIG) {
			lo = 300000;
			hi = v == V_EMBEZZLE ? 900000 : 600000;
		} else if (cls == CLS_SMALL) {
			lo = v == V_BANQUET ? 1500 : 2000;
			hi = 4900;
		}
		int64_t amt = cls == CLS_BIG ? (int64_t)between(r, lo, hi)
		                             : log_uniform(r, lo, hi);
		amt = amt < 10000 ? amt / 10 * 10 : amt / 100 * 100;
		f->amount = amt;
	}
	range_of(v, f->amount, &f->lo, &f->hi);
	if (v == V_OFFICE) {
		c.excess = between(r, 3, 30);
		c.area = 9 + 9 * below(r, 2) + c.excess;
	}
	f->eight = d->eight == 1;
	if (d->sum[t].flags & TPL_USE) {
		f->use = v == V_COFFERS ? &coffer_uses[below(r, N(coffer_uses))]
		                        : &embezzle_use;
		c.use = f->use->text;
		if (d->eight == 2)
			f->eight = f->use->eight;
		/* agencies usually write the use only in the summary */
		f->use_field = chance(r, 40);
	}

	/* the period, ending before the case was filed */
	int32_t filed = m->doc[DOC_FILING];
	switch (d->sum[t].span) {
	case SPAN_NEAR:
		f->to = filed - (int32_t)between(r, 1, 20);
		f->from = f->to - (int32_t)below(r, 30);
		break;
	case SPAN_SHORT: {
		f->to = filed - (int32_t)between(r, 15, 400);
		f->from = f->to - (int32_t)below(r, 60);
		int32_t jan1 = sl_days_from_civil(year_of(f->to), 1, 1);
		if (f->from < jan1)
			f->from = jan1;
		break;
	}
	default:
		f->to = filed - (int32_t)between(r, 15, 400);
		f->from = f->to - (int32_t)between(r, 60, 1400);
	}
	expand(f->summary, sizeof f->summary, d->sum[t].text, &c);
}

static unsigned add_ev(struct model *m, rng *r, const struct fact *f,
                       const struct evtpl *t)
{
	struct ev *e = &m->e[m->ne++];
	struct ctx c = {m, f, r, NULL, NULL, 0, 0, 0, 0};
	c.benefit = benefits[f->benefit];
	e->kind = t->kind;
	e->tag = t->tag;
	e->tag2 = t->tag2;
	int32_t lo = m->doc[DOC_FILING] + 1, hi = m->doc[DOC_REPORT] - 1;
	e->date = lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
	expand_ev(e, t, &c);
	return m->ne;
}

/* Choose up to k of the evidence templates of f's violation (its in-kind
 * list for a fact in kind) that pass the filter, without repetition, and
 * add them as evidence cited by f. */
enum evfilter {
	EVF_PLAIN,
	EVF_MONEY,
	EVF_BANK,
	EVF_GOODS,
	EVF_VALUE,
	EVF_NODOC
};

static void cite(struct model *m, rng *r, struct fact *f, unsigned k,
                 enum evfilter flt)
{
	const struct violdef *d = &viols[f->viol];
	const struct evtpl *list = f->inkind ? d->ev_kind : d->ev;
	unsigned nlist = f->inkind ? d->nev_kind : d->nev;
	uint8_t cand[8];
	unsigned n = 0;
	for (unsigned i = 0; i < nlist && n < N(cand); i++) {
		const struct evtpl *t = &list[i];
		int ok;
		switch (flt) {
		case EVF_MONEY: ok = t->role == R_MONEY; break;
		case EVF_BANK:
			ok = t->role == R_MONEY && t->tag == TAG_BANK;
			break;
		case EVF_GOODS: ok = t->role == R_GOODS; break;
		case EVF_VALUE: ok = t->role == R_VALUE; break;
		case EVF_NODOC: ok = t->kind != K_DOCUMENTARY; break;
		default: ok = t->role == R_PLAIN;
		}
		if (ok)
			cand[n++] = (uint8_t)i;
	}
	for (unsigned j = 0; j < k && j < n; j++) {
		unsigned x = j + below(r, (uint32_t)(n - j));
		uint8_t tmp = cand[j];
		cand[j] = cand[x];
		cand[x] = tmp;
		f->refs[f->nref++] = (uint8_t)add_ev(m, r, f, &list[cand[j]]);
	}
}

static void make_evidence(struct model *m, rng *r, sl_sample_fault fault,
                          unsigned target)
{
	struct fact dummy;
	memset(&dummy, 0, sizeof dummy);
	struct ctx c = {m, &dummy, r, NULL, NULL, 0, 0, 0, 0};
	int32_t lo = m->doc[DOC_FILING] + 1, hi = m->doc[DOC_REPORT] - 1;

	/* E1: the interview record; sometimes E2: the subject's own account */
	struct ev *e = &m->e[m->ne++];
	e->kind = K_SUBJECT;
	e->tag = e->tag2 = 0;
	e->date = lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
	expand(e->title, sizeof e->title, "%S谈话笔录", &c);
	expand(e->source, sizeof e->source, "%S", &c);
	unsigned own = 0;
	if (chance(r, 30)) {
		e = &m->e[m->ne++];
		e->kind = K_SUBJECT;
		e->tag = e->tag2 = 0;
		e->date = lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
		expand(e->title, sizeof e->title, "%S关于违纪问题的自书材料",
		       &c);
		expand(e->source, sizeof e->source, "%S", &c);
		own = 2;
	}

	for (unsigned i = 0; i < m->nf; i++) {
		struct fact *f = &m->f[i];
		sl_sample_fault role = i == target ? fault : SL_FAULT_NONE;
		f->nref = 0;
		if (role == SL_FAULT_NO_EVIDENCE)
			continue;
		if (role == SL_FAULT_CONFESSION_ONLY) {
			f->refs[f->nref++] = 1;
			if (own && chance(r, 50))
				f->refs[f->nref++] = (uint8_t)own;
			continue;
		}
		/* seed 002: the head's statement and the outflow record */
		if (chance(r, 85) || role == SL_FAULT_USE_UNPROVEN)
			f->refs[f->nref++] = 1;
		if (own && i == 0)
			f->refs[f->nref++] = (uint8_t)own;
		if (role == SL_FAULT_NO_MONEY_FLOW) {
			/* testimony and chats, but no record of the money */
			cite(m, r, f, 1 + below(r, 2), EVF_NODOC);
		} else if (role == SL_FAULT_USE_UNPROVEN) {
			cite(m, r, f, 1, EVF_BANK);
		} else if (f->inkind) {
			/* the goods and what they are worth; no money moved */
			if (role != SL_FAULT_NO_VALUATION)
				cite(m, r, f, 1, EVF_VALUE);
			cite(m, r, f, 1, EVF_GOODS);
			cite(m, r, f, below(r, 2), EVF_PLAIN);
		} else if (f->money) {
			/* one record of the money: a bank record, a voucher,
			 * an invoice, accounts or an untagged ledger */
			cite(m, r, f, 1, EVF_MONEY);
			if (f->use)
				for (unsigned k = 0; k < 3; k++)
					f->refs[f->nref++] = (uint8_t)add_ev(
					    m, r, f, &f->use->ev[k]);
			cite(m, r, f, below(r, f->use ? 2 : 3), EVF_PLAIN);
		} else {
			cite(m, r, f, 1 + below(r, 3), EVF_PLAIN);
		}
		if (role == SL_FAULT_DANGLING_EVIDENCE)
			f->dangling = (uint8_t)(1 + below(r, 3));
	}
}
static void make_subject_name(struct model *m, rng *r)
{
	m->surname = (uint8_t)below(r, NSURNAMES);
	sbuf s = {m->name, 0, sizeof m->name};
	sb_str(&s, surnames[m->surname]);
	sb_str(&s, chance(r, 35) ? "某某" : "某");
	char t[24];
	size_t n = fmt_uint(t, between(r, 1, 999999), 6);
	sbuf p = {m->person_id, 0, sizeof m->person_id};
	sb_str(&p, "P-");
	sb_put(&p, t, n);
}

/* Party and gov sanction and form for a level, on the scale above; crime:
 * the agency transfers the case for prosecution (form 4). */
static void sanction_for(struct model *m, rng *r, unsigned level, int crime)
{
	static const int8_t party[7] = {-1, 0, 1, 2, 3, 4, 4};
	static const int8_t gov_lo[7] = {-1, 0, 1, 3, 4, 5, 5};
	static const int8_t gov_hi[7] = {-1, 0, 2, 4, 4, 5, 5};
	static const uint8_t form[7] = {1, 2, 2, 3, 3, 3, 4};
	m->psanc = m->party ? party[level] : -1;
	int8_t g = gov_lo[level];
	if (gov_hi[level] != g && chance(r, 50))
		g = gov_hi[level];
	m->gsanc = m->official ? g : -1;
	m->form = crime ? 4 : form[level];
}
/* Documents: identity, then the chain filing < report <= fact material <
 * response < explanation < transfer, all within 2023-2025. */
static void make_dates(struct model *m, rng *r)
{
	/* latest filing leaves room for the longest chain (120+2+9+5+7 days)
	 * before 2025-12-31 */
	int32_t first = sl_days_from_civil(2023, 1, 25);
	int32_t last = sl_days_from_civil(2025, 12, 31) - 143;
	int32_t *d = m->doc;
	d[DOC_FILING] = first + (int32_t)below(r, (uint32_t)(last - first + 1));
	d[DOC_IDENTITY] = d[DOC_FILING] - (int32_t)between(r, 1, 20);
	d[DOC_REPORT] = d[DOC_FILING] + (int32_t)between(r, 30, 120);
	d[DOC_FACTS] = d[DOC_REPORT] + (int32_t)below(r, 3);
	/* at least 3 days for the response, so a transfer can be slipped in
	 * between fact material and response without breaking other links */
	d[DOC_RESPONSE] = d[DOC_FACTS] + (int32_t)between(r, 3, 9);
	d[DOC_EXPLANATION] = d[DOC_RESPONSE] + (int32_t)between(r, 1, 5);
	d[DOC_TRANSFER] = d[DOC_EXPLANATION] + (int32_t)between(r, 1, 7);
	for (unsigned i = 0; i < DOC__COUNT; i++)
		m->has_doc[i] = 1;
	m->transferred_on = d[DOC_TRANSFER];
}

static void make_subject(struct model *m, rng *r, sl_sample_fault fault)
{
	m->party = chance(r, 82);
	m->official = m->party ? chance(r, 94) : 1;
	if (fault == SL_FAULT_SANCTION_TOO_HEAVY ||
	    fault == SL_FAULT_PARTY_GOV_MISMATCH)
		m->party = m->official = 1;
	for (unsigned i = 0; i < m->nf; i++)
		if (m->f[i].lo == 6) /* 挪用公款罪 needs a public official */
			m->official = 1;
	if (m->official) {
		unsigned t = below(r, N(titles));
		m->title = titles[t].title;
		m->rank = titles[t].rank;
	} else {
		m->title = "编外聘用人员";
		m->rank = "无";
	}

	m->nprior = 0;
	unsigned x = below(r, 100);
	if (fault != SL_FAULT_SANCTION_TOO_HEAVY)
		m->nprior = x < 12 ? 1 : x < 15 ? 2 : 0;
	for (unsigned i = 0; i < m->nprior; i++) {
		uint8_t p = m->party && (!m->official || chance(r, 50));
		m->prior[i].party = p;
		m->prior[i].level = (uint8_t)below(r, p ? 2 : 3);
		m->prior[i].date =
		    m->doc[DOC_FILING] - (int32_t)between(r, 400, 2500);
	}
	if (m->nprior == 2 && m->prior[0].date > m->prior[1].date) {
		int32_t t = m->prior[0].date;
		m->prior[0].date = m->prior[1].date;
		m->prior[1].date = t;
	}
}

/*
 * Classification and sanction as a careful agency would propose them, by
 * the range the case warrants (DOMAIN.md, "Classification and sanction"):
 *   each violation's range by its amount band (or its plain range);
 *   the case: the heaviest, one level up when two or more violations each
 *   deserve a sanction (合并处理), one more for prior sanctions (capped at
 *   5; a crime stays a crime);
 *   an aggravating circumstance moves it up (从重: the lightest rung of a
 *   wider range no longer; 加重: one rung above);
 *   a mitigating one allows one level below (减轻), never below a crime;
 * and a proposal somewhere in it. A case that cites mitigation often takes
 * the lower sanction it allows. Form 4 (transfer for prosecution) goes
 * with expulsion: always for a crime band, sometimes for large gifts
 * (bribery is the agency's call).
 */
static void make_proposal(struct model *m, rng *r)
{
	unsigned lo = 0, hi = 0, nlo = 0, nhi = 0, money = 0, big_gift = 0;
	m->discs = 0;
	m->eight = 0;
	for (unsigned i = 0; i < m->nf; i++) {
		const struct fact *f = &m->f[i];
		m->discs |= (uint8_t)(1u << viols[f->viol].disc);
		m->eight |= f->eight;
		money |= f->money;
		lo = f->lo > lo ? f->lo : lo;
		hi = f->hi > hi ? f->hi : hi;
		nlo += f->lo >= 1;
		nhi += f->hi >= 1;
		big_gift |= f->viol == V_GIFTS && f->amount >= 120000;
	}
	if (lo < 6) {
		if (nlo >= 2)
			lo++;
		if (nhi >= 2)
			hi++;
		if (m->nprior) {
			lo += lo >= 1;
			hi += hi >= 1;
		}
		lo = lo > 5 ? 5 : lo;
		hi = hi > 5 ? 5 : hi;
	}

	m->circs = 0;
	if (chance(r, 40))
		m->circs |= 1u << C_CONFESSION;
	if (money && chance(r, 40))
		m->circs |= 1u << C_REFUND;
	if (chance(r, 10))
		m->circs |= 1u << C_COOPERATION;
	if (lo <= 2 && chance(r, 10))
		m->circs |= 1u << C_MINOR;
	if (m->nprior)
		m->circs |= 1u << C_AFTER_WARNING;
	if (chance(r, 12)) {
		static const uint8_t agg[] = {C_REPEATED, C_OBSTRUCTION,
		                              C_SERIOUS};
		m->circs |= (uint16_t)(1u << agg[below(r, N(agg))]);
	}

	if (lo < 6 && (m->circs & C_AGGRAVATING)) {
		lo += lo < hi;
		hi = hi < 5 ? hi + 1 : 5;
	}
	unsigned base = lo;
	if (lo < 6 && (m->circs & C_MITIGATING) && lo > 0)
		lo--;
	unsigned level = lo == 6 ? 6 : between(r, lo, hi);
	if (lo < base && base >= 2 && chance(r, 50))
		level = lo; /* the mitigation is used */
	m->level = (uint8_t)level;
	int crime = level == 6 || (level == 5 && big_gift && chance(r, 50));
	sanction_for(m, r, level, crime);
}

/* Does the drawn case suit the fault? (Only the sanction faults can miss:
 * a mismatch needs a real sanction.) */
static int suits(const struct model *m, sl_sample_fault fault)
{
	switch (fault) {
	case SL_FAULT_FORM_MISMATCH:
	case SL_FAULT_PARTY_GOV_MISMATCH: return m->level >= 1 && m->level <= 5;
	case SL_FAULT_SANCTION_TOO_LIGHT: return m->level >= 4;
	case SL_FAULT_SANCTION_TOO_HEAVY: return m->level <= 1;
	default: return 1;
	}
}

static void build(struct model *m, rng *r, sl_sample_fault fault)
{
	unsigned a = below(r, SL_SAMPLE_AGENCIES);
	m->agency = agencies[a].code;
	m->dept = a;
	m->unit = below(r, 2);
	make_dates(m, r);
	make_subject_name(m, r);

	static const uint8_t nf_weight[4] = {60, 25, 10, 5};
	unsigned x = below(r, 100), nf = 1;
	for (unsigned i = 0; i < 3 && x >= nf_weight[i]; i++, nf++)
		x -= nf_weight[i];
	if (fault == SL_FAULT_SANCTION_TOO_HEAVY)
		nf = 1; /* one petty fact: nothing to merge or aggravate */
	m->nf = (uint8_t)nf;

	/* the fault's fact is drawn first (its class may be scarce), then
	 * moved to a random position */
	make_fact(m, r, fault_class(fault), 0);
	for (unsigned i = 1; i < nf; i++)
		make_fact(m, r, CLS_ANY, i);
	unsigned target = below(r, nf);
	if (target) {
		struct fact t = m->f[0];
		m->f[0] = m->f[target];
		m->f[target] = t;
	}
	make_subject(m, r, fault);
	make_proposal(m, r);
	m->ne = 0;
	make_evidence(m, r, fault, target);
}

/* The faults that are not about evidence, planted into a complete case. */
static void plant(struct model *m, rng *r, sl_sample_fault fault)
{
	switch (fault) {
	case SL_FAULT_MISSING_DOCUMENT:
		m->has_doc[1 + below(r, DOC__COUNT - 1)] = 0;
		break;
	case SL_FAULT_NO_IDENTITY: m->has_doc[DOC_IDENTITY] = 0; break;
	case SL_FAULT_EIGHT_POINT_MISSED: m->eight = 0; break;
	case SL_FAULT_DISCIPLINE_MISSED: {
		/* classified under a discipline other than the violation's
		 * (seed 002: misclassification), or simply left out */
		unsigned d = viols[m->f[below(r, m->nf)].viol].disc;
		m->discs &= (uint8_t) ~(1u << d);
		if (!m->discs)
			m->discs = (uint8_t)(1u << (d == D_WORK ? D_INTEGRITY
			                                        : D_WORK));
		break;
	}
	case SL_FAULT_SANCTION_TOO_LIGHT:
		/* 警告 for what warrants 留党察看 or prosecution */
		m->psanc = m->party ? 0 : -1;
		m->gsanc = m->official ? 0 : -1;
		m->form = 2;
		break;
	case SL_FAULT_SANCTION_TOO_HEAVY:
		m->psanc = 4;
		m->gsanc = 5;
		m->form = 3;
		break;
	case SL_FAULT_FORM_MISMATCH: {
		/* a form that does not take the sanction: 开除党籍 + 开除 go
		 * with form 3 or form 4, so neither is wrong for them */
		int expel = m->level >= 5;
		uint8_t wrong[3], n = 0;
		for (uint8_t f = 1; f <= 4; f++)
			if (f != m->form && !(expel && f >= 3))
				wrong[n++] = f;
		m->form = wrong[below(r, n)];
		break;
	}
	case SL_FAULT_PARTY_GOV_MISMATCH:
		/* keep the party sanction (and so the form); pair it with a
		 * government sanction from the other end of the ladder */
		if (m->psanc <= 1)
			m->gsanc = m->psanc == 0 && chance(r, 50) ? 4 : 5;
		else
			m->gsanc = 0;
		break;
	case SL_FAULT_DATE_ORDER:
		m->doc[DOC_REPORT] =
		    m->doc[DOC_FILING] - (int32_t)between(r, 3, 30);
		break;
	case SL_FAULT_TRANSFER_BEFORE_RESPONSE:
		m->doc[DOC_TRANSFER] =
		    m->doc[DOC_RESPONSE] - (int32_t)between(r, 1, 2);
		m->transferred_on = m->doc[DOC_TRANSFER];
		break;
	case SL_FAULT_UNKNOWN_AGENCY:
		m->agency = unknown_agencies[below(r, N(unknown_agencies))];
		break;
	default: break;
	}
}

/* ---- JSON output ------------------------------------------------------- */

typedef struct {
	char *p;
	size_t n, cap;
	int oom;
} obuf;

static int grow(obuf *b, size_t need)
{
	if (b->oom)
		return 0;
	size_t cap = b->cap;
	while (cap < b->n + need + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return 0;
	}
	b->p = p;
	b->cap = cap;
	return 1;
}

static void put(obuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap && !grow(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

#define LIT(b, s) put(b, s, sizeof(s) - 1)

/* Bytes a JSON string must escape: quote, backslash, control characters.
 * UTF-8 passes through. The tables hold none of them, but be safe. */
static const uint8_t must_escape[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
    [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
    [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
    [0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1,
};

static void put_str(obuf *b, const char *s)
{
	put(b, "\"", 1);
	const char *run = s;
	for (;; s++) {
		unsigned char ch = (unsigned char)*s;
		if (!must_escape[ch])
			continue;
		put(b, run, (size_t)(s - run));
		if (!ch)
			break;
		char esc[6] = {'\\',
		               'u',
		               '0',
		               '0',
		               "0123456789abcdef"[ch >> 4],
		               "0123456789abcdef"[ch & 15]};
		if (ch == '"' || ch == '\\') {
			esc[1] = (char)ch;
			put(b, esc, 2);
		} else {
			put(b, esc, 6);
		}
		run = s + 1;
	}
	put(b, "\"", 1);
}

static void put_uint(obuf *b, uint64_t v, unsigned width)
{
	char t[24];
	put(b, t, fmt_uint(t, v, width));
}

static void put_date(obuf *b, int32_t day)
{
	int y;
	unsigned mo, d;
	sl_civil_from_days(day, &y, &mo, &d);
	unsigned uy = (unsigned)y;
	char t[12] = {'"',
	              (char)('0' + uy / 1000 % 10),
	              (char)('0' + uy / 100 % 10),
	              (char)('0' + uy / 10 % 10),
	              (char)('0' + uy % 10),
	              '-',
	              (char)('0' + mo / 10),
	              (char)('0' + mo % 10),
	              '-',
	              (char)('0' + d / 10),
	              (char)('0' + d % 10),
	              '"'};
	put(b, t, 12);
}

static void put_id(obuf *b, char letter, unsigned n)
{
	char t[16];
	t[0] = '"';
	t[1] = letter;
	size_t k = fmt_uint(t + 2, n, 1);
	t[2 + k] = '"';
	put(b, t, k + 3);
}

static void put_bool(obuf *b, int v)
{
	if (v)
		LIT(b, "true");
	else
		LIT(b, "false");
}

/* The subject (被审查调查人), with prior sanctions. */
static void emit_subject(obuf *b, const struct model *m)
{
	LIT(b, ",\"subject\":{\"name\":");
	put_str(b, m->name);
	LIT(b, ",\"person_id\":");
	put_str(b, m->person_id);
	LIT(b, ",\"party_member\":");
	put_bool(b, m->party);
	LIT(b, ",\"public_official\":");
	put_bool(b, m->official);
	{
		char pos[128];
		sbuf s = {pos, 0, sizeof pos};
		put_unit(&s, m);
		sb_str(&s, m->title);
		LIT(b, ",\"position\":");
		put_str(b, pos);
	}
	LIT(b, ",\"rank\":");
	put_str(b, m->rank);
	LIT(b, ",\"prior_sanctions\":[");
	for (unsigned i = 0; i < m->nprior; i++) {
		if (i)
			LIT(b, ",");
		if (m->prior[i].party)
			LIT(b, "{\"system\":\"party\",\"level\":");
		else
			LIT(b, "{\"system\":\"gov\",\"level\":");
		put_str(b, m->prior[i].party ? party_names[m->prior[i].level]
		                             : gov_names[m->prior[i].level]);
		LIT(b, ",\"decided_on\":");
		put_date(b, m->prior[i].date);
		LIT(b, "}");
	}
	LIT(b, "]}");
}

/* The facts, each citing its evidence (a dangling id if planted). */
static void emit_facts(obuf *b, const struct model *m)
{
	LIT(b, ",\"facts\":[");
	for (unsigned i = 0; i < m->nf; i++) {
		const struct fact *f = &m->f[i];
		if (i)
			LIT(b, ",");
		LIT(b, "{\"id\":");
		put_id(b, 'F', i + 1);
		LIT(b, ",\"summary\":");
		put_str(b, f->summary);
		LIT(b, ",\"violation\":");
		put_str(b, viols[f->viol].code);
		LIT(b, ",\"from\":");
		put_date(b, f->from);
		LIT(b, ",\"to\":");
		put_date(b, f->to);
		if (f->amount >= 0) {
			LIT(b, ",\"amount_yuan\":");
			put_uint(b, (uint64_t)f->amount, 1);
		}
		if (f->inkind)
			LIT(b, ",\"in_kind\":true");
		if (f->use && f->use_field) {
			LIT(b, ",\"use\":");
			put_str(b, f->use->field);
		}
		LIT(b, ",\"evidence\":[");
		for (unsigned j = 0; j < f->nref; j++) {
			if (j)
				LIT(b, ",");
			put_id(b, 'E', f->refs[j]);
		}
		if (f->dangling) {
			/* cited, but never put in the file */
			if (f->nref)
				LIT(b, ",");
			put_id(b, 'E', m->ne + f->dangling);
		}
		LIT(b, "]}");
	}
	LIT(b, "]");
}

/* The evidence, with kinds, sources and tags. */
static void emit_evidence(obuf *b, const struct model *m)
{
	LIT(b, ",\"evidence\":[");
	for (unsigned i = 0; i < m->ne; i++) {
		const struct ev *e = &m->e[i];
		if (i)
			LIT(b, ",");
		LIT(b, "{\"id\":");
		put_id(b, 'E', i + 1);
		LIT(b, ",\"kind\":");
		put_str(b, kind_names[e->kind]);
		LIT(b, ",\"title\":");
		put_str(b, e->title);
		LIT(b, ",\"obtained_on\":");
		put_date(b, e->date);
		if (e->source[0]) {
			LIT(b, ",\"source\":");
			put_str(b, e->source);
		}
		if (e->tag) {
			LIT(b, ",\"tags\":[");
			put_str(b, tag_names[e->tag]);
			if (e->tag2) {
				LIT(b, ",");
				put_str(b, tag_names[e->tag2]);
			}
			LIT(b, "]");
		}
		LIT(b, "}");
	}
	LIT(b, "]");
}

/* The agency's proposal: disciplines, sanctions, form, circumstances. */
static void emit_proposal(obuf *b, const struct model *m)
{
	LIT(b, ",\"proposal\":{\"disciplines\":[");
	for (unsigned d = 0, k = 0; d < D__COUNT; d++) {
		if (!(m->discs & (1u << d)))
			continue;
		if (k++)
			LIT(b, ",");
		put_str(b, disc_names[d]);
	}
	LIT(b, "],\"eight_point_rules\":");
	put_bool(b, m->eight);
	LIT(b, ",\"party_sanction\":");
	if (m->psanc < 0)
		LIT(b, "null");
	else
		put_str(b, party_names[m->psanc]);
	LIT(b, ",\"gov_sanction\":");
	if (m->gsanc < 0)
		LIT(b, "null");
	else
		put_str(b, gov_names[m->gsanc]);
	LIT(b, ",\"form\":");
	put_uint(b, m->form, 1);
	LIT(b, ",\"circumstances\":[");
	for (unsigned c = 0, k = 0; c < C__COUNT; c++) {
		if (!(m->circs & (1u << c)))
			continue;
		if (k++)
			LIT(b, ",");
		put_str(b, circ_names[c]);
	}
	LIT(b, "]}");
}

/* The documents of the transfer, with their dates. */
static void emit_documents(obuf *b, const struct model *m)
{
	LIT(b, ",\"documents\":[");
	for (unsigned d = 0, k = 0; d < DOC__COUNT; d++) {
		if (!m->has_doc[d])
			continue;
		if (k++)
			LIT(b, ",");
		LIT(b, "{\"kind\":");
		put_str(b, doc_names[d]);
		LIT(b, ",\"date\":");
		put_date(b, m->doc[d]);
		LIT(b, "}");
	}
	LIT(b, "]}");
}

/* One dossier as JSON text into b, in the order of case-format.md. */
static void emit(obuf *b, const struct model *m, uint64_t idx)
{
	LIT(b, "{\"format\":\"shenli.case/1\",\"case_id\":\"");
	put(b, m->agency, strlen(m->agency));
	LIT(b, "-");
	put_uint(b, (uint64_t)year_of(m->doc[DOC_FILING]), 4);
	LIT(b, "-");
	put_uint(b, idx, 3);
	LIT(b, "\",\"agency\":");
	put_str(b, m->agency);
	LIT(b, ",\"transferred_on\":");
	put_date(b, m->transferred_on);
	emit_subject(b, m);
	emit_facts(b, m);
	emit_evidence(b, m);
	emit_proposal(b, m);
	emit_documents(b, m);
}

char *sl_sample_case_with(uint64_t seed, uint64_t idx, sl_sample_fault fault,
                          size_t *len)
{
	if ((unsigned)fault >= SL_FAULT__COUNT)
		return NULL;
	rng r = rng_for(seed, idx, 2);
	struct model m;
	/* Redraw (deterministically: the stream just goes on) until the case
	 * suits the fault; a few tries at most, the bound is a safety net. */
	for (int tries = 0; tries < 64; tries++) {
		memset(&m, 0, sizeof m);
		build(&m, &r, fault);
		if (suits(&m, fault))
			break;
	}
	plant(&m, &r, fault);

	obuf b = {malloc(8192), 0, 8192, 0};
	if (!b.p)
		return NULL;
	emit(&b, &m, idx);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	b.p[b.n] = '\0';
	if (len)
		*len = b.n;
	return b.p;
}

char *sl_sample_case(uint64_t seed, uint64_t idx, size_t *len,
                     sl_sample_fault *fault_out)
{
	sl_sample_fault f = sl_sample_fault_of(seed, idx);
	if (fault_out)
		*fault_out = f;
	return sl_sample_case_with(seed, idx, f, len);
}
