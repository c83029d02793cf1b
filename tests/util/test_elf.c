/* The ELF layer against this test program's own executable and against
 * damaged copies of it: cross-checked with the dynamic loader's view. */
#define _GNU_SOURCE
#include "check.h"
#include "elf/elf.h"

#include <link.h>
#include <stdlib.h>

int main(void)
{
	gl_file *f = NULL;
	goload_err err = {0};
	CHECK(gl_file_open("/proc/self/exe", &f, &err) == 0);
	if (!f)
		return CHECK_DONE();
	gl_elf *e = NULL;
	CHECK_MSG(gl_elf_open(f->data, "self", &e, &err) == 0, "%s", err.msg);
	if (!e)
		return CHECK_DONE();
	CHECK(e->machine == GL_EM_X86_64 || e->machine == GL_EM_AARCH64);
	CHECK(e->nsegs > 0 && e->nsecs > 0);
	/* The symbol table names main, and its bytes are readable by address. */
	const gl_elf_sym *m = gl_elf_sym_find(e, "main");
	CHECK(m != NULL && m->type == GL_STT_FUNC);
	if (m) {
		/* Compare the file bytes at main's address with the running code. */
		uintptr_t bias = (uintptr_t)_r_debug.r_map->l_addr;
		const uint8_t *p = gl_elf_va(e, m->value, 16);
		CHECK(p != NULL && memcmp(p, (const void *)(bias + m->value), 16) == 0);
	}
	CHECK(gl_elf_va(e, 0xfffffffffffff000ull, 0x2000) == NULL);
	CHECK(gl_elf_sec_find(e, ".text") != NULL);

	/* Truncations at every 97th byte and zeroed section headers: never a crash. */
	uint8_t *copy = malloc(f->data.n);
	memcpy(copy, f->data.p, f->data.n);
	int opened = 0;
	for (size_t cut = 0; cut < f->data.n; cut += 97) {
		gl_elf *t = NULL;
		if (gl_elf_open(gl_span_make(copy, cut), "cut", &t, &err) == 0) {
			opened++;
			gl_elf_close(t);
		}
	}
	CHECK(opened > 0);
	/* e_shoff = 0, e_shnum = 0: still opens from segments. */
	memset(copy + 0x28, 0, 8);
	memset(copy + 0x3c, 0, 4);
	gl_elf *ns = NULL;
	CHECK_MSG(gl_elf_open(gl_span_make(copy, f->data.n), "nosections", &ns, &err) == 0, "%s", err.msg);
	if (ns) {
		CHECK(ns->nsecs == 0 && ns->nsyms == 0);
		CHECK(m && gl_elf_va(ns, m->value, 16) != NULL);
		gl_elf_close(ns);
	}
	/* A non-ELF and a 32-bit ELF give the right codes. */
	CHECK(gl_elf_open(gl_span_make("hello, world, this is not an ELF file at all.........................", 70), "txt", &ns, &err) == -GOLOAD_E_FORMAT);
	copy[4] = 1;
	CHECK(gl_elf_open(gl_span_make(copy, f->data.n), "elf32", &ns, &err) == -GOLOAD_E_UNSUPPORTED);
	free(copy);
	gl_elf_close(e);
	gl_file_close(f);
	return CHECK_DONE();
}
