/*
 * serve.c - nsatu serve: run the HTTP API until SIGTERM or SIGINT, then
 * stop accepting, let requests in flight finish, and exit.
 */
#include "cli.h"

#include "http/http.h"
#include "log/log.h"
#include "store/store.h"

#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu serve [OPTIONS]\n\n"
		"Serve the HTTP API.  Each option can also be set in the environment.\n\n"
		"  --listen HOST:PORT       address to listen on       NSATU_LISTEN        (127.0.0.1:8080)\n"
		"  --db PATH                database                   NSATU_DB            (" CLI_DEFAULT_DB ")\n"
		"  --threads N              worker threads             NSATU_THREADS       (CPUs)\n"
		"  --max-body BYTES         largest request body       NSATU_MAX_BODY      (1048576)\n"
		"  --max-batch-body BYTES   body of events:batch       NSATU_MAX_BATCH_BODY (33554432)\n"
		"  --max-header BYTES       largest request head       NSATU_MAX_HEADER    (16384)\n"
		"  --timeout SECONDS        idle connection timeout    NSATU_TIMEOUT       (30)\n"
		"  --body-timeout SECONDS   time to send a body        NSATU_BODY_TIMEOUT  (60)\n"
		"  --token-ttl SECONDS      session token lifetime     NSATU_TOKEN_TTL     (28800)\n"
		"  --grace SECONDS          shutdown grace period      NSATU_GRACE         (10)\n"
		"  --log-level LEVEL        debug, info, warn, error   NSATU_LOG_LEVEL     (info)\n"
		"  --login-failures N       failed logins to lock      NSATU_LOGIN_FAILURES (5)\n"
		"  --lockout SECONDS        first lock, then doubled   NSATU_LOCKOUT       (60)\n"
		"  --auth-cache-ms MS       remember resolved tokens   NSATU_AUTH_CACHE_MS (1000)\n"
		"  --document-key-file FILE key of transfer documents NSATU_DOCUMENT_KEY_FILE\n"
		"  --trainee-key-file FILE  key of trainees' pseudonyms NSATU_TRAINEE_KEY_FILE\n"
		"                           (DB.document-key; ./nsatu-document.key for PostgreSQL)\n"
		"  --port-file FILE         write the bound port here (for --listen HOST:0)\n"
		"  --web DIR                the web UI, built by make web  NSATU_WEB\n"
		"                           (web/ beside the nsatu binary, when there; none: no UI)\n");
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/*
 * The UI that `make` built beside this binary (build/web for build/nsatu),
 * when it is there; NULL otherwise: the server then answers the API only.
 */
static const char *default_web(char *buf, size_t len)
{
	char exe[PATH_MAX];
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/web", exe) >= len || stat(buf, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		log_msg(LOG_INFO, "no web UI", "none at %s/web; serving the API only", exe);
		return NULL;
	}
	return buf;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"db", required_argument, NULL, 'd'},
		{"threads", required_argument, NULL, 't'},
		{"max-body", required_argument, NULL, 'b'},
		{"max-header", required_argument, NULL, 'H'},
		{"max-batch-body", required_argument, NULL, 'M'},
		{"timeout", required_argument, NULL, 'T'},
		{"body-timeout", required_argument, NULL, 'B'},
		{"token-ttl", required_argument, NULL, 'k'},
		{"grace", required_argument, NULL, 'g'},
		{"log-level", required_argument, NULL, 'L'},
		{"port-file", required_argument, NULL, 'p'},
		{"login-failures", required_argument, NULL, 'F'},
		{"lockout", required_argument, NULL, 'O'},
		{"auth-cache-ms", required_argument, NULL, 'A'},
		{"document-key-file", required_argument, NULL, 'K'},
		{"trainee-key-file", required_argument, NULL, 'R'},
		{"web", required_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *web = env_or("NSATU_WEB", NULL);
	const char *listen = env_or("NSATU_LISTEN", "127.0.0.1:8080"), *db = NULL;
	const char *threads = env_or("NSATU_THREADS", "0");
	const char *max_body = env_or("NSATU_MAX_BODY", "1048576");
	const char *max_header = env_or("NSATU_MAX_HEADER", "16384");
	const char *max_batch = env_or("NSATU_MAX_BATCH_BODY", "33554432");
	const char *timeout = env_or("NSATU_TIMEOUT", "30");
	const char *body_timeout = env_or("NSATU_BODY_TIMEOUT", "60");
	const char *ttl = env_or("NSATU_TOKEN_TTL", "28800");
	const char *grace = env_or("NSATU_GRACE", "10");
	const char *level = env_or("NSATU_LOG_LEVEL", "info");
	const char *port_file = NULL;
	const char *failures = env_or("NSATU_LOGIN_FAILURES", "5");
	const char *lockout = env_or("NSATU_LOCKOUT", "60");
	const char *auth_cache = env_or("NSATU_AUTH_CACHE_MS", "1000");
	long long n_failures, n_lockout, n_auth_cache;
	const char *doc_key_file = NULL;  /* cli_document_key reads the environment */
	const char *trainee_key_file = NULL;
	long long n_batch;
	long long n_threads, n_body, n_header, n_timeout, n_body_timeout, n_ttl, n_grace;
	struct store *store;
	struct svc *svc;
	struct http_server *srv;
	sigset_t sigs;
	char err[512];
	int c, sig, lvl;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'd': db = optarg; break;
		case 't': threads = optarg; break;
		case 'b': max_body = optarg; break;
		case 'H': max_header = optarg; break;
		case 'M': max_batch = optarg; break;
		case 'T': timeout = optarg; break;
		case 'B': body_timeout = optarg; break;
		case 'k': ttl = optarg; break;
		case 'g': grace = optarg; break;
		case 'L': level = optarg; break;
		case 'p': port_file = optarg; break;
		case 'F': failures = optarg; break;
		case 'O': lockout = optarg; break;
		case 'A': auth_cache = optarg; break;
		case 'K': doc_key_file = optarg; break;
		case 'R': trainee_key_file = optarg; break;
		case 'W': web = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nsatu serve: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!cli_number("threads", threads, 0, 256, &n_threads) ||
	    !cli_number("max-body", max_body, 1024, 1LL << 30, &n_body) ||
	    !cli_number("max-header", max_header, 4096, 1 << 20, &n_header) ||
	    !cli_number("max-batch-body", max_batch, 1024, 1LL << 31, &n_batch) ||
	    !cli_number("timeout", timeout, 1, 3600, &n_timeout) ||
	    !cli_number("body-timeout", body_timeout, 1, 3600, &n_body_timeout) ||
	    !cli_number("token-ttl", ttl, 1, 30LL * 86400, &n_ttl) ||
	    !cli_number("grace", grace, 0, 600, &n_grace) ||
	    !cli_number("login-failures", failures, 1, 1000, &n_failures) ||
	    !cli_number("lockout", lockout, 1, 86400, &n_lockout) ||
	    !cli_number("auth-cache-ms", auth_cache, 0, 60000, &n_auth_cache))
		return EXIT_USAGE;
	if ((lvl = log_level_parse(level)) < 0) {
		fprintf(stderr, "nsatu serve: log-level: '%s' must be debug, info, warn or error\n", level);
		return EXIT_USAGE;
	}
	log_set_level((enum log_level)lvl);

	/* Block the stop signals before any thread starts, so that they all
	 * inherit the mask and only sigwait() below receives them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A batch of events is a 2 MB body and a tree of 100 000 small
	 * blocks, freed together.  glibc's fast bins then make every larger
	 * request consolidate them (a tenth of a batch's time, measured);
	 * without fast bins, and with the heap kept rather than trimmed and
	 * grown again each request, the batch API runs about 15 % faster. */
	mallopt(M_MXFAST, 0);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 16 * 1024 * 1024);

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned workers = n_threads ? (unsigned)n_threads : cpus > 0 ? (unsigned)cpus : 2;
	struct svc_config scfg = {.token_ttl_s = n_ttl, .login_max_failures = (int)n_failures,
				  .lockout_s = n_lockout, .auth_cache_ms = n_auth_cache};
	if (!cli_document_key(doc_key_file, cli_db(db), &scfg) ||
	    !cli_trainee_key(trainee_key_file, cli_db(db), &scfg))
		return EXIT_FAIL;
	bool opened = cli_open(cli_db(db), workers + 2, &scfg, &store, &svc);
	/* The service holds its own copies of the keys. */
	sodium_memzero(scfg.doc_key, sizeof scfg.doc_key);
	sodium_memzero(scfg.trainee_key, sizeof scfg.trainee_key);
	if (!opened)
		return EXIT_FAIL;
	char web_default[PATH_MAX];
	if (!web)
		web = default_web(web_default, sizeof web_default);
	else if (strcmp(web, "none") == 0)
		web = NULL;
	struct http_config hcfg = {
		.web_dir = web,
		.listen = listen, .threads = workers, .max_body = (size_t)n_body,
		.max_batch_body = (size_t)n_batch,
		.max_header = (size_t)n_header, .conn_timeout_s = (unsigned)n_timeout,
		.body_timeout_s = (unsigned)n_body_timeout,
	};
	if (http_start(&hcfg, svc, &srv, err, sizeof err) != ST_OK) {
		fprintf(stderr, "nsatu serve: %s\n", err);
		cli_close(store, svc);
		return EXIT_FAIL;
	}
	if (port_file) {
		FILE *f = fopen(port_file, "w");
		if (!f || fprintf(f, "%u\n", http_port(srv)) < 0 || fclose(f) != 0) {
			fprintf(stderr, "nsatu serve: cannot write %s\n", port_file);
			http_stop(srv, 0);
			cli_close(store, svc);
			return EXIT_FAIL;
		}
	}
	log_json(LOG_INFO, "serving",
		 json_pack("{s:s, s:i, s:s, s:i}", "listen", listen, "port",
			   (int)http_port(srv), "db", cli_db(db), "threads", (int)workers));
	sigwait(&sigs, &sig);
	log_msg(LOG_INFO, "stopping", "signal %d: finishing requests in flight", sig);
	http_stop(srv, (unsigned)n_grace);
	cli_close(store, svc);
	log_msg(LOG_INFO, "stopped", "clean shutdown");
	return EXIT_OK;
}
