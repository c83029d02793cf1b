/* The bounds-checked reader, containers and JSON writer. */
#include "check.h"
#include "util/json.h"
#include "util/util.h"
#include "versions/versions.h"

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

int main(void)
{
	test_reader();
	test_buf_map();
	test_json();
	test_versions();
	goload_err e = {0};
	CHECK(gl_err(&e, GOLOAD_E_FORMAT, "x.o: bad block %d", 3) == -GOLOAD_E_FORMAT);
	CHECK_STR(e.msg, "x.o: bad block 3");
	gl_err_prefix(&e, "loading %s", "pkg");
	CHECK_STR(e.msg, "loading pkg: x.o: bad block 3");
	CHECK_STR(goload_code_name(GOLOAD_E_UNSUPPORTED), "unsupported");
	return CHECK_DONE();
}
