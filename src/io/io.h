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

/* ---- Reading CSV. ----------------------------------------------------
 *
 * The reader takes RFC 4180 text and hands it out one row at a time, so a
 * file of any length is read in bounded memory (at most two rows: the
 * header and the current row, each at most IO_CSV_MAX_COLUMNS cells of at
 * most IO_CSV_MAX_CELL bytes).  What it accepts:
 *
 *  - a header row naming the columns, then data rows with exactly as many
 *    cells; a file with only a header has zero data rows and is fine;
 *  - cells quoted with '"', holding commas, line breaks and doubled quotes;
 *    nothing inside quotes is changed;
 *  - CRLF, LF or CR line ends, a missing final line end, empty cells;
 *  - one UTF-8 byte order mark at the very start (dropped).
 *
 * Behaviours decided here:
 *
 *  - Blank lines (nothing but spaces or tabs) are skipped wherever they
 *    are, because spreadsheet exports often end with some.  A one-column
 *    file therefore writes an empty cell as "".
 *  - Spaces and tabs around an unquoted cell, and between a closing quote
 *    and the next separator, are dropped; quote a cell to keep them.
 *  - Row numbers are the ones a spreadsheet shows: the header is row 1
 *    (unless blank lines come before it), every blank line counts as a row,
 *    and the line breaks inside a quoted cell do not.
 *
 * It rejects, with ST_INVALID and a message naming the row and, where
 * there is one, the column ("row 17, column \"name\": not valid UTF-8"):
 * text that is not UTF-8, NUL bytes, a row with a different number of
 * cells than the header, an empty or duplicate header name, more than
 * IO_CSV_MAX_COLUMNS columns, a cell longer than IO_CSV_MAX_CELL bytes
 * (counting the spaces around it), a stray quote inside an unquoted cell
 * or after a closing quote, a quoted cell left open at the end of the
 * input, and an input without a header row (empty or only blank lines).
 */

#define IO_CSV_MAX_COLUMNS 256
#define IO_CSV_MAX_CELL 65536   /* bytes */

/* One row.  Everything belongs to the reader and is valid only during the
 * callback; the callback may change the cell texts in place. */
struct io_csv_row {
	char **cells;   /* @n NUL-terminated UTF-8 texts without NUL bytes */
	size_t *lens;   /* the byte length of each cell */
	size_t n;
	size_t row;     /* 1-based row number, 1 for the header (see above) */
};

/*
 * Called once per data row, in order, with the header row (so that cells
 * can be found and named by column).  Return ST_OK to go on; any other
 * status stops the reader, which then returns that status.
 */
typedef int (*io_csv_fn)(const struct io_csv_row *header,
			 const struct io_csv_row *row, void *arg);

/*
 * Read CSV text from the file at @path, or from the @len bytes at @buf,
 * calling @fn with @arg for each data row.  Both share one implementation
 * and accept exactly the same input.
 *
 * RETURN VALUES: ST_OK when every row was delivered; the status of @fn when
 * it stopped the reader; ST_INVALID when the text is broken or the file
 * cannot be opened; ST_INTERNAL on running out of memory or a read error.
 * @errbuf (@errlen bytes, may be 0) is set to "" first, and on ST_INVALID
 * and ST_INTERNAL from the reader holds a message in valid UTF-8 that does
 * not repeat @path.  When @fn stops the reader it is left for @fn to fill.
 */
int io_csv_read(const char *path, io_csv_fn fn, void *arg, char *errbuf,
		size_t errlen);
int io_csv_parse(const char *buf, size_t len, io_csv_fn fn, void *arg,
		 char *errbuf, size_t errlen);

/* ---- Demo data. -------------------------------------------------------- */

/*
 * Load the reference data (nations, sites, coalitions, substitution groups,
 * items) from the CSV files in @datadir as @p.  Prints a line per table to
 * @progress (may be NULL).  Stops at the first bad row, naming it.
 */
int io_reference_load(struct svc *svc, const struct principal *p,
		      const char *datadir, FILE *progress, char *errbuf,
		      size_t errlen);

/* Load the demo requirements, pledges and allocations (data/demo_*.csv),
 * moving each through its workflow to the status its row gives.  Needs the
 * reference data and runs as @p (an admin acting as planner). */
int io_demo_donations(struct svc *svc, const struct principal *p, const char *datadir,
		      FILE *progress, char *errbuf, size_t errlen);

/* Create the demo establishment: about 700 posts at the HQ and the nodes. */
int io_demo_posts(struct svc *svc, const struct principal *p, FILE *progress, char *errbuf,
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
