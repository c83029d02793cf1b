/*
 * Runtime layouts per Go version (64-bit targets): what a linked Go image
 * contains and what a running Go runtime expects. One gl_rttab covers a
 * range of minors with identical layouts; the values were read from each
 * toolchain's runtime/symtab.go, runtime/runtime2.go, internal/abi (*.go) and
 * cmd/link/internal/ld/{pcln,symtab,data}.go.
 *
 * Offsets are in bytes. A field that a version does not have is
 * GL_RT_ABSENT. Readers choose a table by validating a layout against the
 * image (gobin), never by the version string alone.
 */
#ifndef GL_RT_TABLES_H
#define GL_RT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_RT_ABSENT 0xffffu
#define GL_PCH_AFTER_FTAB 0x8000u

/* runtime.moduledata fields, in no particular order. Slices occupy three
 * words (ptr, len, cap), strings two (ptr, len). A table a version does not
 * have (funcnametab, filetab, pctab before 1.16) is pclntable itself: the
 * Go 1.2 format keeps names and pc-value tables as offsets into it. */
enum gl_md_field {
	GL_MD_PCHEADER,
	GL_MD_FUNCNAMETAB, /* slice */
	GL_MD_CUTAB,       /* slice */
	GL_MD_FILETAB,     /* slice */
	GL_MD_PCTAB,       /* slice */
	GL_MD_PCLNTABLE,   /* slice */
	GL_MD_FTAB,        /* slice */
	GL_MD_FINDFUNCTAB,
	GL_MD_MINPC,
	GL_MD_MAXPC,
	GL_MD_TEXT,
	GL_MD_ETEXT,
	GL_MD_NOPTRDATA,
	GL_MD_ENOPTRDATA,
	GL_MD_DATA,
	GL_MD_EDATA,
	GL_MD_BSS,
	GL_MD_EBSS,
	GL_MD_NOPTRBSS,
	GL_MD_ENOPTRBSS,
	GL_MD_COVCTRS,
	GL_MD_ECOVCTRS,
	GL_MD_END,
	GL_MD_GCDATA,
	GL_MD_GCBSS,
	GL_MD_TYPES,
	GL_MD_ETYPES,
	GL_MD_RODATA,
	GL_MD_GOFUNC,
	GL_MD_EPCLNTAB,    /* 1.26+ */
	GL_MD_TYPEDESCLEN, /* 1.27+: typelinks are the first typedesclen bytes of types */
	GL_MD_ITABOFFSET,  /* 1.27+: itabs live at types+itaboffset */
	GL_MD_ITABSIZE,    /* 1.27+ */
	GL_MD_TEXTSECTMAP, /* slice of textsect */
	GL_MD_TYPELINKS,   /* slice of int32, until 1.26 */
	GL_MD_ITABLINKS,   /* slice of *itab, until 1.26 */
	GL_MD_PTAB,        /* slice */
	GL_MD_PLUGINPATH,  /* string */
	GL_MD_PKGHASHES,   /* slice */
	GL_MD_INITTASKS,   /* slice, 1.21+ */
	GL_MD_MODULENAME,  /* string */
	GL_MD_MODULEHASHES,/* slice */
	GL_MD_HASMAIN,     /* uint8 */
	GL_MD_BAD,         /* bool */
	GL_MD_GCDATAMASK,  /* bitvector {n int32; bytedata *uint8} */
	GL_MD_GCBSSMASK,
	GL_MD_TYPEMAP,
	GL_MD_NEXT,
	GL_MD__COUNT
};

/* What kind of value a moduledata field holds. */
enum gl_md_kind { GL_MDK_WORD, GL_MDK_SLICE, GL_MDK_STRING, GL_MDK_BYTE, GL_MDK_BITVEC };

/* pcHeader fields (runtime/symtab.go). */
enum gl_pch_field {
	GL_PCH_NFUNC,
	GL_PCH_NFILES,
	GL_PCH_TEXTSTART, /* written until 1.25; the slot stays, zero, later */
	GL_PCH_FUNCNAMEOFF,
	GL_PCH_CUOFF, /* Go 1.2 format: moduledata.filetab (uint32 offsets of file names) plays cutab */
	GL_PCH_FILETABOFF,
	GL_PCH_PCTABOFF,
	GL_PCH_PCLNOFF, /* the ftab starts the pclntable */
	GL_PCH__COUNT
};

/* runtime._func fields (runtime/runtime2.go). */
enum gl_func_field {
	GL_FN_ENTRYOFF, /* uint32, offset from moduledata.text */
	GL_FN_NAMEOFF,  /* int32, into funcnametab */
	GL_FN_ARGS,
	GL_FN_DEFERRETURN,
	GL_FN_PCSP,
	GL_FN_PCFILE,
	GL_FN_PCLN,
	GL_FN_NPCDATA,
	GL_FN_CUOFFSET,
	GL_FN_STARTLINE,
	GL_FN_FUNCID, /* uint8 */
	GL_FN_FLAG,   /* uint8 */
	GL_FN_NFUNCDATA, /* uint8, last */
	GL_FN__COUNT
};

/* Go type kinds (internal/abi Kind), stable since 1.0. */
enum gl_kind {
	GL_KIND_INVALID, GL_KIND_BOOL, GL_KIND_INT, GL_KIND_INT8, GL_KIND_INT16, GL_KIND_INT32,
	GL_KIND_INT64, GL_KIND_UINT, GL_KIND_UINT8, GL_KIND_UINT16, GL_KIND_UINT32, GL_KIND_UINT64,
	GL_KIND_UINTPTR, GL_KIND_FLOAT32, GL_KIND_FLOAT64, GL_KIND_COMPLEX64, GL_KIND_COMPLEX128,
	GL_KIND_ARRAY, GL_KIND_CHAN, GL_KIND_FUNC, GL_KIND_INTERFACE, GL_KIND_MAP, GL_KIND_POINTER,
	GL_KIND_SLICE, GL_KIND_STRING, GL_KIND_STRUCT, GL_KIND_UNSAFEPOINTER, GL_KIND__COUNT
};

struct gl_rttab {
	const char *name; /* "1.23-1.25" */
	int minor_lo, minor_hi;

	/* pclntab header */
	uint32_t pcln_magic;     /* the magic this version's linker writes */
	uint16_t pch_size;
	/* Offset of each field in the header, or GL_PCH_AFTER_FTAB|k: a uint32
	 * k bytes after ftab[nfunc] (Go 1.2 format keeps the file table's
	 * offset there, the header has no room for it). */
	uint16_t pch_off[GL_PCH__COUNT];
	uint16_t ftab_off; /* ftab inside pclntable: 0 when pclnOffset points at it, 16 in the Go 1.2 format */

	/* moduledata */
	uint16_t md_size;
	uint16_t md_off[GL_MD__COUNT];

	/* _func and the tables hanging off it */
	uint16_t func_size; /* fixed part, before pcdata[npcdata] and funcdata[nfuncdata] */
	uint8_t func_entry_size; /* 4: entryOff from moduledata.text (1.18+); 8: absolute pc */
	uint8_t ftab_entsize;    /* functab {entry, funcoff}: 8 (1.18+) or 16 */
	bool funcdata_is_off;    /* funcdata[] are uint32 offsets from gofunc (1.18+), else pointers */
	uint16_t func_off[GL_FN__COUNT];
	uint8_t pcdata_unsafepoint, pcdata_stackmapindex, pcdata_inltreeindex, pcdata_argliveindex;
	uint8_t funcdata_argsptrmaps, funcdata_localsptrmaps, funcdata_stackobjects,
		funcdata_inltree, funcdata_openCodedDeferInfo, funcdata_argInfo, funcdata_argLiveInfo,
		funcdata_wrapinfo;
	/* inlinedCall: funcID u8 at 0, nameOff int32, parentPc int32, startLine int32 */
	uint16_t inl_size, inl_funcid, inl_nameoff, inl_parentpc, inl_startline;

	/* abi.FuncID numbering: funcid_names[id], NULL-padded to nfuncid. */
	const char *const *funcid_names;
	uint8_t nfuncid;
	uint8_t funcid_wrapper; /* the id of ABI/method wrappers ("wrapper") */
	/* abi.FuncFlag bits */
	uint8_t flag_topframe, flag_spwrite, flag_asm;

	/* abi.Type */
	uint16_t type_size; /* 48 */
	uint16_t type_off_size, type_off_ptrdata, type_off_hash, type_off_tflag, type_off_align,
		type_off_fieldalign, type_off_kind, type_off_equal, type_off_gcdata, type_off_str,
		type_off_ptrtothis;
	uint8_t kind_mask;    /* Kind_ & kind_mask is the kind */
	bool name_varint;     /* abi.Name length is a uvarint (1.17+), else 2 bytes big-endian */
	uint8_t tflag_uncommon, tflag_extrastar, tflag_named, tflag_regularmemory;
	/* abi.UncommonType (16 bytes) and abi.Method (16 bytes) */
	uint16_t uncommon_size, method_size, imethod_size;
	/* Extra bytes after abi.Type, per kind, before the UncommonType (the
	 * kind-specific struct tail; 0 for basic kinds). */
	uint16_t kind_extra[GL_KIND__COUNT];
	/* Offsets inside the kind tail (from the start of the descriptor). */
	uint16_t iface_off_pkgpath, iface_off_methods; /* InterfaceType: Name, []Imethod */
	uint16_t ptr_off_elem;                          /* PtrType.Elem */
	uint16_t slice_off_elem;                        /* SliceType.Elem */
	uint16_t array_off_elem, array_off_slice, array_off_len; /* ArrayType */
	uint16_t chan_off_elem, chan_off_dir;           /* ChanType */
	uint16_t map_off_key, map_off_elem;             /* MapType */
	uint16_t func_off_incount, func_off_outcount;   /* FuncType, uint16 each */
	uint16_t func_variadic;                         /* the outCount bit of a ... last parameter */
	uint16_t struct_off_pkgpath, struct_off_fields; /* StructType: Name, []StructField */
	uint16_t field_size, field_off_name, field_off_typ, field_off_offset; /* StructField */
	/* UncommonType {PkgPath nameOff, Mcount, Xcount uint16, Moff uint32} */
	uint16_t uncommon_off_pkgpath, uncommon_off_mcount, uncommon_off_xcount, uncommon_off_moff;
	uint16_t method_off_name, method_off_mtyp;      /* Method {Name, Mtyp, Ifn, Tfn int32} */
	uint16_t method_off_ifn, method_off_tfn;
	uint16_t imethod_off_name, imethod_off_typ;     /* Imethod {Name, Typ int32} */
	/* GC data that is not a plain pointer bitmap: a GC program (kind bit,
	 * until 1.23) or built on demand (tflag bit, 1.24+); 0 when none. */
	uint8_t kind_gcprog, tflag_gcmask_ondemand;

	/* runtime.itab / abi.ITab */
	uint16_t itab_off_inter, itab_off_type, itab_off_hash, itab_off_fun;
	/* runtime.itabTableType {size, count, entries}: runtime.itabTable */
	uint16_t itabtable_off_size, itabtable_off_entries;

	/* runtime.textsect */
	uint16_t textsect_size;

	/* Heap objects whose first word is their *_type (the malloc header,
	 * runtime/mbitmap.go, 1.22+): pointerful, elemsize in (min, max]
	 * (minSizeForMallocHeader, maxSmallSize); 0 when the version has none. */
	uint32_t malloc_header_min, malloc_header_max;

	/* Where the heap keeps its specials (runtime/mheap.go): every span
	 * (mheap_.allspans), each span's list (mspan.specials, next first),
	 * and the cleanups runtime.AddCleanup registers (1.24+): their
	 * words after the special header are fn (1.24-1.25) or cleanupFn
	 * {call, fn, arg} (1.26+). cleanup_kind 0: the version has none.
	 * Cleanups whose objects died wait in runtime.gcCleanups (1.25+;
	 * 1.24 queues them with the finalizers): cleanupQueue.queued plus
	 * each p's cleanupsQueued, less cleanupQueue.executed, have not run
	 * (runtime/mcleanup.go readQueueStats). 0: no such queue. */
	struct gl_rtheap {
		uint32_t mheap_off_allspans;
		uint16_t mspan_off_startaddr, mspan_off_npages, page_size, mspan_off_specials;
		uint16_t special_off_offset, special_off_kind, special_size;
		uint8_t cleanup_kind, cleanup_words;
		uint16_t cleanupq_off_queued, cleanupq_off_executed, p_off_cleanups_queued;
		uint16_t mspan_off_elemsize, mspan_off_freeindex, mspan_off_allocbits;
	} heap;
	/* Close's stopped-world walk of spans, specials, the finalizer queue
	 * and goroutines (0 everywhere: no walk, the heap dump only). */
	struct gl_rtwalk {
		uint16_t mspan_off_state, mspan_off_spanclass, mspan_off_largetype; /* largetype 0: none */
		uint8_t span_inuse, finalizer_kind;
		uint16_t specialfinalizer_size, finblock_off_cnt, finblock_off_fin, finalizer_size;
		uint16_t g_off_gopc, g_off_startpc;
	} walk;
};

/* Every known table, oldest first, and how many. */
extern const struct gl_rttab *const gl_rttabs[];
extern const size_t gl_nrttabs;

/* Kind of a moduledata field (word, slice, string...). */
enum gl_md_kind gl_md_field_kind(enum gl_md_field f);
/* Field name as written in runtime/symtab.go ("funcnametab"). */
const char *gl_md_field_name(enum gl_md_field f);
/* Name of a kind ("struct"), "invalid" when out of range. */
const char *gl_kind_name(unsigned kind);
/* abi.Type.DescriptorSize of the descriptor starting d (d runs to the end of
 * what is readable); false when d is too short or not a descriptor. */
struct gl_span;
bool gl_rt_descriptor_size(const struct gl_rttab *rt, struct gl_span d, uint64_t *size);
/* FuncID name for a table ("wrapper", "goexit"); "normal" for 0, NULL if unknown. */
const char *gl_rttab_funcid_name(const struct gl_rttab *t, unsigned id);

#endif
