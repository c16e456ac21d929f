/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader.  Any byte string must
 * give either rows that keep the reader's promises or an error with a
 * message, and never a crash, a leak or undefined behaviour.
 *
 * Promises checked per row: as many cells as the header; each cell valid
 * UTF-8 without NUL, no longer than IO_CSV_MAX_CELL, its length right;
 * row numbers strictly increasing; header names present and distinct.
 * Inputs that parse are written back out with every cell quoted and read
 * again, which must give the same cells (quoting is lossless).  Some inputs
 * make the callback stop early, which must end the reading at once with
 * the callback's status.
 */
#include "core/core.h"
#include "io/io.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

struct state {
	size_t last_row;     /* row number of the last row seen */
	size_t rows;         /* data rows seen */
	size_t stop_after;   /* stop at this many rows (0: never) */
	bool stopped;
	struct jbuf out;     /* the rows written back, every cell quoted */
};

static void write_row(struct jbuf *b, const struct io_csv_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *c = r->cells[i], *q;
		size_t left = r->lens[i];

		if (i)
			jbuf_raw(b, ",", 1);
		jbuf_raw(b, "\"", 1);
		while ((q = memchr(c, '"', left))) {
			jbuf_raw(b, c, (size_t)(q - c) + 1);
			jbuf_raw(b, "\"", 1);
			left -= (size_t)(q - c) + 1;
			c = q + 1;
		}
		jbuf_raw(b, c, left);
		jbuf_raw(b, "\"", 1);
	}
	jbuf_raw(b, "\r\n", 2);
}

static void check_cells(const struct io_csv_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		CHECK(r->cells[i] != NULL);
		CHECK(r->lens[i] <= IO_CSV_MAX_CELL);
		CHECK(strlen(r->cells[i]) == r->lens[i]);
		CHECK(utf8_valid(r->cells[i], r->lens[i]));
	}
}

static int on_row(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct state *s = arg;

	CHECK(!s->stopped);
	CHECK(hdr->n >= 1 && hdr->n <= IO_CSV_MAX_COLUMNS);
	CHECK(row->n == hdr->n);
	CHECK(row->row > hdr->row && row->row > s->last_row);
	if (s->rows == 0) {
		check_cells(hdr);
		for (size_t i = 0; i < hdr->n; i++) {
			CHECK(hdr->lens[i] > 0);
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(hdr->cells[i], hdr->cells[j]) != 0);
		}
		write_row(&s->out, hdr);
	}
	check_cells(row);
	write_row(&s->out, row);
	s->last_row = row->row;
	if (++s->rows == s->stop_after) {
		s->stopped = true;
		return ST_CONFLICT;
	}
	return ST_OK;
}

/* The error message promise: non-empty, valid UTF-8. */
static void check_error(int rc, const char *err)
{
	CHECK(rc == ST_INVALID || rc == ST_INTERNAL);
	CHECK(err[0] != '\0');
	CHECK(utf8_valid(err, strlen(err)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = {0}, again = {0};
	char err[256];
	int rc;

	/* One input in eight stops after 1 to 4 rows. */
	if (size > 1 && data[0] % 8 == 0)
		s.stop_after = data[size - 1] % 4 + 1;
	rc = io_csv_parse((const char *)data, size, on_row, &s, err, sizeof err);
	if (s.stopped) {
		CHECK(rc == ST_CONFLICT);
		CHECK(err[0] == '\0');
	} else if (rc != ST_OK) {
		check_error(rc, err);
	} else {
		CHECK(err[0] == '\0');
		if (s.rows > 0 && !s.out.failed) {
			/* Lossless: the quoted copy reads back to the same text. */
			rc = io_csv_parse(s.out.p, s.out.len, on_row, &again, err, sizeof err);
			CHECK(rc == ST_OK);
			CHECK(again.rows == s.rows && !again.out.failed);
			CHECK(again.out.len == s.out.len);
			CHECK(memcmp(again.out.p, s.out.p, s.out.len) == 0);
		}
	}
	jbuf_free(&s.out);
	jbuf_free(&again.out);
	return 0;
}
