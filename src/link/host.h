/*
 * The running process as the link target: symbol addresses (with the PIE
 * bias applied), the thread-pointer offset of the g slot, the Go version.
 *
 * Until gobin's host index lands this reads /proc/self/exe's .symtab; a
 * stripped host gets a clear GOLOAD_E_UNSUPPORTED error.
 */
#ifndef GL_LINK_HOST_H
#define GL_LINK_HOST_H

#include "elf/elf.h"
#include "util/util.h"

struct goload_host {
	gl_file *file;
	gl_elf *elf;
	uint64_t bias;       /* run-time address - link-time address */
	gl_strmap byname;    /* symbol name -> index in elf->syms */
	int32_t tls_g;       /* %fs offset of runtime.g (R_TLS_LE value) */
	char goversion[64];  /* runtime.buildVersion */
	int minor;           /* Go 1.<minor> */
	const struct gl_rttab *rt;
	const struct gl_objtab *obj;
	gl_strmap types;       /* linker name ("type:[]string") -> descriptor, see hosttypes.c */
	GL_VEC(char *) typenames;
	bool types_indexed;
};

/* Like goload_host_sym, but 0 when absent (no error). */
uint64_t gl_host_addr(const goload_host *h, const char *name);
/* The ELF symbol record (link-time value, size) or NULL. */
const gl_elf_sym *gl_host_elfsym(const goload_host *h, const char *name);

/* Builds the host's type index once (walks the live runtime tables). */
int gl_host_types_index(goload_host *h, goload_err *err);
/* Run-time address of the host's descriptor for a linker type name, 0 if none. */
uint64_t gl_host_type(const goload_host *h, const char *name, size_t n);

#endif
