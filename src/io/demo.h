/*
 * demo.h - shared by the demo loaders of src/io (demo_transfer.c,
 * demo_training.c); not part of the module's interface.
 */
#ifndef NSATU_IO_DEMO_H
#define NSATU_IO_DEMO_H

#include "io.h"

/* "@what: STATUS (field): reason" into @errbuf; returns @rc. */
int demo_fail(char *errbuf, size_t errlen, const char *what, int rc, const struct verr *err);

/* Create a record of @e from @rec (stolen) as @p; *@id (when not NULL)
 * gets its key.  On failure @errbuf says why. */
int demo_create(struct svc *svc, const struct principal *p, const struct espec *e, json_t *rec,
		char id[48], char *errbuf, size_t errlen);

#endif
