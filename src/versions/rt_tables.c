/*
 * Runtime layout tables, one per range of Go minors with identical layouts
 * and FuncID numbering. Sources (per version): runtime/symtab.go (pcHeader,
 * moduledata, inlinedCall), runtime/runtime2.go (_func, itab),
 * internal/abi/{symtab,type,iface,map}.go (FuncID, FuncFlag, Type, Kind,
 * TFlag, UncommonType, Method, PCDATA/FUNCDATA indices) of go1.15.15, go1.16.15,
 * go1.17.13, go1.18.10, go1.19.13, go1.20.14, go1.21.13, go1.22.12,
 * go1.23.5, go1.24.13, go1.25.9, go1.26.8 and go1.27.1. The moduledata
 * offsets of 1.21+ also agree with reference/md_offsets.md (measured with
 * unsafe.Offsetof on a mirror struct).
 */
#include "versions/rt_tables.h"
#include "versions/versions.h"
#include "util/util.h"

#define A GL_RT_ABSENT

/* pcHeader: magic u32, pad, pad, minLC, ptrSize, then words. textStart
 * (1.18+) sits between nfiles and funcnameOffset; 1.26 stopped writing it
 * but kept the slot. */
#define PCH_NOTEXTSTART                                                                        \
	.pch_size = 64, .pch_off = {[GL_PCH_NFUNC] = 8, [GL_PCH_NFILES] = 16,                  \
				    [GL_PCH_TEXTSTART] = A, [GL_PCH_FUNCNAMEOFF] = 24,         \
				    [GL_PCH_CUOFF] = 32, [GL_PCH_FILETABOFF] = 40,             \
				    [GL_PCH_PCTABOFF] = 48, [GL_PCH_PCLNOFF] = 56}
#define PCH_TEXTSTART                                                                          \
	.pch_size = 72, .pch_off = {[GL_PCH_NFUNC] = 8, [GL_PCH_NFILES] = 16,                  \
				    [GL_PCH_TEXTSTART] = 24, [GL_PCH_FUNCNAMEOFF] = 32,        \
				    [GL_PCH_CUOFF] = 40, [GL_PCH_FILETABOFF] = 48,             \
				    [GL_PCH_PCTABOFF] = 56, [GL_PCH_PCLNOFF] = 64}

/* Go 1.2 format (magic 0xfffffffb, Go 1.2-1.15): magic, pad, pad, quantum,
 * ptrsize, nfunc uintptr, then ftab; the file table's offset is a uint32
 * after ftab[nfunc].entry (cmd/link/internal/ld/pcln.go). */
#define PCH_GO12                                                                               \
	.pch_size = 16, .ftab_off = 16,                                                        \
	.pch_off = {[GL_PCH_NFUNC] = 8, [GL_PCH_NFILES] = A, [GL_PCH_TEXTSTART] = A,           \
		    [GL_PCH_FUNCNAMEOFF] = A, [GL_PCH_CUOFF] = GL_PCH_AFTER_FTAB | 8,          \
		    [GL_PCH_FILETABOFF] = A, [GL_PCH_PCTABOFF] = A, [GL_PCH_PCLNOFF] = A}

/* _func until 1.15: no cuOffset (one file table), no flag. */
#define FUNC_115                                                                               \
	.func_size = 40, .func_entry_size = 8, .ftab_entsize = 16, .funcdata_is_off = false,   \
	.func_off = {[GL_FN_ENTRYOFF] = 0, [GL_FN_NAMEOFF] = 8, [GL_FN_ARGS] = 12,             \
		     [GL_FN_DEFERRETURN] = 16, [GL_FN_PCSP] = 20, [GL_FN_PCFILE] = 24,         \
		     [GL_FN_PCLN] = 28, [GL_FN_NPCDATA] = 32, [GL_FN_CUOFFSET] = A,            \
		     [GL_FN_STARTLINE] = A, [GL_FN_FUNCID] = 36, [GL_FN_FLAG] = A,             \
		     [GL_FN_NFUNCDATA] = 39}

/* _func before 1.18: entry is an absolute uintptr, funcdata are pointers. */
#define FUNC_OLD(flagoff)                                                                      \
	.func_size = 44, .func_entry_size = 8, .ftab_entsize = 16, .funcdata_is_off = false,   \
	.func_off = {[GL_FN_ENTRYOFF] = 0, [GL_FN_NAMEOFF] = 8, [GL_FN_ARGS] = 12,             \
		     [GL_FN_DEFERRETURN] = 16, [GL_FN_PCSP] = 20, [GL_FN_PCFILE] = 24,         \
		     [GL_FN_PCLN] = 28, [GL_FN_NPCDATA] = 32, [GL_FN_CUOFFSET] = 36,           \
		     [GL_FN_STARTLINE] = A, [GL_FN_FUNCID] = 40, [GL_FN_FLAG] = flagoff,       \
		     [GL_FN_NFUNCDATA] = 43}
/* 1.18-1.19: entryOff from moduledata.text, funcdata are offsets from gofunc. */
#define FUNC_118                                                                               \
	.func_size = 40, .func_entry_size = 4, .ftab_entsize = 8, .funcdata_is_off = true,     \
	.func_off = {[GL_FN_ENTRYOFF] = 0, [GL_FN_NAMEOFF] = 4, [GL_FN_ARGS] = 8,              \
		     [GL_FN_DEFERRETURN] = 12, [GL_FN_PCSP] = 16, [GL_FN_PCFILE] = 20,         \
		     [GL_FN_PCLN] = 24, [GL_FN_NPCDATA] = 28, [GL_FN_CUOFFSET] = 32,           \
		     [GL_FN_STARTLINE] = A, [GL_FN_FUNCID] = 36, [GL_FN_FLAG] = 37,            \
		     [GL_FN_NFUNCDATA] = 39}
/* 1.20+: startLine added before funcID. */
#define FUNC_120                                                                               \
	.func_size = 44, .func_entry_size = 4, .ftab_entsize = 8, .funcdata_is_off = true,     \
	.func_off = {[GL_FN_ENTRYOFF] = 0, [GL_FN_NAMEOFF] = 4, [GL_FN_ARGS] = 8,              \
		     [GL_FN_DEFERRETURN] = 12, [GL_FN_PCSP] = 16, [GL_FN_PCFILE] = 20,         \
		     [GL_FN_PCLN] = 24, [GL_FN_NPCDATA] = 28, [GL_FN_CUOFFSET] = 32,           \
		     [GL_FN_STARTLINE] = 36, [GL_FN_FUNCID] = 40, [GL_FN_FLAG] = 41,           \
		     [GL_FN_NFUNCDATA] = 43}

/* Indices unchanged since 1.16 (cmd/internal/objabi/funcdata.go, later internal/abi). */
#define PCDATA_FUNCDATA                                                                        \
	.pcdata_unsafepoint = 0, .pcdata_stackmapindex = 1, .pcdata_inltreeindex = 2,          \
	.pcdata_argliveindex = 3, .funcdata_argsptrmaps = 0, .funcdata_localsptrmaps = 1,      \
	.funcdata_stackobjects = 2, .funcdata_inltree = 3, .funcdata_openCodedDeferInfo = 4,   \
	.funcdata_argInfo = 5, .funcdata_argLiveInfo = 6, .funcdata_wrapinfo = 7

/* inlinedCall until 1.19: {parent int16, funcID u8, _ u8, file, line, func_, parentPc int32}. */
#define INL_OLD                                                                                \
	.inl_size = 20, .inl_funcid = 2, .inl_nameoff = 12, .inl_parentpc = 16, .inl_startline = A
/* 1.20+: {funcID u8, _ [3]u8, nameOff, parentPc, startLine int32}. */
#define INL_120                                                                                \
	.inl_size = 16, .inl_funcid = 0, .inl_nameoff = 4, .inl_parentpc = 8, .inl_startline = 12

/* 1.15 (runtime/symtab.go): FUNCDATA_RegPointerMaps 2 still shifts the
 * rest; argInfo, argLiveInfo and wrapinfo do not exist yet (0xff: never
 * below nfuncdata). */
#define PCDATA_FUNCDATA_115                                                                    \
	.pcdata_unsafepoint = 0, .pcdata_stackmapindex = 1, .pcdata_inltreeindex = 2,          \
	.pcdata_argliveindex = 0xff, .funcdata_argsptrmaps = 0, .funcdata_localsptrmaps = 1,   \
	.funcdata_stackobjects = 3, .funcdata_inltree = 4, .funcdata_openCodedDeferInfo = 5,   \
	.funcdata_argInfo = 0xff, .funcdata_argLiveInfo = 0xff, .funcdata_wrapinfo = 0xff

#define FLAGS_116 .flag_topframe = 1, .flag_spwrite = 0, .flag_asm = 0
#define FLAGS_117 .flag_topframe = 1, .flag_spwrite = 2, .flag_asm = 4

/* abi.Type (runtime._type before 1.21) is 48 bytes in every version. The
 * kind tails: ArrayType 72, ChanType 64, FuncType 56, InterfaceType 80,
 * PtrType 56, SliceType 56, StructType 80; MapType is 88 (hmap era), 112
 * (swiss maps, 1.24-1.26) or 136 (1.27, split groups); the fields each
 * tail starts with (elem, key, counts, fields) sit at the same offsets in
 * every version, as do StructField, UncommonType, Method and Imethod. GC
 * programs (kindGCProg 1<<6) lasted until 1.23; 1.24 builds large types'
 * masks on demand (TFlagGCMaskOnDemand 1<<4). */
#define TYPE_LAYOUT(mapextra, kmask, varint, gcprog, ondemand)                                          \
	.type_size = 48, .type_off_size = 0, .type_off_ptrdata = 8, .type_off_hash = 16,       \
	.type_off_tflag = 20, .type_off_align = 21, .type_off_fieldalign = 22,                 \
	.type_off_kind = 23, .type_off_equal = 24, .type_off_gcdata = 32, .type_off_str = 40,  \
	.type_off_ptrtothis = 44, .kind_mask = kmask, .name_varint = varint, .tflag_uncommon = 1,                     \
	.tflag_extrastar = 2, .tflag_named = 4, .tflag_regularmemory = 8,                      \
	.uncommon_size = 16, .method_size = 16, .imethod_size = 8,                             \
	.kind_extra = {[GL_KIND_ARRAY] = 24, [GL_KIND_CHAN] = 16, [GL_KIND_FUNC] = 8,          \
		       [GL_KIND_INTERFACE] = 32, [GL_KIND_MAP] = mapextra,                     \
		       [GL_KIND_POINTER] = 8, [GL_KIND_SLICE] = 8, [GL_KIND_STRUCT] = 32},     \
	.iface_off_pkgpath = 48, .iface_off_methods = 56, .ptr_off_elem = 48,                  \
	.slice_off_elem = 48, .array_off_elem = 48, .array_off_slice = 56, .array_off_len = 64, \
	.chan_off_elem = 48, .chan_off_dir = 56, .map_off_key = 48, .map_off_elem = 56,        \
	.func_off_incount = 48, .func_off_outcount = 50, .func_variadic = 0x8000,              \
	.struct_off_pkgpath = 48, .struct_off_fields = 56,                                     \
	.field_size = 24, .field_off_name = 0, .field_off_typ = 8, .field_off_offset = 16,     \
	.uncommon_off_pkgpath = 0, .uncommon_off_mcount = 4, .uncommon_off_xcount = 6,         \
	.uncommon_off_moff = 8, .method_off_name = 0, .method_off_mtyp = 4,                    \
	.method_off_ifn = 8, .method_off_tfn = 12,                                            \
	.imethod_off_name = 0, .imethod_off_typ = 4,                                           \
	.kind_gcprog = gcprog, .tflag_gcmask_ondemand = ondemand,                              \
	.itab_off_inter = 0, .itab_off_type = 8, .itab_off_hash = 16, .itab_off_fun = 24,      \
	.itabtable_off_size = 0, .itabtable_off_entries = 16,                                  \
	.textsect_size = 24

static const char *const funcids_15[] = {
	"normal", "runtime_main", "goexit", "jmpdefer", "mcall", "morestack", "mstart", "rt0_go", "asmcgocall", "sigpanic", "runfinq", "gcBgMarkWorker", "systemstack_switch", "systemstack", "cgocallback_gofunc", "gogo", "externalthreadhandler", "debugCallV1", "gopanic", "panicwrap", "handleAsyncEvent", "asyncPreempt", "wrapper",
};
static const char *const funcids_16[] = {
	"normal", "runtime_main", "goexit", "jmpdefer", "mcall", "morestack", "mstart", "rt0_go", "asmcgocall", "sigpanic", "runfinq", "gcBgMarkWorker", "systemstack_switch", "systemstack", "cgocallback", "gogo", "externalthreadhandler", "debugCallV1", "gopanic", "panicwrap", "handleAsyncEvent", "asyncPreempt", "wrapper",
};
static const char *const funcids_17[] = {
	"normal", "abort", "asmcgocall", "asyncPreempt", "cgocallback", "debugCallV2", "gcBgMarkWorker", "goexit", "gogo", "gopanic", "handleAsyncEvent", "jmpdefer", "mcall", "morestack", "mstart", "panicwrap", "rt0_go", "runfinq", "runtime_main", "sigpanic", "systemstack", "systemstack_switch", "wrapper",
};
static const char *const funcids_18[] = {
	"normal", "abort", "asmcgocall", "asyncPreempt", "cgocallback", "debugCallV2", "gcBgMarkWorker", "goexit", "gogo", "gopanic", "handleAsyncEvent", "mcall", "morestack", "mstart", "panicwrap", "rt0_go", "runfinq", "runtime_main", "sigpanic", "systemstack", "systemstack_switch", "wrapper",
};
static const char *const funcids_22[] = {
	"normal", "abort", "asmcgocall", "asyncPreempt", "cgocallback", "corostart", "debugCallV2", "gcBgMarkWorker", "goexit", "gogo", "gopanic", "handleAsyncEvent", "mcall", "morestack", "mstart", "panicwrap", "rt0_go", "runfinq", "runtime_main", "sigpanic", "systemstack", "systemstack_switch", "wrapper",
};
static const char *const funcids_25[] = {
	"normal", "abort", "asmcgocall", "asyncPreempt", "cgocallback", "corostart", "debugCallV2", "gcBgMarkWorker", "goexit", "gogo", "gopanic", "handleAsyncEvent", "mcall", "morestack", "mstart", "panicwrap", "rt0_go", "runtime_main", "runFinalizers", "runCleanups", "sigpanic", "systemstack", "systemstack_switch", "wrapper",
};

/* moduledata of 1.15: no pcHeader pointer (pclntable's own pointer is the
 * header) and filetab []uint32 holds offsets of file names in pclntable. */
static const struct gl_rttab rt_115 = {
	.name = "1.15", .minor_lo = 15, .minor_hi = 15,
	.pcln_magic = 0xfffffffb,
	PCH_GO12,
	.md_size = 456,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = A, [GL_MD_CUTAB] = 48, [GL_MD_FILETAB] = A,
		[GL_MD_PCTAB] = A, [GL_MD_PCLNTABLE] = 0, [GL_MD_FTAB] = 24, [GL_MD_FINDFUNCTAB] = 72,
		[GL_MD_MINPC] = 80, [GL_MD_MAXPC] = 88, [GL_MD_TEXT] = 96, [GL_MD_ETEXT] = 104,
		[GL_MD_NOPTRDATA] = 112, [GL_MD_ENOPTRDATA] = 120, [GL_MD_DATA] = 128, [GL_MD_EDATA] = 136,
		[GL_MD_BSS] = 144, [GL_MD_EBSS] = 152, [GL_MD_NOPTRBSS] = 160, [GL_MD_ENOPTRBSS] = 168,
		[GL_MD_COVCTRS] = A, [GL_MD_ECOVCTRS] = A, [GL_MD_END] = 176, [GL_MD_GCDATA] = 184,
		[GL_MD_GCBSS] = 192, [GL_MD_TYPES] = 200, [GL_MD_ETYPES] = 208, [GL_MD_RODATA] = A,
		[GL_MD_GOFUNC] = A, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 216, [GL_MD_TYPELINKS] = 240, [GL_MD_ITABLINKS] = 264,
		[GL_MD_PTAB] = 288, [GL_MD_PLUGINPATH] = 312, [GL_MD_PKGHASHES] = 328, [GL_MD_INITTASKS] = A,
		[GL_MD_MODULENAME] = 352, [GL_MD_MODULEHASHES] = 368, [GL_MD_HASMAIN] = 392, [GL_MD_BAD] = 440,
		[GL_MD_GCDATAMASK] = 400, [GL_MD_GCBSSMASK] = 416, [GL_MD_TYPEMAP] = 432, [GL_MD_NEXT] = 448,
	},
	FUNC_115,
	PCDATA_FUNCDATA_115,
	INL_OLD,
	.funcid_names = funcids_15, .nfuncid = GL_ARRAY_LEN(funcids_15),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_15) - 1,
	.flag_topframe = 0, .flag_spwrite = 0, .flag_asm = 0,
	TYPE_LAYOUT(40, 0x1f, false, 0x40, 0),
};

static const struct gl_rttab rt_116 = {
	.name = "1.16", .minor_lo = 16, .minor_hi = 16,
	.pcln_magic = 0xfffffffa,
	PCH_NOTEXTSTART,
	.md_size = 536,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = A, [GL_MD_ECOVCTRS] = A, [GL_MD_END] = 256, [GL_MD_GCDATA] = 264,
		[GL_MD_GCBSS] = 272, [GL_MD_TYPES] = 280, [GL_MD_ETYPES] = 288, [GL_MD_RODATA] = A,
		[GL_MD_GOFUNC] = A, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 296, [GL_MD_TYPELINKS] = 320, [GL_MD_ITABLINKS] = 344,
		[GL_MD_PTAB] = 368, [GL_MD_PLUGINPATH] = 392, [GL_MD_PKGHASHES] = 408, [GL_MD_INITTASKS] = A,
		[GL_MD_MODULENAME] = 432, [GL_MD_MODULEHASHES] = 448, [GL_MD_HASMAIN] = 472, [GL_MD_BAD] = 520,
		[GL_MD_GCDATAMASK] = 480, [GL_MD_GCBSSMASK] = 496, [GL_MD_TYPEMAP] = 512, [GL_MD_NEXT] = 528,
	},
	FUNC_OLD(A),
	PCDATA_FUNCDATA,
	INL_OLD,
	.funcid_names = funcids_16, .nfuncid = GL_ARRAY_LEN(funcids_16),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_16) - 1,
	FLAGS_116,
	TYPE_LAYOUT(40, 0x1f, false, 0x40, 0),
};

static const struct gl_rttab rt_117 = {
	.name = "1.17", .minor_lo = 17, .minor_hi = 17,
	.pcln_magic = 0xfffffffa,
	PCH_NOTEXTSTART,
	.md_size = 536,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = A, [GL_MD_ECOVCTRS] = A, [GL_MD_END] = 256, [GL_MD_GCDATA] = 264,
		[GL_MD_GCBSS] = 272, [GL_MD_TYPES] = 280, [GL_MD_ETYPES] = 288, [GL_MD_RODATA] = A,
		[GL_MD_GOFUNC] = A, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 296, [GL_MD_TYPELINKS] = 320, [GL_MD_ITABLINKS] = 344,
		[GL_MD_PTAB] = 368, [GL_MD_PLUGINPATH] = 392, [GL_MD_PKGHASHES] = 408, [GL_MD_INITTASKS] = A,
		[GL_MD_MODULENAME] = 432, [GL_MD_MODULEHASHES] = 448, [GL_MD_HASMAIN] = 472, [GL_MD_BAD] = 520,
		[GL_MD_GCDATAMASK] = 480, [GL_MD_GCBSSMASK] = 496, [GL_MD_TYPEMAP] = 512, [GL_MD_NEXT] = 528,
	},
	FUNC_OLD(41),
	PCDATA_FUNCDATA,
	INL_OLD,
	.funcid_names = funcids_17, .nfuncid = GL_ARRAY_LEN(funcids_17),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_17) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
};

static const struct gl_rttab rt_118_119 = {
	.name = "1.18-1.19", .minor_lo = 18, .minor_hi = 19,
	.pcln_magic = 0xfffffff0,
	PCH_TEXTSTART,
	.md_size = 552,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = A, [GL_MD_ECOVCTRS] = A, [GL_MD_END] = 256, [GL_MD_GCDATA] = 264,
		[GL_MD_GCBSS] = 272, [GL_MD_TYPES] = 280, [GL_MD_ETYPES] = 288, [GL_MD_RODATA] = 296,
		[GL_MD_GOFUNC] = 304, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 312, [GL_MD_TYPELINKS] = 336, [GL_MD_ITABLINKS] = 360,
		[GL_MD_PTAB] = 384, [GL_MD_PLUGINPATH] = 408, [GL_MD_PKGHASHES] = 424, [GL_MD_INITTASKS] = A,
		[GL_MD_MODULENAME] = 448, [GL_MD_MODULEHASHES] = 464, [GL_MD_HASMAIN] = 488, [GL_MD_BAD] = 536,
		[GL_MD_GCDATAMASK] = 496, [GL_MD_GCBSSMASK] = 512, [GL_MD_TYPEMAP] = 528, [GL_MD_NEXT] = 544,
	},
	FUNC_118,
	PCDATA_FUNCDATA,
	INL_OLD,
	.funcid_names = funcids_18, .nfuncid = GL_ARRAY_LEN(funcids_18),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_18) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
};

static const struct gl_rttab rt_120 = {
	.name = "1.20", .minor_lo = 20, .minor_hi = 20,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 568,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = A,
		[GL_MD_MODULENAME] = 464, [GL_MD_MODULEHASHES] = 480, [GL_MD_HASMAIN] = 504, [GL_MD_BAD] = 552,
		[GL_MD_GCDATAMASK] = 512, [GL_MD_GCBSSMASK] = 528, [GL_MD_TYPEMAP] = 544, [GL_MD_NEXT] = 560,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_18, .nfuncid = GL_ARRAY_LEN(funcids_18),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_18) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
};

/* struct gl_rtheap, in its field order (go_asm.h of runtime: mheap_allspans,
 * mspan_startAddr (npages follows it; pages of const__PageSize), mspan_specials, special_offset, special_kind,
 * special__size, const__KindSpecialCleanup, (specialCleanup__size -
 * special__size - 8) / 8); then the cleanup queue, 0 0 0 before 1.25
 * (cleanupQueue_queued, cleanupQueue_executed, p_cleanupsQueued); then what
 * tells an allocated object from a free slot (mspan_elemsize,
 * mspan_freeindex, mspan_allocBits: mspan.isFree). */
#define HEAP(allspans, startaddr, specials, off, kind, size, ckind, cwords, cqqueued, cqexecuted, pqueued,     \
	     elemsize, freeindex, allocbits)                                                                     \
	.heap = {.mheap_off_allspans = allspans, .mspan_off_startaddr = startaddr, .mspan_off_npages = startaddr + 8, \
		 .page_size = 8192, .mspan_off_specials = specials,                                          \
		 .special_off_offset = off, .special_off_kind = kind, .special_size = size, .cleanup_kind = ckind,  \
		 .cleanup_words = cwords, .cleanupq_off_queued = cqqueued, .cleanupq_off_executed = cqexecuted,      \
		 .p_off_cleanups_queued = pqueued, .mspan_off_elemsize = elemsize, .mspan_off_freeindex = freeindex, \
		 .mspan_off_allocbits = allocbits}

/* What Close's stopped-world walk reads (unload_fastscan.go), go_asm.h of
 * runtime: mspan_state, mspan_spanclass, const_mSpanInUse, mspan_largeType
 * (0 before 1.22: none), const__KindSpecialFinalizer,
 * specialfinalizer__size, finblock_cnt and finblock_fin (finBlock_ from
 * 1.25; alllink is the first word), finalizer__size, g_gopc, g_startpc. */
#define WALK(state, spanclass, inuse, largetype, fkind, fsize, fbcnt, fbfin, finsize, gopc, startpc)          \
	.walk = {.mspan_off_state = state, .mspan_off_spanclass = spanclass, .span_inuse = inuse,                \
		 .mspan_off_largetype = largetype, .finalizer_kind = fkind, .specialfinalizer_size = fsize,         \
		 .finblock_off_cnt = fbcnt, .finblock_off_fin = fbfin, .finalizer_size = finsize, .g_off_gopc = gopc,  \
		 .g_off_startpc = startpc}

static const struct gl_rttab rt_121 = {
	.name = "1.21", .minor_lo = 21, .minor_hi = 21,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 592,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = 464,
		[GL_MD_MODULENAME] = 488, [GL_MD_MODULEHASHES] = 504, [GL_MD_HASMAIN] = 528, [GL_MD_BAD] = 576,
		[GL_MD_GCDATAMASK] = 536, [GL_MD_GCBSSMASK] = 552, [GL_MD_TYPEMAP] = 568, [GL_MD_NEXT] = 584,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_18, .nfuncid = GL_ARRAY_LEN(funcids_18),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_18) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
	HEAP(65864, 24, 136, 8, 10, 16, 0, 0, 0, 0, 0, 112, 48, 72),
	WALK(107, 106, 1, 0, 1, 48, 16, 24, 40, 280, 296),
};

static const struct gl_rttab rt_122 = {
	.name = "1.22", .minor_lo = 22, .minor_hi = 22,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 592,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = 464,
		[GL_MD_MODULENAME] = 488, [GL_MD_MODULEHASHES] = 504, [GL_MD_HASMAIN] = 528, [GL_MD_BAD] = 576,
		[GL_MD_GCDATAMASK] = 536, [GL_MD_GCBSSMASK] = 552, [GL_MD_TYPEMAP] = 568, [GL_MD_NEXT] = 584,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_22, .nfuncid = GL_ARRAY_LEN(funcids_22),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_22) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 10, 16, 0, 0, 0, 0, 0, 104, 48, 64),
	WALK(99, 98, 1, 152, 1, 48, 16, 24, 40, 280, 296),
};

static const struct gl_rttab rt_123 = {
	.name = "1.23", .minor_lo = 23, .minor_hi = 23,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 584,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = 464,
		[GL_MD_MODULENAME] = 488, [GL_MD_MODULEHASHES] = 504, [GL_MD_HASMAIN] = 528, [GL_MD_BAD] = 529,
		[GL_MD_GCDATAMASK] = 536, [GL_MD_GCBSSMASK] = 552, [GL_MD_TYPEMAP] = 568, [GL_MD_NEXT] = 576,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_22, .nfuncid = GL_ARRAY_LEN(funcids_22),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_22) - 1,
	FLAGS_117,
	TYPE_LAYOUT(40, 0x1f, true, 0x40, 0),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 10, 16, 0, 0, 0, 0, 0, 104, 48, 64),
	WALK(99, 98, 1, 152, 1, 48, 16, 24, 40, 288, 304),
};

static const struct gl_rttab rt_124 = {
	.name = "1.24", .minor_lo = 24, .minor_hi = 24,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 584,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = 464,
		[GL_MD_MODULENAME] = 488, [GL_MD_MODULEHASHES] = 504, [GL_MD_HASMAIN] = 528, [GL_MD_BAD] = 529,
		[GL_MD_GCDATAMASK] = 536, [GL_MD_GCBSSMASK] = 552, [GL_MD_TYPEMAP] = 568, [GL_MD_NEXT] = 576,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_22, .nfuncid = GL_ARRAY_LEN(funcids_22),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_22) - 1,
	FLAGS_117,
	TYPE_LAYOUT(64, 0x1f, true, 0, 0x10),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 16, 24, 6, 1, 0, 0, 0, 104, 48, 64),
	WALK(99, 98, 1, 152, 1, 56, 16, 24, 40, 288, 304),
};

static const struct gl_rttab rt_125 = {
	.name = "1.25", .minor_lo = 25, .minor_hi = 25,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 584,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = A, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 328, [GL_MD_TYPELINKS] = 352, [GL_MD_ITABLINKS] = 376,
		[GL_MD_PTAB] = 400, [GL_MD_PLUGINPATH] = 424, [GL_MD_PKGHASHES] = 440, [GL_MD_INITTASKS] = 464,
		[GL_MD_MODULENAME] = 488, [GL_MD_MODULEHASHES] = 504, [GL_MD_HASMAIN] = 528, [GL_MD_BAD] = 529,
		[GL_MD_GCDATAMASK] = 536, [GL_MD_GCBSSMASK] = 552, [GL_MD_TYPEMAP] = 568, [GL_MD_NEXT] = 576,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_25, .nfuncid = GL_ARRAY_LEN(funcids_25),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_25) - 1,
	FLAGS_117,
	TYPE_LAYOUT(64, 0x1f, true, 0, 0x10),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 16, 24, 7, 1, 232, 240, 9464, 104, 48, 64),
	WALK(99, 98, 1, 152, 2, 56, 16, 24, 40, 280, 296),
};

static const struct gl_rttab rt_126 = {
	.name = "1.26", .minor_lo = 26, .minor_hi = 26,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 592,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 304, [GL_MD_RODATA] = 312,
		[GL_MD_GOFUNC] = 320, [GL_MD_EPCLNTAB] = 328, [GL_MD_TYPEDESCLEN] = A, [GL_MD_ITABOFFSET] = A,
		[GL_MD_ITABSIZE] = A, [GL_MD_TEXTSECTMAP] = 336, [GL_MD_TYPELINKS] = 360, [GL_MD_ITABLINKS] = 384,
		[GL_MD_PTAB] = 408, [GL_MD_PLUGINPATH] = 432, [GL_MD_PKGHASHES] = 448, [GL_MD_INITTASKS] = 472,
		[GL_MD_MODULENAME] = 496, [GL_MD_MODULEHASHES] = 512, [GL_MD_HASMAIN] = 536, [GL_MD_BAD] = 537,
		[GL_MD_GCDATAMASK] = 544, [GL_MD_GCBSSMASK] = 560, [GL_MD_TYPEMAP] = 576, [GL_MD_NEXT] = 584,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_25, .nfuncid = GL_ARRAY_LEN(funcids_25),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_25) - 1,
	FLAGS_117,
	TYPE_LAYOUT(64, 0xff, true, 0, 0x10),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 16, 24, 7, 3, 232, 240, 13744, 104, 48, 64),
	WALK(99, 98, 1, 152, 2, 56, 16, 24, 40, 288, 304),
};

static const struct gl_rttab rt_127 = {
	.name = "1.27", .minor_lo = 27, .minor_hi = 27,
	.pcln_magic = 0xfffffff1,
	PCH_TEXTSTART,
	.md_size = 568,
	.md_off = {
		[GL_MD_PCHEADER] = 0, [GL_MD_FUNCNAMETAB] = 8, [GL_MD_CUTAB] = 32, [GL_MD_FILETAB] = 56,
		[GL_MD_PCTAB] = 80, [GL_MD_PCLNTABLE] = 104, [GL_MD_FTAB] = 128, [GL_MD_FINDFUNCTAB] = 152,
		[GL_MD_MINPC] = 160, [GL_MD_MAXPC] = 168, [GL_MD_TEXT] = 176, [GL_MD_ETEXT] = 184,
		[GL_MD_NOPTRDATA] = 192, [GL_MD_ENOPTRDATA] = 200, [GL_MD_DATA] = 208, [GL_MD_EDATA] = 216,
		[GL_MD_BSS] = 224, [GL_MD_EBSS] = 232, [GL_MD_NOPTRBSS] = 240, [GL_MD_ENOPTRBSS] = 248,
		[GL_MD_COVCTRS] = 256, [GL_MD_ECOVCTRS] = 264, [GL_MD_END] = 272, [GL_MD_GCDATA] = 280,
		[GL_MD_GCBSS] = 288, [GL_MD_TYPES] = 296, [GL_MD_ETYPES] = 312, [GL_MD_RODATA] = 336,
		[GL_MD_GOFUNC] = 344, [GL_MD_EPCLNTAB] = 352, [GL_MD_TYPEDESCLEN] = 304, [GL_MD_ITABOFFSET] = 320,
		[GL_MD_ITABSIZE] = 328, [GL_MD_TEXTSECTMAP] = 360, [GL_MD_TYPELINKS] = A, [GL_MD_ITABLINKS] = A,
		[GL_MD_PTAB] = 384, [GL_MD_PLUGINPATH] = 408, [GL_MD_PKGHASHES] = 424, [GL_MD_INITTASKS] = 448,
		[GL_MD_MODULENAME] = 472, [GL_MD_MODULEHASHES] = 488, [GL_MD_HASMAIN] = 512, [GL_MD_BAD] = 513,
		[GL_MD_GCDATAMASK] = 520, [GL_MD_GCBSSMASK] = 536, [GL_MD_TYPEMAP] = 552, [GL_MD_NEXT] = 560,
	},
	FUNC_120,
	PCDATA_FUNCDATA,
	INL_120,
	.funcid_names = funcids_25, .nfuncid = GL_ARRAY_LEN(funcids_25),
	.funcid_wrapper = GL_ARRAY_LEN(funcids_25) - 1,
	FLAGS_117,
	TYPE_LAYOUT(88, 0xff, true, 0, 0x10),
	.malloc_header_min = 512, .malloc_header_max = 32768,
	HEAP(65864, 24, 128, 8, 16, 24, 7, 3, 232, 240, 13744, 104, 48, 64),
	WALK(99, 98, 1, 152, 2, 56, 16, 24, 40, 288, 304),
};

const struct gl_rttab *const gl_rttabs[] = {
	&rt_115, &rt_116, &rt_117, &rt_118_119, &rt_120, &rt_121, &rt_122, &rt_123, &rt_124, &rt_125, &rt_126, &rt_127,
};
const size_t gl_nrttabs = GL_ARRAY_LEN(gl_rttabs);

const struct gl_rttab *gl_rttab_for(int minor)
{
	for (size_t i = 0; i < gl_nrttabs; i++)
		if (minor >= gl_rttabs[i]->minor_lo && minor <= gl_rttabs[i]->minor_hi)
			return gl_rttabs[i];
	return NULL;
}

static const struct {
	const char *name;
	enum gl_md_kind kind;
} md_fields[GL_MD__COUNT] = {
	[GL_MD_PCHEADER] = {"pcHeader", GL_MDK_WORD},
	[GL_MD_FUNCNAMETAB] = {"funcnametab", GL_MDK_SLICE},
	[GL_MD_CUTAB] = {"cutab", GL_MDK_SLICE},
	[GL_MD_FILETAB] = {"filetab", GL_MDK_SLICE},
	[GL_MD_PCTAB] = {"pctab", GL_MDK_SLICE},
	[GL_MD_PCLNTABLE] = {"pclntable", GL_MDK_SLICE},
	[GL_MD_FTAB] = {"ftab", GL_MDK_SLICE},
	[GL_MD_FINDFUNCTAB] = {"findfunctab", GL_MDK_WORD},
	[GL_MD_MINPC] = {"minpc", GL_MDK_WORD},
	[GL_MD_MAXPC] = {"maxpc", GL_MDK_WORD},
	[GL_MD_TEXT] = {"text", GL_MDK_WORD},
	[GL_MD_ETEXT] = {"etext", GL_MDK_WORD},
	[GL_MD_NOPTRDATA] = {"noptrdata", GL_MDK_WORD},
	[GL_MD_ENOPTRDATA] = {"enoptrdata", GL_MDK_WORD},
	[GL_MD_DATA] = {"data", GL_MDK_WORD},
	[GL_MD_EDATA] = {"edata", GL_MDK_WORD},
	[GL_MD_BSS] = {"bss", GL_MDK_WORD},
	[GL_MD_EBSS] = {"ebss", GL_MDK_WORD},
	[GL_MD_NOPTRBSS] = {"noptrbss", GL_MDK_WORD},
	[GL_MD_ENOPTRBSS] = {"enoptrbss", GL_MDK_WORD},
	[GL_MD_COVCTRS] = {"covctrs", GL_MDK_WORD},
	[GL_MD_ECOVCTRS] = {"ecovctrs", GL_MDK_WORD},
	[GL_MD_END] = {"end", GL_MDK_WORD},
	[GL_MD_GCDATA] = {"gcdata", GL_MDK_WORD},
	[GL_MD_GCBSS] = {"gcbss", GL_MDK_WORD},
	[GL_MD_TYPES] = {"types", GL_MDK_WORD},
	[GL_MD_ETYPES] = {"etypes", GL_MDK_WORD},
	[GL_MD_RODATA] = {"rodata", GL_MDK_WORD},
	[GL_MD_GOFUNC] = {"gofunc", GL_MDK_WORD},
	[GL_MD_EPCLNTAB] = {"epclntab", GL_MDK_WORD},
	[GL_MD_TYPEDESCLEN] = {"typedesclen", GL_MDK_WORD},
	[GL_MD_ITABOFFSET] = {"itaboffset", GL_MDK_WORD},
	[GL_MD_ITABSIZE] = {"itabsize", GL_MDK_WORD},
	[GL_MD_TEXTSECTMAP] = {"textsectmap", GL_MDK_SLICE},
	[GL_MD_TYPELINKS] = {"typelinks", GL_MDK_SLICE},
	[GL_MD_ITABLINKS] = {"itablinks", GL_MDK_SLICE},
	[GL_MD_PTAB] = {"ptab", GL_MDK_SLICE},
	[GL_MD_PLUGINPATH] = {"pluginpath", GL_MDK_STRING},
	[GL_MD_PKGHASHES] = {"pkghashes", GL_MDK_SLICE},
	[GL_MD_INITTASKS] = {"inittasks", GL_MDK_SLICE},
	[GL_MD_MODULENAME] = {"modulename", GL_MDK_STRING},
	[GL_MD_MODULEHASHES] = {"modulehashes", GL_MDK_SLICE},
	[GL_MD_HASMAIN] = {"hasmain", GL_MDK_BYTE},
	[GL_MD_BAD] = {"bad", GL_MDK_BYTE},
	[GL_MD_GCDATAMASK] = {"gcdatamask", GL_MDK_BITVEC},
	[GL_MD_GCBSSMASK] = {"gcbssmask", GL_MDK_BITVEC},
	[GL_MD_TYPEMAP] = {"typemap", GL_MDK_WORD},
	[GL_MD_NEXT] = {"next", GL_MDK_WORD},
};

enum gl_md_kind gl_md_field_kind(enum gl_md_field f)
{
	return (unsigned)f < GL_MD__COUNT ? md_fields[f].kind : GL_MDK_WORD;
}

const char *gl_md_field_name(enum gl_md_field f)
{
	return (unsigned)f < GL_MD__COUNT ? md_fields[f].name : "?";
}

const char *gl_kind_name(unsigned kind)
{
	static const char *const names[GL_KIND__COUNT] = {
		"invalid", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
		"uint16", "uint32", "uint64", "uintptr", "float32", "float64", "complex64",
		"complex128", "array", "chan", "func", "interface", "map", "ptr", "slice", "string",
		"struct", "unsafe.Pointer",
	};
	return kind < GL_KIND__COUNT ? names[kind] : "invalid";
}

const char *gl_rttab_funcid_name(const struct gl_rttab *t, unsigned id)
{
	if (!t || id >= t->nfuncid)
		return NULL;
	return t->funcid_names[id];
}

/* Go 1.27 lays the typelinked descriptors back to back (at pointer
 * alignment) instead of listing them, so walking them needs each one's
 * length. The member counts are bounded by d's length: no member array
 * can be longer than the bytes that hold it. */
bool gl_rt_descriptor_size(const struct gl_rttab *rt, gl_span d, uint64_t *size)
{
	uint8_t kind = 0, tflag = 0;
	if (d.n < rt->type_size)
		return false;
	kind = d.p[rt->type_off_kind] & rt->kind_mask;
	tflag = d.p[rt->type_off_tflag];
	if (kind == GL_KIND_INVALID || kind >= GL_KIND__COUNT)
		return false;
	uint64_t n = rt->type_size + rt->kind_extra[kind], add = 0;
	uint16_t in = 0, out = 0;
	uint64_t len = 0;
	switch (kind) {
	case GL_KIND_FUNC:
		if (!gl_u16_at(d, rt->func_off_incount, &in) || !gl_u16_at(d, rt->func_off_outcount, &out))
			return false;
		add = ((uint64_t)in + (out & (uint16_t)~rt->func_variadic)) * 8;
		break;
	case GL_KIND_INTERFACE:
		if (!gl_u64_at(d, rt->iface_off_methods + 8u, &len) || len > d.n)
			return false;
		add = len * rt->imethod_size;
		break;
	case GL_KIND_STRUCT:
		if (!gl_u64_at(d, rt->struct_off_fields + 8u, &len) || len > d.n)
			return false;
		add = len * rt->field_size;
		break;
	default: break;
	}
	uint16_t mcount = 0;
	if (tflag & rt->tflag_uncommon) {
		if (!gl_u16_at(d, n + rt->uncommon_off_mcount, &mcount))
			return false;
		n += rt->uncommon_size;
	}
	*size = n + add + (uint64_t)mcount * rt->method_size;
	return true;
}
