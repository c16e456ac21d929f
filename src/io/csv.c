/*
 * csv.c - reading CSV text with libcsv, row by row, with the header.
 *
 * libcsv splits the bytes into cells and rows; this file checks each cell
 * (length, NUL, UTF-8) as it arrives, keeps the header, numbers the rows
 * and hands out one row at a time.  Files and in-memory buffers go through
 * the same reader_feed()/reader_finish() pair, in slices, so that a broken
 * input stops the work within one slice.
 *
 * Memory stays bounded however long the input is: libcsv's cell buffer
 * cannot grow past CELL_BUF_MAX (capped_realloc), and the reader holds two
 * rows of at most IO_CSV_MAX_COLUMNS cells each.
 */
#include "io.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libcsv's buffer holds the cell, its closing quote, and the NUL it
 * appends, and asks for one byte more before it looks at the next one. */
#define CELL_BUF_MAX (IO_CSV_MAX_CELL + 3)
#define SLICE 65536    /* bytes handed to libcsv at once */
#define NAME_SHOWN 48  /* bytes of a column name quoted in a message */

static const char BOM[] = "\xEF\xBB\xBF";

/* One row being collected: the cells back to back in @text, each
 * NUL-terminated.  @pub points into it once the row is complete. */
struct rowbuf {
	char *text;
	size_t used, cap;
	size_t off[IO_CSV_MAX_COLUMNS];
	size_t lens[IO_CSV_MAX_COLUMNS];
	char *cells[IO_CSV_MAX_COLUMNS];
	size_t stored;  /* cells kept */
	size_t seen;    /* cells in the row so far, kept or not */
	struct io_csv_row pub;
};

struct reader {
	struct csv_parser p;
	struct rowbuf bufs[2];
	struct rowbuf *hdr;   /* NULL until the header row is complete */
	struct rowbuf *cur;
	io_csv_fn fn;
	void *arg;
	size_t rows;          /* rows finished, blank lines included */
	int last_term;        /* what ended the last line, for CR LF pairs */
	bool started;         /* a byte was fed (the BOM check is done) */
	int rc;               /* first failure; ST_OK while fine */
	char *errbuf;
	size_t errlen;
};

/* ---- Errors. ----------------------------------------------------------- */

static void fail(struct reader *rd, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first failure; later ones are consequences of it.  A message
 * cut short by @errlen is cut back to whole UTF-8 characters. */
static void fail(struct reader *rd, int rc, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (rd->rc != ST_OK)
		return;
	rd->rc = rc;
	if (rd->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(rd->errbuf, rd->errlen, fmt, ap);
	va_end(ap);
	n = strlen(rd->errbuf);
	while (n > 0 && !utf8_valid(rd->errbuf, n))
		rd->errbuf[--n] = '\0';
}

/* "column \"name\"" for cell @col (0-based) of the current row when the
 * header names it, else "column N".  Long names are shortened at a
 * character boundary; control characters become '?'. */
static void column_label(const struct reader *rd, size_t col, char *out, size_t outlen)
{
	const char *name;
	size_t n, len;
	char shown[NAME_SHOWN + 1];

	if (!rd->hdr || col >= rd->hdr->pub.n) {
		snprintf(out, outlen, "column %zu", col + 1);
		return;
	}
	name = rd->hdr->pub.cells[col];
	len = rd->hdr->pub.lens[col];
	n = len < NAME_SHOWN ? len : NAME_SHOWN;
	while (n > 0 && n < len && ((unsigned char)name[n] & 0xC0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		shown[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	shown[n] = '\0';
	snprintf(out, outlen, "column \"%s%s\"", shown, n < len ? "..." : "");
}

/* ---- Rows. ------------------------------------------------------------- */

static void row_reset(struct rowbuf *b)
{
	b->used = 0;
	b->stored = 0;
	b->seen = 0;
}

/* Append one cell; false when out of memory. */
static bool row_add(struct rowbuf *b, const char *data, size_t len)
{
	size_t need = b->used + len + 1;

	if (need > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *t;

		while (cap < need)
			cap *= 2;
		if (!(t = realloc(b->text, cap)))
			return false;
		b->text = t;
		b->cap = cap;
	}
	if (len)
		memcpy(b->text + b->used, data, len);
	b->text[b->used + len] = '\0';
	b->off[b->stored] = b->used;
	b->lens[b->stored] = len;
	b->stored++;
	b->used = need;
	return true;
}

/* Point the public view at the cells; valid until the next row_add. */
static void row_publish(struct rowbuf *b, size_t row)
{
	for (size_t i = 0; i < b->stored; i++)
		b->cells[i] = b->text + b->off[i];
	b->pub.cells = b->cells;
	b->pub.lens = b->lens;
	b->pub.n = b->stored;
	b->pub.row = row;
}

/* The header is complete: every name present and different. */
static void header_check(struct reader *rd)
{
	const struct io_csv_row *h = &rd->hdr->pub;

	for (size_t i = 0; i < h->n && rd->rc == ST_OK; i++) {
		char label[NAME_SHOWN + 32];

		if (h->lens[i] == 0) {
			fail(rd, ST_INVALID, "row %zu, column %zu: empty column name", h->row,
			     i + 1);
			break;
		}
		for (size_t j = 0; j < i; j++) {
			if (h->lens[i] != h->lens[j] ||
			    memcmp(h->cells[i], h->cells[j], h->lens[i]) != 0)
				continue;
			column_label(rd, i, label, sizeof label);
			fail(rd, ST_INVALID, "row %zu, column %zu: duplicate %s (also column %zu)",
			     h->row, i + 1, label, j + 1);
			break;
		}
	}
}

/* ---- libcsv callbacks. ------------------------------------------------- */

static void on_cell(void *data, size_t len, void *arg)
{
	struct reader *rd = arg;
	struct rowbuf *b = rd->cur;
	size_t col = b->seen++, row = rd->rows + 1;
	const char *s = data ? data : "";
	char label[NAME_SHOWN + 32];

	if (rd->rc != ST_OK)
		return;
	if (rd->hdr && col >= rd->hdr->pub.n)
		return;   /* counted; on_row reports the row's length */
	if (!rd->hdr && col == IO_CSV_MAX_COLUMNS) {
		fail(rd, ST_INVALID, "row %zu: more than %d columns", row, IO_CSV_MAX_COLUMNS);
		return;
	}
	if (len > IO_CSV_MAX_CELL) {
		column_label(rd, col, label, sizeof label);
		fail(rd, ST_INVALID, "row %zu, %s: cell longer than %d bytes", row, label,
		     IO_CSV_MAX_CELL);
		return;
	}
	if (memchr(s, '\0', len) || !utf8_valid(s, len)) {
		column_label(rd, col, label, sizeof label);
		fail(rd, ST_INVALID, "row %zu, %s: %s", row, label,
		     memchr(s, '\0', len) ? "holds a NUL byte" : "not valid UTF-8");
		return;
	}
	if (!row_add(b, s, len))
		fail(rd, ST_INTERNAL, "row %zu: out of memory", row);
}

/* Called at the end of every row, and (CSV_REPALL_NL) for every line end
 * outside a row: those are blank lines, or the LF of a CR LF pair. */
static void on_row(int term, void *arg)
{
	struct reader *rd = arg;
	struct rowbuf *b = rd->cur;

	if (rd->rc != ST_OK)
		return;
	if (b->seen == 0) {
		if (term == '\n' && rd->last_term == '\r') {
			rd->last_term = 0;
			return;
		}
		rd->rows++;
		rd->last_term = term;
		return;
	}
	rd->rows++;
	rd->last_term = term;
	if (!rd->hdr) {
		row_publish(b, rd->rows);
		rd->hdr = b;
		rd->cur = b == &rd->bufs[0] ? &rd->bufs[1] : &rd->bufs[0];
		header_check(rd);
		return;
	}
	if (b->seen != rd->hdr->pub.n) {
		fail(rd, ST_INVALID, "row %zu has %zu %s, the header has %zu", rd->rows, b->seen,
		     b->seen == 1 ? "cell" : "cells", rd->hdr->pub.n);
		return;
	}
	row_publish(b, rd->rows);
	rd->rc = rd->fn(&rd->hdr->pub, &b->pub, rd->arg);
	row_reset(b);
}

/* ---- Feeding. ---------------------------------------------------------- */

/* libcsv grows its cell buffer with this; refusing past the cap bounds a
 * cell (an unclosed quote would otherwise swallow the whole input). */
static void *capped_realloc(void *p, size_t n)
{
	return n > CELL_BUF_MAX ? NULL : realloc(p, n);
}

static int reader_init(struct reader *rd, io_csv_fn fn, void *arg, char *errbuf,
		       size_t errlen)
{
	memset(rd, 0, sizeof *rd);
	rd->fn = fn;
	rd->arg = arg;
	rd->errbuf = errbuf;
	rd->errlen = errlen;
	rd->cur = &rd->bufs[0];
	if (errlen)
		errbuf[0] = '\0';
	if (csv_init(&rd->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		fail(rd, ST_INTERNAL, "cannot start the CSV parser");
		return rd->rc;
	}
	csv_set_realloc_func(&rd->p, capped_realloc);
	csv_set_blk_size(&rd->p, 4096);
	return ST_OK;
}

/* Turn a libcsv failure into a message about the row being read. */
static void parse_failed(struct reader *rd, bool at_end)
{
	char label[NAME_SHOWN + 32];
	int err = csv_error(&rd->p);

	column_label(rd, rd->cur->seen, label, sizeof label);
	if (at_end)
		fail(rd, ST_INVALID, "row %zu, %s: quoted cell not closed at the end of the input",
		     rd->rows + 1, label);
	else if (err == CSV_EPARSE)
		fail(rd, ST_INVALID, "row %zu, %s: stray quote (quote the whole cell and "
		     "double the quotes inside it)", rd->rows + 1, label);
	else if (err == CSV_ENOMEM && csv_get_buffer_size(&rd->p) >= CELL_BUF_MAX)
		fail(rd, ST_INVALID, "row %zu, %s: cell longer than %d bytes", rd->rows + 1,
		     label, IO_CSV_MAX_CELL);
	else
		fail(rd, ST_INTERNAL, "row %zu: %s", rd->rows + 1, csv_strerror(err));
}

/* Parse the next @len bytes of the input; a BOM at its start is dropped.
 * The first call must see at least three bytes unless that is all there is. */
static void reader_feed(struct reader *rd, const char *buf, size_t len)
{
	if (!rd->started && len > 0) {
		rd->started = true;
		if (len >= 3 && memcmp(buf, BOM, 3) == 0) {
			buf += 3;
			len -= 3;
		}
	}
	while (len > 0 && rd->rc == ST_OK) {
		size_t n = len < SLICE ? len : SLICE;

		if (csv_parse(&rd->p, buf, n, on_cell, on_row, rd) != n) {
			parse_failed(rd, false);
			break;
		}
		buf += n;
		len -= n;
	}
}

/* End of input: the last row, the header check, and cleanup.  Returns the
 * reader's status. */
static int reader_finish(struct reader *rd)
{
	if (rd->rc == ST_OK && csv_fini(&rd->p, on_cell, on_row, rd) != 0)
		parse_failed(rd, true);
	if (rd->rc == ST_OK && !rd->hdr)
		fail(rd, ST_INVALID, "no header row: the input is empty or blank");
	csv_free(&rd->p);
	free(rd->bufs[0].text);
	free(rd->bufs[1].text);
	return rd->rc;
}

/* ---- Entry points. ----------------------------------------------------- */

int io_csv_parse(const char *buf, size_t len, io_csv_fn fn, void *arg, char *errbuf,
		 size_t errlen)
{
	struct reader *rd = malloc(sizeof *rd);
	int rc;

	if (!rd) {
		if (errlen)
			snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	if (reader_init(rd, fn, arg, errbuf, errlen) == ST_OK)
		reader_feed(rd, buf, buf ? len : 0);
	rc = reader_finish(rd);
	free(rd);
	return rc;
}

int io_csv_read(const char *path, io_csv_fn fn, void *arg, char *errbuf, size_t errlen)
{
	struct reader *rd = malloc(sizeof *rd);
	char *buf = malloc(SLICE);
	FILE *f = NULL;
	int rc;
	size_t n;

	if (!rd || !buf) {
		if (errlen)
			snprintf(errbuf, errlen, "out of memory");
		rc = ST_INTERNAL;
		goto done;
	}
	if (reader_init(rd, fn, arg, errbuf, errlen) == ST_OK) {
		if (!(f = fopen(path, "rb")))
			fail(rd, ST_INVALID, "cannot open: %s", strerror(errno));
		/* fread returns short only at the end or on an error, so the first
		 * slice holds the whole BOM if there is one. */
		while (rd->rc == ST_OK && (n = fread(buf, 1, SLICE, f)) > 0)
			reader_feed(rd, buf, n);
		if (rd->rc == ST_OK && ferror(f))
			fail(rd, ST_INTERNAL, "read error: %s", strerror(errno));
	}
	rc = reader_finish(rd);
done:
	if (f)
		fclose(f);
	free(buf);
	free(rd);
	return rc;
}
