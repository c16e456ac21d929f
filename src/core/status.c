/* status.c - names of status codes and the validation-error helper. */
#include "core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
	[ST_OK] = "ok",
	[ST_NOT_FOUND] = "not_found",
	[ST_CONFLICT] = "conflict",
	[ST_INVALID] = "invalid",
	[ST_PRECONDITION] = "precondition_failed",
	[ST_UNAUTHORIZED] = "unauthorized",
	[ST_FORBIDDEN] = "forbidden",
	[ST_THROTTLED] = "throttled",
	[ST_RETRY] = "retry",
	[ST_INTERNAL] = "internal",
};

const char *status_name(enum status st)
{
	if ((size_t)st < sizeof status_names / sizeof *status_names &&
	    status_names[st])
		return status_names[st];
	return "unknown";
}

/* Cut a string that truncation may have left ending inside a UTF-8
 * sequence back to the last whole character. */
static void utf8_trim(char *s)
{
	size_t n = strlen(s), start = n;

	while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)s[start - 1] >= 0xC0) {
		start--;
		if (!utf8_valid(s + start, n - start))
			s[start] = '\0';
	}
}

int verr_set(struct verr *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return ST_INVALID;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof err->reason, fmt, ap);
	va_end(ap);
	utf8_trim(err->field);
	utf8_trim(err->reason);
	return ST_INVALID;
}
