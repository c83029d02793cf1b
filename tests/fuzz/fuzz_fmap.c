/* libFuzzer harness: frozen maps read from bytes (src/util/fmap.c), as
 * the host index cache (src/link/hostcache.c) reads its sections from a
 * file that may be damaged. The input's first byte says how much of the
 * rest is the names' base; the map is read from what follows, and every
 * record is named and looked up by name and by value. Seeds:
 * tests/fuzz/seeds/fmap/ (the sections of a host's index file). */
#include "util/fmap.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (64u << 20))
		return 0;
	size_t nbase = data[0] < size - 1 ? data[0] : size - 1;
	/* 8-aligned, as a mapped file is */
	uint64_t *buf = malloc(size + 8);
	if (!buf)
		return 0;
	memcpy(buf, data + 1 + nbase, size - 1 - nbase);
	gl_fmap m;
	if (gl_fmap_open(gl_span_make(buf, size - 1 - nbase), gl_span_make(data + 1, nbase), &m)) {
		size_t n = m.nrecs < 100000 ? m.nrecs : 100000;
		for (size_t i = 0; i < n; i++) {
			const gl_fmap_rec *r = gl_fmap_at(&m, i);
			const char *name = gl_fmap_name(&m, r);
			if (name)
				gl_fmap_get(&m, name, strlen(name) < r->len ? strlen(name) : r->len);
			gl_fmap_get_val(&m, r->val);
		}
		gl_fmap_get(&m, "runtime.main", 12);
		(void)gl_fmap_bytes(&m);
	}
	free(buf);
	return 0;
}
