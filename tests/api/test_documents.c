/*
 * test_documents.c - transfer documents over HTTP: the PDF download
 * (GET /api/v1/shipments/{id}/document), its payload (?format=payload),
 * scanning it back (POST /api/v1/scans) with forged, altered and broken
 * payloads, the caller's scope, the key file of nsatu serve, and the same
 * document from `nsatu document`.
 *
 * Each test makes its own shipments: a unit to deliver to, then for each
 * line a validated requirement, a pledge and an allocation.
 */
#include "donations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Suite *suite_documents(void);

#define UNIT "UA-DOCTEST"

struct world {
	struct server *s;
	const char *admin, *planner, *liaison, *officer, *auditor;
	char usa[ID_LEN], deu[ID_LEN];   /* a USA and a DEU delivery */
};

static void new_shipment(const struct world *w, const char *token, const char *nation,
			 char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(w->s, "POST", "/api/v1/shipments", token,
		  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "nation", nation, "purpose",
			    "delivery", "origin", "LN-RZE", "handover_point", "HP-MED",
			    "destination", UNIT, "planned_departure", "2026-03-01",
			    "planned_arrival", "2026-03-04"), &r);
	ck_assert_msg(r.status == 201, "new shipment: %ld %s", r.status, r.body);
	snprintf(id, ID_LEN, "%s", jstr(r.json, "id"));
	res_free(&r);
}

/* A line of @qty @item (with @serials, or NULL) on @ship, drawing on a new
 * allocation of a new @nation pledge to a new UKR requirement. */
static void new_line(const struct world *w, const char *ship, const char *nation,
		     const char *item, long long qty, const char *serials)
{
	char req_id[ID_LEN], pledge[ID_LEN], alloc[ID_LEN];
	struct http_res r = {0};
	json_t *body;

	new_validated(w->s, w->officer, w->planner, item, NULL, qty, "P1", req_id);
	new_materiel(w->s, w->planner, nation, item, qty, PLEDGED_ON, pledge);
	allocate_ok(w->s, w->planner, pledge, req_id, qty, alloc);
	body = json_pack("{s:s, s:s, s:I, s:s}", "shipment", ship, "item", item, "quantity",
			 (json_int_t)qty, "allocation", alloc);
	if (serials)
		json_object_set_new(body, "serials", json_string(serials));
	send_json(w->s, "POST", "/api/v1/shipment_lines", w->planner, body, &r);
	ck_assert_msg(r.status == 201, "new line: %ld %s", r.status, r.body);
	res_free(&r);
}

static void start(struct world *w)
{
	struct http_res r = {0};

	memset(w, 0, sizeof *w);
	w->s = server_start(NULL);
	w->admin = login_as(w->s, "admin");
	w->planner = login_as(w->s, "planner");
	w->liaison = login_as(w->s, "liaison.deu");
	w->officer = login_as(w->s, "officer.ukr");
	w->auditor = login_as(w->s, "auditor");
	send_json(w->s, "POST", "/api/v1/sites", w->admin,
		  json_pack("{s:s, s:s, s:s, s:s, s:f, s:f}", "code", UNIT, "name",
			    "Brigade for the document tests", "kind", "unit", "nation", "UKR",
			    "lat", 50.45, "lon", 30.52), &r);
	ck_assert_msg(r.status == 201, "new unit: %ld %s", r.status, r.body);
	res_free(&r);
	new_shipment(w, w->planner, "USA", w->usa);
	new_line(w, w->usa, "USA", "ART-M777", 3, "M777-0001;M777-0002; M777-0003");
	new_line(w, w->usa, "USA", "ART-155-M795", 480, NULL);
	new_shipment(w, w->liaison, "DEU", w->deu);
}

/* The payload of @ship as @token may see it (asserts 200). */
static void payload_of(const struct world *w, const char *token, const char *ship,
		       char payload[128])
{
	struct http_res r = {0};
	char path[160];

	snprintf(path, sizeof path, "/api/v1/shipments/%s/document?format=payload", ship);
	req(w->s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_pstr_eq(jstr(r.json, "shipment"), ship);
	ck_assert_msg(jstr(r.json, "payload") && strlen(jstr(r.json, "payload")) < 128, "%s",
		      r.body);
	snprintf(payload, 128, "%s", jstr(r.json, "payload"));
	ck_assert(strncmp(payload, "NSATU1|", 7) == 0);
	ck_assert(strncmp(payload + 7, ship, strlen(ship)) == 0);
	res_free(&r);
}

/* POST /api/v1/scans with @payload (a JSON text of the body). */
static long scan_raw(const struct world *w, const char *token, const char *body,
		     struct http_res *r)
{
	return req(w->s, "POST", "/api/v1/scans", token, body, r);
}

static long scan(const struct world *w, const char *token, const char *payload,
		 struct http_res *r)
{
	return send_json(w->s, "POST", "/api/v1/scans", token,
			 json_pack("{s:s}", "payload", payload), r);
}

static void assert_scan_refused(const struct world *w, const char *payload, const char *why)
{
	struct http_res r = {0};

	scan(w, w->planner, payload, &r);
	assert_problem(&r, 400, "invalid-field", "payload");
	ck_assert_msg(strstr(jstr(r.json, "detail"), why), "'%s': detail '%s' lacks '%s'",
		      payload, jstr(r.json, "detail"), why);
	res_free(&r);
}

/* The response head of HEAD @path, over a raw socket (the client keeps
 * only some headers). */
static void head_of(const struct world *w, const char *token, const char *path, char *buf,
		    size_t size)
{
	char request[512];
	bool closed;
	int fd = raw_connect(w->s);

	snprintf(request, sizeof request,
		 "HEAD %s HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
		 "Connection: close\r\n\r\n", path, token);
	ck_assert(raw_send(fd, request, strlen(request)));
	raw_recv_all(fd, buf, size, 10000, &closed);
	close(fd);
}

START_TEST(document_is_a_pdf)
{
	struct world w;
	struct http_res r = {0};
	char path[160], payload[128], head[4096], want[160];

	start(&w);
	payload_of(&w, w.planner, w.usa, payload);
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document", w.usa);
	req(w.s, "GET", path, w.planner, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(r.ctype, "application/pdf");
	ck_assert_uint_gt(r.body_len, 3000);
	ck_assert(memcmp(r.body, "%PDF-", 5) == 0);
	/* The payload is the document's Subject. */
	ck_assert_ptr_nonnull(memmem(r.body, r.body_len, payload, strlen(payload)));
	res_free(&r);
	/* format=pdf is the default; the auditor reads it too. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document?format=pdf", w.usa);
	req(w.s, "GET", path, w.auditor, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(memcmp(r.body, "%PDF-", 5) == 0);
	res_free(&r);

	/* A download named after the shipment. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document", w.usa);
	head_of(&w, w.planner, path, head, sizeof head);
	ck_assert_msg(strncmp(head, "HTTP/1.1 200", 12) == 0, "%s", head);
	snprintf(want, sizeof want, "attachment; filename=\"%s.pdf\"", w.usa);
	ck_assert_msg(strstr(head, want), "no Content-Disposition %s in:\n%s", want, head);

	/* An empty shipment has a document too. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document", w.deu);
	req(w.s, "GET", path, w.planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(memcmp(r.body, "%PDF-", 5) == 0);
	res_free(&r);

	/* Bad query parameters and unknown shipments. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document?format=xml", w.usa);
	req(w.s, "GET", path, w.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "format");
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document?pages=2", w.usa);
	req(w.s, "GET", path, w.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "pages");
	req(w.s, "GET", "/api/v1/shipments/SHP-000000000000DEADBEEF/document", w.planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(w.s, "GET", "/api/v1/shipments/SHP-000000000000DEADBEEF/document?format=payload",
	    w.planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(w.s, "POST", path, w.planner, "{}", &r);
	ck_assert_int_eq(r.status, 405);
	res_free(&r);
	server_end(w.s);
}
END_TEST

START_TEST(scan_returns_the_shipment)
{
	struct world w;
	struct http_res r = {0};
	char payload[128];
	json_t *lines;

	start(&w);
	payload_of(&w, w.planner, w.usa, payload);
	/* The same payload every time. */
	char again[128];
	payload_of(&w, w.auditor, w.usa, again);
	ck_assert_str_eq(payload, again);

	scan(&w, w.planner, payload, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(r.ctype, "application/json");
	json_t *ship = json_object_get(r.json, "shipment");
	ck_assert_pstr_eq(jstr(ship, "id"), w.usa);
	ck_assert_pstr_eq(jstr(ship, "nation"), "USA");
	ck_assert_pstr_eq(jstr(ship, "destination"), UNIT);
	ck_assert_pstr_eq(jstr(ship, "status"), "planned");
	lines = json_object_get(r.json, "lines");
	ck_assert_uint_eq(json_array_size(lines), 2);
	ck_assert_pstr_eq(jstr(json_array_get(lines, 0), "item"), "ART-M777");
	ck_assert_pstr_eq(jstr(json_array_get(lines, 0), "shipment"), w.usa);
	ck_assert_int_eq(jint(json_array_get(lines, 1), "quantity"), 480);
	res_free(&r);

	/* Whoever may read shipments may scan: the recipient's officer, the node. */
	scan(&w, w.officer, payload, &r);
	ck_assert_int_eq(r.status, 200);
	scan(&w, login_as(w.s, "node.rze"), payload, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(w.s);
}
END_TEST

START_TEST(forged_and_broken_payloads)
{
	struct world w;
	struct http_res r = {0};
	char payload[128], deu[128], forged[256];
	size_t n;

	start(&w);
	payload_of(&w, w.planner, w.usa, payload);
	payload_of(&w, w.planner, w.deu, deu);
	n = strlen(payload);

	/* One character of the check code changed. */
	snprintf(forged, sizeof forged, "%s", payload);
	forged[n - 1] = forged[n - 1] == 'A' ? 'B' : 'A';
	assert_scan_refused(&w, forged, "fails its check");
	/* One character of the id changed: another shipment, same code. */
	snprintf(forged, sizeof forged, "%s", payload);
	forged[8 + 3] = forged[8 + 3] == '9' ? '8' : '9';
	assert_scan_refused(&w, forged, "fails its check");
	/* A real shipment's id with another shipment's code. */
	snprintf(forged, sizeof forged, "NSATU1|%s|%s", w.deu, strrchr(payload, '|') + 1);
	assert_scan_refused(&w, forged, "fails its check");
	/* Truncated, too long, wrong prefix, non-ASCII, empty. */
	snprintf(forged, sizeof forged, "%.*s", (int)n - 5, payload);
	assert_scan_refused(&w, forged, "check code of 21 characters");
	snprintf(forged, sizeof forged, "%.*s", (int)(strrchr(payload, '|') - payload), payload);
	assert_scan_refused(&w, forged, "is truncated");
	snprintf(forged, sizeof forged, "%sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", payload);
	assert_scan_refused(&w, forged, "at most 74");
	snprintf(forged, sizeof forged, "NSATU2%s", payload + 6);
	assert_scan_refused(&w, forged, "does not start with NSATU1|");
	assert_scan_refused(&w, "NSATU1|SHP-\xC3\xA9|AAAA", "not printable ASCII");
	assert_scan_refused(&w, "", "is empty");

	/* The body itself: the field is required, a string, and alone. */
	scan_raw(&w, w.planner, "{}", &r);
	assert_problem(&r, 400, "invalid-field", "payload");
	scan_raw(&w, w.planner, "{\"payload\": 42}", &r);
	assert_problem(&r, 400, "invalid-field", "payload");
	snprintf(forged, sizeof forged, "{\"payload\": \"%s\", \"extra\": 1}", payload);
	scan_raw(&w, w.planner, forged, &r);
	ck_assert_int_eq(r.status, 400);
	scan_raw(&w, w.planner, "[1", &r);
	ck_assert_int_eq(r.status, 400);
	/* None of that broke the server: the real payloads still scan. */
	scan(&w, w.planner, payload, &r);
	ck_assert_int_eq(r.status, 200);
	scan(&w, w.planner, deu, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(w.s);
}
END_TEST

START_TEST(scope_and_authentication)
{
	struct world w;
	struct http_res r = {0};
	char payload[128], deu[128], path[160];

	start(&w);
	payload_of(&w, w.planner, w.usa, payload);
	/* DEU's liaison does not see the USA shipment: 404 everywhere, as for
	 * the record itself. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s", w.usa);
	req(w.s, "GET", path, w.liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	scan(&w, w.liaison, payload, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document", w.usa);
	req(w.s, "GET", path, w.liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/shipments/%s/document?format=payload", w.usa);
	req(w.s, "GET", path, w.liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	/* ... but its own nation's. */
	payload_of(&w, w.liaison, w.deu, deu);
	scan(&w, w.liaison, deu, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(json_object_get(r.json, "shipment"), "nation"), "DEU");

	/* No token, no document. */
	scan(&w, NULL, payload, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	req(w.s, "GET", path, NULL, NULL, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	scan(&w, "nsatu_not-a-token", payload, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	res_free(&r);
	server_end(w.s);
}
END_TEST

/* The key file: a new key refuses old documents; an open or short file
 * stops the server; nsatu document uses the server's key. */
START_TEST(key_file_and_command)
{
	struct world w;
	struct http_res r = {0};
	char payload[128], fresh[128], key[160], open_key[160], out[160], *text = NULL, *pdf;
	FILE *f;

	start(&w);
	payload_of(&w, w.planner, w.usa, payload);

	/* nsatu document writes the same document, with the same payload. */
	snprintf(out, sizeof out, "%s/doc.pdf", w.s->dir);
	int code = nsatu_run(&text, "document", w.usa, "--out", out, "--db", w.s->db, NULL);
	ck_assert_msg(code == 0, "nsatu document: exit %d: %s", code, text);
	ck_assert_ptr_nonnull(strstr(text, "2 lines"));
	free(text);
	f = fopen(out, "rb");
	ck_assert_ptr_nonnull(f);
	pdf = calloc(1, 1 << 20);
	size_t len = fread(pdf, 1, (1 << 20) - 1, f);
	fclose(f);
	ck_assert(len > 3000 && memcmp(pdf, "%PDF-", 5) == 0);
	ck_assert_msg(memmem(pdf, len, payload, strlen(payload)), "another payload in %s", out);
	free(pdf);
	/* As DEU's liaison it is out of scope; an unknown shipment is not found. */
	code = nsatu_run(&text, "document", w.usa, "--out", out, "--db", w.s->db, "--as",
			 "liaison.deu", NULL);
	ck_assert_msg(code == 1 && strstr(text, "not found"), "exit %d: %s", code, text);
	free(text);
	code = nsatu_run(&text, "document", w.usa, "--db", w.s->db, NULL);
	ck_assert_msg(code == 2, "without --out: exit %d: %s", code, text);
	free(text);

	/* The same server with another key: old documents fail their check. */
	snprintf(key, sizeof key, "%s/other.key", w.s->dir);
	f = fopen(key, "w");
	ck_assert_ptr_nonnull(f);
	fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(key, 0600), 0);
	ck_assert_int_eq(server_stop(w.s), 0);
	server_restart(w.s, "--document-key-file", key, NULL);
	w.planner = login_as(w.s, "planner");
	assert_scan_refused(&w, payload, "another nsatu installation");
	payload_of(&w, w.planner, w.usa, fresh);
	ck_assert_str_ne(fresh, payload);
	scan(&w, w.planner, fresh, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);

	/* A key file others may read, or one too short, is refused at start. */
	snprintf(open_key, sizeof open_key, "%s/open.key", w.s->dir);
	f = fopen(open_key, "w");
	ck_assert_ptr_nonnull(f);
	fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(open_key, 0644), 0);
	code = nsatu_run(&text, "serve", "--db", w.s->db, "--listen", "127.0.0.1:0",
			 "--document-key-file", open_key, NULL);
	ck_assert_msg(code == 1 && strstr(text, "group or others"), "exit %d: %s", code, text);
	free(text);
	ck_assert_int_eq(chmod(open_key, 0600), 0);
	ck_assert_int_eq(truncate(open_key, 20), 0);
	code = nsatu_run(&text, "document", w.usa, "--out", out, "--db", w.s->db,
			 "--document-key-file", open_key, NULL);
	ck_assert_msg(code == 1 && strstr(text, "at least 64"), "exit %d: %s", code, text);
	free(text);
	code = nsatu_run(&text, "serve", "--db", w.s->db, "--listen", "127.0.0.1:0",
			 "--document-key-file", "/nonexistent/nsatu.key", NULL);
	ck_assert_msg(code == 1 && strstr(text, "cannot open"), "exit %d: %s", code, text);
	free(text);
	server_end(w.s);
}
END_TEST

Suite *suite_documents(void)
{
	Suite *s = suite_create("documents");
	TCase *tc = api_tcase("documents");

	tcase_add_test(tc, document_is_a_pdf);
	tcase_add_test(tc, scan_returns_the_shipment);
	tcase_add_test(tc, forged_and_broken_payloads);
	tcase_add_test(tc, scope_and_authentication);
	tcase_add_test(tc, key_file_and_command);
	suite_add_tcase(s, tc);
	return s;
}
