/*
 * jsonw.c - writing JSON text straight into a growing buffer.
 *
 * Used where building a jansson tree only to serialise it would cost more
 * than the work itself: list pages of many records.  The output matches
 * what jansson writes (compact, UTF-8 kept as is, reals with 15 significant
 * digits and a ".0" when they would look like integers).
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct jbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void jbuf_raw(struct jbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void jbuf_str(struct jbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	/* Worst case every byte becomes \u00XX. */
	if (!grow(b, n * 6 + 2))
		return;
	char *o = b->p + b->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			break;
		}
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->p);
}

void jbuf_int(struct jbuf *b, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", v);

	jbuf_raw(b, tmp, (size_t)n);
}

void jbuf_real(struct jbuf *b, double v)
{
	char tmp[40];
	int n = snprintf(tmp, sizeof tmp, "%.15g", v);
	char *e = strchr(tmp, 'e');

	if (e) {
		/* As jansson: "1e+300" becomes "1e300", "1e-07" becomes "1e-7". */
		char *from = e + 1, *to = e + 1;
		if (*from == '+')
			from++;
		else if (*from == '-')
			*to++ = *from++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(tmp);
	}
	if (n > 0 && !strpbrk(tmp, ".eE") && (size_t)n + 2 < sizeof tmp) {
		tmp[n++] = '.';
		tmp[n++] = '0';
		tmp[n] = '\0';
	}
	jbuf_raw(b, tmp, (size_t)n);
}

void jbuf_free(struct jbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
