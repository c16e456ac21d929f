/* log.c - one-line JSON logging; see log.h. */
#include "log.h"

#include "core/core.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int min_level = LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl) { min_level = lvl; }

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0)
			return i;
	}
	return -1;
}

int log_enabled(enum log_level lvl) { return (int)lvl >= min_level; }

long long log_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double log_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void log_json(enum log_level lvl, const char *msg, json_t *fields)
{
	char ts[32];
	json_t *line;
	char *text;

	if (!log_enabled(lvl)) {
		json_decref(fields);
		return;
	}
	time_format(log_now_ms(), ts);
	line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_names[lvl],
			 "msg", msg);
	if (line && fields)
		json_object_update(line, fields);
	json_decref(fields);
	text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
		    : NULL;
	json_decref(line);
	if (!text) {
		static const char oom[] = "{\"level\":\"error\",\"msg\":\"log: out of memory\"}\n";
		(void)!write(STDERR_FILENO, oom, sizeof oom - 1);
		return;
	}
	size_t n = strlen(text);
	char *buf = realloc(text, n + 2);
	if (buf) {
		buf[n] = '\n';
		(void)!write(STDERR_FILENO, buf, n + 1);
		free(buf);
	} else {
		free(text);
	}
}

void log_msg(enum log_level lvl, const char *msg, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	if (!log_enabled(lvl))
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	/* jansson refuses invalid UTF-8; a detail quoting hostile input may be. */
	json_t *d = json_string(detail);
	log_json(lvl, msg, d ? json_pack("{s:o}", "detail", d)
			     : json_pack("{s:s}", "detail", "(not UTF-8)"));
}
