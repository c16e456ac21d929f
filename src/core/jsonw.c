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
	if (b->len + n + 1 > b->cap && !grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void jbuf_reserve(struct jbuf *b, size_t n)
{
	grow(b, n);
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

/* Decimal digits of @v into the end of @tmp; returns where they start. */
static char *digits(unsigned long long v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void jbuf_int(struct jbuf *b, long long v)
{
	char tmp[24], *end = tmp + sizeof tmp, *p;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	p = digits(u, end);
	if (v < 0)
		*--p = '-';
	jbuf_raw(b, p, (size_t)(end - p));
}

/*
 * The common case fast: a value with at most six decimals and fifteen
 * significant digits (masses, coordinates, money) is exactly an integer
 * N / 10^k, and "%.15g" would print N with a decimal point.  Anything else
 * goes through snprintf.  A unit test compares both ways on many values.
 */
static bool real_fast(struct jbuf *b, double v)
{
	static const unsigned long long pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

	/* Zero, tiny values (exponent form) and huge ones go to snprintf. */
	if (!(v >= 1e-4 || v <= -1e-4) || !(v > -1e15 && v < 1e15))
		return false;
	for (int k = 0; k < 7; k++) {
		double scaled = v * (double)pow10[k];
		if (!(scaled > -1e15 && scaled < 1e15))
			return false;
		long long n = (long long)scaled;
		if ((double)n != scaled)
			continue;
		unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
		unsigned long long whole = u / pow10[k], frac = u % pow10[k];
		char tmp[48], *end = tmp + sizeof tmp, *p = end;
		int places = k;

		/* "%g" drops the fraction's trailing zeros; jansson adds ".0". */
		while (places > 0 && frac % 10 == 0) {
			frac /= 10;
			places--;
		}
		if (places == 0) {
			*--p = '0';
		} else {
			for (int i = 0; i < places; i++, frac /= 10)
				*--p = (char)('0' + frac % 10);
		}
		*--p = '.';
		p = digits(whole, p);
		if (n < 0)
			*--p = '-';
		jbuf_raw(b, p, (size_t)(end - p));
		return true;
	}
	return false;
}

void jbuf_real(struct jbuf *b, double v)
{
	char tmp[40];

	if (real_fast(b, v))
		return;
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
