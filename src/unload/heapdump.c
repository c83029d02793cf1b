#include "unload/heapdump.h"

#include <stdlib.h>
#include <string.h>

/* Record tags and field kinds of runtime/heapdump.go. */
enum {
	TAG_EOF, TAG_OBJECT, TAG_OTHERROOT, TAG_TYPE, TAG_GOROUTINE, TAG_STACKFRAME, TAG_PARAMS, TAG_FINALIZER,
	TAG_ITAB, TAG_OSTHREAD, TAG_MEMSTATS, TAG_QUEUEDFINALIZER, TAG_DATA, TAG_BSS, TAG_DEFER, TAG_PANIC,
	TAG_MEMPROF, TAG_ALLOCSAMPLE
};
enum { FIELD_EOL, FIELD_PTR, FIELD_IFACE, FIELD_EFACE };
/* dumpmemstats: 24 counters, PauseNs[256], NumGC. */
enum { MEMSTATS_WORDS = 24 + 256 + 1 };

static const char header[] = "go1.7 heap dump\n";

typedef struct hobj {
	uint64_t addr, size;
	size_t data;   /* contents, offset in the dump */
	size_t fields; /* field list, offset in the dump */
	uint32_t root; /* index into roots + 1; 0: not reached */
	bool hit;      /* already reported */
} hobj;

typedef struct itab {
	uint64_t addr, type;
} itab;

typedef struct dump_st {
	gl_span d;
	const gl_hd_opts *o;
	gl_hd_result *out;
	GL_VEC(hobj) objs;
	GL_VEC(itab) itabs; /* the runtime's itab table, by address */
	GL_VEC(gl_hd_root) roots;
	GL_VEC(uint32_t) queue;
	bool oom;
} dump_st;

/* A record being read: its index and offset name it in errors. */
typedef struct rec {
	gl_rd r;
	size_t idx, off;
	uint64_t tag;
} rec;

static int dump_bad(const rec *c, goload_err *err, const char *what)
{
	return gl_err(err, GOLOAD_E_FORMAT, "heapdump: record %zu (tag %llu) at offset 0x%zx: %s", c->idx,
		      (unsigned long long)c->tag, c->off, what);
}

static bool in_pairs(const uint64_t *p, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (v >= p[2 * i] && v < p[2 * i + 1])
			return true;
	return false;
}

static bool in_ranges(const gl_hd_opts *o, uint64_t v) { return in_pairs(o->ranges, o->nranges, v); }

/* v is one of n sorted addresses. */
static bool in_sorted(const uint64_t *p, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && p[lo] == v;
}

/* The method in the ranges of an itab of opts.itabs; 0 when t is none. */
static uint64_t held_itab(const gl_hd_opts *o, uint64_t t)
{
	size_t lo = 0, hi = o->nitabs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->itabs[2 * mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nitabs && o->itabs[2 * lo] == t ? o->itabs[2 * lo + 1] : 0;
}

/* A byte string (length, bytes): its span in the dump. */
static gl_span rd_str(gl_rd *r)
{
	uint64_t n = gl_rd_uvarint(r);
	if (!gl_rd_ok(r) || n > gl_rd_left(r)) {
		r->failed = true;
		return gl_span_make(NULL, 0);
	}
	size_t at = r->pos;
	gl_rd_skip(r, (size_t)n);
	return gl_span_sub(r->s, at, n);
}

static void rd_ints(gl_rd *r, size_t n)
{
	for (size_t i = 0; i < n && gl_rd_ok(r); i++)
		gl_rd_uvarint(r);
}

/* Walks a field list; each pointer word's offset goes to fn (may be NULL).
 * Returns false on a malformed list. */
typedef void (*field_fn)(dump_st *s, void *ctx, uint64_t off);
static bool rd_fields(gl_rd *r, dump_st *s, field_fn fn, void *ctx)
{
	for (;;) {
		uint64_t kind = gl_rd_uvarint(r);
		if (!gl_rd_ok(r))
			return false;
		if (kind == FIELD_EOL)
			return true;
		if (kind > FIELD_EFACE)
			return false;
		uint64_t off = gl_rd_uvarint(r);
		if (!gl_rd_ok(r))
			return false;
		if (fn) {
			fn(s, ctx, off);
			if (kind != FIELD_PTR) /* an interface's data word follows its type word */
				fn(s, ctx, off + 8);
		}
	}
}

static int obj_by_addr(const void *a, const void *b)
{
	uint64_t x = ((const hobj *)a)->addr, y = ((const hobj *)b)->addr;
	return x < y ? -1 : x > y;
}

static int by_itab(const void *a, const void *b)
{
	uint64_t x = ((const itab *)a)->addr, y = ((const itab *)b)->addr;
	return x < y ? -1 : x > y;
}

static const itab *find_itab(const dump_st *s, uint64_t v)
{
	size_t lo = 0, hi = s->itabs.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->itabs.v[mid].addr < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->itabs.len && s->itabs.v[lo].addr == v ? &s->itabs.v[lo] : NULL;
}

static hobj *find_obj(dump_st *s, uint64_t v)
{
	size_t lo = 0, hi = s->objs.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->objs.v[mid].addr <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	hobj *h = &s->objs.v[lo - 1];
	return v - h->addr < h->size ? h : NULL;
}

static bool skipped(const dump_st *s, uint64_t addr)
{
	for (size_t i = 0; i < s->o->nskip; i++)
		if (s->o->skip[i] == addr)
			return true;
	return false;
}

static void hit(dump_st *s, gl_hd_hit h)
{
	s->out->nhits++;
	if (s->out->hits.len < s->o->max_hits && !GL_VEC_PUSH(&s->out->hits, h))
		s->oom = true;
}

/* A pointer word `v` stored at `at` by the holder described by root
 * `ri` (itself a root when obj is NULL). */
static void ref(dump_st *s, uint32_t ri, hobj *holder, uint64_t at, uint64_t v)
{
	if (in_ranges(s->o, v)) {
		if (holder && holder->hit)
			return;
		gl_hd_hit h = {.kind = holder ? GL_HD_HEAP : s->roots.v[ri].kind, .target = v, .at = at,
			       .root = s->roots.v[ri]};
		if (holder) {
			h.obj = holder->addr;
			h.size = holder->size;
			holder->hit = true;
		}
		hit(s, h);
		return;
	}
	hobj *o = find_obj(s, v);
	if (!o || o->root || skipped(s, o->addr))
		return;
	o->root = ri + 1;
	if (!GL_VEC_PUSH(&s->queue, (uint32_t)(o - s->objs.v)))
		s->oom = true;
}

/* Reads the word at dump offset `data + off`, inside a block of `len`. */
static bool word_at(const dump_st *s, size_t data, uint64_t len, uint64_t off, uint64_t *v)
{
	return off <= len && len - off >= 8 && gl_u64_at(s->d, data + off, v);
}

static uint32_t add_root(dump_st *s, gl_hd_root r);

/* Words of a heap object (holder) or of a root block (each word its own
 * root, so a report names the global or frame slot). */
typedef struct block {
	uint32_t ri;
	hobj *holder;
	gl_hd_root proto;
	uint64_t addr, len;
	size_t data;
	uint64_t last; /* offset + 1 of the pointer word seen last (fields ascend), 0: none */
} block;

/* The word at `at` of the host's data still holds v, the value its linker
 * wrote there (gl_hd_opts.statics). */
static bool linker_wrote(const gl_hd_opts *o, uint64_t at, uint64_t v)
{
	for (size_t i = 0; i < o->nstatics; i++) {
		uint64_t w;
		if (at >= o->statics_addr[i] && at - o->statics_addr[i] < o->statics[i].n &&
		    gl_u64_at(o->statics[i], (size_t)(at - o->statics_addr[i]), &w))
			return w == v;
	}
	return false;
}

/* The compiler's pointer maps leave out an interface's first word
 * (cmd/compile/internal/typebits: it points to a type descriptor or an
 * itab, never into the heap), so the word before each pointer word is
 * checked too: as a type, or as an itab of the runtime's table whose type
 * is one of the range's types. Only a descriptor's exact start counts: a
 * non-interface word there (a code address like a g's gopc before its
 * ancestors pointer, or a counter like m.mLockProfile.waitTime, whose
 * nanoseconds land in a non-PIE module's low addresses) only matters if
 * it equals the address of one of those types. */
static void iface_word(dump_st *s, const block *b, uint64_t off)
{
	uint64_t t;
	if (off < 8 || !word_at(s, b->data, b->len, off - 8, &t) || t == 0 ||
	    (!b->holder && in_pairs(s->o->ignore, s->o->nignore, b->addr + off - 8)) ||
	    (!b->holder && b->proto.kind == GL_HD_DATA && linker_wrote(s->o, b->addr + off - 8, t)))
		return;
	bool is_type = in_sorted(s->o->types, s->o->ntypes, t);
	const itab *it = is_type ? NULL : find_itab(s, t);
	uint64_t method = 0;
	if (!is_type && !(it && in_sorted(s->o->types, s->o->ntypes, it->type)) && !(method = held_itab(s->o, t)))
		return;
	uint32_t ri = b->ri;
	if (!b->holder) {
		gl_hd_root r = b->proto;
		r.at = b->addr + off - 8;
		r.iface = true;
		ri = add_root(s, r);
		if (s->oom)
			return;
	}
	/* an itab of the module's own is named as itself; one the runtime
	 * built is named by the module's type it holds */
	ref(s, ri, b->holder, b->addr + off - 8, method ? method : it && !in_ranges(s->o, t) ? it->type : t);
}

static void block_field(dump_st *s, void *ctx, uint64_t off)
{
	block *b = ctx;
	uint64_t v;
	/* A pointer word of the map is no interface's first word (those are
	 * left out): in a frame, it may be a dead slot's stale value. */
	if (!(b->last && b->last - 1 + 8 == off))
		iface_word(s, b, off);
	b->last = off + 1;
	if (!word_at(s, b->data, b->len, off, &v) || v == 0 || s->oom ||
	    (!b->holder && in_pairs(s->o->ignore, s->o->nignore, b->addr + off)))
		return;
	uint32_t ri = b->ri;
	if (!b->holder) {
		gl_hd_root r = b->proto;
		r.at = b->addr + off;
		ri = add_root(s, r);
		if (s->oom)
			return;
	}
	ref(s, ri, b->holder, b->addr + off, v);
}

/* Follows every object reached so far. */
static void drain(dump_st *s)
{
	while (s->queue.len && !s->oom) {
		hobj *o = &s->objs.v[s->queue.v[--s->queue.len]];
		block b = {.ri = o->root - 1, .holder = o, .addr = o->addr, .len = o->size, .data = o->data};
		gl_rd r = gl_rd_make(s->d, o->fields);
		bool any = false;
		for (;;) {
			uint64_t kind = gl_rd_uvarint(&r);
			if (!gl_rd_ok(&r) || kind == FIELD_EOL)
				break;
			uint64_t off = gl_rd_uvarint(&r);
			any = true;
			block_field(s, &b, off);
			if (kind != FIELD_PTR)
				block_field(s, &b, off + 8);
		}
		if (any && s->o->large_min && o->size > s->o->large_min) {
			gl_hd_hit l = {.kind = GL_HD_HEAP, .obj = o->addr, .size = o->size, .root = s->roots.v[b.ri]};
			if (!GL_VEC_PUSH(&s->out->large, l))
				s->oom = true;
		}
		uint64_t w0;
		if (any && s->o->header_min && o->size > s->o->header_min && o->size <= s->o->header_max &&
		    word_at(s, o->data, o->size, 0, &w0) && in_ranges(s->o, w0))
			ref(s, b.ri, o, o->addr, w0);
	}
}

static uint32_t add_root(dump_st *s, gl_hd_root r)
{
	if (!GL_VEC_PUSH(&s->roots, r)) {
		s->oom = true;
		return 0;
	}
	return (uint32_t)(s->roots.len - 1);
}

/* A word held directly by a root: check it and follow it. */
static void root_word(dump_st *s, gl_hd_root r, uint64_t v)
{
	if (s->oom || v == 0)
		return;
	uint32_t ri = add_root(s, r);
	if (s->oom)
		return;
	ref(s, ri, NULL, r.at, v);
	drain(s);
}

/* A frame of the scanning goroutine's own code (see gl_hd_opts). */
static bool own_frame(const gl_hd_opts *o, uint64_t goid, gl_span fname)
{
	if (!o->own_goid || !o->own_prefix || goid != o->own_goid)
		return false;
	size_t n = strlen(o->own_prefix);
	return fname.n >= n && memcmp(fname.p, o->own_prefix, n) == 0;
}

/* A block of root words with a field list (data, bss, a frame). */
static bool root_block(dump_st *s, gl_rd *r, gl_hd_root proto, uint64_t addr, uint64_t len, size_t data, bool follow)
{
	block b = {.proto = proto, .addr = addr, .len = len, .data = data};
	bool ok = rd_fields(r, s, follow ? block_field : NULL, &b);
	drain(s);
	return ok;
}

/* A frame whose goroutine was stopped asynchronously, at an instruction
 * that is no call: its stack maps describe call sites only, so the word
 * list the dump wrote for it (the maps of the previous call) may leave a
 * live slot out. The GC scans such a frame conservatively (mgcmark.go
 * scanframeworker, the frame under runtime.asyncPreempt), and so does
 * this: every word of it, its field list only read past. */
static bool conservative_block(dump_st *s, gl_rd *r, gl_hd_root proto, uint64_t addr, uint64_t len, size_t data)
{
	block b = {.proto = proto, .addr = addr, .len = len, .data = data};
	b.proto.conservative = true;
	bool ok = rd_fields(r, s, NULL, NULL);
	for (uint64_t off = 0; ok && off + 8 <= len && !s->oom; off += 8)
		block_field(s, &b, off);
	drain(s);
	return ok;
}

static bool span_is(gl_span a, const char *s)
{
	size_t n = strlen(s);
	return a.n == n && memcmp(a.p, s, n) == 0;
}

/* Pass 0 collects objects and validates every record; pass 1 walks the
 * roots that are no goroutine's (data, bss, other roots, finalizers), pass
 * 2 the goroutines' (frames, contexts, defers, panics). An object reached
 * from both is named by the first: a module value a global keeps is that
 * global's, even when a stale word of a conservatively scanned frame
 * (runtime.asyncPreempt's saved registers) points at it too, and Close
 * refuses at once instead of waiting for stacks to change. */
static int walk_dump(dump_st *s, int pass, goload_err *err)
{
	const bool follow = pass != 0, roots = pass == 1, gs = pass == 2;
	gl_span d = s->d;
	if (!gl_span_has(d, 0, sizeof header - 1) || memcmp(d.p, header, sizeof header - 1) != 0)
		return gl_err(err, GOLOAD_E_FORMAT, "heapdump: offset 0: no \"go1.7 heap dump\" header");
	rec c = {gl_rd_make(d, sizeof header - 1), 0, 0, 0};
	uint64_t goid = 0;
	gl_span fname = {0};
	bool async = false; /* the frame before was runtime.asyncPreempt's */
	for (;; c.idx++) {
		if (s->oom)
			return gl_err(err, GOLOAD_E_NOMEM, "heapdump: out of memory");
		c.off = c.r.pos;
		c.tag = gl_rd_uvarint(&c.r);
		if (!gl_rd_ok(&c.r))
			return dump_bad(&c, err, "truncated before the end-of-dump record");
		gl_rd *r = &c.r;
		switch (c.tag) {
		case TAG_EOF:
			return 0;
		case TAG_OBJECT: {
			uint64_t addr = gl_rd_uvarint(r);
			gl_span body = rd_str(r);
			hobj h = {addr, body.n, (size_t)(body.p - d.p), r->pos, 0, false};
			if (!gl_rd_ok(r) || !rd_fields(r, s, NULL, NULL))
				return dump_bad(&c, err, "truncated object");
			if (body.n == 0 || addr + body.n < addr)
				return dump_bad(&c, err, "object of size 0 or past the address space");
			if (!follow && !GL_VEC_PUSH(&s->objs, h))
				s->oom = true;
			break;
		}
		case TAG_OTHERROOT: {
			rd_str(r);
			uint64_t to = gl_rd_uvarint(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated root");
			if (roots)
				root_word(s, (gl_hd_root){.kind = GL_HD_DATA, .at = 0}, to);
			break;
		}
		case TAG_TYPE:
			rd_ints(r, 2);
			rd_str(r);
			rd_ints(r, 1);
			break;
		case TAG_GOROUTINE: {
			/* g, sp, goid, gopc, status, system, background, waitsince,
			 * wait reason, ctxt, m, _defer, _panic */
			uint64_t v[12];
			for (int i = 0; i < 8; i++)
				v[i] = gl_rd_uvarint(r);
			rd_str(r);
			for (int i = 8; i < 12; i++)
				v[i] = gl_rd_uvarint(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated goroutine");
			goid = v[2];
			fname = gl_span_make(NULL, 0);
			async = false;
			s->out->ngoroutines += gs;
			if (gs) {
				gl_hd_root g = {.kind = GL_HD_GOROUTINE, .goid = goid};
				root_word(s, g, v[8]);  /* sched.ctxt */
				root_word(s, g, v[10]); /* _defer */
				root_word(s, g, v[11]); /* _panic */
			}
			break;
		}
		case TAG_STACKFRAME: {
			uint64_t sp = gl_rd_uvarint(r);
			rd_ints(r, 2);
			gl_span body = rd_str(r);
			uint64_t entry = gl_rd_uvarint(r), pc = gl_rd_uvarint(r);
			rd_ints(r, 1);
			fname = rd_str(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated stack frame");
			s->out->nframes += gs;
			gl_hd_root fr = {.kind = GL_HD_FRAME, .goid = goid, .func = fname, .at = pc};
			if (gs && (in_ranges(s->o, pc) || in_ranges(s->o, entry)))
				hit(s, (gl_hd_hit){.kind = GL_HD_FRAME, .target = pc, .at = pc, .root = fr});
			bool ok = async && gs && !own_frame(s->o, goid, fname)
					  ? conservative_block(s, r, fr, sp, body.n, (size_t)(body.p - d.p))
					  : root_block(s, r, fr, sp, body.n, (size_t)(body.p - d.p),
						       gs && !own_frame(s->o, goid, fname));
			if (!ok)
				return dump_bad(&c, err, "bad stack frame fields");
			async = span_is(fname, "runtime.asyncPreempt") || span_is(fname, "runtime.debugCallV2");
			break;
		}
		case TAG_PARAMS:
			rd_ints(r, 4);
			rd_str(r);
			rd_str(r);
			rd_ints(r, 1);
			break;
		case TAG_FINALIZER:
		case TAG_QUEUEDFINALIZER: {
			uint64_t v[5];
			for (int i = 0; i < 5; i++)
				v[i] = gl_rd_uvarint(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated finalizer");
			if (roots) {
				gl_hd_root f = {.kind = GL_HD_FINALIZER, .at = v[0]};
				for (int i = 0; i < 5; i++)
					root_word(s, f, v[i]);
			}
			break;
		}
		case TAG_ITAB: {
			itab it;
			it.addr = gl_rd_uvarint(r);
			it.type = gl_rd_uvarint(r);
			if (!follow && gl_rd_ok(r) && !GL_VEC_PUSH(&s->itabs, it))
				s->oom = true;
			break;
		}
		case TAG_OSTHREAD:
			rd_ints(r, 3);
			break;
		case TAG_MEMSTATS:
			rd_ints(r, MEMSTATS_WORDS);
			break;
		case TAG_DATA:
		case TAG_BSS: {
			uint64_t addr = gl_rd_uvarint(r);
			gl_span body = rd_str(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated data or bss");
			if (!root_block(s, r, (gl_hd_root){.kind = GL_HD_DATA}, addr, body.n, (size_t)(body.p - d.p), roots))
				return dump_bad(&c, err, "bad data or bss fields");
			break;
		}
		case TAG_DEFER: {
			uint64_t v[7];
			for (int i = 0; i < 7; i++)
				v[i] = gl_rd_uvarint(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated defer");
			if (gs) {
				gl_hd_root g = {.kind = GL_HD_GOROUTINE, .goid = goid, .func = fname};
				root_word(s, g, v[0]);
				root_word(s, g, v[4]); /* fn */
				root_word(s, g, v[5]); /* fn.fn */
			}
			break;
		}
		case TAG_PANIC: {
			uint64_t v[6];
			for (int i = 0; i < 6; i++)
				v[i] = gl_rd_uvarint(r);
			if (!gl_rd_ok(r))
				return dump_bad(&c, err, "truncated panic");
			if (gs) {
				gl_hd_root g = {.kind = GL_HD_GOROUTINE, .goid = goid};
				root_word(s, g, v[2]); /* arg's type */
				root_word(s, g, v[3]); /* arg's data */
			}
			break;
		}
		case TAG_MEMPROF: {
			rd_ints(r, 2);
			uint64_t n = gl_rd_uvarint(r);
			if (!gl_rd_ok(r) || n > gl_rd_left(r))
				return dump_bad(&c, err, "bad memory profile frame count");
			for (uint64_t i = 0; i < n && gl_rd_ok(r); i++) {
				rd_str(r);
				rd_str(r);
				rd_ints(r, 1);
			}
			rd_ints(r, 2);
			break;
		}
		case TAG_ALLOCSAMPLE:
			rd_ints(r, 2);
			break;
		default:
			return dump_bad(&c, err, "unknown record tag");
		}
		if (!gl_rd_ok(r))
			return dump_bad(&c, err, "truncated record");
	}
}

int gl_hd_scan(gl_span dump, const gl_hd_opts *o, gl_hd_result *out, goload_err *err)
{
	memset(out, 0, sizeof *out);
	dump_st s = {.d = dump, .o = o, .out = out};
	int rc = walk_dump(&s, 0, err);
	if (rc == 0) {
		if (s.objs.len > 1)
			qsort(s.objs.v, s.objs.len, sizeof *s.objs.v, obj_by_addr);
		if (s.itabs.len > 1)
			qsort(s.itabs.v, s.itabs.len, sizeof *s.itabs.v, by_itab);
		out->nobjects = s.objs.len;
		for (size_t i = 0; i < o->nextra && !s.oom; i++) {
			gl_hd_root x = {.kind = GL_HD_EXTRA, .extra = (uint32_t)i};
			for (uint64_t off = 0; off + 8 <= o->extra[i].n; off += 8) {
				uint64_t v;
				gl_u64_at(o->extra[i], off, &v);
				x.at = o->extra_addr[i] + off;
				root_word(&s, x, v);
			}
		}
		rc = walk_dump(&s, 1, err);
		if (rc == 0)
			rc = walk_dump(&s, 2, err);
	}
	if (rc == 0 && s.oom)
		rc = gl_err(err, GOLOAD_E_NOMEM, "heapdump: out of memory");
	GL_VEC_FREE(&s.objs);
	GL_VEC_FREE(&s.itabs);
	GL_VEC_FREE(&s.roots);
	GL_VEC_FREE(&s.queue);
	if (rc < 0)
		gl_hd_result_free(out);
	return rc;
}

void gl_hd_result_free(gl_hd_result *r)
{
	GL_VEC_FREE(&r->hits);
	GL_VEC_FREE(&r->large);
	r->nhits = 0;
}
