/*
 * test_document.c - transfer documents: the payload and its check code
 * (svc_payload_make, svc_payload_check), the key file
 * (svc_key_file_load), the DataMatrix (io_datamatrix, decoded back
 * with libdmtx, whole and damaged) and the PDF (io_shipment_pdf, whose
 * content streams are inflated to see what was drawn).
 */
#include "suites.h"

#include "io/io.h"
#include "svc/svc.h"

#include <dmtx.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ID "SHP-0195A3C2D1E0F00DBA5E"

static unsigned char KEY[SVC_KEY_LEN], OTHER[SVC_KEY_LEN];

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	randombytes_buf(KEY, sizeof KEY);
	randombytes_buf(OTHER, sizeof OTHER);
}

/* svc_payload_check of @payload under KEY, expecting ST_INVALID with a
 * reason containing @why (field "payload"). */
static void assert_rejected(const unsigned char *key, const char *payload, const char *why)
{
	struct verr err = {.field = ""};
	char id[SVC_SHIPMENT_ID_MAX] = "untouched";

	ck_assert_msg(svc_payload_check(key, payload, id, &err) == ST_INVALID,
		      "accepted: '%s'", payload);
	ck_assert_str_eq(err.field, "payload");
	ck_assert_msg(strstr(err.reason, why), "'%s': reason '%s' lacks '%s'", payload,
		      err.reason, why);
	ck_assert_str_eq(id, "untouched");
}

/* ==== The payload. ========================================================= */

START_TEST(payload_round_trip)
{
	char payload[SVC_PAYLOAD_MAX], again[SVC_PAYLOAD_MAX], id[SVC_SHIPMENT_ID_MAX];
	struct verr err = {.field = ""};

	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);
	ck_assert(strncmp(payload, "NSATU1|" ID "|", strlen("NSATU1|" ID "|")) == 0);
	ck_assert_uint_eq(strlen(payload), strlen("NSATU1|" ID "|") + 26);
	ck_assert_uint_eq(strspn(strrchr(payload, '|') + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
			  26);
	ck_assert_int_eq(svc_payload_check(KEY, payload, id, &err), ST_OK);
	ck_assert_str_eq(id, ID);
	/* The same id and key make the same payload; another id another code. */
	ck_assert_int_eq(svc_payload_make(KEY, ID, again), ST_OK);
	ck_assert_str_eq(payload, again);
	ck_assert_int_eq(svc_payload_make(KEY, "SHP-0195A3C2D1E0F00DBA5F", again), ST_OK);
	ck_assert_str_ne(strrchr(payload, '|'), strrchr(again, '|'));
	/* Only shipment ids go into payloads. */
	ck_assert_int_eq(svc_payload_make(KEY, "ALC-0195A3C2D1E0F00DBA5E", again), ST_INVALID);
	ck_assert_int_eq(svc_payload_make(KEY, "SHP-", again), ST_INVALID);
	ck_assert_int_eq(svc_payload_make(KEY, "SHP-abc", again), ST_INVALID);
}
END_TEST

/* Another character of the same kind (id: A-Z 0-9; code: A-Z 2-7), so that
 * the payload stays well-formed and only the check can tell. */
static char same_kind(char c)
{
	return c == 'Z' || c == '9' || c == '7' ? (char)(c - 1) : (char)(c + 1);
}

/* Every single changed character of the id or the check code is caught. */
START_TEST(payload_one_character_changed)
{
	char payload[SVC_PAYLOAD_MAX], forged[SVC_PAYLOAD_MAX];
	size_t start = strlen("NSATU1|SHP-"), n, tried = 0;

	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);
	n = strlen(payload);
	for (size_t i = start; i < n; i++) {
		if (payload[i] == '|')
			continue;
		memcpy(forged, payload, n + 1);
		forged[i] = same_kind(payload[i]);
		assert_rejected(KEY, forged, "fails its check");
		tried++;
	}
	ck_assert_uint_eq(tried, strlen(ID) - 4 + 26);
}
END_TEST

START_TEST(payload_malformed)
{
	char good[SVC_PAYLOAD_MAX], buf[256];
	const char *code;

	ck_assert_int_eq(svc_payload_make(KEY, ID, good), ST_OK);
	code = strrchr(good, '|') + 1;
	static const struct {
		const char *payload, *why;
	} fixed[] = {
		{"", "is empty"},
		{"NSATU1", "does not start with NSATU1|"},
		{"NSATU2|" ID "|AAAAAAAAAAAAAAAAAAAAAAAAAA", "does not start with NSATU1|"},
		{"nsatu1|" ID "|AAAAAAAAAAAAAAAAAAAAAAAAAA", "does not start with NSATU1|"},
		{"https://example.org/x", "does not start with NSATU1|"},
		{"NSATU1|" ID, "is truncated"},
		{"NSATU1|" ID "|", "check code of 0 characters"},
		{"NSATU1|" ID "|AAAA|AAAA", "more parts"},
		{"NSATU1||AAAAAAAAAAAAAAAAAAAAAAAAAA", "no valid shipment id"},
		{"NSATU1|ALC-0195A3C2D1E0F00DBA5E|AAAAAAAAAAAAAAAAAAAAAAAAAA",
		 "no valid shipment id"},
		{"NSATU1|SHP-0195a3c2d1e0f00dba5e|AAAAAAAAAAAAAAAAAAAAAAAAAA",
		 "no valid shipment id"},
		{"NSATU1|" ID "|aaaaaaaaaaaaaaaaaaaaaaaaaa", "other than A-Z and 2-7"},
		{"NSATU1|" ID "|AAAAAAAAAAAAAAAAAAAAAAAA01", "other than A-Z and 2-7"},
		{"NSATU1|" ID "|AAAAAAAAAAAAAAAAAAAAAAAAAA", "fails its check"},
		{"NSATU1|SHP-\xC3\x89|AAAAAAAAAAAAAAAAAAAAAAAAAA", "not printable ASCII"},
		{"NSATU1| " ID "|AAAAAAAAAAAAAAAAAAAAAAAAAA", "character 8 is not printable"},
		{"NSATU1|" ID "|AAAAAAAAAAAAAAAAAAAAAAAAAA\n", "not printable ASCII"},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		assert_rejected(KEY, fixed[i].payload, fixed[i].why);

	/* Truncated by one character, and by the whole check code. */
	snprintf(buf, sizeof buf, "%.*s", (int)strlen(good) - 1, good);
	assert_rejected(KEY, buf, "check code of 25 characters");
	snprintf(buf, sizeof buf, "%.*s", (int)(code - good) - 1, good);
	assert_rejected(KEY, buf, "is truncated");
	/* One character too many, and far too long. */
	snprintf(buf, sizeof buf, "%sA", good);
	assert_rejected(KEY, buf, "check code of 27 characters");
	memset(buf, 'A', 200);
	buf[200] = '\0';
	assert_rejected(KEY, buf, "at most 74");
	/* An id of 41 characters (with a short code, to stay under 74). */
	snprintf(buf, sizeof buf, "NSATU1|SHP-%s|AAAA", "0123456789ABCDEF0123456789ABCDEF01234");
	assert_rejected(KEY, buf, "no valid shipment id");
	/* A right code for another shipment. */
	snprintf(buf, sizeof buf, "NSATU1|SHP-0195A3C2D1E0F00DBA5F|%s", code);
	assert_rejected(KEY, buf, "fails its check");
}
END_TEST

START_TEST(payload_other_key)
{
	char payload[SVC_PAYLOAD_MAX], id[SVC_SHIPMENT_ID_MAX];
	struct verr err = {.field = ""};

	ck_assert_int_eq(svc_payload_make(OTHER, ID, payload), ST_OK);
	assert_rejected(KEY, payload, "another nsatu installation");
	ck_assert_int_eq(svc_payload_check(OTHER, payload, id, &err), ST_OK);
}
END_TEST

/* ==== The key file. ========================================================= */

static char dir[64];

static void key_setup(void)
{
	setup();
	snprintf(dir, sizeof dir, "/tmp/nsatu-key-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void key_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *name, const void *data, size_t len, mode_t mode, char *path)
{
	FILE *f;

	snprintf(path, 128, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void assert_key_refused(const char *path, bool create, const char *why)
{
	unsigned char key[SVC_KEY_LEN] = {0};
	char err[512];
	bool created = true;

	ck_assert_int_eq(svc_key_file_load(path, create, key, &created, err, sizeof err),
			 ST_INVALID);
	ck_assert_msg(strstr(err, why), "%s: '%s' lacks '%s'", path, err, why);
	ck_assert(!created);
	for (size_t i = 0; i < sizeof key; i++)
		ck_assert_int_eq(key[i], 0);
}

START_TEST(key_file_rules)
{
	unsigned char raw[40], a[SVC_KEY_LEN], b[SVC_KEY_LEN];
	char hex[2 * sizeof raw + 2], path[128], err[512];
	bool created;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);

	put("open.key", raw, 32, 0644, path);
	assert_key_refused(path, false, "group or others");
	put("group.key", raw, 32, 0640, path);
	assert_key_refused(path, false, "chmod 600");
	put("short.key", raw, 31, 0600, path);
	assert_key_refused(path, false, "at least 32");
	put("shorthex.key", hex, 62, 0600, path);
	assert_key_refused(path, false, "at least 64");
	put("empty.key", "", 0, 0600, path);
	assert_key_refused(path, false, "at least 32");
	snprintf(path, sizeof path, "%s/missing.key", dir);
	assert_key_refused(path, false, "cannot open");
	assert_key_refused(dir, false, "not a regular file");

	/* Raw bytes and the same bytes as hex (with a line end) give one key. */
	put("raw.key", raw, sizeof raw, 0600, path);
	ck_assert_int_eq(svc_key_file_load(path, false, a, &created, err, sizeof err), ST_OK);
	ck_assert(!created);
	hex[2 * sizeof raw] = '\n';
	put("hex.key", hex, 2 * sizeof raw + 1, 0400, path);
	ck_assert_int_eq(svc_key_file_load(path, false, b, &created, err, sizeof err), ST_OK);
	ck_assert(memcmp(a, b, sizeof a) == 0);
}
END_TEST

START_TEST(key_file_created)
{
	unsigned char a[SVC_KEY_LEN], b[SVC_KEY_LEN];
	char path[128], err[512], text[80] = "";
	struct stat st;
	bool created = false;
	FILE *f;

	snprintf(path, sizeof path, "%s/db.document-key", dir);
	ck_assert_msg(svc_key_file_load(path, true, a, &created, err, sizeof err) == ST_OK,
		      "%s", err);
	ck_assert(created);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 65);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(text, sizeof text, f));
	fclose(f);
	ck_assert_uint_eq(strspn(text, "0123456789abcdef"), 64);
	/* Found the second time, with the same key. */
	ck_assert_int_eq(svc_key_file_load(path, true, b, &created, err, sizeof err), ST_OK);
	ck_assert(!created);
	ck_assert(memcmp(a, b, sizeof a) == 0);
	/* No temporary file is left behind. */
	char cmd[160];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ==== The DataMatrix. ========================================================== */

#define PX 6      /* pixels per module */
#define QUIET 4   /* modules of quiet zone */

/* @m as a 24-bit RGB image for libdmtx, dark modules black.  Pixels are
 * set through libdmtx, so that its y axis (upwards) is used, as in PDF.
 * The caller frees *@pxl. */
static void render(const struct io_matrix *m, unsigned char **pxl, int *w, int *h)
{
	DmtxImage *img;

	*w = (m->cols + 2 * QUIET) * PX;
	*h = (m->rows + 2 * QUIET) * PX;
	*pxl = malloc((size_t)*w * (size_t)*h * 3);
	ck_assert_ptr_nonnull(*pxl);
	memset(*pxl, 255, (size_t)*w * (size_t)*h * 3);
	img = dmtxImageCreate(*pxl, *w, *h, DmtxPack24bppRGB);
	ck_assert_ptr_nonnull(img);
	for (int r = 0; r < m->rows; r++) {
		for (int c = 0; c < m->cols; c++) {
			if (!m->dark[(size_t)r * (size_t)m->cols + (size_t)c])
				continue;
			for (int y = 0; y < PX; y++)
				for (int x = 0; x < PX; x++)
					for (int ch = 0; ch < 3; ch++)
						dmtxImageSetPixelValue(img, (QUIET + c) * PX + x,
								       (QUIET + r) * PX + y, ch, 0);
		}
	}
	dmtxImageDestroy(&img);
}

/* What libdmtx reads in the image: a malloc'd text, or NULL for nothing. */
static char *decode(unsigned char *pxl, int w, int h)
{
	DmtxImage *img = dmtxImageCreate(pxl, w, h, DmtxPack24bppRGB);
	DmtxDecode *dec = img ? dmtxDecodeCreate(img, 1) : NULL;
	DmtxTime until = dmtxTimeAdd(dmtxTimeNow(), 10000);
	DmtxRegion *reg;
	char *out = NULL;

	ck_assert_ptr_nonnull(dec);
	if ((reg = dmtxRegionFindNext(dec, &until))) {
		DmtxMessage *msg = dmtxDecodeMatrixRegion(dec, reg, DmtxUndefined);
		if (msg) {
			out = strndup((const char *)msg->output, msg->outputIdx);
			dmtxMessageDestroy(&msg);
		}
		dmtxRegionDestroy(&reg);
	}
	dmtxDecodeDestroy(&dec);
	dmtxImageDestroy(&img);
	return out;
}

/* Paint modules [r0, r1) x [c0, c1) light. */
static void blank(struct io_matrix *m, int r0, int r1, int c0, int c1)
{
	for (int r = r0; r < r1; r++)
		for (int c = c0; c < c1; c++)
			m->dark[(size_t)r * (size_t)m->cols + (size_t)c] = 0;
}

START_TEST(datamatrix_decodes_to_the_payload)
{
	char payload[SVC_PAYLOAD_MAX], id[SVC_SHIPMENT_ID_MAX], *text;
	struct verr err = {.field = ""};
	struct io_matrix m;
	unsigned char *pxl;
	int w, h;

	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);
	ck_assert_int_eq(io_datamatrix(payload, strlen(payload), &m), ST_OK);
	ck_assert_int_ge(m.rows, 10);
	ck_assert_int_eq(m.rows, m.cols);  /* square symbols */
	/* The finder pattern: solid left column and bottom row. */
	for (int i = 0; i < m.rows; i++) {
		ck_assert_int_eq(m.dark[(size_t)i * (size_t)m.cols], 1);
		ck_assert_int_eq(m.dark[i], 1);
	}
	render(&m, &pxl, &w, &h);
	text = decode(pxl, w, h);
	ck_assert_msg(text != NULL, "libdmtx found no symbol");
	ck_assert_str_eq(text, payload);
	ck_assert_int_eq(svc_payload_check(KEY, text, id, &err), ST_OK);
	ck_assert_str_eq(id, ID);
	free(text);
	free(pxl);
	io_matrix_free(&m);

	ck_assert_int_eq(io_datamatrix("", 0, &m), ST_INVALID);
	ck_assert_ptr_null(m.dark);
	char big[5000];
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(io_datamatrix(big, sizeof big, &m), ST_INVALID);
}
END_TEST

START_TEST(datamatrix_damaged)
{
	char payload[SVC_PAYLOAD_MAX], id[SVC_SHIPMENT_ID_MAX], *text;
	struct verr err = {.field = ""};
	struct io_matrix m;
	unsigned char *pxl;
	int w, h, n;

	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);

	/* A small blot is corrected by the symbol's error correction. */
	ck_assert_int_eq(io_datamatrix(payload, strlen(payload), &m), ST_OK);
	n = m.rows;
	blank(&m, n / 2 - 1, n / 2 + 1, n / 2 - 1, n / 2 + 1);
	render(&m, &pxl, &w, &h);
	text = decode(pxl, w, h);
	ck_assert_msg(text && strcmp(text, payload) == 0, "small blot: read '%s'",
		      text ? text : "(nothing)");
	free(text);
	free(pxl);
	io_matrix_free(&m);

	/* Half the data area blanked (finder pattern intact): beyond repair.
	 * Whatever is read must not pass as a document. */
	ck_assert_int_eq(io_datamatrix(payload, strlen(payload), &m), ST_OK);
	blank(&m, 1, n - 1, n / 2, n - 1);
	render(&m, &pxl, &w, &h);
	text = decode(pxl, w, h);
	ck_assert_msg(!text || svc_payload_check(KEY, text, id, &err) == ST_INVALID,
		      "half blanked: read a valid '%s'", text);
	free(text);
	free(pxl);
	io_matrix_free(&m);

	/* The finder's solid edge gone as well. */
	ck_assert_int_eq(io_datamatrix(payload, strlen(payload), &m), ST_OK);
	blank(&m, 0, n, 0, n / 2);
	render(&m, &pxl, &w, &h);
	text = decode(pxl, w, h);
	ck_assert_msg(!text || svc_payload_check(KEY, text, id, &err) == ST_INVALID,
		      "left half blanked: read a valid '%s'", text);
	free(text);
	free(pxl);
	io_matrix_free(&m);
}
END_TEST

/* ==== The PDF. ============================================================== */

/* Every stream of @pdf inflated and joined, NUL-terminated (caller frees). */
static char *inflate_streams(const char *pdf, size_t len, size_t *out_len)
{
	size_t cap = 1 << 20, used = 0;
	char *out = malloc(cap);
	const char *p = pdf, *end = pdf + len;

	ck_assert_ptr_nonnull(out);
	while ((p = memmem(p, (size_t)(end - p), "stream", 6))) {
		const char *data = p + 6, *stop;
		if (p > pdf && p[-1] == 'd') {   /* "endstream" */
			p += 6;
			continue;
		}
		data += *data == '\r';
		data += *data == '\n';
		stop = memmem(data, (size_t)(end - data), "endstream", 9);
		ck_assert_ptr_nonnull(stop);
		z_stream z = {0};
		ck_assert_int_eq(inflateInit(&z), Z_OK);
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)(stop - data);
		int zr;
		do {
			if (cap - used < 65536) {
				cap *= 2;
				out = realloc(out, cap);
				ck_assert_ptr_nonnull(out);
			}
			z.next_out = (Bytef *)out + used;
			z.avail_out = (uInt)(cap - used - 1);
			zr = inflate(&z, Z_NO_FLUSH);
			used = (size_t)((char *)z.next_out - out);
		} while (zr == Z_OK && z.avail_in > 0);
		inflateEnd(&z);
		out[used++] = '\n';
		p = stop + 9;
	}
	out[used] = '\0';
	*out_len = used;
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The page count from the page tree's /Count. */
static long pages(const char *pdf, size_t len)
{
	const char *p = memmem(pdf, len, "/Count ", 7);

	ck_assert_ptr_nonnull(p);
	return strtol(p + 7, NULL, 10);
}

/*
 * The DataMatrix as the PDF draws it: every small filled square ("x y w h
 * re") of the content @text painted into an image at 3 pixels a point
 * (PDF's y axis points up, as libdmtx's does), then read with libdmtx.
 */
static char *symbol_from_pdf(const char *text)
{
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9, x, y, w, h;
	const double scale = 3, quiet = 12;
	int width = 0, height = 0;
	unsigned char *pxl = NULL;
	DmtxImage *img = NULL;
	char *out;

	for (int pass = 0; pass < 2; pass++) {
		for (const char *p = text; p && *p;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			if (sscanf(p, "%lf %lf %lf %lf re", &x, &y, &w, &h) == 4 && w < 10 &&
			    h < 10) {
				if (pass == 0) {
					minx = x < minx ? x : minx;
					miny = y < miny ? y : miny;
					maxx = x + w > maxx ? x + w : maxx;
					maxy = y + h > maxy ? y + h : maxy;
					continue;
				}
				int x0 = (int)((x - minx + quiet) * scale);
				int x1 = (int)((x + w - minx + quiet) * scale);
				int y0 = (int)((y - miny + quiet) * scale);
				int y1 = (int)((y + h - miny + quiet) * scale);
				for (int py = y0; py < y1; py++)
					for (int px = x0; px < x1; px++)
						for (int ch = 0; ch < 3; ch++)
							dmtxImageSetPixelValue(img, px, py, ch, 0);
			}
		}
		if (pass == 0) {
			ck_assert_msg(maxx > minx, "no squares in the PDF");
			width = (int)((maxx - minx + 2 * quiet) * scale);
			height = (int)((maxy - miny + 2 * quiet) * scale);
			pxl = malloc((size_t)width * (size_t)height * 3);
			ck_assert_ptr_nonnull(pxl);
			memset(pxl, 255, (size_t)width * (size_t)height * 3);
			img = dmtxImageCreate(pxl, width, height, DmtxPack24bppRGB);
			ck_assert_ptr_nonnull(img);
		}
	}
	dmtxImageDestroy(&img);
	out = decode(pxl, width, height);
	free(pxl);
	return out;
}

static json_t *shipment(void)
{
	json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:s, s:s}",
			      "id", ID, "nation", "USA", "purpose", "delivery", "origin", "LN-RZE",
			      "route", "LN-RZE > HP-MED > UA-BDE-Ł", "handover_point", "HP-MED",
			      "destination", "UA-BDE", "repair_order", "planned_departure",
			      "2026-03-01", "planned_arrival", "2026-03-04", "status", "planned");
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(pdf_document)
{
	char payload[SVC_PAYLOAD_MAX], err[256], serials[40000], *pdf = NULL, *text;
	json_t *ship = shipment(), *lines = json_array();
	size_t len = 0, used = 0, text_len;
	struct io_matrix m;

	/* 2500 serials on one line: the row goes on over several pages. */
	for (int i = 0; i < 2500; i++)
		used += (size_t)snprintf(serials + used, sizeof serials - used, "%sSN-%05d",
					 i ? ";" : "", i);
	json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", "LIN-1", "item",
					       "ART-M777", "allocation", "ALC-0195A3C2D1E0F00D0001",
					       "quantity", (json_int_t)2500, "serials", serials));
	json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I, s:n}", "id", "LIN-2", "item",
					       "ART-155-M795", "allocation",
					       "ALC-0195A3C2D1E0F00D0002", "quantity",
					       (json_int_t)480, "serials"));
	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);
	ck_assert_msg(io_shipment_pdf(ship, lines, payload, &pdf, &len, err, sizeof err) == ST_OK,
		      "%s", err);
	ck_assert_uint_gt(len, 5000);
	ck_assert(memcmp(pdf, "%PDF-", 5) == 0);
	ck_assert_ptr_nonnull(memmem(pdf + len - 8, 8, "%%EOF", 5));
	ck_assert_ptr_nonnull(memmem(pdf, len, payload, strlen(payload)));  /* the Subject */
	long n = pages(pdf, len);
	ck_assert_int_gt(n, 2);

	text = inflate_streams(pdf, len, &text_len);
	/* The header, both lines, every serial, the footer of every page. */
	ck_assert_ptr_nonnull(strstr(text, "(TRANSFER DOCUMENT)"));
	ck_assert_ptr_nonnull(strstr(text, "(" ID ")"));
	ck_assert_ptr_nonnull(strstr(text, "(LN-RZE \\076 HP-MED \\076 UA-BDE-?)"));
	ck_assert_ptr_nonnull(strstr(text, "(2026-03-04)"));
	ck_assert_ptr_nonnull(strstr(text, "(ART-M777)"));
	ck_assert_ptr_nonnull(strstr(text, "(ART-155-M795)"));
	ck_assert_ptr_nonnull(strstr(text, "(480)"));
	ck_assert_ptr_null(strstr(text, "(Repair order)"));  /* null: left out */
	ck_assert_ptr_nonnull(strstr(text, payload));
	for (int i = 0; i < 2500; i++) {
		char sn[16];
		snprintf(sn, sizeof sn, "SN-%05d", i);
		ck_assert_msg(strstr(text, sn), "serial %s is missing", sn);
	}
	char foot[64];
	snprintf(foot, sizeof foot, "(page %ld of %ld)", n, n);
	ck_assert_ptr_nonnull(strstr(text, foot));
	/* The table head on every page but, perhaps, the signatures' own. */
	ck_assert_uint_ge(count(text, "(Allocation)"), (size_t)n - 1);
	ck_assert_uint_le(count(text, "(Allocation)"), (size_t)n);
	/* The DataMatrix: one filled square per dark module. */
	ck_assert_int_eq(io_datamatrix(payload, strlen(payload), &m), ST_OK);
	size_t dark = 0;
	for (size_t i = 0; i < (size_t)m.rows * (size_t)m.cols; i++)
		dark += m.dark[i];
	ck_assert_uint_eq(count(text, " re\n") - 2 /* the signature boxes */, dark);
	io_matrix_free(&m);
	/* And what the PDF draws scans back to the payload. */
	char *scanned = symbol_from_pdf(text);
	ck_assert_msg(scanned && strcmp(scanned, payload) == 0, "the PDF's symbol reads '%s'",
		      scanned ? scanned : "(nothing)");
	free(scanned);

	free(text);
	free(pdf);
	json_decref(lines);
	json_decref(ship);
}
END_TEST

START_TEST(pdf_without_lines)
{
	char payload[SVC_PAYLOAD_MAX], err[256], *pdf = NULL, *text;
	json_t *ship = shipment(), *lines = json_array();
	size_t len = 0, text_len;

	ck_assert_int_eq(svc_payload_make(KEY, ID, payload), ST_OK);
	ck_assert_int_eq(io_shipment_pdf(ship, lines, payload, &pdf, &len, err, sizeof err), ST_OK);
	ck_assert(memcmp(pdf, "%PDF-", 5) == 0);
	ck_assert_int_eq(pages(pdf, len), 1);
	text = inflate_streams(pdf, len, &text_len);
	ck_assert_ptr_nonnull(strstr(text, "(This shipment has no lines.)"));
	ck_assert_ptr_nonnull(strstr(text, "(page 1 of 1)"));
	free(text);
	free(pdf);

	/* Wrong shapes are refused, and nothing is handed out. */
	pdf = NULL;
	ck_assert_int_eq(io_shipment_pdf(lines, lines, payload, &pdf, &len, err, sizeof err),
			 ST_INVALID);
	ck_assert_ptr_null(pdf);
	ck_assert_int_eq(io_shipment_pdf(ship, ship, payload, &pdf, &len, err, sizeof err),
			 ST_INVALID);
	ck_assert_int_eq(io_shipment_pdf(ship, lines, "", &pdf, &len, err, sizeof err),
			 ST_INVALID);
	ck_assert_ptr_null(pdf);
	json_decref(lines);
	json_decref(ship);
}
END_TEST

Suite *suite_document(void)
{
	Suite *s = suite_create("document");
	TCase *tc = tcase_create("payload");
	TCase *keys = tcase_create("key file");
	TCase *out = tcase_create("datamatrix and pdf");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, payload_round_trip);
	tcase_add_test(tc, payload_one_character_changed);
	tcase_add_test(tc, payload_malformed);
	tcase_add_test(tc, payload_other_key);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(keys, key_setup, key_teardown);
	tcase_add_test(keys, key_file_rules);
	tcase_add_test(keys, key_file_created);
	suite_add_tcase(s, keys);
	tcase_add_checked_fixture(out, setup, NULL);
	tcase_set_timeout(out, 120);
	tcase_add_test(out, datamatrix_decodes_to_the_payload);
	tcase_add_test(out, datamatrix_damaged);
	tcase_add_test(out, pdf_document);
	tcase_add_test(out, pdf_without_lines);
	suite_add_tcase(s, out);
	return s;
}
