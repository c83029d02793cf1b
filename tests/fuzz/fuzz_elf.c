/* libFuzzer harness: the ELF reader (headers, segments, sections, symbol
 * tables, notes, address lookups) on any bytes. Seeds: tests/fuzz/seeds/elf/. */
#include "elf/elf.h"

#include <stdlib.h>
#include <string.h>

static void on_word(void *ctx, gl_elf_dynword w)
{
	*(uint64_t *)ctx ^= w.va ^ w.value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	gl_elf *e;
	goload_err err;
	if (gl_elf_open(gl_span_make(copy, size), "fuzz", &e, &err) == 0) {
		for (size_t i = 0; i < e->nsegs; i++) {
			gl_elf_va(e, e->segs[i].vaddr, 8);
			gl_elf_va_span(e, e->segs[i].vaddr + e->segs[i].filesz / 2);
			gl_elf_seg_of(e, e->segs[i].vaddr);
		}
		for (size_t i = 0; i < e->nsecs; i++)
			gl_elf_sec_data(e, &e->secs[i]);
		gl_elf_sec_find(e, ".gopclntab");
		gl_elf_sym_find(e, "runtime.firstmoduledata");
		gl_span d;
		gl_elf_note_find(e, "Go", 4, &d);
		uint64_t acc = 0;
		gl_elf_dynwords(e, on_word, &acc);
		gl_elf_close(e);
	}
	free(copy);
	return 0;
}
