/* libFuzzer harness: the Mach-O reader (thin and universal) and its image view (load
 * commands, sections, nlist symbols, address lookups) on any bytes, then gobin on the
 * image. Seeds: tests/fuzz/seeds/macho/ (heads of real Go binaries). */
#include "fuzz_image.h"
#include "macho/macho.h"

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
	gl_macho *m;
	if (gl_macho_open(img, "fuzz", &m, &err) == 0) {
		uint64_t acc = 0;
		for (size_t i = 0; i < m->nsyms; i++)
			acc += strlen(m->syms[i].name);
		(void)acc;
		gl_macho_close(m);
	}
	gl_span slice;
	static const char *const arches[] = {"amd64", "arm64"};
	for (size_t a = 0; a < 2; a++) {
		gl_image *fat;
		if (gl_macho_fat_slice(img, "fuzz", arches[a], &slice, &err) == 0 &&
		    gl_image_open(img, "fuzz", arches[a], &fat, &err) == 0)
			gl_image_close(fat);
	}
	fuzz_image_and_gobin(img);
	free(copy);
	return 0;
}
