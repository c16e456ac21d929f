/*
 * fuzz_decode.c - libFuzzer harness for the JSON request decoder and the
 * field-spec validation behind it: any byte string must give either a
 * record that passes validation or an error naming a field, and never a
 * crash, a leak or undefined behaviour.  The two-thread decoder of batches
 * must agree with the plain one on every input (differential).
 */
#include "core/core.h"
#include "http/http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The split decoder (cut on any body size here) answers as the plain one:
 * the same document, or an error where it errs. */
static void split_agrees(const char *data, size_t size, const json_t *plain)
{
	struct verr err;
	json_t *split = NULL;
	int rc = http_decode_json_split(data, size, "events", 0, &split, &err);

	if ((rc == ST_OK) != (plain != NULL) || (plain && !json_equal(split, (json_t *)plain)))
		__builtin_trap();
	json_decref(split);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verr err;
	json_t *obj = NULL;

	if (http_decode_json((const char *)data, size, &obj, &err) != ST_OK) {
		/* An error always says what is wrong. */
		if (err.reason[0] == '\0' || !utf8_valid(err.field, strlen(err.field)))
			__builtin_trap();
		split_agrees((const char *)data, size, NULL);
		return 0;
	}
	split_agrees((const char *)data, size, obj);
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		json_t *copy = json_deep_copy(obj);
		int mode = (int)(size % 2) ? VM_CREATE : VM_PATCH;

		if (espec_validate(*e, copy, (enum vmode)mode, &err) == ST_INVALID &&
		    err.reason[0] == '\0')
			__builtin_trap();
		json_decref(copy);
	}
	json_decref(obj);
	return 0;
}
