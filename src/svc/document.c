/*
 * document.c - transfer documents: the key, the DataMatrix payload that
 * ties a printed document to its shipment, and the data a document shows.
 *
 * The payload (format version 1) is printable ASCII, at most 74 characters:
 *
 *     NSATU1|<shipment id>|<check code>
 *
 *  - "NSATU1" names the format and its version.  A later format gets a new
 *    prefix, so that documents already printed stay readable.
 *  - The shipment id as the server made it: "SHP-" and then upper-case
 *    letters and digits, at most 40 characters in all.
 *  - The check code: keyed BLAKE2b with a 128-bit output (libsodium's
 *    crypto_generichash) over "NSATU1|<shipment id>", in RFC 4648 base32
 *    (A-Z, 2-7) without padding: 26 characters.
 *
 * Why a MAC and not a signature: only this server checks the documents it
 * printed, so a shared secret is enough and keeps the symbol small enough
 * to scan from a crumpled sheet.  The code says that the document came
 * from us and names this shipment; it grants nothing by itself (scanning
 * still needs a login that may read the shipment, in scope).
 *
 * The key lives in the server's configuration (svc_key_file_load),
 * never in the database, so that a copy of the database cannot forge
 * documents.  A new key makes every printed document fail its check.
 */
#include "internal.h"

#include "log/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAYLOAD_PREFIX "NSATU1|"
#define MAC_BYTES 16   /* 128 bits */
#define MAC_CHARS 26   /* base32 of 16 bytes, unpadded */
#define PAYLOAD_LEN_MAX (sizeof PAYLOAD_PREFIX - 1 + SVC_SHIPMENT_ID_MAX - 1 + 1 + MAC_CHARS)
#define KEY_FILE_MAX 4096
#define DOC_MAX_LINES 100000

_Static_assert(PAYLOAD_LEN_MAX < SVC_PAYLOAD_MAX, "a payload fits SVC_PAYLOAD_MAX");

/* ---- The key. ----------------------------------------------------------------- */

static int key_fail(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int key_fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return ST_INVALID;
}

/*
 * Make a new key file at @path: written whole under a temporary name, then
 * linked into place, so that a second process starting at the same moment
 * either makes the file or reads the complete one (link never replaces).
 */
static int key_create(const char *path, bool *made, char *errbuf, size_t errlen)
{
	unsigned char raw[SVC_KEY_LEN];
	char hex[2 * SVC_KEY_LEN + 2], tmp[4096];
	int fd, n, rc = ST_OK;
	size_t len = 2 * SVC_KEY_LEN + 1;

	n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return key_fail(errbuf, errlen, "%s: the path is too long", path);
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	hex[len - 1] = '\n';
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = key_fail(errbuf, errlen, "cannot create %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
		rc = key_fail(errbuf, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto done;
	}
	close(fd);
	if (link(tmp, path) == 0)
		*made = true;
	else if (errno != EEXIST)
		rc = key_fail(errbuf, errlen, "cannot create %s: %s", path, strerror(errno));
	unlink(tmp);
done:
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!strchr("0123456789abcdefABCDEF", s[i]) || s[i] == '\0')
			return false;
	}
	return true;
}

/* The key material in @buf (@n bytes): hex text, or raw bytes. */
static int key_derive(const char *path, const char *buf, size_t n,
		      unsigned char key[SVC_KEY_LEN], char *errbuf, size_t errlen)
{
	unsigned char bin[KEY_FILE_MAX / 2];
	size_t text = n, binlen = 0;
	int rc = ST_OK;

	while (text > 0 && strchr(" \t\r\n", buf[text - 1]))
		text--;
	if (text > 0 && all_hex(buf, text)) {
		if (text % 2 || text < 2 * SVC_KEY_LEN)
			return key_fail(errbuf, errlen, "%s holds %zu hex digits; a key "
					"needs an even number, at least %d (32 bytes)", path, text,
					2 * SVC_KEY_LEN);
		if (sodium_hex2bin(bin, sizeof bin, buf, text, NULL, &binlen, NULL) != 0)
			rc = key_fail(errbuf, errlen, "%s: the hex text cannot be read", path);
		else
			crypto_generichash(key, SVC_KEY_LEN, bin, binlen, NULL, 0);
	} else if (n < SVC_KEY_LEN) {
		rc = key_fail(errbuf, errlen, "%s holds %zu bytes; a key needs at least "
			      "%d random bytes", path, n, SVC_KEY_LEN);
	} else {
		crypto_generichash(key, SVC_KEY_LEN, (const unsigned char *)buf, n, NULL, 0);
	}
	sodium_memzero(bin, sizeof bin);
	return rc;
}

int svc_key_file_load(const char *path, bool create, unsigned char key[SVC_KEY_LEN],
			  bool *created, char *errbuf, size_t errlen)
{
	/* Plain read(2), not stdio, so that no library buffer keeps a copy. */
	char buf[KEY_FILE_MAX + 1];
	unsigned char out[SVC_KEY_LEN];
	bool made = false;
	struct stat st;
	size_t n = 0;
	ssize_t got;
	int fd, rc;

	if (created)
		*created = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if ((rc = key_create(path, &made, errbuf, errlen)) != ST_OK)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return key_fail(errbuf, errlen, "cannot open the key file %s: %s", path,
				strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return key_fail(errbuf, errlen, "the key file %s is not a regular file",
				path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return key_fail(errbuf, errlen, "the key file %s may be read or written "
				"by group or others (mode %04o); make it private with chmod 600",
				path, (unsigned)(st.st_mode & 07777));
	}
	while (n < sizeof buf && (got = read(fd, buf + n, sizeof buf - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = key_fail(errbuf, errlen, "cannot read %s: %s", path, strerror(errno));
			goto done;
		}
		n += (size_t)got;
	}
	if (n > KEY_FILE_MAX)
		rc = key_fail(errbuf, errlen, "%s is longer than %d bytes: not a key file",
			      path, KEY_FILE_MAX);
	else
		rc = key_derive(path, buf, n, out, errbuf, errlen);
	if (rc == ST_OK) {
		memcpy(key, out, sizeof out);
		if (created)
			*created = made;
	}
done:
	close(fd);
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(out, sizeof out);
	return rc;
}

/* ---- The payload. ---------------------------------------------------------------- */

static const char BASE32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* @n bytes as unpadded base32 into @out (8 * n / 5 rounded up, + NUL). */
static void base32(const unsigned char *in, size_t n, char *out)
{
	unsigned buf = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8 | in[i]) & 0xFFFFu;
		bits += 8;
		while (bits >= 5) {
			out[o++] = BASE32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = BASE32[(buf << (5 - bits)) & 31];
	out[o] = '\0';
}

/* A shipment id as the server makes them: "SHP-", then A-Z and 0-9. */
static bool shipment_id_ok(const char *s, size_t n)
{
	const char *prefix = ESPEC_SHIPMENTS.key_prefix;
	size_t plen = strlen(prefix);

	if (n <= plen + 1 || n > SVC_SHIPMENT_ID_MAX - 1 || memcmp(s, prefix, plen) != 0 ||
	    s[plen] != '-')
		return false;
	for (size_t i = plen + 1; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return true;
}

/* The check code of the @n bytes "NSATU1|<id>" at @signed_part. */
static void mac_code(const unsigned char key[SVC_KEY_LEN], const char *signed_part,
		       size_t n, char code[MAC_CHARS + 1])
{
	unsigned char mac[MAC_BYTES];

	crypto_generichash(mac, sizeof mac, (const unsigned char *)signed_part, n, key,
			   SVC_KEY_LEN);
	base32(mac, sizeof mac, code);
}

int svc_payload_make(const unsigned char key[SVC_KEY_LEN], const char *id,
		     char out[SVC_PAYLOAD_MAX])
{
	char code[MAC_CHARS + 1];
	size_t n = strlen(id);

	if (!shipment_id_ok(id, n))
		return ST_INVALID;
	n = (size_t)snprintf(out, SVC_PAYLOAD_MAX, PAYLOAD_PREFIX "%s", id);
	mac_code(key, out, n, code);
	snprintf(out + n, SVC_PAYLOAD_MAX - n, "|%s", code);
	return ST_OK;
}

int svc_payload_check(const unsigned char key[SVC_KEY_LEN], const char *payload,
		      char id[SVC_SHIPMENT_ID_MAX], struct verr *err)
{
	static const size_t plen = sizeof PAYLOAD_PREFIX - 1;
	size_t n = strlen(payload), idlen, codelen;
	const char *bar, *code;
	char want[MAC_CHARS + 1];

	if (n == 0)
		return verr_set(err, "payload", "is empty: give the text of a transfer "
				"document's DataMatrix");
	if (n > PAYLOAD_LEN_MAX)
		return verr_set(err, "payload", "is %zu characters long; a transfer document's "
				"payload has at most %zu", n, PAYLOAD_LEN_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)payload[i];
		if (c < 0x21 || c > 0x7E)
			return verr_set(err, "payload", "character %zu is not printable ASCII: a "
					"transfer document's payload holds no other", i + 1);
	}
	if (n < plen || memcmp(payload, PAYLOAD_PREFIX, plen) != 0)
		return verr_set(err, "payload", "does not start with " PAYLOAD_PREFIX ": not a "
				"transfer document of nsatu (or of a later format)");
	bar = strchr(payload + plen, '|');
	if (!bar)
		return verr_set(err, "payload", "is truncated: expected " PAYLOAD_PREFIX
				"<shipment id>|<check code>");
	code = bar + 1;
	if (strchr(code, '|'))
		return verr_set(err, "payload", "has more parts than " PAYLOAD_PREFIX
				"<shipment id>|<check code>");
	idlen = (size_t)(bar - payload) - plen;
	if (!shipment_id_ok(payload + plen, idlen))
		return verr_set(err, "payload", "names no valid shipment id: '%.*s'", (int)idlen,
				payload + plen);
	codelen = strlen(code);
	if (codelen != MAC_CHARS)
		return verr_set(err, "payload", "has a check code of %zu characters, not %d: "
				"truncated or altered", codelen, MAC_CHARS);
	if (strspn(code, BASE32) != codelen)
		return verr_set(err, "payload", "has a check code with characters other than "
				"A-Z and 2-7: altered");
	mac_code(key, payload, (size_t)(bar - payload), want);
	if (sodium_memcmp(want, code, MAC_CHARS) != 0)
		return verr_set(err, "payload", "fails its check: the document was forged or "
				"altered, or printed by another nsatu installation");
	memcpy(id, payload + plen, idlen);
	id[idlen] = '\0';
	return ST_OK;
}

/* ---- What a document shows. ---------------------------------------------------- */

static int payload_for(struct svc *svc, const char *id, char payload[SVC_PAYLOAD_MAX])
{
	if (!svc->cfg.doc_key_set) {
		log_msg(LOG_ERROR, "no document key",
			"transfer documents need the server's document key (--document-key-file)");
		return ST_INTERNAL;
	}
	if (svc_payload_make(svc->cfg.doc_key, id, payload) != ST_OK) {
		log_msg(LOG_ERROR, "bad shipment id", "'%s' cannot go into a payload", id);
		return ST_INTERNAL;
	}
	return ST_OK;
}

int svc_shipment_payload(struct svc *svc, const struct principal *p, const char *id,
			 char payload[SVC_PAYLOAD_MAX])
{
	json_t *ship = NULL;
	int rc = svc_rec_get(svc, p, &ESPEC_SHIPMENTS, id, &ship);

	if (rc == ST_OK)
		rc = payload_for(svc, json_string_value(json_object_get(ship, "id")), payload);
	json_decref(ship);
	return rc;
}

/*
 * The shipment and its lines come from the generic use cases, which apply
 * the permissions, the scope and the public form in one place.  They are
 * two reads: a line added between them would show on the document; lines
 * change only while a shipment is planned, before it is printed for
 * dispatch.
 */
int svc_shipment_document(struct svc *svc, const struct principal *p, const char *id,
			  json_t **doc, char *payload, struct verr *err)
{
	json_t *ship = NULL, *lines = NULL;
	int rc = svc_rec_get(svc, p, &ESPEC_SHIPMENTS, id, &ship);

	*doc = NULL;
	if (rc != ST_OK)
		return rc;
	const char *key = json_string_value(json_object_get(ship, "id"));
	struct svc_filter f = {"shipment", key};
	struct svc_list q = {.filters = &f, .nfilters = 1};

	rc = svc_rec_list_all(svc, p, &ESPEC_LINES, &q, DOC_MAX_LINES, &lines, err);
	if (rc == ST_INVALID)
		verr_set(err, "shipment", "has more than %d lines: too many for one document",
			 DOC_MAX_LINES);
	if (rc == ST_OK && payload)
		rc = payload_for(svc, key, payload);
	if (rc == ST_OK && !(*doc = json_pack("{s:O, s:O}", "shipment", ship, "lines", lines)))
		rc = ST_INTERNAL;
	json_decref(ship);
	json_decref(lines);
	return rc;
}

int svc_scan(struct svc *svc, const struct principal *p, const char *payload, json_t **doc,
	     struct verr *err)
{
	char id[SVC_SHIPMENT_ID_MAX];
	int rc;

	*doc = NULL;
	/* Who may not read shipments learns nothing, not even whether a
	 * payload is genuine. */
	if (!perm_allows(p->role, ESPEC_SHIPMENTS.name, ACT_READ))
		return ST_FORBIDDEN;
	if (!svc->cfg.doc_key_set) {
		log_msg(LOG_ERROR, "no document key",
			"scans need the server's document key (--document-key-file)");
		return ST_INTERNAL;
	}
	if ((rc = svc_payload_check(svc->cfg.doc_key, payload, id, err)) != ST_OK)
		return rc;
	return svc_shipment_document(svc, p, id, doc, NULL, err);
}
