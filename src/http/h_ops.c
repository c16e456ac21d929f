/* h_ops.c - operational endpoints: /healthz and /metrics. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void h_healthz(struct http_req *rq)
{
	int rc = svc_health(rq->svc);

	if (rc == ST_OK)
		http_reply_json(rq, 200, json_pack("{s:s, s:s}", "status", "ok", "db", "ok"));
	else
		http_reply_json(rq, 503, json_pack("{s:s, s:s}", "status", "degraded",
						   "db", status_name((enum status)rc)));
}

void h_metrics(struct http_req *rq)
{
	char *text = http_metrics_render(svc_store(rq->svc), http_in_flight(rq->srv));

	if (!text) {
		http_problem(rq, E_INTERNAL, NULL, "out of memory rendering metrics");
		return;
	}
	http_reply_text(rq, 200, "text/plain; version=0.0.4", text, strlen(text));
	free(text);
}
