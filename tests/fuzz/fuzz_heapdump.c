/* libFuzzer harness: the heap-dump scan (src/unload/heapdump.c) on any
 * bytes, with a range that covers the seeds' addresses. Seeds:
 * tests/fuzz/seeds/heapdump/ (scripts/heapdump_seeds.py). */
#include "unload/heapdump.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	static const uint64_t ranges[] = {0x3000000, 0x3100000};
	static const uint64_t types[] = {0x3080000};
	static const uint64_t skip[] = {0xc000000100};
	static const uint64_t itabs[] = {0x3080100, 0x3000040, 0x3080200, 0x3000080};
	static const uint64_t ignore[] = {0x600000, 0x600010};
	uint64_t extra_words[4] = {0xc000000000, 0x3000010, 0, 0x3080000};
	gl_span extra = gl_span_make(extra_words, sizeof extra_words);
	uint64_t extra_addr = 0x700000;
	gl_hd_opts o = {
		.ranges = ranges, .nranges = 1, .types = types, .ntypes = 1, .itabs = itabs, .nitabs = 2, .extra = &extra, .extra_addr = &extra_addr,
		.nextra = 1, .skip = skip, .nskip = 1, .ignore = ignore, .nignore = 1, .header_min = 512,
		.header_max = 32768, .max_hits = 8, .large_min = 512,
	};
	gl_hd_result r;
	goload_err err;
	if (gl_hd_scan(gl_span_make(copy, size), &o, &r, &err) == 0)
		gl_hd_result_free(&r);
	free(copy);
	return 0;
}
