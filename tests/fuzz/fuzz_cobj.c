/* libFuzzer harness: the native (ELF relocatable) objects of cgo packages,
 * as src/link/cobj.c reads, lays out and relocates them. The input is one
 * C object; the harness wraps it as a member of a package archive, as cgo
 * does, gives it to a module of its own (no host: undefined symbols go to
 * the process's libraries or are refused), places the C areas in a buffer
 * and applies the relocations there. Constructors are collected, never
 * run. Seeds: tests/fuzz/seeds/cobj/ (the C objects of the cgo fixtures
 * in internal/binding/testdata/cgo). */
#include "link/link_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t up16(uint64_t v) { return (v + 15) & ~(uint64_t)15; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (64u << 20))
		return 0;
	/* "!<arch>\n", then one member header and the object. */
	size_t n = 8 + 60 + size + (size & 1);
	uint8_t *ar = malloc(n);
	if (!ar)
		return 0;
	memcpy(ar, "!<arch>\n", 8);
	char hdr[61];
	snprintf(hdr, sizeof hdr, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", "_x001.o", "0", "0", "0", "644", size);
	memcpy(ar + 8, hdr, 60);
	memcpy(ar + 68, data, size);
	if (size & 1)
		ar[n - 1] = '\n';

	goload_err err;
	gl_goobj_archive *a = NULL;
	goload_module *m = calloc(1, sizeof *m);
	if (m && gl_goobj_archive_open_span(gl_span_make(ar, n), "fuzz.a", &a, &err) == 0 &&
	    cobj_add_archive(m, "fuzz.a", a, &err) == 0) {
		uint64_t text = cobj_area_size(m, 0), ro = cobj_area_size(m, 1), rw = cobj_area_size(m, 2);
		uint64_t total = up16(text) + up16(ro) + up16(rw);
		uint8_t *buf = total < (256u << 20) ? calloc(1, total ? total : 1) : NULL;
		if (buf) {
			uint64_t base = (uint64_t)(uintptr_t)buf;
			/* mem_at(m, addr) is m->mem.base + addr - text: the buffer itself. */
			m->sect_addr[SECT_TEXT] = base;
			m->mem.base = buf;
			cobj_place(m, base, base + up16(text), base + up16(text) + up16(ro));
			(void)cobj_apply(m, &err);
			m->mem.base = NULL; /* the buffer is ours, not a mapping */
			free(buf);
		}
	}
	goload_module_free(m);
	gl_goobj_archive_close(a);
	free(ar);
	return 0;
}
