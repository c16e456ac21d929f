/*
 * csv.c - reading CSV files with libcsv, row by row, with the header.
 */
#include "io.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 256
#define MAX_CELL 65536

struct reader {
	struct io_csv_row header, cur;
	io_csv_fn fn;
	void *arg;
	size_t rows;
	int rc;           /* first failure, ST_OK while fine */
	char *errbuf;
	size_t errlen;
};

static void row_clear(struct io_csv_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->cells[i]);
	r->n = 0;
}

static void fail(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	if (rd->rc != ST_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(rd->errbuf, rd->errlen, fmt, ap);
	va_end(ap);
	rd->rc = ST_INVALID;
}

static void on_cell(void *data, size_t len, void *arg)
{
	struct reader *rd = arg;
	char *cell;

	if (rd->rc != ST_OK)
		return;
	if (rd->cur.n == MAX_CELLS) {
		fail(rd, "row %zu: more than %d cells", rd->rows + 1, MAX_CELLS);
		return;
	}
	if (len > MAX_CELL || memchr(data ? data : "", '\0', data ? len : 0)) {
		fail(rd, "row %zu, cell %zu: too long or holds a NUL byte", rd->rows + 1,
		     rd->cur.n + 1);
		return;
	}
	/* Strip a UTF-8 byte order mark before the first cell of the file. */
	if (rd->rows == 0 && rd->cur.n == 0 && len >= 3 && data &&
	    memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data = (char *)data + 3;
		len -= 3;
	}
	if (!(cell = malloc(len + 1))) {
		fail(rd, "row %zu: out of memory", rd->rows + 1);
		return;
	}
	if (len)
		memcpy(cell, data, len);
	cell[len] = '\0';
	rd->cur.cells[rd->cur.n++] = cell;
}

static void on_row(int term, void *arg)
{
	struct reader *rd = arg;

	(void)term;
	rd->rows++;
	rd->cur.row = rd->rows;
	if (rd->rc == ST_OK) {
		if (rd->rows == 1) {
			struct io_csv_row tmp = rd->header;
			rd->header = rd->cur;
			rd->cur = tmp;
			return;
		}
		if (rd->cur.n != rd->header.n)
			fail(rd, "row %zu has %zu cells, the header has %zu", rd->rows,
			     rd->cur.n, rd->header.n);
		else
			rd->rc = rd->fn(&rd->header, &rd->cur, rd->arg);
	}
	row_clear(&rd->cur);
}

int io_csv_read(const char *path, io_csv_fn fn, void *arg, char *errbuf, size_t errlen)
{
	char *header_cells[MAX_CELLS], *cur_cells[MAX_CELLS];
	struct reader rd = {.fn = fn, .arg = arg, .errbuf = errbuf, .errlen = errlen};
	struct csv_parser p;
	char buf[65536];
	FILE *f;
	size_t n;

	rd.header.cells = header_cells;
	rd.cur.cells = cur_cells;
	if (!(f = fopen(path, "rb"))) {
		snprintf(errbuf, errlen, "cannot open %s", path);
		return ST_INVALID;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fclose(f);
		snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	while (rd.rc == ST_OK && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (csv_parse(&p, buf, n, on_cell, on_row, &rd) != n && rd.rc == ST_OK) {
			snprintf(errbuf, errlen, "%s: row %zu: %s", path, rd.rows + 1,
				 csv_strerror(csv_error(&p)));
			rd.rc = ST_INVALID;
		}
	}
	if (rd.rc == ST_OK && ferror(f)) {
		snprintf(errbuf, errlen, "%s: read error", path);
		rd.rc = ST_INVALID;
	}
	if (rd.rc == ST_OK && csv_fini(&p, on_cell, on_row, &rd) != 0) {
		snprintf(errbuf, errlen, "%s: row %zu: %s", path, rd.rows + 1,
			 csv_strerror(csv_error(&p)));
		rd.rc = ST_INVALID;
	}
	csv_free(&p);
	fclose(f);
	row_clear(&rd.cur);
	row_clear(&rd.header);
	return rd.rc;
}
