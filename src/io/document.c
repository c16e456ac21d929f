/*
 * document.c - a shipment's transfer document as PDF (libharu), with a
 * DataMatrix of its payload (libdmtx).
 *
 * A4 portrait: the title and the DataMatrix at the top, the shipment's
 * header fields, a table of its lines (item, quantity, allocation,
 * serials), and boxes for the signatures at hand-over.  Every cell wraps
 * within its column; a row that does not fit the page goes on under the
 * repeated table head of the next, so that a line with thousands of
 * serials prints whole.  Each page ends with "page i of n".
 *
 * The PDF standard fonts are used in WinAnsiEncoding, so the document
 * needs no font files: characters beyond Latin-1 print as '?' (the fields
 * shown are codes, numbers and dates).  The payload is also written into
 * the document's Subject, where a program can read it without a scanner.
 */
#include "io.h"

#include <dmtx.h>
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Geometry in points (1/72 inch). */
#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define LEFT 50.0f
#define RIGHT (PAGE_W - 50.0f)
#define TOP (PAGE_H - 56.0f)   /* the first baseline */
#define BOTTOM 70.0f           /* the lowest baseline above the footer */
#define FOOTER 40.0f
#define SIZE 9.0f              /* body text */
#define LEADING 11.5f
#define GAP 6.0f               /* between columns */
#define SYMBOL 92.0f           /* the DataMatrix's side, without quiet zone */
#define MAX_PAGES 2000
#define MAX_SYMBOL_TEXT 1000   /* bytes a DataMatrix is asked to hold */

/* ---- DataMatrix. -------------------------------------------------------------- */

int io_datamatrix(const char *text, size_t len, struct io_matrix *m)
{
	unsigned char copy[MAX_SYMBOL_TEXT];
	DmtxEncode *enc;
	int rc = ST_OK;

	memset(m, 0, sizeof *m);
	if (len == 0 || len > sizeof copy)
		return ST_INVALID;
	/* libdmtx takes the text as non-const. */
	memcpy(copy, text, len);
	if (!(enc = dmtxEncodeCreate()))
		return ST_INTERNAL;
	/* One pixel per module and no margin: only the module pattern is used. */
	dmtxEncodeSetProp(enc, DmtxPropSizeRequest, DmtxSymbolSquareAuto);
	dmtxEncodeSetProp(enc, DmtxPropModuleSize, 1);
	dmtxEncodeSetProp(enc, DmtxPropMarginSize, 0);
	if (dmtxEncodeDataMatrix(enc, (int)len, copy) != DmtxPass) {
		rc = ST_INVALID;
		goto done;
	}
	m->rows = enc->region.symbolRows;
	m->cols = enc->region.symbolCols;
	if (m->rows <= 0 || m->cols <= 0 ||
	    !(m->dark = calloc((size_t)m->rows * (size_t)m->cols, 1))) {
		rc = ST_INTERNAL;
		goto done;
	}
	for (int r = 0; r < m->rows; r++) {
		for (int c = 0; c < m->cols; c++)
			m->dark[(size_t)r * (size_t)m->cols + (size_t)c] =
				(dmtxSymbolModuleStatus(enc->message, enc->region.sizeIdx, r, c) &
				 DmtxModuleOnRed) != 0;
	}
done:
	dmtxEncodeDestroy(&enc);
	if (rc != ST_OK)
		io_matrix_free(m);
	return rc;
}

void io_matrix_free(struct io_matrix *m)
{
	free(m->dark);
	memset(m, 0, sizeof *m);
}

/* ---- Text. ---------------------------------------------------------------------- */

/*
 * UTF-8 @s as WinAnsi bytes (malloc'd, NUL-terminated; NULL on OOM):
 * Latin-1 letters map to their byte, control characters to spaces, and
 * anything else to '?'.
 */
static char *winansi(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F) {
			out[o++] = (char)c;
			i++;
		} else if (c < 0x80) {
			out[o++] = ' ';
			i++;
		} else if ((c == 0xC2 || c == 0xC3) && i + 1 < n &&
			   ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
			out[o++] = cp >= 0xA0 ? (char)cp : '?';
			i += 2;
		} else {
			/* One '?' for the whole sequence: skip its continuation bytes. */
			out[o++] = '?';
			for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
				;
		}
	}
	out[o] = '\0';
	return out;
}

/* How many bytes of @s (@n) fit on one line of @width: whole words when
 * they can, else as many characters as fit, at least one. */
static size_t fit(HPDF_Font f, float size, const char *s, size_t n, float width)
{
	const HPDF_BYTE *b = (const HPDF_BYTE *)s;
	HPDF_UINT k = HPDF_Font_MeasureText(f, b, (HPDF_UINT)n, width, size, 0, 0, HPDF_TRUE, NULL);

	if (k == 0)
		k = HPDF_Font_MeasureText(f, b, (HPDF_UINT)n, width, size, 0, 0, HPDF_FALSE, NULL);
	return k ? k : 1;
}

static float text_width(HPDF_Font f, float size, const char *s, size_t n)
{
	return HPDF_Font_TextWidth(f, (const HPDF_BYTE *)s, (HPDF_UINT)n).width * size / 1000;
}

/* ---- The document being drawn. --------------------------------------------------- */

struct doc {
	HPDF_Doc pdf;
	HPDF_Font regular, bold, mono;
	HPDF_Page page, *pages;
	size_t npages, cap;
	float y;                 /* the next baseline */
	float symbol_bottom;     /* below it, text may use the whole width */
	const char *id;          /* the shipment, for running heads and footers */
	HPDF_STATUS error, detail;
	bool too_long, oom;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	struct doc *d = user_data;

	if (!d->error) {
		d->error = error_no;
		d->detail = detail_no;
	}
}

static bool ok(const struct doc *d) { return !d->error && !d->too_long && !d->oom; }

static void text_at(struct doc *d, HPDF_Font f, float size, float x, float y, const char *s,
		    size_t n)
{
	char line[1024];

	if (n >= sizeof line)
		n = sizeof line - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, f, size);
	HPDF_Page_TextOut(d->page, x, y, line);
	HPDF_Page_EndText(d->page);
}

static void rule(struct doc *d, float y, float gray, float width)
{
	HPDF_Page_SetGrayStroke(d->page, gray);
	HPDF_Page_SetLineWidth(d->page, width);
	HPDF_Page_MoveTo(d->page, LEFT, y);
	HPDF_Page_LineTo(d->page, RIGHT, y);
	HPDF_Page_Stroke(d->page);
}

/* A new page; those after the first start with a running head. */
static bool new_page(struct doc *d)
{
	if (d->npages == MAX_PAGES) {
		d->too_long = true;
		return false;
	}
	if (d->npages == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		HPDF_Page *p = realloc(d->pages, cap * sizeof *p);
		if (!p) {
			d->oom = true;
			return false;
		}
		d->pages = p;
		d->cap = cap;
	}
	if (!(d->page = HPDF_AddPage(d->pdf)))
		return false;
	d->pages[d->npages++] = d->page;
	HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	d->y = TOP;
	if (d->npages > 1) {
		char head[96];
		int n = snprintf(head, sizeof head, "Transfer document %s (continued)", d->id);
		text_at(d, d->bold, SIZE, LEFT, d->y, head, (size_t)n);
		d->y -= 2 * LEADING;
	}
	return ok(d);
}

/* Room for @height below the current baseline, else a new page. */
static bool room(struct doc *d, float height)
{
	return d->y - height >= BOTTOM || new_page(d);
}

/* ---- Rows of wrapped cells. ----------------------------------------------------- */

struct cell {
	const char *text;   /* WinAnsi */
	size_t len, pos;    /* text[pos..len) is still to draw */
	HPDF_Font font;
	float x, width;
	bool right;         /* right-aligned (numbers) */
};

static void cell_set(struct cell *c, const char *text, HPDF_Font font, float x, float width,
		     bool right)
{
	*c = (struct cell){text, strlen(text), 0, font, x, width, right};
}

/*
 * Draw @n cells side by side, each wrapped to its width, one text line at
 * a time.  When the page is full the row goes on on the next, after
 * @head (the table head; NULL for none) is drawn there.
 */
static bool draw_row(struct doc *d, struct cell *cells, size_t n,
		     bool (*head)(struct doc *d))
{
	for (;;) {
		bool left = false;
		for (size_t i = 0; i < n; i++)
			left |= cells[i].pos < cells[i].len;
		if (!left)
			return ok(d);
		if (d->y < BOTTOM && (!new_page(d) || (head && !head(d))))
			return false;
		for (size_t i = 0; i < n; i++) {
			struct cell *c = &cells[i];
			if (c->pos >= c->len)
				continue;
			const char *s = c->text + c->pos;
			size_t k = fit(c->font, SIZE, s, c->len - c->pos, c->width), shown = k;
			while (shown > 0 && s[shown - 1] == ' ')
				shown--;
			float x = c->x;
			if (c->right)
				x += c->width - text_width(c->font, SIZE, s, shown);
			text_at(d, c->font, SIZE, x, d->y, s, shown);
			c->pos += k;
			while (c->pos < c->len && c->text[c->pos] == ' ')
				c->pos++;
		}
		d->y -= LEADING;
		if (!ok(d))
			return false;
	}
}

/* ---- The parts of the document. --------------------------------------------------- */

static const char *field(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

/* The DataMatrix at the top right, each dark module a filled square. */
static bool draw_symbol(struct doc *d, const struct io_matrix *m)
{
	int side = m->rows > m->cols ? m->rows : m->cols;
	float module = SYMBOL / (float)side;
	float x0 = RIGHT - module * (float)m->cols, y0 = PAGE_H - 40.0f - SYMBOL;

	HPDF_Page_SetGrayFill(d->page, 0);
	for (int r = 0; r < m->rows; r++) {
		for (int c = 0; c < m->cols; c++) {
			if (m->dark[(size_t)r * (size_t)m->cols + (size_t)c])
				HPDF_Page_Rectangle(d->page, x0 + module * (float)c,
						    y0 + module * (float)r, module, module);
		}
	}
	HPDF_Page_Fill(d->page);
	/* Two modules of quiet zone, which scanners need to find the symbol. */
	d->symbol_bottom = y0 - 2 * module;
	return ok(d);
}

/* Title, then the shipment's header fields beside the DataMatrix. */
static bool draw_header(struct doc *d, const json_t *ship, const char *payload)
{
	static const struct {
		const char *label, *key;
		bool optional;   /* left out when null */
	} rows[] = {
		{"Shipment", "id", false},
		{"Nation", "nation", false},
		{"Purpose", "purpose", false},
		{"Origin", "origin", false},
		{"Route", "route", false},
		{"Hand-over point", "handover_point", false},
		{"Destination", "destination", false},
		{"Repair order", "repair_order", true},
		{"Planned departure", "planned_departure", false},
		{"Planned arrival", "planned_arrival", false},
		{"Status", "status", false},
	};
	const float label_w = 100, value_x = LEFT + label_w + GAP;
	const float value_w = RIGHT - SYMBOL - 3 * GAP - value_x;
	struct cell cells[2];

	text_at(d, d->bold, 18, LEFT, d->y, "TRANSFER DOCUMENT", 17);
	d->y -= 16;
	text_at(d, d->regular, SIZE, LEFT, d->y, "nsatu - security assistance to Ukraine", 38);
	d->y -= 2 * LEADING;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		json_t *v = json_object_get(ship, rows[i].key);
		if (rows[i].optional && !json_is_string(v))
			continue;
		char *value = winansi(field(ship, rows[i].key));
		if (!value) {
			d->oom = true;
			return false;
		}
		cell_set(&cells[0], rows[i].label, d->bold, LEFT, label_w, false);
		cell_set(&cells[1], value, d->regular, value_x, value_w, false);
		bool drawn = draw_row(d, cells, 2, NULL);
		free(value);
		if (!drawn)
			return false;
	}
	/* The payload in print, for when no scanner is at hand. */
	if (d->y > d->symbol_bottom - LEADING)
		d->y = d->symbol_bottom - LEADING;
	cell_set(&cells[0], "Document code", d->bold, LEFT, label_w, false);
	cell_set(&cells[1], payload, d->mono, value_x, RIGHT - value_x, false);
	return draw_row(d, cells, 2, NULL);
}

static const struct column {
	const char *title;
	float width;   /* 0: the rest of the line */
	bool right;
} COLUMNS[] = {
	{"#", 18, true},
	{"Item", 104, false},
	{"Quantity", 46, true},
	{"Allocation", 128, false},
	{"Serials", 0, false},
};
#define NCOLUMNS (sizeof COLUMNS / sizeof *COLUMNS)

/* The left edges and widths of the columns. */
static void column_layout(float x[NCOLUMNS], float w[NCOLUMNS])
{
	float at = LEFT;

	for (size_t i = 0; i < NCOLUMNS; i++) {
		x[i] = at;
		w[i] = COLUMNS[i].width ? COLUMNS[i].width : RIGHT - at;
		at += w[i] + GAP;
	}
}

static bool table_head(struct doc *d)
{
	float x[NCOLUMNS], w[NCOLUMNS];

	column_layout(x, w);
	for (size_t i = 0; i < NCOLUMNS; i++) {
		const char *t = COLUMNS[i].title;
		float at = COLUMNS[i].right ? x[i] + w[i] - text_width(d->bold, SIZE, t, strlen(t))
					    : x[i];
		text_at(d, d->bold, SIZE, at, d->y, t, strlen(t));
	}
	rule(d, d->y - 4, 0, 0.8f);
	d->y -= LEADING + 3;
	return ok(d);
}

/* "a;b; c" as "a; b; c", so that the list wraps between serials. */
static char *serial_list(const char *serials)
{
	size_t n = strlen(serials), o = 0;
	char *out = malloc(2 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (serials[i] == ';') {
			out[o++] = ';';
			out[o++] = ' ';
			while (i + 1 < n && (serials[i + 1] == ' ' || serials[i + 1] == '\t'))
				i++;
		} else {
			out[o++] = serials[i];
		}
	}
	out[o] = '\0';
	return out;
}

static bool draw_line(struct doc *d, size_t index, const json_t *line)
{
	float x[NCOLUMNS], w[NCOLUMNS];
	struct cell cells[NCOLUMNS];
	char num[24], qty[24];
	const char *serials = json_string_value(json_object_get(line, "serials"));
	char *item = winansi(field(line, "item")), *alloc = winansi(field(line, "allocation"));
	char *list = serials ? serial_list(serials) : NULL, *list_w = list ? winansi(list) : NULL;
	bool drawn = false;

	if (!item || !alloc || (serials && !list_w)) {
		d->oom = true;
		goto done;
	}
	column_layout(x, w);
	snprintf(num, sizeof num, "%zu", index + 1);
	snprintf(qty, sizeof qty, "%lld",
		 (long long)json_integer_value(json_object_get(line, "quantity")));
	cell_set(&cells[0], num, d->regular, x[0], w[0], true);
	cell_set(&cells[1], item, d->regular, x[1], w[1], false);
	cell_set(&cells[2], qty, d->regular, x[2], w[2], true);
	cell_set(&cells[3], alloc, d->regular, x[3], w[3], false);
	cell_set(&cells[4], list_w ? list_w : "-", d->regular, x[4], w[4], false);
	drawn = draw_row(d, cells, NCOLUMNS, table_head);
	if (drawn)
		rule(d, d->y + LEADING - 3.5f, 0.75f, 0.4f);
done:
	free(item);
	free(alloc);
	free(list);
	free(list_w);
	return drawn && ok(d);
}

static bool draw_lines(struct doc *d, const json_t *lines)
{
	char head[48];
	size_t i;
	const json_t *line;

	if (!room(d, 4 * LEADING))
		return false;
	d->y -= LEADING;
	int n = snprintf(head, sizeof head, "Lines (%zu)", json_array_size(lines));
	text_at(d, d->bold, 11, LEFT, d->y, head, (size_t)n);
	d->y -= 1.5f * LEADING;
	if (json_array_size(lines) == 0) {
		text_at(d, d->regular, SIZE, LEFT, d->y, "This shipment has no lines.", 27);
		d->y -= LEADING;
		return ok(d);
	}
	if (!table_head(d))
		return false;
	json_array_foreach(lines, i, line) {
		if (!draw_line(d, i, line))
			return false;
	}
	return true;
}

/* Two boxes for the names and signatures of who hands over and who takes over. */
static bool draw_signatures(struct doc *d)
{
	static const char *const who[] = {"Handed over by (name, signature, date)",
					  "Taken over by (name, signature, date)"};
	const float h = 56, w = (RIGHT - LEFT - 2 * GAP) / 2;

	if (!room(d, h + 3 * LEADING))
		return false;
	d->y -= 2 * LEADING;
	HPDF_Page_SetGrayStroke(d->page, 0);
	HPDF_Page_SetLineWidth(d->page, 0.6f);
	for (size_t i = 0; i < 2; i++) {
		float x = LEFT + (float)i * (w + 2 * GAP);
		HPDF_Page_Rectangle(d->page, x, d->y - h, w, h + LEADING);
		HPDF_Page_Stroke(d->page);
		text_at(d, d->regular, 8, x + 4, d->y, who[i], strlen(who[i]));
	}
	d->y -= h + LEADING;
	return ok(d);
}

/* "page i of n" and the document's name at the foot of every page. */
static bool draw_footers(struct doc *d)
{
	char stamp[32], left[160], right[48];
	time_t now = time(NULL);

	time_format((int64_t)now * 1000, stamp);
	stamp[10] = ' ';   /* "YYYY-MM-DD HH:MM:SS" */
	stamp[19] = '\0';
	int ln = snprintf(left, sizeof left, "nsatu transfer document %s, printed %s UTC", d->id,
			  stamp);
	for (size_t i = 0; i < d->npages; i++) {
		d->page = d->pages[i];
		int rn = snprintf(right, sizeof right, "page %zu of %zu", i + 1, d->npages);
		rule(d, FOOTER + 10, 0.5f, 0.4f);
		text_at(d, d->regular, 8, LEFT, FOOTER, left, (size_t)ln);
		text_at(d, d->regular, 8, RIGHT - text_width(d->regular, 8, right, (size_t)rn),
			FOOTER, right, (size_t)rn);
	}
	return ok(d);
}

/* The finished document into a malloc'd buffer. */
static int save(struct doc *d, char **pdf, size_t *len)
{
	HPDF_UINT32 total, got = 0;
	char *buf;

	if (HPDF_SaveToStream(d->pdf) != HPDF_OK || !ok(d))
		return ST_INTERNAL;
	total = HPDF_GetStreamSize(d->pdf);
	if (total == 0 || !(buf = malloc(total)))
		return ST_INTERNAL;
	while (got < total) {
		HPDF_UINT32 n = total - got;
		HPDF_STATUS st = HPDF_ReadFromStream(d->pdf, (HPDF_BYTE *)buf + got, &n);
		got += n;
		if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || n == 0)
			break;
	}
	if (got != total) {
		free(buf);
		return ST_INTERNAL;
	}
	*pdf = buf;
	*len = total;
	return ST_OK;
}

int io_shipment_pdf(const json_t *shipment, const json_t *lines, const char *payload,
		    char **pdf, size_t *len, char *errbuf, size_t errlen)
{
	struct doc d = {.id = field(shipment, "id")};
	struct io_matrix m;
	char title[96];
	int rc;

	if (errlen)
		errbuf[0] = '\0';
	if (!json_is_object(shipment) || !json_is_array(lines) || !payload) {
		snprintf(errbuf, errlen, "a transfer document needs a shipment, lines and a "
			 "payload");
		return ST_INVALID;
	}
	if ((rc = io_datamatrix(payload, strlen(payload), &m)) != ST_OK) {
		snprintf(errbuf, errlen, "the payload does not fit a DataMatrix");
		return rc;
	}
	if (!(d.pdf = HPDF_New(on_error, &d))) {
		io_matrix_free(&m);
		snprintf(errbuf, errlen, "out of memory starting the PDF");
		return ST_INTERNAL;
	}
	/* Compression needs a libharu built with zlib; without, the PDF is larger. */
	if (HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL) != HPDF_OK) {
		HPDF_ResetError(d.pdf);
		d.error = d.detail = 0;
	}
	snprintf(title, sizeof title, "Transfer document %s", d.id);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_TITLE, title);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_SUBJECT, payload);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "nsatu");
	d.regular = HPDF_GetFont(d.pdf, "Helvetica", "WinAnsiEncoding");
	d.bold = HPDF_GetFont(d.pdf, "Helvetica-Bold", "WinAnsiEncoding");
	d.mono = HPDF_GetFont(d.pdf, "Courier", "WinAnsiEncoding");
	if (ok(&d) && new_page(&d) && draw_symbol(&d, &m) && draw_header(&d, shipment, payload) &&
	    draw_lines(&d, lines) && draw_signatures(&d) && draw_footers(&d))
		rc = save(&d, pdf, len);
	else
		rc = d.too_long ? ST_INVALID : ST_INTERNAL;
	if (rc != ST_OK && d.too_long)
		snprintf(errbuf, errlen, "the document would have more than %d pages", MAX_PAGES);
	else if (rc != ST_OK && d.oom)
		snprintf(errbuf, errlen, "out of memory writing the PDF");
	else if (rc != ST_OK)
		snprintf(errbuf, errlen, "the PDF library failed (error 0x%04X, detail %u)",
			 (unsigned)d.error, (unsigned)d.detail);
	HPDF_Free(d.pdf);
	free(d.pages);
	io_matrix_free(&m);
	return rc;
}
