/*
 * common.h - small helpers shared by the files of src/plan; not part of
 * its interface.
 */
#ifndef NSATU_PLAN_COMMON_H
#define NSATU_PLAN_COMMON_H

#include <stddef.h>

/* Write the reason into @err (@errlen bytes) and return -1. */
int plan_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
