/* What the PE and Mach-O harnesses run after their own reader: the image
 * view of the same bytes (segments, sections, address lookups, symbols),
 * then gobin on it. */
#ifndef GOLOAD_FUZZ_IMAGE_H
#define GOLOAD_FUZZ_IMAGE_H

#include "gobin/gobin.h"
#include "image/image.h"

static void fuzz_image_and_gobin(gl_span img)
{
	goload_err err;
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
}

#endif
