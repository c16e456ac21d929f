/* check.c - format rules for identifiers, dates and text. */
#include "core.h"

#include <stdio.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

const char *check_nsn(const char *s)
{
	/* NNNN-NN-NNN-NNNN: supply class, country code, item number. */
	static const char pattern[] = "9999-99-999-9999";

	if (strlen(s) != sizeof pattern - 1)
		return "must have the form NNNN-NN-NNN-NNNN";
	for (size_t i = 0; pattern[i]; i++) {
		if (pattern[i] == '-' ? s[i] != '-' : !is_digit(s[i]))
			return "must have the form NNNN-NN-NNN-NNNN";
	}
	return NULL;
}

const char *check_iso3(const char *s)
{
	if (strlen(s) != 3 || !is_upper(s[0]) || !is_upper(s[1]) ||
	    !is_upper(s[2]))
		return "must be an ISO 3166 alpha-3 code (three capital letters)";
	return NULL;
}

const char *check_iso3_list(const char *s)
{
	/* "USA;DNK;NLD": one or more alpha-3 codes separated by ';'. */
	size_t n = strlen(s);

	if (n == 0 || (n + 1) % 4 != 0)
		return "must be alpha-3 codes separated by ';'";
	for (size_t i = 0; i < n; i += 4) {
		char code[4] = {s[i], s[i + 1], s[i + 2], 0};
		if (check_iso3(code) || (i + 3 < n && s[i + 3] != ';'))
			return "must be alpha-3 codes separated by ';'";
	}
	return NULL;
}

const char *check_code(const char *s)
{
	if (!is_upper(*s) && !is_digit(*s))
		return "must start with a capital letter or digit";
	for (const char *p = s; *p; p++) {
		if (!is_upper(*p) && !is_digit(*p) && *p != '-' && *p != '_')
			return "may hold only capital letters, digits, '-' and '_'";
	}
	return NULL;
}

const char *check_username(const char *s)
{
	if (!is_lower(*s))
		return "must start with a lower-case letter";
	for (const char *p = s; *p; p++) {
		if (!is_lower(*p) && !is_digit(*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			return "may hold only a-z, 0-9, '.', '-' and '_'";
	}
	return NULL;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

const char *check_date(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return "must be a date YYYY-MM-DD";
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return "must be a date YYYY-MM-DD";
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2200)
		return "year must be between 1900 and 2200";
	if (m < 1 || m > 12)
		return "month must be 01 to 12";
	if (d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return "no such day in that month";
	return NULL;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
}

/* Civil-from-days, after Howard Hinnant's public-domain algorithm. */
void time_format(int64_t unix_ms, char buf[32])
{
	int64_t ms = unix_ms % 1000, secs = unix_ms / 1000;
	int64_t days = secs / 86400, rem = secs % 86400;

	if (ms < 0) {
		ms += 1000;
		secs--;
		days = secs / 86400;
		rem = secs % 86400;
	}
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	y += m <= 2;
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m,
		 (int)d, (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
		 (int)ms);
}

const char *check_currency(const char *s)
{
	if (strlen(s) != 3 || !is_upper(s[0]) || !is_upper(s[1]) || !is_upper(s[2]))
		return "must be an ISO 4217 currency code (three capital letters)";
	return NULL;
}

const char *check_year(const char *s)
{
	if (strlen(s) != 4 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) ||
	    !is_digit(s[3]) || strcmp(s, "1990") < 0 || strcmp(s, "2100") > 0)
		return "must be a year from 1990 to 2100";
	return NULL;
}

/* "2026-12-01T17:00:00Z", optionally with milliseconds. */
const char *check_instant(const char *s)
{
	static const char *const why = "must be a UTC time YYYY-MM-DDTHH:MM:SSZ";
	char date[11];
	size_t n = strlen(s);

	if ((n != 20 && n != 24) || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[n - 1] != 'Z' || (n == 24 && s[19] != '.'))
		return why;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (check_date(date))
		return why;
	for (size_t i = 11; i < n - 1; i++) {
		if (i == 13 || i == 16 || i == 19)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return why;
	}
	if ((s[11] - '0') * 10 + (s[12] - '0') > 23 || (s[14] - '0') * 10 + (s[15] - '0') > 59 ||
	    (s[17] - '0') * 10 + (s[18] - '0') > 59)
		return why;
	return NULL;
}

/* A day or an instant: the bounds of a time range in a query. */
const char *check_date_or_instant(const char *s)
{
	if (check_date(s) && check_instant(s))
		return "must be a date YYYY-MM-DD or a UTC time like 2026-11-27T15:20:02Z";
	return NULL;
}

/* A UUID in its canonical text form, any version (clients should send
 * time-ordered UUIDv7s; random v4s are accepted too). */
const char *check_uuid(const char *s)
{
	static const char *const why =
		"must be a UUID in lower-case hex, 8-4-4-4-12 (UUIDv7 preferred)";

	if (strlen(s) != 36)
		return why;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return why;
	}
	return NULL;
}

/* "C-A;C-B": codes separated by ';'. */
const char *check_code_list(const char *s)
{
	char one[32];
	size_t n;

	while (*s) {
		n = strcspn(s, ";");
		if (n == 0 || n >= sizeof one)
			return "must be codes separated by ';'";
		memcpy(one, s, n);
		one[n] = '\0';
		if (check_code(one))
			return "must be codes separated by ';' (A-Z, 0-9, - and _)";
		s += n + (s[n] == ';');
	}
	return NULL;
}
