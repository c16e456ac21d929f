/*
 * demo_plan.c - the demo's planning: the transport network (data/lanes.csv:
 * every donor depot the demo pledges start from to each logistics node,
 * each node to every hand-over point the demo requirements name), origins
 * and donor conditions on the announced materiel pledges, and one plan,
 * run by the planner and left as a draft to review.
 *
 * Committed pledges cannot be changed any more, so their origins come
 * with data/demo_pledges.csv; the announced ones are changed here, as a
 * liaison officer would, to show the donor conditions the planner keeps.
 */
#include "demo.h"

#include <stdio.h>
#include <string.h>

struct lane_ctx {
	struct svc *svc;
	const struct principal *p;
	const char *path;
	size_t loaded;
	bool row_failed;
	char *errbuf;
	size_t errlen;
};

static int load_lane(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct lane_ctx *c = arg;
	struct verr err = {.field = ""};
	json_t *rec = json_object(), *v;
	int rc = rec ? ST_OK : ST_INTERNAL;
	char what[160];

	for (size_t i = 0; rc == ST_OK && i < hdr->n; i++) {
		const struct fspec *f = espec_field(&ESPEC_LANES, hdr->cells[i]);

		if (!f)
			rc = verr_set(&err, hdr->cells[i], "is not a column of lanes");
		else if (*row->cells[i] && (rc = fspec_parse_text(f, row->cells[i], &v, &err)) == ST_OK)
			json_object_set_new(rec, f->name, v);
	}
	if (rc != ST_OK) {
		json_decref(rec);
		snprintf(what, sizeof what, "%s row %zu", c->path, row->row);
		c->row_failed = true;
		return demo_fail(c->errbuf, c->errlen, what, rc, &err);
	}
	if ((rc = demo_create(c->svc, c->p, &ESPEC_LANES, rec, NULL, c->errbuf, c->errlen)) != ST_OK)
		c->row_failed = true;
	else
		c->loaded++;
	return rc;
}

static int load_lanes(struct svc *svc, const struct principal *p, const char *datadir,
		      FILE *progress, char *errbuf, size_t errlen)
{
	char path[4096], csv_err[256];
	struct lane_ctx c = {svc, p, path, 0, false, errbuf, errlen};
	int rc;

	snprintf(path, sizeof path, "%s/lanes.csv", datadir);
	rc = io_csv_read(path, load_lane, &c, csv_err, sizeof csv_err);
	if (rc != ST_OK && !c.row_failed)
		snprintf(errbuf, errlen, "%s: %s", path, csv_err);
	else if (rc == ST_OK && progress)
		fprintf(progress, "  %-22s %4zu records\n", "lanes", c.loaded);
	return rc;
}

/* The announced pledges the demo gives an origin and a donor condition. */
static const struct {
	const char *nation, *item;
	const char *origin, *field, *value;
} conditions[] = {
	/* US rounds for the artillery coalition's requirements only. */
	{"USA", "ART-155-M795", "DEP-USA", "only_coalition", "ARTILLERY"},
	/* Polish tanks not through the Romanian node. */
	{"POL", "ARM-LEO2A6", "DEP-POL", "barred_sites", "LN-CTZ"},
};

static int add_condition(struct svc *svc, const struct principal *p, size_t i, char *errbuf,
			 size_t errlen)
{
	struct svc_filter f[] = {{"nation", conditions[i].nation}, {"item", conditions[i].item},
				 {"status", "announced"}};
	struct svc_list q = {f, sizeof f / sizeof *f, NULL, 1};
	struct verr err = {.field = ""};
	json_t *page = NULL, *patch = NULL, *out = NULL;
	int rc = svc_rec_list(svc, p, &ESPEC_PLEDGES, &q, &page, &err);
	const char *id = json_string_value(
		json_object_get(json_array_get(json_object_get(page, "items"), 0), "id"));

	if (rc == ST_OK && !id)
		rc = verr_set(&err, "item", "no announced %s pledge of %s", conditions[i].nation,
			      conditions[i].item);
	if (rc == ST_OK && !(patch = json_pack("{s:s, s:s}", "origin", conditions[i].origin,
					       conditions[i].field, conditions[i].value)))
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		rc = svc_rec_update(svc, p, &ESPEC_PLEDGES, id, patch, -1, &out, &err);
	json_decref(page);
	json_decref(patch);
	json_decref(out);
	return rc == ST_OK ? ST_OK : demo_fail(errbuf, errlen, "demo pledge conditions", rc, &err);
}

int io_demo_plan(struct svc *svc, const struct principal *p, const char *datadir,
		 FILE *progress, char *errbuf, size_t errlen)
{
	struct verr err = {.field = ""};
	json_t *plan = NULL;
	int rc = load_lanes(svc, p, datadir, progress, errbuf, errlen);

	for (size_t i = 0; rc == ST_OK && i < sizeof conditions / sizeof *conditions; i++)
		rc = add_condition(svc, p, i, errbuf, errlen);
	if (rc != ST_OK)
		return rc;
	rc = svc_plan_run(svc, p, "Demo: the unallocated pledges against the open requirements",
			  NULL, NULL, &plan, &err);
	if (rc != ST_OK)
		return demo_fail(errbuf, errlen, "demo plan", rc, &err);
	if (progress)
		fprintf(progress, "  %-22s %4d records (a draft: %s)\n", "plans", 1,
			json_string_value(json_object_get(plan, "id")));
	json_decref(plan);
	return ST_OK;
}
