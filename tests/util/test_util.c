/* The bounds-checked reader, containers and JSON writer. */
#include "check.h"
#include "util/fmap.h"
#include "util/json.h"
#include "util/util.h"
#include "versions/versions.h"

#include <stdio.h>
#include <stdlib.h>

static void test_reader(void)
{
	const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xac, 0x02, 0xff};
	gl_rd r = gl_rd_make(gl_span_make(data, sizeof data), 0);
	CHECK(gl_rd_u16(&r) == 0x0201);
	CHECK(gl_rd_u32(&r) == 0x06050403);
	CHECK(gl_rd_u16(&r) == 0x0807);
	CHECK(gl_rd_uvarint(&r) == 300);
	CHECK(gl_rd_ok(&r));
	/* 0xff starts a varint that never ends: a failure, not an over-read. */
	CHECK(gl_rd_uvarint(&r) == 0);
	CHECK(!gl_rd_ok(&r));
	CHECK(r.fail_at == 10);
	/* Sticky: later reads fail too. */
	CHECK(gl_rd_u8(&r) == 0);

	gl_rd r2 = gl_rd_make(gl_span_make(data, 3), 0);
	CHECK(gl_rd_u32(&r2) == 0 && !gl_rd_ok(&r2) && r2.fail_at == 0);
	gl_rd r3 = gl_rd_make(gl_span_make(data, 3), 4);
	CHECK(!gl_rd_ok(&r3));

	gl_span s = gl_span_make(data, sizeof data);
	uint64_t v;
	CHECK(gl_u64_at(s, 0, &v) && v == 0x0807060504030201ull);
	CHECK(!gl_u64_at(s, 4, &v) && v == 0);
	CHECK(!gl_span_has(s, UINT64_MAX, 2));
	CHECK(!gl_span_has(s, 2, UINT64_MAX));
	CHECK(gl_span_sub(s, 10, 2).p == NULL);
	const char str[] = "ab\0cd";
	size_t len;
	CHECK(gl_cstr_at(gl_span_make(str, 5), 0, &len) && len == 2);
	CHECK(gl_cstr_at(gl_span_make(str, 5), 3, &len) == NULL); /* no NUL before the end */

	/* Signed varints: zig-zag as in encoding/binary. */
	const uint8_t sv[] = {0x01, 0x02, 0x7f};
	gl_rd r4 = gl_rd_make(gl_span_make(sv, 3), 0);
	CHECK(gl_rd_varint(&r4) == -1);
	CHECK(gl_rd_varint(&r4) == 1);
	CHECK(gl_rd_varint(&r4) == -64);
}

static void test_buf_map(void)
{
	gl_buf b = {0};
	CHECK(gl_buf_uvarint(&b, 300) && b.len == 2 && b.p[0] == 0xac && b.p[1] == 0x02);
	CHECK(gl_buf_align(&b, 8) && b.len == 8);
	CHECK(gl_buf_printf(&b, "x=%d", 42) && b.len == 12 && memcmp(b.p + 8, "x=42", 4) == 0);
	gl_buf_free(&b);

	gl_strmap m = {0};
	char keys[2000][16];
	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof keys[i], "sym.%d", i);
		CHECK(gl_strmap_put(&m, keys[i], strlen(keys[i]), (uint64_t)i * 3));
	}
	int ok = 0;
	for (int i = 0; i < 2000; i++) {
		uint64_t v;
		if (gl_strmap_get(&m, keys[i], strlen(keys[i]), &v) && v == (uint64_t)i * 3)
			ok++;
	}
	CHECK(ok == 2000);
	CHECK(m.len == 2000);
	CHECK(!gl_strmap_get(&m, "sym.2000", 8, NULL));
	bool existed = false;
	CHECK(gl_strmap_add(&m, "sym.7", 5, 1, &existed) && existed);
	gl_strmap_free(&m);

	GL_VEC(int) v = {0};
	for (int i = 0; i < 1000; i++)
		CHECK(GL_VEC_PUSH(&v, i));
	CHECK(v.len == 1000 && v.v[999] == 999);
	GL_VEC_FREE(&v);
}

static void test_json(void)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	gl_json j;
	gl_json_init(&j, f, false);
	gl_json_obj_begin(&j);
	gl_json_kstr(&j, "name", "a\"b\\c\n\x01");
	gl_json_key(&j, "list");
	gl_json_arr_begin(&j);
	gl_json_u64(&j, 1);
	gl_json_i64(&j, -2);
	gl_json_arr_end(&j);
	gl_json_key(&j, "empty");
	gl_json_obj_begin(&j);
	gl_json_obj_end(&j);
	gl_json_khex(&j, "pc", 0x401000);
	gl_json_obj_end(&j);
	gl_json_finish(&j);
	fclose(f);
	CHECK_STR(out, "{\"name\":\"a\\\"b\\\\c\\n\\u0001\",\"list\":[1,-2],\"empty\":{},\"pc\":\"0x401000\"}\n");
	free(out);
}

static void test_versions(void)
{
	CHECK(gl_go_minor("go1.21.13") == 21);
	CHECK(gl_go_minor("go1.22rc1") == 22);
	CHECK(gl_go_minor("devel go1.27-abcdef Tue") == 27);
	CHECK(gl_go_minor("go2.0") == -1);
	CHECK(gl_go_minor(NULL) == -1);
}

/* The frozen map: names in a base and in its pool, the first of a name
 * and of a value wins, the bytes written read back the same, and damaged
 * bytes are refused or give misses. */
static void test_fmap(void)
{
	static const char base[] = "runtime.main\0main.main\0not-terminated";
	gl_fmap_builder b = {.base = gl_span_make(base, sizeof base - 1)};
	CHECK(gl_fmap_builder_add(&b, base, 12, 0x1000, 7));          /* in the base */
	CHECK(gl_fmap_builder_add(&b, base + 13, 9, 0x2000, 0));      /* in the base */
	CHECK(gl_fmap_builder_add(&b, "type:int", 8, 0x3000, 0));      /* copied */
	CHECK(gl_fmap_builder_add(&b, base, 12, 0x4000, 0));          /* a repeat: the first wins */
	CHECK(gl_fmap_builder_add(&b, base + 23, 3, 0x2000, 0));      /* "not": no NUL after it in the base */
	char many[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(many, sizeof many, "pkg.f%d", i);
		CHECK(gl_fmap_builder_add(&b, many, strlen(many), 0x10000 + (uint64_t)i, 0));
	}
	gl_fmap m;
	CHECK(gl_fmap_freeze(&b, true, &m));
	gl_buf out = {0};
	CHECK(gl_fmap_write(&m, &out) && out.len == gl_fmap_bytes(&m));
	gl_fmap r;
	CHECK(gl_fmap_open(gl_span_make(out.p, out.len), gl_span_make(base, sizeof base - 1), &r));
	const gl_fmap *maps[] = {&m, &r};
	for (int k = 0; k < 2; k++) {
		const gl_fmap *x = maps[k];
		const gl_fmap_rec *e = gl_fmap_get(x, "runtime.main", 12);
		CHECK(e && e->val == 0x1000 && (e->flags & 0xff) == 7 && (e->flags & GL_FMAP_IN_BASE));
		CHECK(e && gl_fmap_name(x, e) == base);
		e = gl_fmap_get(x, "not", 3);
		CHECK(e && !(e->flags & GL_FMAP_IN_BASE) && !strcmp(gl_fmap_name(x, e), "not"));
		CHECK(gl_fmap_get(x, "type:int", 8) && gl_fmap_get(x, "type:int", 8)->val == 0x3000);
		CHECK(gl_fmap_get_val(x, 0x2000) == gl_fmap_at(x, 1)); /* the first of the value */
		CHECK(!gl_fmap_get(x, "runtime.mai", 11) && !gl_fmap_get_val(x, 0x5000));
		CHECK(x->nrecs == 1005 && gl_fmap_get(x, "pkg.f999", 8)->val == 0x10000 + 999);
	}
	/* Truncated: refused. A slot pointing past the records: a miss. */
	CHECK(!gl_fmap_open(gl_span_make(out.p, out.len - 8), gl_span_make(base, sizeof base - 1), &r));
	gl_fmap_open(gl_span_make(out.p, out.len), gl_span_make(base, sizeof base - 1), &r);
	uint32_t *slots = (uint32_t *)(out.p + 32 + ((r.nrecs * sizeof(gl_fmap_rec) + 7) & ~(size_t)7));
	for (uint32_t i = 0; i < r.cap; i++)
		if (slots[i])
			slots[i] = UINT32_MAX;
	CHECK(!gl_fmap_get(&r, "runtime.main", 12));
	gl_buf_free(&out);
	gl_fmap_free(&m);
}

int main(void)
{
	test_reader();
	test_buf_map();
	test_json();
	test_versions();
	test_fmap();
	goload_err e = {0};
	CHECK(gl_err(&e, GOLOAD_E_FORMAT, "x.o: bad block %d", 3) == -GOLOAD_E_FORMAT);
	CHECK_STR(e.msg, "x.o: bad block 3");
	gl_err_prefix(&e, "loading %s", "pkg");
	CHECK_STR(e.msg, "loading pkg: x.o: bad block 3");
	CHECK_STR(goload_code_name(GOLOAD_E_UNSUPPORTED), "unsupported");
	return CHECK_DONE();
}
