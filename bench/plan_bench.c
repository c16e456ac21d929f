/*
 * plan_bench.c - build/bench-plan: the measurements of `make bench-plan`,
 * nsatu's allocation optimiser against GLPK's simplex run directly on the
 * same LP.
 *
 *   bench-plan run N [both|ours|glpk]   measure on the N-line instance
 *   bench-plan json N FILE              write the N-line instance as JSON
 *
 * `run` forks one child per side, one after the other (never both at
 * once: they would share the CPUs), so that each side's peak memory is its
 * own.  Each child generates the instance (plan_gen.h) and then:
 *
 *   ours: times plan_solve, the optimiser as the product runs it;
 *   glpk: times plan_lp_build (the very LP plan_solve solves, built but not
 *     solved) and then solves it lexicographically with glp_simplex: for
 *     each level P1..P4, lateness, cost, set the level's objective with
 *     plan_lp_objective, start glp_simplex from the standard basis with
 *     default parameters (presolve off, no scaling, no messages), read the
 *     optimum z, and hold the level there before the next one.  How it is
 *     held (BENCH_PLAN_HOLD):
 *       row (the default): the textbook way, a row that keeps the level's
 *         objective at z (>= z - s max(1, |z|) for the maximised levels,
 *         <= z + s max(1, |z|) for the minimised ones; s is
 *         BENCH_PLAN_GLPK_SLACK, 1e-9);
 *       face: the lexicographic simplex's way, every column and row that
 *         the optimum leaves nonbasic with a reduced cost that is not zero
 *         (above 1e-7 x the largest cost, GLPK's dual tolerance) is fixed
 *         where it is, so later levels move only on the optimal face.
 *     The whole run may take at most BENCH_PLAN_GLPK_LIMIT seconds (600;
 *     passed to glp_smcp.tm_lim as what is left of it at each level); when
 *     it is hit the child says so and reports the levels it finished.
 *
 * Why two ways: on these LPs, GLPK's primal simplex stalls on the lateness
 * level once the priority levels are held by rows (at 1 000 lines it makes
 * no progress in 100 000 iterations, with any pricing, ratio test, scaling
 * or start), and the rows' slack lets the lower levels gain: trading
 * 1e-9 x z units of a 20-tonne item for 0.001-tonne ones through a full
 * node gives P4 up to 2e4 times the slack.  Held by the face, GLPK
 * finishes and lands on the same optimum as plan_solve.
 *
 * Each child reports over a pipe: wall seconds, ru_maxrss after
 * generating and at the end (getrusage RUSAGE_SELF: the difference is the
 * solver's share), the LP's size and the objective vector.  The parent
 * prints, on stdout, lines bench/plan.sh reads:
 *
 *   RESULT ours|glpk N STATUS SECONDS PEAK_MB GEN_MB ROWS COLS O1 .. O6
 *   LEVELS glpk N HOLD BUILD_S L1_S .. L6_S    (seconds per simplex level)
 *   DETAIL ours N SOLVE_MS METHOD integral|fractional ON_TIME LATE UNMET
 *                                              (from plan_result)
 *   COMPARE N LEVELS MAX_REL_DIFF WORST_LEVEL  (|ours - glpk| / max(1, |glpk|))
 *
 * STATUS is ok, time_limit (objectives of unsolved levels are nan),
 * no_optimum (glpk: a level's simplex ended without an optimum; the
 * levels before it are reported and compared) or failed (the benchmark
 * could not run: the message goes to stderr, and the exit status is 1).
 * A line NOTE ours|glpk N TEXT says why a side did not finish.  ours
 * has no time limit of its own: its child is stopped after
 * BENCH_PLAN_OURS_LIMIT seconds (600), and then the parent reports the
 * wall time and the child's peak RSS from wait4.
 */
#include "plan_gen.h"

#include <errno.h>
#include <glpk.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_GLPK_LIMIT_S 600
#define DEFAULT_OURS_LIMIT_S 600
#define DEFAULT_SLACK 1e-9   /* relative slack of the rows that hold a level */
#define FACE_TOL 1e-7        /* reduced costs below this x max |c| are zero */

/* no_optimum: the baseline's simplex ended a level without an optimum
 * (it says why); failed: the benchmark itself could not run. */
enum status { ST_OK, ST_TIME_LIMIT, ST_NO_OPTIMUM, ST_FAILED };
static const char *const status_name[] = {"ok", "time_limit", "no_optimum", "failed"};

static const char *const level_name[PLAN_OBJ__COUNT] = {"P1", "P2", "P3", "P4", "lateness",
							"cost"};

/* What a child sends back, as raw bytes over its pipe. */
struct report {
	enum status status;
	int levels;                     /* levels solved */
	double gen_s, build_s, secs;    /* secs: plan_solve, or build + levels */
	double level_s[PLAN_OBJ__COUNT];
	long gen_rss_kb, peak_rss_kb;
	size_t rows, cols;
	double obj[PLAN_OBJ__COUNT];
	double solve_ms, on_time, late, unmet;  /* ours: from plan_result */
	bool integral;
	char method[16];
	char err[256];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

static int parse_size(const char *s, size_t *n)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < 2 || v > 100000000ULL)
		return -1;
	*n = (size_t)v;
	return 0;
}

/* ---- ours ------------------------------------------------------------------ */

static void run_ours(size_t n, struct report *rep)
{
	struct plan_problem p;
	struct plan_result r;

	double t = now_s();
	if (pg_generate(n, &p) != 0) {
		snprintf(rep->err, sizeof rep->err, "out of memory generating %zu lines", n);
		return;
	}
	rep->gen_s = now_s() - t;
	rep->gen_rss_kb = maxrss_kb();

	memset(&r, 0, sizeof r);
	t = now_s();
	int rc = plan_solve(&p, &r, rep->err, sizeof rep->err);
	rep->secs = now_s() - t;
	rep->peak_rss_kb = maxrss_kb();
	if (rc == 0) {
		rep->status = ST_OK;
		rep->levels = PLAN_OBJ__COUNT;
		rep->rows = r.rows;
		rep->cols = r.cols;
		memcpy(rep->obj, r.objective, sizeof rep->obj);
		rep->solve_ms = r.solve_ms;
		rep->on_time = r.on_time;
		rep->late = r.late;
		rep->unmet = r.unmet;
		rep->integral = r.integral;
		snprintf(rep->method, sizeof rep->method, "%s", r.method ? r.method : "?");
		plan_result_free(&r);
	}
	pg_free(&p);
}

/* ---- the GLPK baseline ------------------------------------------------------ */

/* A number >= 0 from the environment, or @dflt. */
static double env_num(const char *name, double dflt)
{
	const char *s = getenv(name);
	char *end;

	if (!s || !*s)
		return dflt;
	double v = strtod(s, &end);
	return *end || !(v >= 0) ? dflt : v;
}

/* BENCH_PLAN_HOLD=face (see the top of the file); else rows. */
static bool face_mode(void)
{
	const char *s = getenv("BENCH_PLAN_HOLD");

	return s && strcmp(s, "face") == 0;
}

/* Add a row holding the current objective at @z: >= for maximisation,
 * <= for minimisation, with a slack of @rel_slack x max(1, |z|).  The
 * objective's constant term (column 0) moves to the right-hand side. */
static void hold_by_row(glp_prob *P, double z, double rel_slack, int *ind, double *val)
{
	int ncols = glp_get_num_cols(P), len = 0;
	double slack = rel_slack * fmax(1.0, fabs(z)), c0 = glp_get_obj_coef(P, 0);

	for (int j = 1; j <= ncols; j++) {
		double c = glp_get_obj_coef(P, j);
		if (c != 0) {
			len++;
			ind[len] = j;
			val[len] = c;
		}
	}
	int i = glp_add_rows(P, 1);
	glp_set_mat_row(P, i, len, ind, val);
	if (glp_get_obj_dir(P) == GLP_MAX)
		glp_set_row_bnds(P, i, GLP_LO, z - slack - c0, 0);
	else
		glp_set_row_bnds(P, i, GLP_UP, 0, z + slack - c0);
}

/* Fix every nonbasic column and row whose reduced cost for the current
 * objective is not zero at its value: any optimum of this level has it
 * there, so the next levels keep this level's optimum. */
static void hold_by_face(glp_prob *P)
{
	int nc = glp_get_num_cols(P), nr = glp_get_num_rows(P);
	double big = 1;

	for (int j = 1; j <= nc; j++)
		big = fmax(big, fabs(glp_get_obj_coef(P, j)));
	double tol = FACE_TOL * big;
	for (int j = 1; j <= nc; j++) {
		if (glp_get_col_stat(P, j) != GLP_BS && glp_get_col_type(P, j) != GLP_FX &&
		    fabs(glp_get_col_dual(P, j)) > tol) {
			double v = glp_get_col_prim(P, j);
			glp_set_col_bnds(P, j, GLP_FX, v, v);
		}
	}
	for (int i = 1; i <= nr; i++) {
		if (glp_get_row_stat(P, i) != GLP_BS && glp_get_row_type(P, i) != GLP_FX &&
		    fabs(glp_get_row_dual(P, i)) > tol) {
			double v = glp_get_row_prim(P, i);
			glp_set_row_bnds(P, i, GLP_FX, v, v);
		}
	}
}

static const char *glp_status_name(int st)
{
	switch (st) {
	case GLP_UNDEF: return "undefined";
	case GLP_FEAS: return "feasible";
	case GLP_INFEAS: return "infeasible";
	case GLP_NOFEAS: return "no feasible solution";
	case GLP_UNBND: return "unbounded";
	default: return "?";
	}
}

static void run_glpk(size_t n, struct report *rep)
{
	struct plan_problem p;
	struct plan_lp *lp = NULL;
	int *ind = NULL;
	double *val = NULL, limit = env_num("BENCH_PLAN_GLPK_LIMIT", DEFAULT_GLPK_LIMIT_S);
	double slack = env_num("BENCH_PLAN_GLPK_SLACK", DEFAULT_SLACK);
	bool face = face_mode();

	double t = now_s();
	if (pg_generate(n, &p) != 0) {
		snprintf(rep->err, sizeof rep->err, "out of memory generating %zu lines", n);
		return;
	}
	rep->gen_s = now_s() - t;
	rep->gen_rss_kb = maxrss_kb();

	double t0 = now_s();
	lp = plan_lp_build(&p, rep->err, sizeof rep->err);
	rep->build_s = now_s() - t0;
	if (!lp)
		goto done;
	glp_prob *P = plan_lp_glp(lp);
	int ncols = glp_get_num_cols(P);
	rep->rows = (size_t)glp_get_num_rows(P);
	rep->cols = (size_t)ncols;
	ind = malloc(((size_t)ncols + 1) * sizeof *ind);
	val = malloc(((size_t)ncols + 1) * sizeof *val);
	if (!ind || !val) {
		snprintf(rep->err, sizeof rep->err, "out of memory");
		goto done;
	}
	for (int l = 0; l < PLAN_OBJ__COUNT; l++)
		rep->obj[l] = NAN;

	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_OFF;
	for (int l = 0; l < PLAN_OBJ__COUNT; l++) {
		double left = limit - (now_s() - t0);
		if (left <= 0) {
			rep->status = ST_TIME_LIMIT;
			break;
		}
		parm.tm_lim = left * 1000 > INT32_MAX ? INT32_MAX : (int)(left * 1000);

		/* The level's objective alone: clear the previous one first. */
		for (int j = 0; j <= ncols; j++)
			glp_set_obj_coef(P, j, 0);
		plan_lp_objective(lp, l);
		glp_std_basis(P);
		double tl = now_s();
		int rc = glp_simplex(P, &parm);
		rep->level_s[l] = now_s() - tl;
		if (rc == GLP_ETMLIM) {
			rep->status = ST_TIME_LIMIT;
			break;
		}
		if (rc != 0 || glp_get_status(P) != GLP_OPT) {
			snprintf(rep->err, sizeof rep->err,
				 "level %s: glp_simplex returned %d, status %s", level_name[l], rc,
				 glp_status_name(glp_get_status(P)));
			rep->status = ST_NO_OPTIMUM;
			break;
		}
		rep->obj[l] = glp_get_obj_val(P);
		rep->levels = l + 1;
		if (l + 1 < PLAN_OBJ__COUNT) {
			if (face)
				hold_by_face(P);
			else
				hold_by_row(P, rep->obj[l], slack, ind, val);
		}
	}
	rep->secs = now_s() - t0;
	if (rep->levels == PLAN_OBJ__COUNT)
		rep->status = ST_OK;
done:
	rep->peak_rss_kb = maxrss_kb();
	if (rep->status == ST_FAILED && !rep->err[0])
		snprintf(rep->err, sizeof rep->err, "failed");
	if (rep->status != ST_OK)
		rep->secs = now_s() - t0;
	free(ind);
	free(val);
	if (lp)
		plan_lp_free(lp);
	pg_free(&p);
}

/* ---- the parent --------------------------------------------------------------- */

/* Run @fn(n) in a child and collect its report.  The child is stopped by
 * SIGALRM after @limit_s seconds (0: never); then the report says
 * time_limit with the wall time and the peak RSS the kernel reports for
 * it.  Returns 0, or -1 when the child failed, died or sent nothing (then
 * rep->err says why). */
static int in_child(void (*fn)(size_t, struct report *), size_t n, unsigned limit_s,
		    struct report *rep)
{
	int fd[2];

	memset(rep, 0, sizeof *rep);
	rep->status = ST_FAILED;
	fflush(NULL);
	if (pipe(fd) != 0) {
		snprintf(rep->err, sizeof rep->err, "pipe: %s", strerror(errno));
		return -1;
	}
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(rep->err, sizeof rep->err, "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		struct report mine;
		close(fd[0]);
		alarm(limit_s);
		memset(&mine, 0, sizeof mine);
		mine.status = ST_FAILED;
		fn(n, &mine);
		alarm(0);
		const char *b = (const char *)&mine;
		size_t left = sizeof mine;
		while (left > 0) {
			ssize_t w = write(fd[1], b, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(2);
			b += w;
			left -= (size_t)w;
		}
		_exit(0);
	}
	close(fd[1]);
	char *b = (char *)rep;
	size_t got = 0;
	while (got < sizeof *rep) {
		ssize_t r = read(fd[0], b + got, sizeof *rep - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	int ws = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	while (wait4(pid, &ws, 0, &ru) < 0 && errno == EINTR)
		;
	if (got == sizeof *rep && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return rep->status == ST_FAILED ? -1 : 0;
	memset(rep, 0, sizeof *rep);
	rep->status = ST_FAILED;
	for (int l = 0; l < PLAN_OBJ__COUNT; l++)
		rep->obj[l] = NAN;
	if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM) {
		rep->status = ST_TIME_LIMIT;
		rep->secs = now_s() - t0;
		rep->peak_rss_kb = ru.ru_maxrss;
		snprintf(rep->err, sizeof rep->err, "stopped after %u s", limit_s);
		return 0;
	}
	if (WIFSIGNALED(ws))
		snprintf(rep->err, sizeof rep->err, "child killed by signal %d (%s)",
			 WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else
		snprintf(rep->err, sizeof rep->err, "child exited with status %d, sent %zu bytes",
			 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, got);
	return -1;
}

static void print_result(const char *side, size_t n, const struct report *rep)
{
	printf("RESULT %s %zu %s %.3f %.1f %.1f %zu %zu", side, n, status_name[rep->status],
	       rep->secs, rep->peak_rss_kb / 1024.0, rep->gen_rss_kb / 1024.0, rep->rows,
	       rep->cols);
	for (int l = 0; l < PLAN_OBJ__COUNT; l++)
		printf(" %.17g", rep->obj[l]);
	printf("\n");
	fflush(stdout);
	if (rep->status != ST_OK && rep->err[0]) {
		fprintf(stderr, "bench-plan: %s, %zu lines: %s\n", side, n, rep->err);
		if (rep->status != ST_FAILED)
			printf("NOTE %s %zu %s\n", side, n, rep->err);
	}
	else
		fprintf(stderr, "bench-plan: %s, %zu lines: generated in %.2f s, %s in %.2f s\n",
			side, n, rep->gen_s, rep->status == ST_OK ? "solved" : "time limit",
			rep->secs);
}

static int run(size_t n, const char *which)
{
	struct report ours, base;
	bool do_ours = strcmp(which, "glpk") != 0, do_glpk = strcmp(which, "ours") != 0;
	int rc = 0;

	if (do_ours) {
		in_child(run_ours, n, (unsigned)env_num("BENCH_PLAN_OURS_LIMIT",
							 DEFAULT_OURS_LIMIT_S), &ours);
		print_result("ours", n, &ours);
		if (ours.status == ST_OK)
			printf("DETAIL ours %zu %.1f %s %s %.17g %.17g %.17g\n", n, ours.solve_ms,
			       ours.method, ours.integral ? "integral" : "fractional",
			       ours.on_time, ours.late, ours.unmet);
		else if (ours.status == ST_FAILED)
			rc = 1;
	}
	if (do_glpk) {
		/* glp_smcp.tm_lim stops the simplex; the alarm is for the rest. */
		double limit = env_num("BENCH_PLAN_GLPK_LIMIT", DEFAULT_GLPK_LIMIT_S);
		in_child(run_glpk, n, (unsigned)limit + 300, &base);
		print_result("glpk", n, &base);
		printf("LEVELS glpk %zu %s %.3f", n, face_mode() ? "face" : "row", base.build_s);
		for (int l = 0; l < PLAN_OBJ__COUNT; l++)
			printf(" %.3f", base.level_s[l]);
		printf("\n");
		if (base.status == ST_FAILED)
			rc = 1;
	}
	if (do_ours && do_glpk && ours.status == ST_OK && base.status != ST_FAILED) {
		double worst = 0;
		int at = 0;
		for (int l = 0; l < base.levels; l++) {
			double d = fabs(ours.obj[l] - base.obj[l]) / fmax(1.0, fabs(base.obj[l]));
			if (!(d <= worst)) {   /* also takes a nan */
				worst = d;
				at = l;
			}
		}
		printf("COMPARE %zu %d %.3g %s\n", n, base.levels, worst,
		       base.levels ? level_name[at] : "-");
	}
	fflush(stdout);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-plan run N [both|ours|glpk]\n"
			"       bench-plan json N FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	size_t n;

	if (argc < 3 || parse_size(argv[2], &n) != 0)
		return usage();
	if (strcmp(argv[1], "run") == 0) {
		const char *which = argc > 3 ? argv[3] : "both";
		if (argc > 4 || (strcmp(which, "both") && strcmp(which, "ours") &&
				 strcmp(which, "glpk")))
			return usage();
		return run(n, which);
	}
	if (strcmp(argv[1], "json") == 0 && argc == 4) {
		struct plan_problem p;
		char err[256];
		if (pg_generate(n, &p) != 0) {
			fprintf(stderr, "bench-plan: out of memory\n");
			return 1;
		}
		int rc = pg_write_json(&p, argv[3], err, sizeof err);
		if (rc != 0)
			fprintf(stderr, "bench-plan: %s\n", err);
		pg_free(&p);
		return rc == 0 ? 0 : 1;
	}
	return usage();
}
