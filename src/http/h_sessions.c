/* h_sessions.c - /api/v1/sessions: logging in and out, and one's own password. */
#include "internal.h"

#include <sodium.h>
#include <string.h>

static const struct fspec login_fields[] = {
	{"username", FT_STRING, FS_REQUIRED, 1, 64, NULL, NULL, NULL, "Login name."},
	{"password", FT_STRING, FS_REQUIRED, 1, 1024, NULL, NULL, NULL, "Password."},
};

static const struct espec login_spec = {
	"sessions", NULL, NULL, NULL, NULL, login_fields,
	sizeof login_fields / sizeof *login_fields, "Login request.",
	NULL, 0, NULL,
};

static json_t *principal_json(const struct principal *p)
{
	return json_pack("{s:s, s:s, s:s?, s:s?}", "username", p->username, "role",
			 role_name(p->role), "nation", *p->nation ? p->nation : NULL,
			 "site", *p->site ? p->site : NULL);
}

void h_session_create(struct http_req *rq)
{
	json_t *body = http_body_json(rq);
	char token[SVC_TOKEN_LEN], expires[32];
	struct principal p;
	struct verr err = {.field = ""};
	int64_t expires_ms = 0, retry = 0;
	int rc;

	if (!body)
		return;
	if ((rc = espec_validate(&login_spec, body, VM_CREATE, &err)) != ST_OK) {
		http_reply_status(rq, rc, &err);
		json_decref(body);
		return;
	}
	rc = svc_login(rq->svc, json_string_value(json_object_get(body, "username")),
		       json_string_value(json_object_get(body, "password")), token,
		       &expires_ms, &p, &retry);
	json_decref(body);
	if (rc == ST_UNAUTHORIZED) {
		http_problem(rq, E_UNAUTHORIZED, NULL, "wrong user name or password");
		return;
	}
	if (rc != ST_OK) {
		rq->retry_after = (long)retry;
		http_reply_status(rq, rc, NULL);
		return;
	}
	time_format(expires_ms, expires);
	rq->no_store = true;
	http_reply_json(rq, 201, json_pack("{s:s, s:s, s:s, s:o}", "token", token,
					   "token_type", "Bearer", "expires_at", expires,
					   "user", principal_json(&p)));
	sodium_memzero(token, sizeof token);
}

void h_session_get(struct http_req *rq)
{
	http_reply_json(rq, 200, principal_json(&rq->who));
}

void h_session_delete(struct http_req *rq)
{
	const char *auth = http_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	int rc = svc_logout(rq->svc, &rq->who, auth + strlen("Bearer "));

	if (rc != ST_OK)
		http_reply_status(rq, rc, NULL);
	else
		http_reply_empty(rq, 204);
}

static const struct fspec password_fields[] = {
	{"current_password", FT_STRING, FS_REQUIRED, 1, 1024, NULL, NULL, NULL,
	 "The password in use now."},
	{"new_password", FT_STRING, FS_REQUIRED, 1, 1024, NULL, NULL, NULL,
	 "The new password, at least 12 characters."},
};

static const struct espec password_spec = {
	"password", NULL, NULL, NULL, NULL, password_fields,
	sizeof password_fields / sizeof *password_fields, "Password change.",
	NULL, 0, NULL,
};

void h_session_password(struct http_req *rq)
{
	json_t *body = http_body_json(rq);
	struct verr err = {.field = ""};
	int rc;

	if (!body)
		return;
	rc = espec_validate(&password_spec, body, VM_CREATE, &err);
	if (rc == ST_OK)
		rc = svc_password_change(rq->svc, &rq->who,
					 json_string_value(json_object_get(body, "current_password")),
					 json_string_value(json_object_get(body, "new_password")), &err);
	json_decref(body);
	if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_empty(rq, 204);
}
