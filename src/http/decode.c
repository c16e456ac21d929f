/*
 * decode.c - turning a request body into a JSON object, or into an error
 * that names the field.
 *
 * jansson reports where a document broke (line, column, byte) but not in
 * which field.  Two steps recover the field: for text that is not UTF-8,
 * the bad bytes are replaced by a marker character, the copy is parsed, and
 * the string holding the marker names the field; for other syntax errors,
 * the nearest object key before the error position names it.
 * This file does not depend on libmicrohttpd, so the fuzzer can link it.
 */
#include "http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* U+FFFF: a noncharacter that a client has no business sending. */
static const char MARK[] = "\xEF\xBF\xBF";

/* Copy @s replacing each invalid UTF-8 byte with MARK; NULL on OOM. */
static char *mark_invalid(const char *s, size_t n, size_t *out_len)
{
	char *out = malloc(n * 3 + 1);
	size_t o = 0, i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		size_t len = 1;
		unsigned char c = (unsigned char)s[i];

		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4;
		if (c < 0x80 || (i + len <= n && len > 1 && utf8_valid(s + i, len))) {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, MARK, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Depth-first search for the marker; writes the JSON path into @path. */
static bool find_mark(const json_t *v, char *path, size_t size, size_t used)
{
	if (json_is_string(v))
		return strstr(json_string_value(v), MARK) != NULL;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach((json_t *)v, k, m) {
			int w = snprintf(path + used, size - used, "%s%s", used ? "." : "", k);
			size_t u = w > 0 && (size_t)w < size - used ? used + (size_t)w : used;
			if (strstr(k, MARK) || find_mark(m, path, size, u))
				return true;
			path[used] = '\0';
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			int w = snprintf(path + used, size - used, "[%zu]", i);
			size_t u = w > 0 && (size_t)w < size - used ? used + (size_t)w : used;
			if (find_mark(m, path, size, u))
				return true;
			path[used] = '\0';
		}
	}
	return false;
}

/* The last object key that starts before byte @pos, or "" when none:
 * the last string closed before a ':' seen outside any string. */
static void key_before(const char *s, size_t pos, char *key, size_t size)
{
	size_t start = 0, str_start = 0, str_end = 0;
	bool in_str = false, have_str = false;

	key[0] = '\0';
	for (size_t i = 0; i < pos; i++) {
		if (in_str) {
			if (s[i] == '\\') {
				i++;
			} else if (s[i] == '"') {
				in_str = false;
				have_str = true;
				str_start = start;
				str_end = i;
			}
		} else if (s[i] == '"') {
			in_str = true;
			start = i + 1;
		} else if (s[i] == ':' && have_str) {
			size_t n = str_end - str_start;
			if (n > size - 1)
				n = size - 1;
			memcpy(key, s + str_start, n);
			key[n] = '\0';
			have_str = false;
		} else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			have_str = false;
		}
	}
	if (!utf8_valid(key, strlen(key)) || strchr(key, '\\'))
		key[0] = '\0';
}

static int syntax_error(const char *body, size_t len, const json_error_t *je,
			struct verr *err)
{
	char key[96], why[sizeof je->text];
	const char *near;

	key_before(body, (size_t)je->position <= len ? (size_t)je->position : len,
		   key, sizeof key);
	/* jansson quotes the offending token ("... near 'UA-1234'"): that is
	 * the client's data (a service number, say), which an answer must not
	 * echo -- answers are logged and kept for Idempotency-Key replays. */
	snprintf(why, sizeof why, "%s", je->text);
	if ((near = strstr(why, " near '")))
		why[near - why] = '\0';
	return verr_set(err, *key ? key : "body",
			"invalid JSON at line %d, column %d: %s", je->line,
			je->column, why);
}

static int utf8_error(const char *body, size_t len, const json_error_t *je,
		      struct verr *err)
{
	char path[96] = "";
	size_t mlen;
	json_t *copy = NULL;
	char *marked;

	/* A body that already holds the marker would make the search lie. */
	if (memmem(body, len, MARK, 3))
		return syntax_error(body, len, je, err);
	if (!(marked = mark_invalid(body, len, &mlen)))
		return verr_set(err, "body", "out of memory");
	copy = json_loadb(marked, mlen, JSON_REJECT_DUPLICATES, NULL);
	free(marked);
	if (copy && find_mark(copy, path, sizeof path, 0) && *path) {
		json_decref(copy);
		return verr_set(err, path, "is not valid UTF-8 text");
	}
	json_decref(copy);
	return verr_set(err, "body", "is not valid UTF-8 text (byte %d)", je->position);
}

int http_decode_json(const char *body, size_t len, json_t **out, struct verr *err)
{
	json_error_t je;
	json_t *v;

	*out = NULL;
	if (len == 0)
		return verr_set(err, "body", "is empty; a JSON object is required");
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		if (json_error_code(&je) == json_error_invalid_utf8)
			return utf8_error(body, len, &je, err);
		return syntax_error(body, len, &je, err);
	}
	if (!json_is_object(v)) {
		json_decref(v);
		return verr_set(err, "body", "must be a JSON object");
	}
	*out = v;
	return ST_OK;
}

/* ---- Large batches on two threads. ------------------------------------------ */

struct half {
	char *text;
	size_t len;
	json_t *v;
};

static void *parse_half(void *arg)
{
	struct half *h = arg;

	h->v = json_loadb(h->text, h->len, JSON_REJECT_DUPLICATES, NULL);
	return NULL;
}

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* "[" @s[0..n) "]" as a new buffer. */
static bool bracket(struct half *h, const char *s, size_t n)
{
	if (!(h->text = malloc(n + 2)))
		return false;
	h->text[0] = '[';
	memcpy(h->text + 1, s, n);
	h->text[n + 1] = ']';
	h->len = n + 2;
	return true;
}

/*
 * The array of {"@key": [...]} in @s, as [*@from, *@to) (the brackets'
 * positions), cut at a top-level comma past its middle (*@cut).  false when
 * the body has another shape, or the array no top-level comma there.
 */
static bool find_cut(const char *s, size_t n, const char *key, size_t *from, size_t *to,
		     size_t *cut)
{
	size_t k = strlen(key), i = skip_ws(s, 0, n), end = n;
	bool in_string = false, escaped = false;
	long depth = 0;

	if (i >= n || s[i++] != '{' || (i = skip_ws(s, i, n)) + k + 2 > n || s[i] != '"' ||
	    memcmp(s + i + 1, key, k) != 0 || s[i + k + 1] != '"')
		return false;
	i = skip_ws(s, i + k + 2, n);
	if (i >= n || s[i++] != ':' || (i = skip_ws(s, i, n)) >= n || s[i] != '[')
		return false;
	*from = i;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' ||
			   s[end - 1] == '\n'))
		end--;
	if (end <= i || s[--end] != '}')
		return false;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' ||
			   s[end - 1] == '\n'))
		end--;
	if (end <= i + 1 || s[--end] != ']')
		return false;
	*to = end;
	*cut = 0;
	for (size_t j = *from + 1; j < end; j++) {
		char c = s[j];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return false;  /* the array ends early: another shape */
		} else if (c == ',' && depth == 0 && !*cut && j >= *from + (end - *from) / 2) {
			*cut = j;
		}
	}
	if (!*cut || depth != 0 || in_string)
		return false;
	/* Both halves must hold something: "[1,]" is no array of two. */
	return skip_ws(s, *from + 1, *cut) < *cut && skip_ws(s, *cut + 1, end) < end;
}

int http_decode_json_split(const char *body, size_t len, const char *key, size_t min_len,
			   json_t **out, struct verr *err)
{
	struct half a = {0}, b = {0};
	size_t from, to, cut;
	pthread_t th;
	bool threaded = false;
	json_t *obj = NULL;

	*out = NULL;
	if (len < min_len || !find_cut(body, len, key, &from, &to, &cut) ||
	    !bracket(&a, body + from + 1, cut - from - 1) || !bracket(&b, body + cut + 1, to - cut - 1))
		goto whole;
	threaded = pthread_create(&th, NULL, parse_half, &b) == 0;
	parse_half(&a);
	if (threaded)
		pthread_join(th, NULL);
	else
		parse_half(&b);
	if (!json_is_array(a.v) || !json_is_array(b.v) || json_array_extend(a.v, b.v) != 0 ||
	    !(obj = json_object()) || json_object_set(obj, key, a.v) != 0)
		goto whole;
	*out = obj;
	obj = NULL;
whole:
	free(a.text);
	free(b.text);
	json_decref(a.v);
	json_decref(b.v);
	json_decref(obj);
	/* Any doubt: the usual decoder, with its errors. */
	return *out ? ST_OK : http_decode_json(body, len, out, err);
}
