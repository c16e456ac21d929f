/*
 * static.c - the web UI's files, read once at start and served from memory.
 *
 * `make web` copies web/ and the npm libraries it uses into build/web, with
 * a gzip copy of every text file beside it (NAME.gz).  At start the server
 * reads that folder whole: no request ever opens a file, so no path from a
 * client reaches the file system.  Two routes (routes.c) serve it:
 *
 *   /                        index.html; revalidated on every load
 *   /static/BUILD/PATH       every other file; cached for a year
 *
 * BUILD is a digest of every file, so a new build has new URLs and a cached
 * file is never stale; index.html names its files "static/@BUILD@/...",
 * which the loader rewrites.  A file is sent gzip'd when the client accepts
 * it and the gzip copy is smaller by a tenth or more.
 */
#include "internal.h"

#include "log/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WEB_MAX_FILES 4096
#define WEB_MAX_BYTES (64u << 20)   /* the whole UI, raw and gzip'd */
#define WEB_MAX_DEPTH 8
#define BUILD_PLACEHOLDER "@BUILD@"

struct web_file {
	char *path;               /* relative: "js/app.js" */
	const char *ctype;
	char *data;
	size_t len;
	char *gz;                 /* NULL when not worth sending */
	size_t gz_len;
	char etag[24];
};

struct http_web {
	struct web_file *files;   /* sorted by path */
	size_t n;
	size_t bytes;
	char build[17];
	const struct web_file *index;
};

static const struct {
	const char *ext, *ctype;
	bool text;                /* worth compressing */
} mime[] = {
	{"html", "text/html; charset=utf-8", true},
	{"js", "text/javascript; charset=utf-8", true},
	{"mjs", "text/javascript; charset=utf-8", true},
	{"css", "text/css; charset=utf-8", true},
	{"json", "application/json", true},
	{"svg", "image/svg+xml", true},
	{"txt", "text/plain; charset=utf-8", true},
	{"png", "image/png", false},
	{"ico", "image/x-icon", false},
	{"woff2", "font/woff2", false},
};

static int mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot)
		return -1;
	for (size_t i = 0; i < sizeof mime / sizeof *mime; i++)
		if (strcmp(dot + 1, mime[i].ext) == 0)
			return (int)i;
	return -1;
}

/* Read all of @path (at most @max bytes) into a new buffer. */
static int slurp(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *p;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max ||
	    !(p = malloc((size_t)st.st_size + 1))) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(p);
		errno = EIO;
		return -1;
	}
	p[got] = '\0';
	*out = p;
	*len = got;
	return 0;
}

struct walk {
	struct http_web *w;
	size_t cap;
	char err[256];
};

static int add_file(struct walk *k, const char *full, const char *rel)
{
	struct http_web *w = k->w;
	struct web_file *f;
	size_t len;
	char *data;

	/* The route captures {file} in a request argument (routes.c). */
	if (strlen(rel) >= sizeof ((struct http_req *)0)->args[0]) {
		snprintf(k->err, sizeof k->err, "%.60s...: path longer than %zu characters", rel,
			 sizeof ((struct http_req *)0)->args[0] - 1);
		return -1;
	}
	if (w->n == WEB_MAX_FILES) {
		snprintf(k->err, sizeof k->err, "more than %d files", WEB_MAX_FILES);
		return -1;
	}
	if (slurp(full, WEB_MAX_BYTES - w->bytes, &data, &len) != 0) {
		snprintf(k->err, sizeof k->err, "%.160s: %s", rel,
			 errno == EFBIG ? "too large, or not a regular file" : strerror(errno));
		return -1;
	}
	if (w->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		struct web_file *p = realloc(w->files, cap * sizeof *p);
		if (!p) {
			free(data);
			snprintf(k->err, sizeof k->err, "out of memory");
			return -1;
		}
		w->files = p;
		k->cap = cap;
	}
	f = &w->files[w->n];
	*f = (struct web_file){.path = strdup(rel), .data = data, .len = len};
	if (!f->path) {
		free(data);
		snprintf(k->err, sizeof k->err, "out of memory");
		return -1;
	}
	w->n++;
	w->bytes += len;
	return 0;
}

static int walk_dir(struct walk *k, const char *dir, const char *rel, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		snprintf(k->err, sizeof k->err, "%.160s: %s", dir, strerror(errno));
		return -1;
	}
	if (depth > WEB_MAX_DEPTH) {
		closedir(d);
		snprintf(k->err, sizeof k->err, "%.160s: nested too deep", dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(d))) {
		char full[4096], sub[1024];
		struct stat st;

		if (de->d_name[0] == '.')   /* ., .., and hidden files */
			continue;
		if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, de->d_name) >= sizeof full ||
		    (size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
				     de->d_name) >= sizeof sub) {
			snprintf(k->err, sizeof k->err, "%.160s: path too long", de->d_name);
			rc = -1;
			break;
		}
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk_dir(k, full, sub, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = add_file(k, full, sub);
		/* Symbolic links and devices are not part of the UI. */
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->path, ((const struct web_file *)b)->path);
}

static struct web_file *find(const struct http_web *w, const char *path)
{
	struct web_file key = {.path = (char *)path};

	return w->n ? bsearch(&key, w->files, w->n, sizeof *w->files, by_path) : NULL;
}

static void drop(struct web_file *f)
{
	free(f->path);
	free(f->data);
	free(f->gz);
}

/* Replace every BUILD_PLACEHOLDER in index.html by the build digest. */
static int stamp_index(struct web_file *f, const char *build)
{
	size_t plen = strlen(BUILD_PLACEHOLDER), blen = strlen(build), n = 0;
	char *p, *q, *out;

	for (p = f->data; (p = strstr(p, BUILD_PLACEHOLDER)); p += plen)
		n++;
	if (!(out = malloc(f->len + n * blen + 1)))
		return -1;
	q = out;
	for (p = f->data;;) {
		char *hit = strstr(p, BUILD_PLACEHOLDER);
		size_t keep = hit ? (size_t)(hit - p) : strlen(p);
		memcpy(q, p, keep);
		q += keep;
		if (!hit)
			break;
		memcpy(q, build, blen);
		q += blen;
		p = hit + plen;
	}
	*q = '\0';
	free(f->data);
	f->data = out;
	f->len = (size_t)(q - out);
	return 0;
}

static void etag_of(struct web_file *f)
{
	unsigned char h[8];

	crypto_generichash(h, sizeof h, (const unsigned char *)f->data, f->len, NULL, 0);
	f->etag[0] = '"';
	sodium_bin2hex(f->etag + 1, sizeof f->etag - 2, h, sizeof h);
	strcat(f->etag, "\"");
}

/*
 * Pair each NAME.gz with NAME (dropping the .gz entries), keep files of a
 * known type only, digest the whole, and stamp index.html.
 */
static int settle(struct http_web *w, char *err, size_t errlen)
{
	crypto_generichash_state st;
	unsigned char h[8];
	size_t kept = 0;

	if (w->n)   /* an empty folder: files is NULL, which qsort may not get */
		qsort(w->files, w->n, sizeof *w->files, by_path);
	for (size_t i = 0; i < w->n; i++) {
		struct web_file *f = &w->files[i];
		size_t pl = strlen(f->path);
		int m;

		if (pl > 3 && pl < 1024 && strcmp(f->path + pl - 3, ".gz") == 0) {
			char name[1024];
			memcpy(name, f->path, pl - 3);
			name[pl - 3] = '\0';
			struct web_file *base = find(w, name);
			m = base ? mime_of(base->path) : -1;
			/* Smaller by a tenth or more: at most nine tenths. */
			if (m >= 0 && mime[m].text && !base->gz && f->len * 10 <= base->len * 9) {
				base->gz = f->data;
				base->gz_len = f->len;
				f->data = NULL;
			}
		}
	}
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (size_t i = 0; i < w->n; i++) {
		struct web_file *f = &w->files[i];
		int m = mime_of(f->path);

		if (m < 0) {   /* .gz copies (now paired) and unknown types */
			drop(f);
			continue;
		}
		f->ctype = mime[m].ctype;
		crypto_generichash_update(&st, (const unsigned char *)f->path, strlen(f->path) + 1);
		crypto_generichash_update(&st, (const unsigned char *)f->data, f->len);
		w->files[kept++] = *f;
	}
	w->n = kept;
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(w->build, sizeof w->build, h, sizeof h);

	struct web_file *index = find(w, "index.html");
	if (!index) {
		snprintf(err, errlen, "no index.html");
		return -1;
	}
	/* The gzip copy of index.html would not carry the stamp. */
	free(index->gz);
	index->gz = NULL;
	if (stamp_index(index, w->build) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < w->n; i++)
		etag_of(&w->files[i]);
	w->index = index;
	return 0;
}

int http_web_load(const char *dir, struct http_web **out, char *err, size_t errlen)
{
	struct walk k = {0};
	struct http_web *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return ST_INTERNAL;
	}
	k.w = w;
	if (walk_dir(&k, dir, "", 0) != 0) {
		snprintf(err, errlen, "%s", k.err);
		http_web_free(w);
		return ST_INVALID;
	}
	if (settle(w, err, errlen) != 0) {
		http_web_free(w);
		return ST_INVALID;
	}
	log_msg(LOG_INFO, "web UI loaded", "%zu files, %zu bytes, build %s, from %s", w->n,
		w->bytes, w->build, dir);
	*out = w;
	return ST_OK;
}

void http_web_free(struct http_web *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		drop(&w->files[i]);
	free(w->files);
	free(w);
}

/* Does Accept-Encoding allow gzip?  ("gzip", "gzip;q=0.5", "*"; not q=0.)
 * "gzip" named outright wins over "*" (RFC 9110 12.5.3): "*, gzip;q=0"
 * refuses it. */
static bool accepts_gzip(const char *ae)
{
	int gzip = -1, star = -1;   /* -1 not named, 0 refused, 1 accepted */

	while (ae && *ae) {
		size_t n;

		ae += strspn(ae, " \t,");
		n = strcspn(ae, ",");
		if (n == 0)
			break;
		size_t name = strcspn(ae, ";, \t");
		bool is_gzip = name == 4 && strncasecmp(ae, "gzip", 4) == 0;
		if (is_gzip || (name == 1 && ae[0] == '*')) {
			int ok = 1;
			const char *q = memchr(ae, ';', n);
			if (q) {
				q += strspn(q + 1, " \t") + 1;
				if (strncmp(q, "q=", 2) == 0)
					ok = strtod(q + 2, NULL) > 0;
			}
			*(is_gzip ? &gzip : &star) = ok;
		}
		ae += n;
	}
	return gzip >= 0 ? gzip == 1 : star == 1;
}

/* The policy for the UI's pages: its own files and API only. */
#define UI_CSP                                                                      \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "       \
	"form-action 'self'; frame-ancestors 'none'"

/* Answer with @f (NULL: 404), revalidated by its ETag. */
static void serve(struct http_req *rq, const struct http_web *w, const struct web_file *f)
{
	const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);

	if (!f) {
		/* Another build's URL: the page that asked is out of date. */
		http_problem(rq, E_NOT_FOUND, NULL,
			     "no file at %s (reload the page: the UI may have been updated)", rq->path);
		return;
	}
	rq->web = f;
	rq->web_gz = f->gz && accepts_gzip(http_header(rq, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	rq->web_index = f == w->index;
	rq->status = inm && strcmp(inm, f->etag) == 0 ? 304 : 200;
	rq->ctype = f->ctype;
	snprintf(rq->etag, sizeof rq->etag, "%s", f->etag);
}

static const struct http_web *ui(struct http_req *rq)
{
	const struct http_web *w = http_server_web(rq->srv);

	if (!w)
		http_problem(rq, E_NOT_FOUND, NULL,
			     "this server has no web UI (start it with --web DIR, built by make web)");
	return w;
}

void h_ui_index(struct http_req *rq)
{
	const struct http_web *w = ui(rq);

	if (w)
		serve(rq, w, w->index);
}

void h_ui_file(struct http_req *rq)
{
	const struct http_web *w = ui(rq);

	if (!w)
		return;
	/* index.html only at "/", where it is revalidated. */
	serve(rq, w, strcmp(rq->args[0], w->build) == 0 && strcmp(rq->args[1], "index.html") != 0
			     ? find(w, rq->args[1]) : NULL);
}

struct MHD_Response *http_web_response(const struct http_req *rq)
{
	const struct web_file *f = rq->web;
	struct MHD_Response *r;

	if (rq->status == 304)
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	else if (rq->web_gz)
		r = MHD_create_response_from_buffer(f->gz_len, f->gz, MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(f->len, f->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return NULL;
	if (rq->web_gz && rq->status != 304)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (f->gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				rq->web_index ? "no-cache" : "public, max-age=31536000, immutable");
	if (rq->web_index) {
		MHD_add_response_header(r, "Content-Security-Policy", UI_CSP);
		MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	}
	return r;
}
