/* Internals shared by the gobin source files (not part of gobin.h). */
#ifndef GL_GOBIN_INT_H
#define GL_GOBIN_INT_H

#include "gobin/gobin.h"
#include "image/image.h"
#include "util/fmap.h"

struct gl_gobin {
	gl_file *file; /* when opened from a path */
	gl_image *image; /* the file, whatever its format */
	gl_span img;
	uint64_t bias;
	char *what;
	gl_gobin_info info;
	const struct gl_rttab *rt;

	/* moduledata, validated */
	uint64_t md_va;
	gl_span md; /* rt->md_size bytes */

	/* pclntab pieces (file bytes) */
	uint64_t pch_va;
	gl_span pch;
	gl_span funcnametab, cutab, filetab, pctab, pclntable;
	uint64_t nfunc;
	uint64_t text; /* moduledata.text */
	gl_gobin_slice textsectmap;
	uint64_t gofunc;

	/* buildinfo */
	bool has_bi;
	gl_gobin_buildinfo bi;
	char *bi_text;      /* modinfo copy, split in place into strings */
	GL_VEC(gl_gobin_module) deps;
	GL_VEC(gl_gobin_setting) settings;

	/* symbol index (lazy), frozen (util/fmap.h): the record's value is
	 * the address, its flags the rest (syms.c), symsize[i] its size */
	bool syms_built;
	gl_fmap symidx;
	const uint64_t *symsize;
	uint64_t *symsize_own;
	/* .symtab's functions (kind T or t, with a size) by address, then
	 * index order: their records' indexes (gl_gobin_text_at) */
	const uint32_t *textaddr;
	uint32_t *textaddr_own;
	uint32_t ntextaddr;
};

/* Read the word at va (link-time) from file bytes. */
bool gl_gobin_u64(const gl_gobin *g, uint64_t va, uint64_t *v);
/* pc of a text offset (entryOff, method TextOff), honouring textsectmap. */
uint64_t gl_gobin_textaddr(const gl_gobin *g, uint32_t off);
/* ftab row i: entry pc and _func offset inside pclntable. */
bool gl_gobin_ftab(const gl_gobin *g, size_t i, uint64_t *entry, uint64_t *funcoff);

int gl_gobin_load_buildinfo(gl_gobin *g, goload_err *err);
void gl_gobin_free_buildinfo(gl_gobin *g);
void gl_gobin_free_syms(gl_gobin *g);

#endif
