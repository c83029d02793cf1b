/* The heap-dump scan on the dumps scripts/heapdump_seeds.py writes in the
 * runtime's format (tests/fuzz/seeds/heapdump/): each kind of holder is found,
 * an unreachable object and a skipped one are not, and a truncated dump is
 * an error naming the record. The scan on real dumps is tested by
 * unload_test.go (go test). */
#include "check.h"
#include "unload/heapdump.h"

#include <stdlib.h>

enum { MOD = 0x3000010, TYPE = 0x3080000 };
static const uint64_t OBJ = 0xc000000000ull;

static gl_file *seed(const char *name)
{
	char path[4096];
	const char *src = getenv("GOLOAD_SRC");
	snprintf(path, sizeof path, "%s/tests/fuzz/seeds/heapdump/%s", src ? src : ".", name);
	gl_file *f = NULL;
	goload_err err;
	if (gl_file_open(path, &f, &err) < 0)
		fprintf(stderr, "%s\n", err.msg);
	return f;
}

static const gl_hd_hit *find(const gl_hd_result *r, int kind, uint64_t obj)
{
	for (size_t i = 0; i < r->hits.len; i++)
		if (r->hits.v[i].kind == kind && (kind != GL_HD_HEAP || r->hits.v[i].obj == obj))
			return &r->hits.v[i];
	return NULL;
}

int main(void)
{
	static const uint64_t ranges[] = {0x3000000, 0x3100000}, types[] = {TYPE};
	gl_file *f = seed("all_records");
	CHECK(f != NULL);
	if (!f)
		return CHECK_DONE();
	gl_hd_opts o = {.ranges = ranges, .nranges = 1, .types = types, .ntypes = 1, .header_min = 512,
			.header_max = 32768, .max_hits = 64, .large_min = 16};
	gl_hd_result r;
	goload_err err;
	CHECK_MSG(gl_hd_scan(f->data, &o, &r, &err) == 0, "%s", err.msg);
	CHECK(r.nobjects == 4 && r.ngoroutines == 1 && r.nframes == 1);
	const gl_hd_hit *h = find(&r, GL_HD_FRAME, 0);
	CHECK(h && h->target == MOD + 4 && h->root.goid == 7 && h->root.func.n == 15 &&
	      memcmp(h->root.func.p, "example.com/p.F", 15) == 0);
	/* data: the eface's type word (not in the pointer map) */
	h = find(&r, GL_HD_DATA, 0);
	CHECK(h && h->target == TYPE && h->at == 0x600008);
	/* the object reached from data holds a pointer into the range; goroutine
	 * 7's context, earlier in the dump, reaches it too, but a global is
	 * named first (issue #21: a caller's asyncPreempt frame was named for a
	 * value the host kept in main.held, and Close waited for stacks) */
	h = find(&r, GL_HD_HEAP, OBJ);
	CHECK(h && h->size == 24 && (h->target == TYPE || h->target == MOD));
	CHECK(h && h->root.kind == GL_HD_DATA);
	/* an itab of the range as an interface's first word */
	h = find(&r, GL_HD_HEAP, OBJ + 0x40);
	CHECK(h && h->target == 0x3080100);
	CHECK(find(&r, GL_HD_GOROUTINE, 0) != NULL); /* the defer's fn */
	CHECK(find(&r, GL_HD_FINALIZER, 0) != NULL);
	/* reached only through bss */
	CHECK(find(&r, GL_HD_HEAP, 0xc000000100) != NULL);
	/* objects above large_min with pointer words, reached: the 24-byte one */
	CHECK(r.large.len == 1 && r.large.v[0].obj == OBJ && r.large.v[0].size == 24);
	/* the malloc-header object is garbage: nothing reaches it */
	CHECK(find(&r, GL_HD_HEAP, OBJ + 0x1000) == NULL);
	gl_hd_result_free(&r);

	static const uint64_t skip[] = {0xc000000100};
	o.skip = skip;
	o.nskip = 1;
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	CHECK(find(&r, GL_HD_HEAP, 0xc000000100) == NULL);
	gl_hd_result_free(&r);

	/* A word before a pointer word that is inside the range's read-only
	 * data but at no descriptor's start is no interface's type word (a
	 * counter whose value lands there): with TYPE+0x30 the only
	 * descriptor, neither the data word nor the itab of TYPE is held. */
	static const uint64_t other_type[] = {TYPE + 0x30};
	o.skip = NULL;
	o.nskip = 0;
	o.types = other_type;
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	h = find(&r, GL_HD_DATA, 0);
	CHECK(!h || h->at != 0x600008);
	CHECK(find(&r, GL_HD_HEAP, OBJ + 0x40) == NULL);
	gl_hd_result_free(&r);

	/* A word of the host's data that still holds what its linker wrote
	 * there is no interface's type word: the linker wrote a host type, or
	 * no type (Go 1.21's idna..stmp_5: four bools, 0x01010100, before a
	 * pointer field, equal to a non-PIE module's type address). Written
	 * since (the file held another value), it is held. */
	o.types = types;
	uint8_t file[16] = {0};
	uint64_t ty = TYPE;
	memcpy(file + 8, &ty, 8);
	gl_span statics[] = {gl_span_make(file, sizeof file)};
	static const uint64_t statics_addr[] = {0x600000};
	o.statics = statics;
	o.statics_addr = statics_addr;
	o.nstatics = 1;
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	h = find(&r, GL_HD_DATA, 0);
	CHECK(!h || h->at != 0x600008);
	gl_hd_result_free(&r);
	ty = 0;
	memcpy(file + 8, &ty, 8);
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	h = find(&r, GL_HD_DATA, 0);
	CHECK(h && h->target == TYPE && h->at == 0x600008);
	gl_hd_result_free(&r);
	o.statics = NULL;
	o.nstatics = 0;
	o.types = other_type;

	/* The same word as an itab elsewhere that calls into the range (one
	 * the runtime built for a host type whose dropped method a module
	 * supplies): held, and named by that method. */
	static const uint64_t held[] = {TYPE, MOD + 0x20};
	o.itabs = held;
	o.nitabs = 1;
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	h = find(&r, GL_HD_DATA, 0);
	CHECK(h && h->at == 0x600008 && h->target == MOD + 0x20);
	gl_hd_result_free(&r);

	/* The scanning goroutine's own frames are no roots (a stale outargs
	 * word of the caller's code): goroutine 7's frame of example.com/p.F
	 * still runs in the range, but its slot holding MOD is not read. */
	o.itabs = NULL;
	o.nitabs = 0;
	o.own_goid = 7;
	o.own_prefix = "example.com/p.";
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	h = find(&r, GL_HD_FRAME, 0);
	CHECK(h && h->at == MOD + 4);
	for (size_t i = 0; i < r.hits.len; i++)
		CHECK(r.hits.v[i].kind != GL_HD_FRAME || r.hits.v[i].at == MOD + 4);
	gl_hd_result_free(&r);
	o.own_goid = 8; /* another goroutine's frames stay roots */
	CHECK(gl_hd_scan(f->data, &o, &r, &err) == 0);
	size_t nframe = 0;
	for (size_t i = 0; i < r.hits.len; i++)
		nframe += r.hits.v[i].kind == GL_HD_FRAME;
	CHECK(nframe == 2);
	gl_hd_result_free(&r);
	gl_file_close(f);

	f = seed("truncated");
	CHECK(f != NULL);
	if (f) {
		CHECK(gl_hd_scan(f->data, &o, &r, &err) < 0 && err.code == GOLOAD_E_FORMAT &&
		      strstr(err.msg, "heapdump: record ") && strstr(err.msg, "at offset 0x"));
		gl_file_close(f);
	}
	return CHECK_DONE();
}
