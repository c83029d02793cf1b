/*
 * mem — a module's memory: one mapping within ±2 GiB of the host's image
 * (loaded code reaches host functions and data through 32-bit PC-relative
 * displacements), read-write while the linker fills it, then each part
 * gets its final protection. No page is ever writable and executable.
 */
#ifndef GL_MEM_H
#define GL_MEM_H

#include "util/util.h"

typedef struct gl_mem {
	uint8_t *base;
	size_t size; /* multiple of the page size */
} gl_mem;

enum { GL_MEM_R = 1, GL_MEM_W = 2, GL_MEM_X = 4 };

size_t gl_mem_pagesize(void);
/* Maps `size` bytes read-write so that every byte of [lo, hi) (the host
 * image) is within a signed 32-bit displacement of every byte of the
 * mapping. */
int gl_mem_map_near(uint64_t lo, uint64_t hi, size_t size, gl_mem *out, goload_err *err);
/* Page-aligned [off, off+len) of the mapping gets `prot` (GL_MEM_*);
 * W together with X is refused. */
int gl_mem_protect(gl_mem *m, size_t off, size_t len, int prot, goload_err *err);
void gl_mem_unmap(gl_mem *m);
/* Replaces the pages by an inaccessible reservation of the same range
 * (PROT_NONE, MAP_NORESERVE): memory is returned, the addresses are never
 * handed out again, and adjacent retired mappings merge into one. */
void gl_mem_retire(gl_mem *m);

#endif
