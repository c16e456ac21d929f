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
 *  - Blank lines (empty, or only spaces and tabs) are skipped wherever they
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
 * items, exchange rates, funding targets, training courses) from the CSV
 * files in @datadir as @p.  Prints a line per table to
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

/* Load the demo's lanes (data/lanes.csv), give the announced materiel
 * pledges origins and donor conditions, and run one plan, left as a draft
 * (demo_plan.c).  Runs as @p (a planner), after the other demo loaders, so
 * that the plan is over all of their records. */
int io_demo_plan(struct svc *svc, const struct principal *p, const char *datadir,
		 FILE *progress, char *errbuf, size_t errlen);

/* Create the demo establishment: about 700 posts at the HQ and the nodes. */
int io_demo_posts(struct svc *svc, const struct principal *p, FILE *progress, char *errbuf,
		  size_t errlen);

/* Create the demo's repair capacity, shipments in each state with their
 * custody events (dated relative to today), and a repair order
 * (demo_transfer.c).  Needs the demo donations; runs as @p (a planner). */
int io_demo_transfers(struct svc *svc, const struct principal *p, FILE *progress,
		      char *errbuf, size_t errlen);

/* Create the demo's training (demo_training.c): training-seat pledges,
 * about a year of sessions of the demo courses in every state (dated
 * relative to today), and some 500 pseudonymous trainees with their
 * enrolments along the pipeline.  Needs the reference data (courses) and
 * the svc's trainee key; acts as the planner, the recipient officer and
 * each facility's operator, whatever @p is (a planner). */
int io_demo_training(struct svc *svc, const struct principal *p, FILE *progress,
		     char *errbuf, size_t errlen);

/* Create the demo's capability targets with what their readiness needs
 * (demo_force.c): a Patriot battery target with its pledges, allocations
 * and shipments, and an infantry company target on the demo's shipments
 * and courses.  Needs the demo's transfers and training; runs as @p (a
 * planner). */
int io_demo_force(struct svc *svc, const struct principal *p, FILE *progress, char *errbuf,
		  size_t errlen);

/* ---- Export (export.c). ---------------------------------------------- */

/* The public columns of @e (all but FS_PRIVATE), at most @max; the count. */
size_t io_entity_columns(const struct espec *e, const char **cols, size_t max);
/* @rows (JSON objects) as CSV with a header of @columns, CRLF line ends. */
int io_write_csv(const char *const *columns, size_t ncols, const json_t *rows,
		 struct jbuf *out);
/* @rows as an XLSX workbook with one sheet (@title above the table when
 * not NULL): written to @path, or into *@data (malloc'd) when @data is set. */
int io_write_xlsx(const char *sheet, const char *title, const char *const *columns,
		  size_t ncols, const json_t *rows, const char *path, char **data, size_t *len,
		  char *errbuf, size_t errlen);

/* Create the demo users of IO_DEMO_LOGINS. */
int io_demo_users(struct svc *svc, const struct principal *p, char *errbuf,
		  size_t errlen);

/* The demo logins, one per role. */
struct io_demo_login {
	const char *username, *password, *role, *nation, *site, *display_name;
};
extern const struct io_demo_login IO_DEMO_LOGINS[];
extern const size_t IO_DEMO_NLOGINS;

/* ---- Importing requirements and pledges (import.c, kiel.c). ----------
 *
 * A CSV file whose header names fields of the entity (docs/import.md):
 *
 *  - requirements: nation, quantity, priority, needed_by, destination
 *    (required columns), item, substitution_group, coalition,
 *    justification;
 *  - pledges: nation, kind, pledged_on (required columns), then the fields
 *    of the kind: item, quantity, condition, origin, available_from
 *    (materiel); amount, currency, year, earmark_coalition,
 *    earmark_category (funding); course, seats (training_seats);
 *    facility, category, slots (repair_capacity); conditions and source
 *    for any kind.
 *
 * Cells are the text forms of fspec_parse_text: whole numbers, decimal
 * numbers with a point, dates YYYY-MM-DD, codes as in the API.  An empty
 * cell is null (absent) where the field may be null.  Columns the server
 * sets (id, status, status_reason, amount_eur, created_by, created_at,
 * version) are refused, like unknown ones.
 */

#define IO_IMPORT_MAX_ROWS 250000  /* data rows in one file */

/* Where the CSV text comes from: the file at @path, or (@path NULL) the
 * @len bytes at @buf.  @name is the report's "file" (NULL: null). */
struct io_source {
	const char *path;
	const char *buf;
	size_t len;
	const char *name;
};

/*
 * Import the rows of @src as new @e records (requirements or pledges),
 * created by @p with @p's permissions and scope, in one transaction.  In
 * BATCH_ALL_OR_NOTHING mode one bad row stores nothing; in
 * BATCH_VALID_ONLY mode the good rows are stored.  Prints "read N rows" to
 * @progress (may be NULL) once the file is read.
 *
 * *@report = {"file", "entity", "mode", "rows", "created", "failed",
 * "stored", "errors": [{"row", "column", "value", "reason"}]}: "rows"
 * counts data rows, "failed" the rows that failed, "errors" lists up to
 * 1000 errors in row order (row 1 is the header; "value" is the cell, cut
 * to 100 characters).  A new reference for the caller.
 *
 * RETURN VALUES: ST_OK with *@report when rows were stored.  ST_INVALID
 * with *@report when nothing was stored (every row failed, one failed in
 * all-or-nothing mode, or the file has no data rows; @err says which).
 * ST_INVALID without a report when the file cannot be used at all: @err
 * names the column of a bad header (unknown, set by the server, or a
 * required one missing), or has an empty field and the reader's message
 * (unreadable or broken CSV, a duplicate column, more than
 * IO_IMPORT_MAX_ROWS rows).  ST_FORBIDDEN when @p may not create @e;
 * ST_RETRY, ST_INTERNAL as the service returns them.
 */
int io_import(struct svc *svc, const struct principal *p, const struct espec *e,
	      const struct io_source *src, enum svc_batch_mode mode, FILE *progress,
	      json_t **report, struct verr *err);

#define IO_KIEL_SOURCE "Kiel Institute for the World Economy, Ukraine Support " \
	"Tracker, Release 29 (04/2026): military allocations"

/*
 * Import the Kiel Institute's allocations by country and month
 * (data/kiel/kiel_data_explorer.csv) as committed funding pledges: each
 * row with military > 0 of a donor that is a nation in the database
 * becomes a pledge of military x 1e9 EUR on the first of its month.  The
 * pledges are created in one transaction, then committed one by one; rows
 * imported before are not created again (their pledges are committed if
 * still announced).  @p must be allowed to create and commit pledges.
 *
 * *@report = {"file", "source", "rows", "created", "created_eur",
 * "committed", "imported_before", "skipped_no_military",
 * "skipped_not_a_nation", "skipped_donors": [iso...]}.
 *
 * RETURN VALUES: ST_OK with the report; ST_INVALID with @err (a missing
 * column, a bad number, broken CSV, a pledge the service refused: nothing
 * was created; or a commit that failed: @err says how many remain
 * announced); other statuses from the service.
 */
int io_import_kiel(struct svc *svc, const struct principal *p, const char *path,
		   FILE *progress, json_t **report, struct verr *err);

/* ---- Transfer documents (document.c). --------------------------------- */

/* The modules of a DataMatrix (ECC 200) symbol: @rows x @cols, row 0 at
 * the bottom (the solid bar of the finder pattern), column 0 at the left. */
struct io_matrix {
	int rows, cols;
	unsigned char *dark;   /* rows * cols, row by row; 1: a dark module */
};

/* The DataMatrix of the @len bytes at @text into @m (free with
 * io_matrix_free).  ST_INVALID when the text is empty or too long for a
 * symbol; ST_INTERNAL on OOM.  @m is zeroed on failure. */
int io_datamatrix(const char *text, size_t len, struct io_matrix *m);
void io_matrix_free(struct io_matrix *m);

/*
 * The transfer document of @shipment (a record) and its @lines (an array
 * of line records) as PDF, with a DataMatrix of @payload
 * (svc_shipment_document gives all three).  *@pdf gets a malloc'd buffer
 * of *@len bytes that the caller frees; outputs are set only on success.
 *
 * RETURN VALUES: ST_OK; ST_INVALID when the input is not of that shape,
 * the payload does not fit a DataMatrix, or the document would exceed
 * 2000 pages; ST_INTERNAL on OOM or a failure of the PDF library.  On
 * failure @errbuf says why.
 */
int io_shipment_pdf(const json_t *shipment, const json_t *lines, const char *payload,
		    char **pdf, size_t *len, char *errbuf, size_t errlen);

#endif
