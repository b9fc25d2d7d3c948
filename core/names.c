/* names.c - codes and names. See names.h. */
#include "names.h"

#include <string.h>

#include "text.h"

int sl_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > SL_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int sl_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n > 0 && n <= SL_NAME_MAX && sl_text_printable(name, n);
}

int sl_person_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n >= 1 && n <= SL_PERSON_NAME_MAX && sl_text_printable(name, n);
}
