/*
 * rt — the runtime metadata a module needs before any of its code runs:
 * the pclntab (pcHeader, funcnametab, cutab, filetab, pctab, ftab + _func
 * records, findfunctab, inline trees) and the moduledata that points at it
 * and at the module's sections, in the layout of the host's Go version
 * (struct gl_rttab, src/versions/rt_tables.h).
 *
 * The caller (link for loaded packages, patch for trampolines) has already
 * placed every function's machine code at its final address inside one
 * text range and every funcdata symbol inside [gofunc, ...). rt only
 * describes them; it copies the pc tables verbatim (they are already in
 * the runtime's varint encoding).
 *
 * Two steps, because the tables contain absolute addresses:
 *   gl_rt_pcln_build(rt, in, addr)  tables as they must appear at `addr`
 *   gl_rt_moduledata_build(...)     the moduledata (C heap, never the Go heap)
 * Registration with the runtime happens on a goroutine (Go binding).
 */
#ifndef GL_RT_H
#define GL_RT_H

#include "util/util.h"

struct gl_rttab;

/* One entry of a function's inline tree (FuncInfo.InlTree). The callee's
 * funcID and start line come from the callee's own FuncInfo. */
typedef struct gl_rt_inl {
	int32_t parent;      /* index of the parent entry, -1 for the outermost */
	int32_t parentpc;    /* PC offset of the call instruction in the outer function */
	const char *func;    /* callee name */
	uint8_t funcid;
	int32_t startline;
} gl_rt_inl;

/* One compilation unit's file table: pcfile values index it. */
typedef struct gl_rt_cu {
	const char *const *files;
	uint32_t nfiles;
} gl_rt_cu;

typedef struct gl_rt_func {
	const char *name;
	uint64_t entry;        /* absolute, inside [text, etext) */
	uint64_t size;         /* bytes of code */
	uint32_t args;         /* FuncInfo.Args */
	uint32_t deferreturn;  /* offset from entry of the deferreturn call, or 0 */
	int32_t startline;
	uint8_t funcid, flag;  /* host version's abi.FuncID / abi.FuncFlag */
	uint32_t cu;           /* index into gl_rt_input.cus */
	gl_span pcsp, pcfile, pcline;
	const gl_span *pcdata; /* [npcdata]; an empty span means "none" */
	uint32_t npcdata;
	const uint64_t *funcdata; /* [nfuncdata] absolute addresses, 0 = none */
	uint32_t nfuncdata;
	const gl_rt_inl *inl;  /* inline tree; rt emits it as FUNCDATA_InlTree */
	uint32_t ninl;
} gl_rt_func;

typedef struct gl_rt_input {
	const gl_rt_func *funcs; /* sorted by entry, non-overlapping */
	size_t nfuncs;
	const gl_rt_cu *cus;
	size_t ncus;
	uint64_t text, etext;    /* etext >= end of the last function */
	uint64_t gofunc;         /* base of funcdata offsets; <= every funcdata address and <= the pcln tables */
} gl_rt_input;

/* The pclntab of a module, built for a fixed address. */
typedef struct gl_rt_pcln {
	gl_buf bytes;    /* copy these to `addr` */
	uint64_t addr;
	/* offsets inside `bytes` of each table, and their lengths */
	size_t funcnametab, nfuncnametab, cutab, ncutab /* uint32 entries */, filetab, nfiletab,
		pctab, npctab, pclntable, npclntable, ftab, nftab /* functab entries */, findfunctab,
		nfindfunctab /* bytes */;
	uint64_t minpc, maxpc;
} gl_rt_pcln;

int gl_rt_pcln_build(const struct gl_rttab *rt, const gl_rt_input *in, uint64_t addr, gl_rt_pcln *out,
		     goload_err *err);
void gl_rt_pcln_free(gl_rt_pcln *p);
/* The pclntab built for text, rodata (gofunc) and itself all `delta`
 * bytes lower, moved: what gl_rt_pcln_build gives for the new addresses. */
void gl_rt_pcln_move(const struct gl_rttab *rt, gl_rt_pcln *p, uint64_t text, int64_t delta);

/* The module's sections, absolute addresses. gcdata/gcbss are pointer
 * bitmaps (1 bit per word of [data,edata) / [bss,ebss)) that become
 * gcdatamask/gcbssmask; they must outlive the module. */
typedef struct gl_rt_sections {
	uint64_t text, etext, noptrdata, enoptrdata, data, edata, bss, ebss, noptrbss, enoptrbss, end;
	uint64_t types, etypes, rodata, gofunc, epclntab;
	const uint8_t *gcdatamask, *gcbssmask;
	const int32_t *typelinks; /* offsets from types */
	size_t ntypelinks;
	const uint64_t *itablinks; /* itab addresses */
	size_t nitablinks;
	/* Go 1.27+, where the descriptors replace the typelinks: [types,
	 * types+typedesclen) is an 8-byte header then the typelinked
	 * descriptors; below 8 means none. Itabs are not listed there: the
	 * loader adds itablinks to the runtime itself. */
	uint64_t typedesclen;
	const uint64_t *inittasks; /* in run order */
	size_t ninittasks;
	const char *modulename;    /* also used as pluginpath; must be unique and non-empty */
} gl_rt_sections;

/* A moduledata for the host's version, malloc'd (outside the Go heap).
 * The slices it holds point into `pcln` (at pcln->addr) and into the
 * arrays of `sec`, which must outlive it. */
int gl_rt_moduledata_build(const struct gl_rttab *rt, const gl_rt_pcln *pcln, const gl_rt_sections *sec,
			   uint8_t **md_out, goload_err *err);

#endif
