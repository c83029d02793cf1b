/* libFuzzer harness: the PE/COFF reader and its image view (headers,
 * sections, COFF symbols, address lookups) on any bytes, then gobin on the
 * image. Seeds: tests/fuzz/seeds/pe/ (heads of real Go binaries). */
#include "gobin/gobin.h"
#include "image/image.h"
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
	gl_image *im;
	if (gl_image_open(img, "fuzz", NULL, &im, &err) == 0) {
		for (size_t i = 0; i < im->nsegs; i++) {
			gl_image_va(im, im->segs[i].vaddr, 8);
			gl_image_va_span(im, im->segs[i].vaddr + im->segs[i].filesz / 2);
		}
		for (size_t i = 0; i < im->nsecs; i++)
			gl_image_sec_data(im, &im->secs[i]);
		gl_image_gosec(im, GL_GOSEC_PCLNTAB);
		gl_image_sym_find(im, "runtime.firstmoduledata");
		gl_image_close(im);
	}
	gl_gobin *g;
	if (gl_gobin_open_span(img, "fuzz", &g, &err) == 0) {
		gl_gobin_nsyms(g);
		gl_gobin_close(g);
	}
	free(copy);
	return 0;
}
