/* libFuzzer harness: the PE/COFF reader and its image view (headers,
 * sections, COFF symbols, address lookups) on any bytes, then gobin on the
 * image. Seeds: tests/fuzz/seeds/pe/ (heads of real Go binaries). */
#include "fuzz_image.h"
#include "pe/pe.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	gl_span img = gl_span_make(copy, size);
	goload_err err;
	gl_pe *p;
	if (gl_pe_open(img, "fuzz", &p, &err) == 0) {
		uint64_t acc = 0;
		for (size_t i = 0; i < p->nsyms; i++)
			acc += strlen(p->syms[i].name);
		for (size_t i = 0; i < p->nsecs; i++)
			acc += strlen(p->secs[i].name);
		(void)acc;
		gl_pe_close(p);
	}
	fuzz_image_and_gobin(img);
	free(copy);
	return 0;
}
