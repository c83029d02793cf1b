/*
 * heapdump — what still points into an address range, read from a Go heap
 * dump (runtime/debug.WriteHeapDump; format golang.org/s/go15heapdump,
 * "go1.7 heap dump", runtime/heapdump.go, identical records in Go 1.21
 * through 1.27).
 *
 * The dump lists every allocated heap object with its contents and its
 * pointer words, every goroutine's frames with their live pointer words,
 * the first module's data and bss, finalizers and defers. Liveness is
 * recomputed from the roots the caller chooses, by following pointer
 * words only (the GC's own view): an object reachable only from the
 * module's data is not live once the module is gone, and a stale word in
 * a free slot or a dead stack slot is never read.
 */
#ifndef GL_UNLOAD_HEAPDUMP_H
#define GL_UNLOAD_HEAPDUMP_H

#include "util/util.h"

/* Who holds a word that points into the range. */
enum gl_hd_holder {
	GL_HD_DATA,      /* host global (first module's data or bss) at `at` */
	GL_HD_EXTRA,     /* one of the caller's extra roots (index `extra`) */
	GL_HD_FRAME,     /* goroutine `goid`: frame `func` runs in the range (at = pc) or holds a pointer at `at` */
	GL_HD_GOROUTINE, /* goroutine `goid`: its closure context, defer or panic */
	GL_HD_FINALIZER, /* finalizer set on the object at `at` */
	GL_HD_HEAP,      /* heap object [obj, obj+size), word at `at` */
};

typedef struct gl_hd_root {
	int kind;        /* GL_HD_DATA, EXTRA, FRAME, GOROUTINE, FINALIZER */
	uint64_t at;     /* the root word (data/bss/extra/frame), the object a finalizer is set on */
	uint64_t goid;
	gl_span func;    /* frame's function name, in the dump */
	uint32_t extra;
	bool conservative; /* a frame stopped asynchronously: every word read */
	bool iface;        /* the word before a pointer word, read as an interface's type */
} gl_hd_root;

typedef struct gl_hd_hit {
	int kind;        /* enum gl_hd_holder */
	uint64_t target; /* the value inside the range */
	uint64_t at;     /* where it is stored (frames: the word, or the pc itself) */
	uint64_t obj, size; /* GL_HD_HEAP: the holding object */
	gl_hd_root root; /* the holder itself, or the root the holding object was reached from */
} gl_hd_hit;

typedef struct gl_hd_opts {
	const uint64_t *ranges; /* [lo0, hi0, lo1, hi1, ...): the range(s) nothing may point into */
	size_t nranges;
	/* The range's type descriptors, their start addresses in ascending
	 * order: an interface's first word (see iface_word) is only checked
	 * against these, directly or as an itab's type. */
	const uint64_t *types;
	size_t ntypes;
	/* (itab, target) pairs, ascending by itab: itabs outside the ranges
	 * whose methods are in them (built by the runtime for a host type
	 * whose dropped methods a module supplies), with one such method. */
	const uint64_t *itabs;
	size_t nitabs;
	const gl_span *extra;   /* more roots: word arrays read in place (another module's data) */
	const uint64_t *extra_addr; /* address of each extra root's first byte */
	size_t nextra;
	const uint64_t *skip;   /* objects never followed (the module's own typemap) */
	size_t nskip;
	const uint64_t *ignore; /* [lo, hi) pairs of root words not read (the dumper's own cache) */
	size_t nignore;
	/* Objects whose first word is a *_type (Go 1.22+ malloc header):
	 * pointerful objects with header_min < size <= header_max; 0: none. */
	uint64_t header_min, header_max;
	size_t max_hits;
	/* Go 1.22+ large objects keep their type in mspan.largeType, outside
	 * the dump: every reached pointerful object above this size is listed
	 * for the caller to check (0: none). */
	uint64_t large_min;
	/* The scanning goroutine's own frames: frames of goroutine own_goid
	 * whose function name starts with own_prefix (the caller's package)
	 * are no roots. Their outargs may keep a stale word from an earlier
	 * call (Go 1.21's Close frame held a type of the module that way),
	 * and the caller's own code keeps nothing past its return. A frame
	 * running in the ranges is still reported. 0 / NULL: none. */
	uint64_t own_goid;
	const char *own_prefix;
	/* What the host's linker wrote into its data (the file bytes of its
	 * writable segments, at their run-time addresses). A word of a data
	 * root that still holds its linker-written value is no interface's
	 * type word naming a type in the ranges: the linker could only have
	 * written a host type there, and the ranges were mapped later. (Go
	 * 1.21's idna..stmp_5 holds four bools, 0x01010100, before a pointer
	 * field: a non-PIE host's module at 0x1000000 had a type there.) */
	const gl_span *statics;
	const uint64_t *statics_addr;
	size_t nstatics;
} gl_hd_opts;

typedef struct gl_hd_result {
	GL_VEC(gl_hd_hit) hits; /* at most max_hits, in discovery order */
	GL_VEC(gl_hd_hit) large; /* reached large objects (obj, size, root; no target) */
	size_t nhits;           /* all of them */
	size_t nobjects, ngoroutines, nframes;
} gl_hd_result;

/* Parses `dump` (the caller keeps it alive while using the result's
 * spans) and finds every holder. Bad input: GOLOAD_E_FORMAT naming the
 * record, its index and offset. */
int gl_hd_scan(gl_span dump, const gl_hd_opts *o, gl_hd_result *out, goload_err *err);
void gl_hd_result_free(gl_hd_result *r);

#endif
