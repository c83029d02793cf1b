/* libFuzzer harness for the patcher's instruction planner: arbitrary bytes
 * as a function at a fixed address; planning must refuse or succeed and the
 * trampoline must fit the size it announced. Input: 8 bytes of a fake
 * runtime.morestack address, then the function's code. */
#include "patch/x86.h"

#include <stdlib.h>

static gl_span no_mem(void *ctx, uint64_t va, size_t n)
{
	(void)ctx;
	(void)va;
	(void)n;
	return gl_span_make(NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t morestack;
	memcpy(&morestack, data, 8);
	gl_span fn = gl_span_make(data + 8, size - 8);
	const uint64_t entry = 0x401000;
	gl_x86_mem mem = {no_mem, NULL};
	gl_x86_plan p;
	int reason;
	goload_err err;
	if (gl_x86_plan_make(fn, entry, "fuzz", &mem, morestack, &p, &reason, &err) < 0) {
		if (reason == 0)
			abort();
		return 0;
	}
	gl_buf b = {0};
	if (gl_x86_tramp_emit(&p, entry + 0x100000, &b, &reason, &err) == 0 && b.len > gl_x86_tramp_size(&p))
		abort();
	gl_buf_free(&b);
	return 0;
}
