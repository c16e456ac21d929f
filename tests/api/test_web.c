/*
 * test_web.c - the web UI that `nsatu serve --web DIR` serves from memory
 * (src/http/static.c): index.html stamped with the build digest at "/",
 * every other file under /static/BUILD/PATH with its type, ETag, cache
 * headers and gzip copy; what is never served (hidden files, symbolic
 * links, unknown types, other builds, ".."); the methods; the API beside
 * it; and the servers that must refuse to start.
 *
 * Each test builds its own UI folder beside the run's copy of the binary
 * (so client_cleanup removes it) and talks to a real server.  The headers
 * struct http_res does not keep (Content-Encoding, Vary, the security
 * headers) are read from raw sockets, as are the paths with ".." that
 * libcurl would normalise away.
 */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUILD_LEN 16
#define IMMUTABLE "public, max-age=31536000, immutable"
/* The UI's routes are in the route table: GET (and so HEAD), and OPTIONS
 * as everywhere. */
#define UI_ALLOW "GET, HEAD, OPTIONS"

/* ---- The UI folder. ------------------------------------------------------ */

struct fixture {
	char dir[256];
	char *index;   /* index.html as written, with its two @BUILD@ */
	char *app_js;  /* js/app.js: > 1 KB of text */
	char *app_gz;  /* js/app.js.gz, as gzip -9 -n wrote it */
	size_t app_gz_len;
};

static void put(const struct fixture *fx, const char *rel, const void *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s", fx->dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, data, len) == (ssize_t)len, "%s: short write", path);
	ck_assert_int_eq(close(fd), 0);
}

static void put_text(const struct fixture *fx, const char *rel, const char *text)
{
	put(fx, rel, text, strlen(text));
}

static void sub_dir(const struct fixture *fx, const char *rel)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", fx->dir, rel);
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
}

/* A file's bytes (NUL-terminated; binary-safe with @len). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	ck_assert(p != NULL);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* gzip -9 -n -k @rel in the fixture: a real gzip copy beside it. */
static void gzip_copy(const struct fixture *fx, const char *rel)
{
	char cmd[640];
	int rc;

	snprintf(cmd, sizeof cmd, "gzip -9 -n -k '%s/%s'", fx->dir, rel);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "%s: status %d", cmd, rc);
}

/* @n bytes of text: @c repeated, ending in a newline. */
static char *text_of(char c, size_t n)
{
	char *p = malloc(n + 1);

	ck_assert(p != NULL);
	memset(p, c, n - 1);
	p[n - 1] = '\n';
	p[n] = '\0';
	return p;
}

static const unsigned char png_bytes[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
					  0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 1};

/*
 * The UI folder:
 *   index.html (+ .gz)      "@BUILD@" twice; > 1 KB, so its gzip would pay
 *   js/app.js (+ .gz)       > 1 KB of text; the gzip copy is far smaller
 *   js/mod.mjs              an ES module
 *   css/app.css (+ .gz)     tiny: its gzip copy is larger, so never sent
 *   vendor/data.json        application/json
 *   vendor/ten.txt (+ .gz)  100 bytes; a 90-byte .gz: smaller by a tenth
 *   vendor/nine.txt (+ .gz) 100 bytes; a 91-byte .gz: not quite a tenth
 *   img/logo.svg, img/dot.png (binary, with NULs)
 *   a/b/c/deep.txt          nested
 *   notes.xyz, README       unknown types
 *   .secret.js, .hidden/x.js   hidden
 *   link.js -> /etc/passwd, linkdir -> js   symbolic links
 *   orphan.js.gz            a gzip copy without its file
 */
static void fixture_make(struct fixture *fx)
{
	char *pad, *ten, *ten_gz, *nine_gz, path[512];
	size_t off = 0;

	memset(fx, 0, sizeof *fx);
	const char *bin = nsatu_bin(), *slash = strrchr(bin, '/');
	ck_assert(slash && (size_t)(slash - bin) + 12 < sizeof fx->dir);
	snprintf(fx->dir, sizeof fx->dir, "%.*s/web-XXXXXX", (int)(slash - bin), bin);
	ck_assert_msg(mkdtemp(fx->dir) != NULL, "mkdtemp: %s", strerror(errno));

	pad = text_of('x', 1500);
	ck_assert(asprintf(&fx->index,
			   "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>nsatu</title>\n"
			   "<link rel=\"stylesheet\" href=\"static/@BUILD@/css/app.css\">\n"
			   "<script type=\"module\" src=\"static/@BUILD@/js/app.js\"></script>\n"
			   "</head><body><!-- %s --></body></html>\n", pad) > 0);
	free(pad);
	put_text(fx, "index.html", fx->index);
	gzip_copy(fx, "index.html");

	fx->app_js = malloc(8192);
	ck_assert(fx->app_js != NULL);
	for (int i = 0; i < 100; i++)
		off += (size_t)snprintf(fx->app_js + off, 8192 - off,
					"export function f%d() { return %d * 2; }\n", i, i);
	ck_assert_uint_gt(off, 1024);
	sub_dir(fx, "js");
	put_text(fx, "js/app.js", fx->app_js);
	gzip_copy(fx, "js/app.js");
	snprintf(path, sizeof path, "%s/js/app.js.gz", fx->dir);
	fx->app_gz = slurp(path, &fx->app_gz_len);
	put_text(fx, "js/mod.mjs", "export const x = 1;\n");

	sub_dir(fx, "css");
	put_text(fx, "css/app.css", "body { margin: 0; }\n");
	gzip_copy(fx, "css/app.css");

	sub_dir(fx, "vendor");
	put_text(fx, "vendor/data.json", "{\"ok\":true,\"n\":[1,2,3]}");
	ten = text_of('t', 100);
	ten_gz = text_of('z', 91);
	put_text(fx, "vendor/ten.txt", ten);
	put(fx, "vendor/ten.txt.gz", ten_gz, 90);
	put_text(fx, "vendor/nine.txt", ten);
	nine_gz = text_of('n', 91);
	put(fx, "vendor/nine.txt.gz", nine_gz, 91);
	free(ten);
	free(ten_gz);
	free(nine_gz);

	sub_dir(fx, "img");
	put_text(fx, "img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
	put(fx, "img/dot.png", png_bytes, sizeof png_bytes);

	sub_dir(fx, "a");
	sub_dir(fx, "a/b");
	sub_dir(fx, "a/b/c");
	put_text(fx, "a/b/c/deep.txt", "deep\n");

	put_text(fx, "notes.xyz", "not a type the UI serves\n");
	put_text(fx, "README", "no extension\n");
	put_text(fx, ".secret.js", "const secret = 1;\n");
	sub_dir(fx, ".hidden");
	put_text(fx, ".hidden/x.js", "const hidden = 1;\n");
	snprintf(path, sizeof path, "%s/link.js", fx->dir);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof path, "%s/linkdir", fx->dir);
	ck_assert_int_eq(symlink("js", path), 0);
	put(fx, "orphan.js.gz", fx->app_gz, fx->app_gz_len);
}

static void fixture_free(struct fixture *fx)
{
	rm_tree(fx->dir);
	free(fx->index);
	free(fx->app_js);
	free(fx->app_gz);
}

/* ---- Raw HTTP: every header, and paths exactly as written. ------------------- */

struct raw {
	long status;
	char *text;      /* the whole answer */
	size_t len;
	const char *body;
	size_t body_len;
	char head[8192]; /* the status line and headers */
};

#define RAW_MAX (1u << 20)

/* Send @method @path with @extra ("Name: value\r\n" lines, or "") on a new
 * connection (Connection: close) and read the whole answer. */
static long raw_http(const struct server *s, const char *method, const char *path,
		     const char *extra, struct raw *r)
{
	char request[2048];
	const char *end;
	bool closed;
	int fd = raw_connect(s);

	free(r->text);
	memset(r, 0, sizeof *r);
	r->text = malloc(RAW_MAX);
	ck_assert(r->text != NULL);
	snprintf(request, sizeof request,
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", method, path,
		 extra ? extra : "");
	ck_assert(raw_send(fd, request, strlen(request)));
	r->len = raw_recv_all(fd, r->text, RAW_MAX, 10000, &closed);
	close(fd);
	ck_assert_msg(closed, "%s %s: the server did not close the connection", method, path);
	ck_assert_msg(sscanf(r->text, "HTTP/1.1 %ld", &r->status) == 1, "%s %s: no status: %.200s",
		      method, path, r->text);
	end = strstr(r->text, "\r\n\r\n");
	ck_assert_msg(end != NULL, "%s %s: no end of headers", method, path);
	ck_assert((size_t)(end - r->text) < sizeof r->head);
	snprintf(r->head, sizeof r->head, "%.*s", (int)(end - r->text), r->text);
	r->body = end + 4;
	r->body_len = r->len - (size_t)(r->body - r->text);
	return r->status;
}

static void raw_free(struct raw *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

/* The value of header @name (into @out), or NULL when absent. */
static const char *raw_header(const struct raw *r, const char *name, char *out, size_t size)
{
	size_t k = strlen(name);

	for (const char *l = strstr(r->head, "\r\n"); l; l = strstr(l, "\r\n")) {
		l += 2;
		if (strncasecmp(l, name, k) == 0 && l[k] == ':') {
			const char *v = l + k + 1;
			v += strspn(v, " \t");
			snprintf(out, size, "%.*s", (int)strcspn(v, "\r\n"), v);
			return out;
		}
	}
	return NULL;
}

/* Assert header @name is @want (NULL: absent). */
static void assert_header(const struct raw *r, const char *name, const char *want)
{
	char v[1024];
	const char *got = raw_header(r, name, v, sizeof v);

	if (!want)
		ck_assert_msg(!got, "%s: want no header, got \"%s\"", name, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "%s: want \"%s\", got \"%s\"", name,
			      want, got ? got : "(absent)");
}

/* ---- Helpers over the UI. ------------------------------------------------ */

static struct server *start_ui(const struct fixture *fx)
{
	return server_start("--web", fx->dir, NULL);
}

/* The build digest, read from the stamped index.html; asserts its shape. */
static void build_of(const struct server *s, char build[BUILD_LEN + 1])
{
	struct http_res r = {0};
	const char *p;

	req(s, "GET", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	p = strstr(r.body, "static/");
	ck_assert_msg(p != NULL, "no static/ URL in index.html: %s", r.body);
	p += 7;
	for (int i = 0; i < BUILD_LEN; i++)
		ck_assert_msg(strchr("0123456789abcdef", p[i]) && p[i], "build is not hex: %.20s", p);
	ck_assert_msg(p[BUILD_LEN] == '/', "build is not %d chars: %.24s", BUILD_LEN, p);
	memcpy(build, p, BUILD_LEN);
	build[BUILD_LEN] = '\0';
	res_free(&r);
}

static void url_of(char *out, size_t size, const char *build, const char *rel)
{
	snprintf(out, size, "/static/%s/%s", build, rel);
}

/* GET @path with one more header line (or NULL). */
static long get_with(const struct server *s, const char *path, const char *header,
		     struct http_res *r)
{
	return http_do(s, &(struct http_call){.method = "GET", .path = path,
					      .headers = {header, NULL}}, r);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- index.html at "/". ---------------------------------------------------- */

START_TEST(index_page)
{
	struct fixture fx;
	struct http_res r = {0};
	struct raw w = {0};
	char build[BUILD_LEN + 1], want[128], etag[64], inm[128];
	size_t index_len;
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);

	req(s, "GET", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.ctype, "text/html; charset=utf-8");
	ck_assert_str_eq(r.cache_control, "no-cache");
	/* Stamped: the build twice, the placeholder nowhere, nothing else changed. */
	ck_assert_msg(!strstr(r.body, "@BUILD@"), "placeholder left in index.html");
	ck_assert_uint_eq(count_of(r.body, build), 2);
	snprintf(want, sizeof want, "href=\"static/%s/css/app.css\"", build);
	ck_assert_msg(strstr(r.body, want), "no %s in %s", want, r.body);
	snprintf(want, sizeof want, "src=\"static/%s/js/app.js\"", build);
	ck_assert_msg(strstr(r.body, want), "no %s in %s", want, r.body);
	index_len = strlen(fx.index) + 2 * (BUILD_LEN - strlen("@BUILD@"));
	ck_assert_uint_eq(r.body_len, index_len);
	ck_assert_msg(r.etag[0] == '"' && strlen(r.etag) == 18, "ETag %s", r.etag);
	snprintf(etag, sizeof etag, "%s", r.etag);
	/* The query string does not matter. */
	req(s, "GET", "/?from=bookmark", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(count_of(r.body, build), 2);

	/* The security headers, and never gzip: its .gz copy lacks the stamp. */
	raw_http(s, "GET", "/", "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Security-Policy",
		      "default-src 'self'; script-src 'self'; style-src 'self'; "
		      "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
		      "object-src 'none'; base-uri 'none'; form-action 'self'; "
		      "frame-ancestors 'none'");
	assert_header(&w, "X-Frame-Options", "DENY");
	assert_header(&w, "Referrer-Policy", "no-referrer");
	assert_header(&w, "X-Content-Type-Options", "nosniff");
	assert_header(&w, "Cache-Control", "no-cache");
	assert_header(&w, "Content-Encoding", NULL);
	assert_header(&w, "Vary", NULL);
	ck_assert_uint_eq(w.body_len, index_len);
	ck_assert_mem_eq(w.body, r.body, index_len);

	/* HEAD: the same headers, no body. */
	raw_http(s, "HEAD", "/", NULL, &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, 0);
	assert_header(&w, "Content-Type", "text/html; charset=utf-8");
	snprintf(want, sizeof want, "%zu", index_len);
	assert_header(&w, "Content-Length", want);
	assert_header(&w, "ETag", etag);
	assert_header(&w, "X-Frame-Options", "DENY");
	ck_assert_msg(raw_header(&w, "Content-Security-Policy", want, sizeof want), "HEAD: no CSP");
	req(s, "HEAD", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_str_eq(r.ctype, "text/html; charset=utf-8");

	/* Revalidation: the same ETag gives 304 and no body; another gives 200. */
	snprintf(inm, sizeof inm, "If-None-Match: %s\r\n", etag);
	raw_http(s, "GET", "/", inm, &w);
	ck_assert_int_eq(w.status, 304);
	ck_assert_uint_eq(w.body_len, 0);
	assert_header(&w, "ETag", etag);
	assert_header(&w, "Cache-Control", "no-cache");
	raw_http(s, "GET", "/", "If-None-Match: \"0000000000000000\"\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, index_len);

	/* index.html has no other URL. */
	req(s, "GET", "/index.html", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	url_of(want, sizeof want, build, "index.html");
	req(s, "GET", want, NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	raw_free(&w);
	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- Files under /static/BUILD/. ------------------------------------------- */

START_TEST(static_files)
{
	static const struct {
		const char *rel, *ctype, *body;
	} files[] = {
		{"js/mod.mjs", "text/javascript; charset=utf-8", "export const x = 1;\n"},
		{"css/app.css", "text/css; charset=utf-8", "body { margin: 0; }\n"},
		{"vendor/data.json", "application/json", "{\"ok\":true,\"n\":[1,2,3]}"},
		{"img/logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"},
		{"a/b/c/deep.txt", "text/plain; charset=utf-8", "deep\n"},
	};
	struct fixture fx;
	struct http_res r = {0};
	struct raw w = {0};
	char build[BUILD_LEN + 1], url[256];
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);

	url_of(url, sizeof url, build, "js/app.js");
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.ctype, "text/javascript; charset=utf-8");
	ck_assert_str_eq(r.cache_control, IMMUTABLE);
	ck_assert_uint_eq(r.body_len, strlen(fx.app_js));
	ck_assert_str_eq(r.body, fx.app_js);
	ck_assert_msg(r.etag[0] == '"' && strlen(r.etag) == 18, "ETag %s", r.etag);

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		url_of(url, sizeof url, build, files[i].rel);
		req(s, "GET", url, NULL, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
		ck_assert_str_eq(r.ctype, files[i].ctype);
		ck_assert_str_eq(r.cache_control, IMMUTABLE);
		ck_assert_str_eq(r.body, files[i].body);
		ck_assert_msg(r.etag[0] == '"' && strlen(r.etag) == 18, "%s: ETag %s", url, r.etag);
	}
	url_of(url, sizeof url, build, "vendor/data.json");
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_msg(json_is_true(json_object_get(r.json, "ok")), "data.json: %s", r.body);

	/* Binary files come through whole, NULs and all. */
	url_of(url, sizeof url, build, "img/dot.png");
	raw_http(s, "GET", url, NULL, &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Type", "image/png");
	assert_header(&w, "Cache-Control", IMMUTABLE);
	assert_header(&w, "X-Content-Type-Options", "nosniff");
	ck_assert_uint_eq(w.body_len, sizeof png_bytes);
	ck_assert_mem_eq(w.body, png_bytes, sizeof png_bytes);

	/* HEAD: headers, no body. */
	url_of(url, sizeof url, build, "js/app.js");
	raw_http(s, "HEAD", url, NULL, &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, 0);
	assert_header(&w, "Content-Type", "text/javascript; charset=utf-8");
	assert_header(&w, "Cache-Control", IMMUTABLE);
	char want[32];
	snprintf(want, sizeof want, "%zu", strlen(fx.app_js));
	assert_header(&w, "Content-Length", want);
	/* Only index.html carries the page's policy. */
	assert_header(&w, "Content-Security-Policy", NULL);

	raw_free(&w);
	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- gzip copies. ------------------------------------------------------------- */

START_TEST(gzip_copies)
{
	/* Accept-Encoding values that allow gzip, and those that do not. */
	static const char *const yes[] = {
		"gzip", "GZIP", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "deflate, gzip",
		"*", "gzip;q=0.001", "identity, *;q=0.5", "gzip ; q=1",
	};
	static const char *const no[] = {
		"", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.0", "br, gzip;q=0",
		"*;q=0", "gzipx", "x-gzip-not", "gzip;q=0, *", "*, gzip;q=0",
	};
	struct fixture fx;
	struct http_res r = {0};
	struct raw w = {0};
	char build[BUILD_LEN + 1], url[256], line[128];
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);
	url_of(url, sizeof url, build, "js/app.js");

	/* Asked for: the .gz bytes, as written, with their headers. */
	raw_http(s, "GET", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", "gzip");
	assert_header(&w, "Vary", "Accept-Encoding");
	assert_header(&w, "Content-Type", "text/javascript; charset=utf-8");
	assert_header(&w, "Cache-Control", IMMUTABLE);
	ck_assert_uint_eq(w.body_len, fx.app_gz_len);
	ck_assert_mem_eq(w.body, fx.app_gz, fx.app_gz_len);
	ck_assert_uint_lt(w.body_len, strlen(fx.app_js) - strlen(fx.app_js) / 10);
	ck_assert(w.body_len >= 2 && (unsigned char)w.body[0] == 0x1f &&
		  (unsigned char)w.body[1] == 0x8b);
	/* libcurl passes the bytes through undecoded: they differ from the text. */
	get_with(s, url, "Accept-Encoding: gzip", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_len, fx.app_gz_len);
	ck_assert_msg(r.body_len != strlen(fx.app_js) || memcmp(r.body, fx.app_js, r.body_len),
		      "gzip body is the plain text");

	/* Not asked for: the plain text, still with Vary. */
	raw_http(s, "GET", url, NULL, &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", NULL);
	assert_header(&w, "Vary", "Accept-Encoding");
	ck_assert_uint_eq(w.body_len, strlen(fx.app_js));
	ck_assert_mem_eq(w.body, fx.app_js, w.body_len);

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		snprintf(line, sizeof line, "Accept-Encoding: %s\r\n", yes[i]);
		raw_http(s, "GET", url, line, &w);
		ck_assert_int_eq(w.status, 200);
		ck_assert_msg(w.body_len == fx.app_gz_len, "Accept-Encoding: %s: not gzip'd", yes[i]);
		assert_header(&w, "Content-Encoding", "gzip");
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		snprintf(line, sizeof line, "Accept-Encoding: %s\r\n", no[i]);
		raw_http(s, "GET", url, line, &w);
		ck_assert_int_eq(w.status, 200);
		ck_assert_msg(w.body_len == strlen(fx.app_js), "Accept-Encoding: %s: gzip'd anyway",
			      no[i]);
		assert_header(&w, "Content-Encoding", NULL);
		assert_header(&w, "Vary", "Accept-Encoding");
	}

	/* HEAD with gzip: the encoding and the gzip'd length. */
	raw_http(s, "HEAD", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, 0);
	assert_header(&w, "Content-Encoding", "gzip");
	snprintf(line, sizeof line, "%zu", fx.app_gz_len);
	assert_header(&w, "Content-Length", line);

	/* A .gz copy larger than its file is never sent, and no Vary then. */
	url_of(url, sizeof url, build, "css/app.css");
	raw_http(s, "GET", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", NULL);
	assert_header(&w, "Vary", NULL);
	ck_assert_uint_eq(w.body_len, strlen("body { margin: 0; }\n"));
	/* Smaller by a tenth exactly (100 -> 90 bytes): sent. */
	url_of(url, sizeof url, build, "vendor/ten.txt");
	raw_http(s, "GET", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", "gzip");
	ck_assert_uint_eq(w.body_len, 90);
	/* Smaller by less (100 -> 91 bytes): not worth it. */
	url_of(url, sizeof url, build, "vendor/nine.txt");
	raw_http(s, "GET", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", NULL);
	assert_header(&w, "Vary", NULL);
	ck_assert_uint_eq(w.body_len, 100);
	/* A file without gzip copy. */
	url_of(url, sizeof url, build, "vendor/data.json");
	raw_http(s, "GET", url, "Accept-Encoding: gzip\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	assert_header(&w, "Content-Encoding", NULL);
	ck_assert_uint_eq(w.body_len, strlen("{\"ok\":true,\"n\":[1,2,3]}"));

	raw_free(&w);
	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- ETag and 304. -------------------------------------------------------------- */

START_TEST(etag_revalidation)
{
	struct fixture fx;
	struct http_res r = {0};
	struct raw w = {0};
	char build[BUILD_LEN + 1], url[256], etag[64], css_etag[64], line[160];
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);
	url_of(url, sizeof url, build, "css/app.css");
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(css_etag, sizeof css_etag, "%s", r.etag);
	url_of(url, sizeof url, build, "js/app.js");
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(etag, sizeof etag, "%s", r.etag);
	ck_assert_str_ne(etag, css_etag);
	/* The same file, the same ETag. */
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_str_eq(r.etag, etag);

	snprintf(line, sizeof line, "If-None-Match: %s\r\n", etag);
	raw_http(s, "GET", url, line, &w);
	ck_assert_int_eq(w.status, 304);
	ck_assert_uint_eq(w.body_len, 0);
	assert_header(&w, "ETag", etag);
	assert_header(&w, "Cache-Control", IMMUTABLE);
	assert_header(&w, "Vary", "Accept-Encoding");
	assert_header(&w, "Content-Encoding", NULL);
	/* 304 also when gzip was asked for, with no Content-Encoding (no body). */
	snprintf(line, sizeof line, "If-None-Match: %s\r\nAccept-Encoding: gzip\r\n", etag);
	raw_http(s, "GET", url, line, &w);
	ck_assert_int_eq(w.status, 304);
	ck_assert_uint_eq(w.body_len, 0);
	/* HEAD revalidates too. */
	snprintf(line, sizeof line, "If-None-Match: %s\r\n", etag);
	raw_http(s, "HEAD", url, line, &w);
	ck_assert_int_eq(w.status, 304);
	/* Another file's ETag, or a made-up one: the file. */
	snprintf(line, sizeof line, "If-None-Match: %s\r\n", css_etag);
	raw_http(s, "GET", url, line, &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, strlen(fx.app_js));
	raw_http(s, "GET", url, "If-None-Match: \"nope\"\r\n", &w);
	ck_assert_int_eq(w.status, 200);
	ck_assert_uint_eq(w.body_len, strlen(fx.app_js));
	/* Via libcurl as well. */
	snprintf(line, sizeof line, "If-None-Match: %s", etag);
	get_with(s, url, line, &r);
	ck_assert_int_eq(r.status, 304);
	ck_assert_uint_eq(r.body_len, 0);

	raw_free(&w);
	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- What is never served. ----------------------------------------------------- */

START_TEST(not_served)
{
	static const char *const missing[] = {
		"notes.xyz",      /* unknown type */
		"README",         /* no extension */
		".secret.js",     /* hidden file */
		".hidden/x.js",   /* in a hidden dir */
		"link.js",        /* symbolic link to /etc/passwd */
		"linkdir/app.js", /* through a symbolic link to a dir */
		"js/app.js.gz",   /* gzip copies are not URLs of their own */
		"orphan.js.gz",
		"orphan.js",
		"css/app.css.gz",
		"js/nothere.js",
		"js",             /* a directory */
		"js/",
		"",
		"/js/app.js",
		"JS/APP.JS",
		"js/app.js/",
	};
	/* Paths with "..", sent as written (libcurl would resolve them):
	 * [0] BUILD [1]. */
	static const char *const dotdot[][2] = {
		{"/static/", "/../index.html"},
		{"/static/", "/js/../js/app.js"},
		{"/static/", "/../../../../etc/passwd"},
		{"/static/", "/%2e%2e/index.html"},
		{"/static/", "/js/%2e%2e/css/app.css"},
		{"/static/", "/.."},
		{"/static/../static/", "/js/app.js"},
		{"/static/", "/./js/app.js"},
	};
	struct fixture fx;
	struct http_res r = {0};
	struct raw w = {0};
	char build[BUILD_LEN + 1], url[256], other[BUILD_LEN + 1];
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);

	for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
		url_of(url, sizeof url, build, missing[i]);
		req(s, "GET", url, NULL, NULL, &r);
		ck_assert_msg(r.status == 404, "%s: %ld %.200s", url, r.status, r.body);
		assert_problem(&r, 404, "not-found", NULL);
		ck_assert_msg(!strstr(r.body, "root:"), "%s: /etc/passwd leaked", url);
	}
	for (size_t i = 0; i < sizeof dotdot / sizeof *dotdot; i++) {
		snprintf(url, sizeof url, "%s%s%s", dotdot[i][0], build, dotdot[i][1]);
		raw_http(s, "GET", url, NULL, &w);
		ck_assert_msg(w.status == 404, "%s: %ld %.300s", url, w.status, w.text);
		assert_header(&w, "Content-Type", "application/problem+json");
		ck_assert_msg(!memmem(w.body, w.body_len, "root:", 5), "%s: /etc/passwd leaked", url);
		ck_assert_msg(!memmem(w.body, w.body_len, "export function", 15),
			      "%s: a file came through", url);
	}

	/* Another build (an old page, or a guess): 404, with advice to reload. */
	snprintf(other, sizeof other, "%s", build);
	other[0] = other[0] == '0' ? '1' : '0';
	url_of(url, sizeof url, other, "js/app.js");
	req(s, "GET", url, NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	ck_assert_msg(strstr(jstr(r.json, "detail"), "reload"), "detail: %s", jstr(r.json, "detail"));
	ck_assert_str_eq(r.cache_control, "private, no-cache");
	static const char *const builds[] = {
		"/static/js/app.js", "/static/", "/static/x/js/app.js", "/static//js/app.js",
	};
	for (size_t i = 0; i < sizeof builds / sizeof *builds; i++) {
		req(s, "GET", builds[i], NULL, NULL, &r);
		ck_assert_msg(r.status == 404, "%s: %ld", builds[i], r.status);
		assert_problem(&r, 404, "not-found", NULL);
	}
	/* The build as a prefix of a longer segment. */
	snprintf(url, sizeof url, "/static/%sx/js/app.js", build);
	req(s, "GET", url, NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(url, sizeof url, "/static/%.15s/js/app.js", build);
	req(s, "GET", url, NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	/* HEAD of a missing file: 404 too. */
	url_of(url, sizeof url, build, "notes.xyz");
	req(s, "HEAD", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);

	raw_free(&w);
	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- Methods, and the API beside the UI. ----------------------------------------- */

START_TEST(methods_and_api)
{
	static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE"};
	struct fixture fx;
	struct http_res r = {0};
	char build[BUILD_LEN + 1], url[256];
	struct server *s;
	const char *admin;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);

	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
		req(s, methods[i], "/", NULL, "{}", &r);
		ck_assert_msg(r.status == 405, "%s /: %ld %s", methods[i], r.status, r.body);
		assert_problem(&r, 405, "method-not-allowed", NULL);
		ck_assert_str_eq(r.allow, UI_ALLOW);
		url_of(url, sizeof url, build, "js/app.js");
		req(s, methods[i], url, NULL, NULL, &r);
		ck_assert_msg(r.status == 405, "%s %s: %ld %s", methods[i], url, r.status, r.body);
		assert_problem(&r, 405, "method-not-allowed", NULL);
		ck_assert_str_eq(r.allow, UI_ALLOW);
		/* Even for a file that is not there: the method is wrong first. */
		url_of(url, sizeof url, build, "notes.xyz");
		req(s, methods[i], url, NULL, NULL, &r);
		assert_problem(&r, 405, "method-not-allowed", NULL);
	}
	/* OPTIONS, as on every route: 204 and the same Allow. */
	req(s, "OPTIONS", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.allow, UI_ALLOW);
	url_of(url, sizeof url, build, "js/app.js");
	req(s, "OPTIONS", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.allow, UI_ALLOW);
	/* The API answers as before. */
	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_pstr_eq(jstr(r.json, "status"), "ok");
	ck_assert_str_eq(r.cache_control, "private, no-cache");
	admin = login_as(s, "admin");
	req(s, "GET", "/api/v1/nations/DEU", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "name"), "Germany");
	req(s, "GET", "/api/v1/nations/DEU", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	req(s, "GET", "/api/v1/nowhere", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "DELETE", "/healthz", NULL, NULL, &r);
	assert_problem(&r, 405, "method-not-allowed", NULL);
	/* Near misses of the UI's URLs are the API's unknown paths. */
	req(s, "GET", "/static", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/staticx/a.js", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- Long paths: every file the loader keeps has a URL. ---------------------- */

static void refused(const struct server *s, const char *dir, const char *why);

/* A path the route cannot capture (127 characters at most) is refused at
 * start rather than loaded and never served. */
START_TEST(long_paths)
{
	struct fixture fx;
	struct http_res r = {0};
	char build[BUILD_LEN + 1], name[200], rel[256], url[512];
	struct server *s;

	fixture_make(&fx);
	/* long/ppp...p.js: 127 characters is the most a path may have. */
	memset(name, 'p', 119);
	snprintf(name + 119, sizeof name - 119, ".js");
	sub_dir(&fx, "long");
	snprintf(rel, sizeof rel, "long/%s", name);
	ck_assert_uint_eq(strlen(rel), 127);
	put_text(&fx, rel, "export const long = 1;\n");
	s = start_ui(&fx);
	build_of(s, build);
	url_of(url, sizeof url, build, rel);
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%zu-char path: %ld %s", strlen(rel), r.status, r.body);
	ck_assert_str_eq(r.body, "export const long = 1;\n");
	res_free(&r);

	/* One more character: the server refuses to start. */
	snprintf(rel, sizeof rel, "long/q%s", name);
	put_text(&fx, rel, "export const longer = 1;\n");
	refused(s, fx.dir, "path longer than 127 characters");

	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- A new build: new URLs; the same files: the same build. ------------------ */

START_TEST(new_build)
{
	struct fixture fx;
	struct http_res r = {0};
	char build[BUILD_LEN + 1], again[BUILD_LEN + 1], next[BUILD_LEN + 1], url[256];
	struct server *s;

	fixture_make(&fx);
	s = start_ui(&fx);
	build_of(s, build);
	ck_assert_int_eq(server_stop(s), 0);
	server_restart(s, "--web", fx.dir, NULL);
	build_of(s, again);
	ck_assert_str_eq(again, build);
	ck_assert_int_eq(server_stop(s), 0);

	put_text(&fx, "css/app.css", "body { margin: 1px; }\n");
	server_restart(s, "--web", fx.dir, NULL);
	build_of(s, next);
	ck_assert_str_ne(next, build);
	url_of(url, sizeof url, build, "css/app.css");
	req(s, "GET", url, NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	url_of(url, sizeof url, next, "css/app.css");
	req(s, "GET", url, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "body { margin: 1px; }\n");

	res_free(&r);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

/* ---- No UI. ----------------------------------------------------------------------- */

static void assert_no_ui(const struct server *s)
{
	struct http_res r = {0};

	req(s, "GET", "/", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	ck_assert_msg(strstr(jstr(r.json, "detail"), "--web"), "detail: %s", jstr(r.json, "detail"));
	req(s, "HEAD", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	req(s, "GET", "/static/0123456789abcdef/js/app.js", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
}

START_TEST(no_ui)
{
	struct server *s;

	/* The run's copy of the binary has no web/ beside it. */
	unsetenv("NSATU_WEB");
	s = server_start("--web", "none", NULL);
	assert_no_ui(s);
	ck_assert_int_eq(server_stop(s), 0);
	server_restart(s, NULL);
	assert_no_ui(s);
	server_end(s);
}
END_TEST

/* ---- Servers that must not start. ---------------------------------------------- */

/* Run `nsatu serve --web @dir` on @s's database: it must exit non-zero at
 * once, saying @why (and naming @dir). */
static void refused(const struct server *s, const char *dir, const char *why)
{
	char *out = NULL;
	int code = nsatu_run(&out, "serve", "--db", s->db, "--listen", "127.0.0.1:0",
			     "--log-level", "warn", "--web", dir, NULL);

	ck_assert_msg(code != 0 && code != 128 + 9, "--web %s: exit %d: %s", dir, code, out);
	ck_assert_msg(strstr(out, dir), "--web %s: the message does not name it: %s", dir, out);
	ck_assert_msg(strstr(out, why), "--web %s: want \"%s\" in: %s", dir, why, out);
	free(out);
}

START_TEST(bad_web_dir)
{
	struct fixture fx;
	struct server *s;
	char path[512];

	fixture_make(&fx);
	s = server_start("--web", "none", NULL);

	snprintf(path, sizeof path, "%s/no-such-dir", fx.dir);
	refused(s, path, "No such file or directory");
	/* A folder without index.html. */
	snprintf(path, sizeof path, "%s/index.html", fx.dir);
	ck_assert_int_eq(unlink(path), 0);
	refused(s, fx.dir, "no index.html");
	/* A file, not a folder. */
	snprintf(path, sizeof path, "%s/notes.xyz", fx.dir);
	refused(s, path, "Not a directory");
	/* An empty folder. */
	snprintf(path, sizeof path, "%s/a/b/c/empty", fx.dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	refused(s, path, "no index.html");

	/* The running server was not disturbed. */
	assert_no_ui(s);
	server_end(s);
	fixture_free(&fx);
}
END_TEST

Suite *suite_web(void);
Suite *suite_web(void)
{
	Suite *s = suite_create("web");
	TCase *tc = api_tcase("web");

	tcase_add_test(tc, index_page);
	tcase_add_test(tc, static_files);
	tcase_add_test(tc, gzip_copies);
	tcase_add_test(tc, etag_revalidation);
	tcase_add_test(tc, not_served);
	tcase_add_test(tc, methods_and_api);
	tcase_add_test(tc, long_paths);
	tcase_add_test(tc, new_build);
	tcase_add_test(tc, no_ui);
	tcase_add_test(tc, bad_web_dir);
	suite_add_tcase(s, tc);
	return s;
}
