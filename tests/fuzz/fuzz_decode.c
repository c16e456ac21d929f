/*
 * fuzz_decode.c - libFuzzer harness for the JSON request decoder and the
 * field-spec validation behind it: any byte string must give either a
 * record that passes validation or an error naming a field, and never a
 * crash, a leak or undefined behaviour.
 */
#include "core/core.h"
#include "http/http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verr err;
	json_t *obj = NULL;

	if (http_decode_json((const char *)data, size, &obj, &err) != ST_OK) {
		/* An error always says what is wrong. */
		if (err.reason[0] == '\0' || !utf8_valid(err.field, strlen(err.field)))
			__builtin_trap();
		return 0;
	}
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
