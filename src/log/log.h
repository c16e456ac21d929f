/*
 * log.h - one-line JSON logs on standard error.
 *
 * Each line is a JSON object with "ts", "level" and "msg" plus the fields
 * given, so that a log shipper can parse it without rules.  Lines are
 * written with one write(2) each, so threads never interleave inside one.
 */
#ifndef NSATU_LOG_H
#define NSATU_LOG_H

#include <jansson.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Parse "debug", "info", "warn" or "error"; -1 when unknown. */
int log_level_parse(const char *s);
int log_enabled(enum log_level lvl);

/* Log @msg with the members of @fields (which this call steals; may be NULL). */
void log_json(enum log_level lvl, const char *msg, json_t *fields);

/* Convenience: log @msg with printf-style "detail". */
void log_msg(enum log_level lvl, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Wall-clock time in milliseconds since the epoch, and a monotonic clock. */
long long log_now_ms(void);
double log_mono_s(void);

#endif
