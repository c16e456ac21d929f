/*
 * test_csv.c - the CSV reader (io_csv_parse, io_csv_read) through its
 * public API: what it accepts, exactly which rows and cells it delivers,
 * and exactly which error (row and column) it gives for broken input.
 *
 * Every small case runs twice, once from memory and once from a temporary
 * file, and both runs must agree to the byte: the two entry points share
 * one implementation and this keeps it so.
 */
#include "suites.h"

#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- Helpers. ---------------------------------------------------------- */

/* What the callback saw: the header and each row as "ROW:[cell][cell]\n". */
struct seen {
	char header[2048];
	char rows[16384];
	size_t nrows;
	size_t last_row;
	size_t stop_at;   /* return stop_rc at this row number (0: never) */
	int stop_rc;
};

static void render(char *out, size_t outlen, const struct io_csv_row *r)
{
	size_t len = strlen(out);

	len += (size_t)snprintf(out + len, outlen - len, "%zu:", r->row);
	for (size_t i = 0; i < r->n && len < outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "[%s]", r->cells[i]);
	if (len < outlen)
		snprintf(out + len, outlen - len, "\n");
}

static int collect(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct seen *s = arg;

	/* The invariants every caller may rely on. */
	ck_assert_uint_eq(row->n, hdr->n);
	ck_assert_uint_gt(row->row, s->last_row);
	ck_assert_uint_gt(row->row, hdr->row);
	for (size_t i = 0; i < row->n; i++)
		ck_assert_uint_eq(strlen(row->cells[i]), row->lens[i]);
	s->last_row = row->row;
	if (s->nrows++ == 0)
		render(s->header, sizeof s->header, hdr);
	render(s->rows, sizeof s->rows, row);
	if (s->stop_at && row->row == s->stop_at)
		return s->stop_rc;
	return ST_OK;
}

static char tmp_path[64];

static void write_tmp(const char *text, size_t len)
{
	int fd;
	FILE *f;

	snprintf(tmp_path, sizeof tmp_path, "/tmp/nsatu-test-csv-XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Read @len bytes of @text from memory and from a file with the same
 * callback settings; check both agree and return the status.  *@s and
 * @err hold the in-memory run's results; *@s is cleared first but for its
 * stop settings.
 */
static int run(const char *text, size_t len, struct seen *s, char *err, size_t errlen)
{
	struct seen s2 = {.stop_at = s->stop_at, .stop_rc = s->stop_rc};
	char err2[512];
	int rc, rc2;

	*s = s2;
	rc = io_csv_parse(text, len, collect, s, err, errlen);
	write_tmp(text, len);
	rc2 = io_csv_read(tmp_path, collect, &s2, err2, sizeof err2);
	unlink(tmp_path);
	ck_assert_int_eq(rc2, rc);
	ck_assert_str_eq(s2.rows, s->rows);
	ck_assert_str_eq(s2.header, s->header);
	if (errlen == sizeof err2)
		ck_assert_str_eq(err2, err);
	return rc;
}

#define RUN(lit, s, err) run(lit, sizeof(lit) - 1, s, err, sizeof err)

/* Expect success with exactly these rows. */
#define ACCEPT(lit, want_header, want_rows)                                   \
	do {                                                                  \
		struct seen s_ = {0};                                         \
		char e_[512];                                                 \
		ck_assert_int_eq(RUN(lit, &s_, e_), ST_OK);                   \
		ck_assert_str_eq(e_, "");                                     \
		ck_assert_str_eq(s_.header, want_header);                     \
		ck_assert_str_eq(s_.rows, want_rows);                         \
	} while (0)

/* Expect ST_INVALID with exactly this message, after exactly these rows. */
#define REJECT(lit, want_rows, want_err)                                      \
	do {                                                                  \
		struct seen s_ = {0};                                         \
		char e_[512];                                                 \
		ck_assert_int_eq(RUN(lit, &s_, e_), ST_INVALID);              \
		ck_assert_str_eq(e_, want_err);                               \
		ck_assert_str_eq(s_.rows, want_rows);                         \
	} while (0)

/* ---- What is accepted. ------------------------------------------------- */

START_TEST(plain_rows)
{
	ACCEPT("code,name,qty\nA,Alpha,1\nB,Beta,2\n", "1:[code][name][qty]\n",
	       "2:[A][Alpha][1]\n3:[B][Beta][2]\n");
}
END_TEST

START_TEST(bom_is_dropped)
{
	ACCEPT("\xEF\xBB\xBF" "code,name\nA,Alpha\n", "1:[code][name]\n", "2:[A][Alpha]\n");
	/* A quoted first name after the BOM. */
	ACCEPT("\xEF\xBB\xBF\"code\",name\nA,Alpha\n", "1:[code][name]\n", "2:[A][Alpha]\n");
	/* Only at the very start: elsewhere it is text, kept as is. */
	ACCEPT("code,name\nA,\xEF\xBB\xBFx\n", "1:[code][name]\n", "2:[A][\xEF\xBB\xBFx]\n");
}
END_TEST

START_TEST(crlf_and_cr)
{
	ACCEPT("code,name\r\nA,Alpha\r\nB,Beta\r\n", "1:[code][name]\n",
	       "2:[A][Alpha]\n3:[B][Beta]\n");
	ACCEPT("code,name\rA,Alpha\rB,Beta", "1:[code][name]\n",
	       "2:[A][Alpha]\n3:[B][Beta]\n");
	/* Mixed line ends in one file. */
	ACCEPT("code,name\r\nA,Alpha\nB,Beta\r\n", "1:[code][name]\n",
	       "2:[A][Alpha]\n3:[B][Beta]\n");
}
END_TEST

START_TEST(quoting)
{
	ACCEPT("id,text\n"
	       "1,\"a,b\"\n"
	       "2,\"line1\r\nline2\nline3\"\n"
	       "3,\"say \"\"hi\"\"\"\n"
	       "4,\"\"\n"
	       "5,\"  padded  \"\n"
	       "\"6\",\"\"\"\"\n",
	       "1:[id][text]\n",
	       "2:[1][a,b]\n"
	       "3:[2][line1\r\nline2\nline3]\n"
	       "4:[3][say \"hi\"]\n"
	       "5:[4][]\n"
	       "6:[5][  padded  ]\n"
	       "7:[6][\"]\n");
}
END_TEST

START_TEST(spaces_outside_quotes_trimmed)
{
	ACCEPT("a,b,c\n  x  ,\ty\t, \"  z \"  \n", "1:[a][b][c]\n", "2:[x][y][  z ]\n");
	ACCEPT("a,b\nx y,\" \"\n", "1:[a][b]\n", "2:[x y][ ]\n");
}
END_TEST

START_TEST(no_final_newline)
{
	ACCEPT("a,b\n1,2", "1:[a][b]\n", "2:[1][2]\n");
	ACCEPT("a,b\n1,\"2\"", "1:[a][b]\n", "2:[1][2]\n");
	ACCEPT("a,b\n1,", "1:[a][b]\n", "2:[1][]\n");
}
END_TEST

START_TEST(empty_cells)
{
	ACCEPT("a,b,c\n,,\n1,,3\n,\"\",\n", "1:[a][b][c]\n",
	       "2:[][][]\n3:[1][][3]\n4:[][][]\n");
	/* One column: an empty cell must be quoted, a bare empty line is blank. */
	ACCEPT("a\n\"\"\nx\n\n", "1:[a]\n", "2:[]\n3:[x]\n");
}
END_TEST

START_TEST(blank_lines_skipped_and_counted)
{
	ACCEPT("a,b\n\n1,2\r\n\r\n  \n3,4\n\n\n", "1:[a][b]\n", "3:[1][2]\n6:[3][4]\n");
	ACCEPT("a,b\r\n1,2\r\n\r\n\r\n", "1:[a][b]\n", "2:[1][2]\n");
	/* Blank lines before the header count too. */
	ACCEPT("\n\na,b\n1,2\n", "3:[a][b]\n", "4:[1][2]\n");
}
END_TEST

START_TEST(header_only)
{
	struct seen s = {0};
	char err[512];

	ck_assert_int_eq(RUN("code,name\n", &s, err), ST_OK);
	ck_assert_uint_eq(s.nrows, 0);
	ck_assert_int_eq(RUN("code,name", &s, err), ST_OK);
	ck_assert_int_eq(RUN("code,name\r\n\r\n\n", &s, err), ST_OK);
	ck_assert_uint_eq(s.nrows, 0);
}
END_TEST

START_TEST(max_columns)
{
	size_t cap = IO_CSV_MAX_COLUMNS * 8 + 16, len = 0;
	char *text = malloc(cap);
	struct seen s = {0};
	char err[512];

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < IO_CSV_MAX_COLUMNS; i++)
		len += (size_t)snprintf(text + len, cap - len, "%sc%d", i ? "," : "", i);
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_OK);
	len += (size_t)snprintf(text + len, cap - len, ",c%d\n", IO_CSV_MAX_COLUMNS);
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 1: more than 256 columns");
	free(text);
}
END_TEST

START_TEST(cell_length_limit)
{
	size_t cap = IO_CSV_MAX_CELL + 128;
	char *text = malloc(cap);
	struct seen s = {0};
	char err[512];
	size_t len;

	ck_assert_ptr_nonnull(text);
	/* Exactly the limit is fine, bare and quoted. */
	len = (size_t)snprintf(text, cap, "a,b\n1,");
	memset(text + len, 'x', IO_CSV_MAX_CELL);
	len += IO_CSV_MAX_CELL;
	text[len++] = '\n';
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_OK);
	ck_assert_uint_eq(s.nrows, 1);

	len = (size_t)snprintf(text, cap, "a,b\n1,\"");
	memset(text + len, 'x', IO_CSV_MAX_CELL);
	len += IO_CSV_MAX_CELL;
	len += (size_t)snprintf(text + len, cap - len, "\"\n2,y\n");
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_OK);
	ck_assert_uint_eq(s.nrows, 2);

	/* One byte more is not, bare or quoted. */
	len = (size_t)snprintf(text, cap, "a,b\n1,2\n3,");
	memset(text + len, 'x', IO_CSV_MAX_CELL + 1);
	len += IO_CSV_MAX_CELL + 1;
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 3, column \"b\": cell longer than 65536 bytes");
	ck_assert_str_eq(s.rows, "2:[1][2]\n");

	len = (size_t)snprintf(text, cap, "a,b\n\"");
	memset(text + len, 'x', IO_CSV_MAX_CELL + 1);
	len += IO_CSV_MAX_CELL + 1;
	len += (size_t)snprintf(text + len, cap - len, "\",1\n");
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 2, column \"a\": cell longer than 65536 bytes");

	/* In the header there is no name yet. */
	len = (size_t)snprintf(text, cap, "a,");
	memset(text + len, 'x', IO_CSV_MAX_CELL + 1);
	len += IO_CSV_MAX_CELL + 1;
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 1, column 2: cell longer than 65536 bytes");
	free(text);
}
END_TEST

/* An unclosed quote must not make the reader swallow the whole input: it
 * stops when the cell passes the limit, so memory stays bounded. */
START_TEST(unclosed_quote_is_bounded)
{
	size_t cap = 8u << 20;
	char *text = malloc(cap);
	struct seen s = {0};
	char err[512];
	size_t len;

	ck_assert_ptr_nonnull(text);
	len = (size_t)snprintf(text, cap, "a,b\n1,\"");
	for (; len < cap; len++)
		text[len] = (len % 40) ? 'x' : '\n';
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 2, column \"b\": cell longer than 65536 bytes");
	free(text);
}
END_TEST

/* ---- What is rejected. ------------------------------------------------- */

START_TEST(empty_input)
{
	REJECT("", "", "no header row: the input is empty or blank");
	REJECT("\n\r\n   \n", "", "no header row: the input is empty or blank");
	REJECT("\xEF\xBB\xBF", "", "no header row: the input is empty or blank");
	REJECT("\xEF\xBB", "", "row 1, column 1: not valid UTF-8");

	struct seen s = {0};
	char err[64];
	ck_assert_int_eq(io_csv_parse(NULL, 0, collect, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "no header row: the input is empty or blank");
}
END_TEST

START_TEST(latin1_in_row_3)
{
	REJECT("code,name\nA,Kyiv\nB,M\xFCnchen\nC,Riga\n", "2:[A][Kyiv]\n",
	       "row 3, column \"name\": not valid UTF-8");
	/* Valid multi-byte text goes through. */
	ACCEPT("code,name\nA,M\xC3\xBCnchen\nB,\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2\n",
	       "1:[code][name]\n",
	       "2:[A][M\xC3\xBCnchen]\n3:[B][\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2]\n");
	/* Overlong forms and surrogates are not UTF-8 either. */
	REJECT("a,b\n\xC0\xAF,1\n", "", "row 2, column \"a\": not valid UTF-8");
	REJECT("a,b\n1,\"\xED\xA0\x80\"\n", "", "row 2, column \"b\": not valid UTF-8");
}
END_TEST

START_TEST(bad_utf8_in_header)
{
	REJECT("code,n\xE4me\n", "", "row 1, column 2: not valid UTF-8");
}
END_TEST

START_TEST(nul_byte)
{
	REJECT("a,b\n1,x\0y\n", "", "row 2, column \"b\": holds a NUL byte");
	REJECT("a,b\n1,\"\0\"\n", "", "row 2, column \"b\": holds a NUL byte");
	REJECT("a\0,b\n", "", "row 1, column 1: holds a NUL byte");
	REJECT("a,b\n\0\n", "", "row 2, column \"a\": holds a NUL byte");
}
END_TEST

START_TEST(short_and_long_rows)
{
	REJECT("a,b,c\n1,2,3\n4,5\n6,7,8\n", "2:[1][2][3]\n", "row 3 has 2 cells, the header has 3");
	REJECT("a,b,c\n1,2,3\n4,5,6,7\n", "2:[1][2][3]\n", "row 3 has 4 cells, the header has 3");
	REJECT("a,b\n1\n", "", "row 2 has 1 cell, the header has 2");
	/* The row number counts the blank line and not the quoted line break. */
	REJECT("a,b\n\n1,\"x\ny\"\n2\n", "3:[1][x\ny]\n", "row 4 has 1 cell, the header has 2");
}
END_TEST

START_TEST(header_names)
{
	REJECT("code,name,code\nA,B,C\n", "",
	       "row 1, column 3: duplicate column \"code\" (also column 1)");
	REJECT("code,,name\n", "", "row 1, column 2: empty column name");
	REJECT("code,\"\",name\n", "", "row 1, column 2: empty column name");
	REJECT("code,name,\n", "", "row 1, column 3: empty column name");
	/* Names are compared after trimming, as they are delivered. */
	REJECT("code, code \n", "", "row 1, column 2: duplicate column \"code\" (also column 1)");
	/* Case matters: these are two names. */
	ACCEPT("code,Code\n1,2\n", "1:[code][Code]\n", "2:[1][2]\n");
}
END_TEST

START_TEST(unterminated_quote)
{
	REJECT("a,b\n1,2\n3,\"open\n", "2:[1][2]\n",
	       "row 3, column \"b\": quoted cell not closed at the end of the input");
	REJECT("a,b\n1,\"x\"\"", "", "row 2, column \"b\": quoted cell not closed at the end of the input");
	REJECT("\"a", "", "row 1, column 1: quoted cell not closed at the end of the input");
}
END_TEST

START_TEST(stray_quote)
{
	REJECT("a,b\n1,x\"y\n", "",
	       "row 2, column \"b\": stray quote (quote the whole cell and double the quotes "
	       "inside it)");
	REJECT("a,b\n\"1\"x,2\n", "",
	       "row 2, column \"a\": stray quote (quote the whole cell and double the quotes "
	       "inside it)");
}
END_TEST

START_TEST(missing_file_and_read_error)
{
	struct seen s = {0};
	char err[512];

	ck_assert_int_eq(io_csv_read("/nonexistent/nsatu/x.csv", collect, &s, err, sizeof err),
			 ST_INVALID);
	ck_assert_str_eq(err, "cannot open: No such file or directory");
	ck_assert_uint_eq(s.nrows, 0);
	/* A directory opens but does not read. */
	ck_assert_int_eq(io_csv_read("/tmp", collect, &s, err, sizeof err), ST_INTERNAL);
	ck_assert_str_eq(err, "read error: Is a directory");
}
END_TEST

/* Long column names are shortened in messages, at a character boundary,
 * and a message cut short by a small buffer is still valid UTF-8. */
START_TEST(messages_stay_short_and_utf8)
{
	char name[128], text[512], err[512], small[25];
	struct seen s = {0};
	size_t len = 1;

	name[0] = 'x';   /* so that byte 48 falls inside a character */
	for (int i = 0; i < 30; i++) {
		memcpy(name + len, "\xC3\xA9", 2);   /* e acute */
		len += 2;
	}
	name[len] = '\0';
	len = (size_t)snprintf(text, sizeof text, "id,%s\n1,\xFF\n", name);
	ck_assert_int_eq(run(text, len, &s, err, sizeof err), ST_INVALID);
	ck_assert_str_eq(err, "row 2, column \"x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
			      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
			      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
			      "\xC3\xA9...\": not valid UTF-8");

	/* "row 2, column \"x" is 16 bytes: 8 more hold 4 characters, 7 hold 3. */
	ck_assert_int_eq(io_csv_parse(text, len, collect, &s, small, 25), ST_INVALID);
	ck_assert_str_eq(small, "row 2, column \"x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
	ck_assert_int_eq(io_csv_parse(text, len, collect, &s, small, 24), ST_INVALID);
	ck_assert_str_eq(small, "row 2, column \"x\xC3\xA9\xC3\xA9\xC3\xA9");
	/* No buffer at all is allowed. */
	ck_assert_int_eq(io_csv_parse(text, len, collect, &s, NULL, 0), ST_INVALID);

	/* Control characters in a name do not reach the message. */
	REJECT("id,\"a\nb\"\n1,\xFF\n", "", "row 2, column \"a?b\": not valid UTF-8");
}
END_TEST

/* ---- Callbacks and volume. --------------------------------------------- */

START_TEST(callback_stops_early)
{
	struct seen s = {.stop_at = 3, .stop_rc = ST_CONFLICT};
	char err[512];

	ck_assert_int_eq(RUN("a,b\n1,2\n3,4\n5,6\n7,8\n", &s, err), ST_CONFLICT);
	ck_assert_str_eq(s.rows, "2:[1][2]\n3:[3][4]\n");
	ck_assert_str_eq(err, "");
	/* Even when the rest of the input is broken. */
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	s.stop_rc = ST_INTERNAL;
	ck_assert_int_eq(RUN("a,b\n1,2\n\xFF,\"", &s, err), ST_INTERNAL);
	ck_assert_str_eq(s.rows, "2:[1][2]\n");
}
END_TEST

struct sum {
	size_t rows;
	unsigned long long qty_sum;
	size_t next_row;
};

static int sum_row(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct sum *s = arg;
	char *end;
	unsigned long long q;

	ck_assert_uint_eq(row->n, 3);
	ck_assert_str_eq(hdr->cells[2], "qty");
	ck_assert_uint_eq(row->row, s->next_row);
	q = strtoull(row->cells[2], &end, 10);
	ck_assert(*end == '\0');
	s->qty_sum += q;
	s->rows++;
	s->next_row++;
	return ST_OK;
}

/* 100 000 rows, some quoted with line breaks, through both entry points. */
START_TEST(many_rows_stream)
{
	enum { N = 100000 };
	size_t cap = (size_t)N * 64, len = 0;
	char *text = malloc(cap);
	unsigned long long want = 0;
	struct sum s = {.next_row = 2};
	char err[512];

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text, cap, "id,name,qty\r\n");
	for (unsigned i = 0; i < N; i++) {
		unsigned q = (i * 7919u) % 100003u;

		want += q;
		if (i % 10 == 0)
			len += (size_t)snprintf(text + len, cap - len, "%u,\"item, \"\"%u\"\"\nline two\",%u\r\n",
					       i, i, q);
		else
			len += (size_t)snprintf(text + len, cap - len, "%u,item %u,%u\r\n", i, i, q);
	}
	ck_assert_int_eq(io_csv_parse(text, len, sum_row, &s, err, sizeof err), ST_OK);
	ck_assert_uint_eq(s.rows, N);
	ck_assert_uint_eq(s.qty_sum, want);

	write_tmp(text, len);
	free(text);
	memset(&s, 0, sizeof s);
	s.next_row = 2;
	ck_assert_int_eq(io_csv_read(tmp_path, sum_row, &s, err, sizeof err), ST_OK);
	unlink(tmp_path);
	ck_assert_uint_eq(s.rows, N);
	ck_assert_uint_eq(s.qty_sum, want);
}
END_TEST

Suite *suite_csv(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, plain_rows);
	tcase_add_test(tc, bom_is_dropped);
	tcase_add_test(tc, crlf_and_cr);
	tcase_add_test(tc, quoting);
	tcase_add_test(tc, spaces_outside_quotes_trimmed);
	tcase_add_test(tc, no_final_newline);
	tcase_add_test(tc, empty_cells);
	tcase_add_test(tc, blank_lines_skipped_and_counted);
	tcase_add_test(tc, header_only);
	tcase_add_test(tc, max_columns);
	tcase_add_test(tc, cell_length_limit);
	tcase_add_test(tc, unclosed_quote_is_bounded);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, latin1_in_row_3);
	tcase_add_test(tc, bad_utf8_in_header);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, short_and_long_rows);
	tcase_add_test(tc, header_names);
	tcase_add_test(tc, unterminated_quote);
	tcase_add_test(tc, stray_quote);
	tcase_add_test(tc, missing_file_and_read_error);
	tcase_add_test(tc, messages_stay_short_and_utf8);
	tcase_add_test(tc, callback_stops_early);
	tcase_add_test(tc, many_rows_stream);
	suite_add_tcase(s, tc);
	return s;
}
