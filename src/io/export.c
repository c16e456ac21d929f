/*
 * export.c - tables out: CSV (RFC 4180) and XLSX (libxlsxwriter).
 *
 * A table is a list of column keys and an array of JSON objects; a value is
 * written by its JSON type.  Text that a spreadsheet would take for a
 * formula (starting with = + - @ or a control character) is written with a
 * leading apostrophe in CSV, the usual defence against formula injection;
 * XLSX cells are typed, so they need none.
 */
#include "io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

size_t io_entity_columns(const struct espec *e, const char **cols, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < e->nfields && n < max; i++) {
		if (!(e->fields[i].flags & FS_PRIVATE))
			cols[n++] = e->fields[i].name;
	}
	return n;
}

static void csv_text(struct jbuf *b, const char *s, size_t n)
{
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	bool formula = n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
			     s[0] == '\t' || s[0] == '\r');

	for (size_t i = 0; !quote && i < n; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote && !formula) {
		jbuf_raw(b, s, n);
		return;
	}
	jbuf_lit(b, "\"");
	if (formula)
		jbuf_lit(b, "'");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			jbuf_lit(b, "\"\"");
		else
			jbuf_raw(b, s + i, 1);
	}
	jbuf_lit(b, "\"");
}

int io_write_csv(const char *const *columns, size_t ncols, const json_t *rows, struct jbuf *out)
{
	size_t i;
	json_t *row;

	for (size_t c = 0; c < ncols; c++) {
		if (c)
			jbuf_lit(out, ",");
		csv_text(out, columns[c], strlen(columns[c]));
	}
	jbuf_lit(out, "\r\n");
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, columns[c]);

			if (c)
				jbuf_lit(out, ",");
			if (json_is_string(v))
				csv_text(out, json_string_value(v), json_string_length(v));
			else if (json_is_integer(v))
				jbuf_int(out, json_integer_value(v));
			else if (json_is_real(v))
				jbuf_real(out, json_real_value(v));
			else if (json_is_true(v))
				jbuf_lit(out, "true");
			else if (json_is_false(v))
				jbuf_lit(out, "false");
		}
		jbuf_lit(out, "\r\n");
	}
	return out->failed ? ST_INTERNAL : ST_OK;
}

/* Read a whole file into memory (the caller frees *@data). */
static int slurp(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	*data = NULL;
	if (!f || fstat(fileno(f), &st) != 0 || !(*data = malloc((size_t)st.st_size + 1))) {
		if (f)
			fclose(f);
		return ST_INTERNAL;
	}
	*len = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (*len != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		return ST_INTERNAL;
	}
	return ST_OK;
}

int io_write_xlsx(const char *sheet, const char *title, const char *const *columns,
		  size_t ncols, const json_t *rows, const char *path, char **data, size_t *len,
		  char *errbuf, size_t errlen)
{
	char tmp[] = "/tmp/nsatu-xlsx-XXXXXX";
	const char *file = path;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_error err;
	size_t i;
	json_t *row;
	int fd;

	if (data) {
		/* libxlsxwriter 1.1 writes files only: use a private temporary one. */
		if ((fd = mkstemp(tmp)) < 0) {
			snprintf(errbuf, errlen, "cannot create a temporary file");
			return ST_INTERNAL;
		}
		close(fd);
		file = tmp;
	}
	if (!(wb = workbook_new(file))) {
		snprintf(errbuf, errlen, "cannot create %s", file);
		if (data)
			unlink(tmp);
		return ST_INTERNAL;
	}
	ws = workbook_add_worksheet(wb, sheet);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_row_t r = 0;
	if (title) {
		worksheet_write_string(ws, r, 0, title, bold);
		r += 2;
	}
	for (size_t c = 0; c < ncols; c++) {
		worksheet_write_string(ws, r, (lxw_col_t)c, columns[c], bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 16, NULL);
	}
	r++;
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, columns[c]);
			lxw_col_t col = (lxw_col_t)c;

			if (json_is_string(v))
				worksheet_write_string(ws, r, col, json_string_value(v), NULL);
			else if (json_is_number(v))
				worksheet_write_number(ws, r, col, json_number_value(v), NULL);
			else if (json_is_boolean(v))
				worksheet_write_boolean(ws, r, col, json_is_true(v), NULL);
		}
		r++;
	}
	err = workbook_close(wb);
	if (err != LXW_NO_ERROR) {
		snprintf(errbuf, errlen, "writing the workbook: %s", lxw_strerror(err));
		if (data)
			unlink(tmp);
		return ST_INTERNAL;
	}
	if (!data)
		return ST_OK;
	int rc = slurp(tmp, data, len);
	unlink(tmp);
	if (rc != ST_OK)
		snprintf(errbuf, errlen, "reading the workbook back");
	return rc;
}
