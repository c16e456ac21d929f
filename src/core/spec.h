/*
 * spec.h - shorthands for writing field specs; internal to src/core.
 */
#ifndef NSATU_CORE_SPEC_H
#define NSATU_CORE_SPEC_H

#include "core.h"

#define N(a) (sizeof(a) / sizeof *(a))

/* Every record carries a server-managed version: its ETag. */
#define VERSION_FIELD \
	{"version", FT_INT, FS_READONLY, 1, 9.2e18, NULL, NULL, NULL, \
	 "Incremented on every change; sent as the ETag."}

#endif
