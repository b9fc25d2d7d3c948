/*
 * zhtext.h - numbers, dates and amounts as Chinese official documents
 * (公文) write them.
 *
 * GB/T 9704-2012 and GB/T 15835 want Arabic numerals in running text
 * ("2024年3月5日", "8.6万元"), and GB/T 9704-2012 7.3.5.1 in the 成文日期
 * too ("2026年12月4日", no leading zeros), which is what the documents
 * here use; a template may ask for the Chinese numerals of the 1999
 * edition and of Party tradition ("二〇二六年十二月四日"). Headings count in
 * Chinese numerals ("一、", "（一）").
 */
#ifndef SHENLI_ZHTEXT_H
#define SHENLI_ZHTEXT_H

#include <stddef.h>

#include <shenli/ops.h>

/* n (0-9999) in Chinese numerals as counted: 1 一, 10 十, 12 十二, 21 二十一,
 * 105 一百零五. out needs 40 bytes. Out of range: Arabic digits. */
void sl_zh_number(int n, char *out, size_t cap);

/* An ISO date "YYYY-MM-DD" in Chinese numerals ("二〇二六年十二月四日",
 * chinese != 0) or Arabic ("2026年12月4日"). 0 on success; -1 if iso is
 * not a valid date (out is then ""). out needs 64 bytes. */
int sl_zh_date(const char *iso, int chinese, char *out, size_t cap);

/* iso + days as "YYYY-MM-DD" (proleptic Gregorian). -1 if iso is not a
 * valid date or the result leaves years 1-9999. */
int sl_zh_date_add(const char *iso, int days, char out[11]);

/* sl_num_shortest, sl_zh_yuan and its styles: <shenli/ops.h> */
/* sl_zh_yuan(yuan, SL_YUAN_DOC, ...) */
void sl_zh_amount(double yuan, char *out, size_t cap);

#endif
