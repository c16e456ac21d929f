/*
 * io.h - import and export: CSV files and the demo data set.
 *
 * Importers validate every cell with the field specs of core.h and store
 * records through the service layer, so a file gets exactly the checks the
 * API gives a JSON body.
 */
#ifndef NSATU_IO_H
#define NSATU_IO_H

#include "svc/svc.h"

#include <stdio.h>

struct io_csv_row {
	char **cells;   /* NUL-terminated texts */
	size_t n;
	size_t row;     /* 1 for the header, 2 for the first data row */
};

/* Called per data row with the header row; return ST_OK to go on. */
typedef int (*io_csv_fn)(const struct io_csv_row *header,
			 const struct io_csv_row *row, void *arg);

/*
 * Read the CSV file at @path (RFC 4180; a UTF-8 BOM and CRLF line ends are
 * accepted).  Rows with a different number of cells than the header are an
 * error.  Returns ST_OK, the first non-OK status of @fn, or ST_INVALID with
 * @errbuf saying where the file is broken.
 */
int io_csv_read(const char *path, io_csv_fn fn, void *arg, char *errbuf,
		size_t errlen);

/*
 * Load the reference data (nations, sites, coalitions, substitution groups,
 * items) from the CSV files in @datadir as @p.  Prints a line per table to
 * @progress (may be NULL).  Stops at the first bad row, naming it.
 */
int io_reference_load(struct svc *svc, const struct principal *p,
		      const char *datadir, FILE *progress, char *errbuf,
		      size_t errlen);

/* Create the demo users of IO_DEMO_LOGINS. */
int io_demo_users(struct svc *svc, const struct principal *p, char *errbuf,
		  size_t errlen);

/* The demo logins, one per role. */
struct io_demo_login {
	const char *username, *password, *role, *nation, *site, *display_name;
};
extern const struct io_demo_login IO_DEMO_LOGINS[];
extern const size_t IO_DEMO_NLOGINS;

#endif
