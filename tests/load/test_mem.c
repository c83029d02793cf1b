/* mem: mappings land within a 32-bit displacement of the given image range,
 * protections are what /proc/self/maps reports, and W+X is refused. */
#include "check.h"
#include "mem/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Permissions of the mapping containing addr, from /proc/self/maps. */
static void perms_of(const void *addr, char out[5])
{
	strcpy(out, "????");
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return;
	char line[512];
	unsigned long a = (unsigned long)(uintptr_t)addr;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char p[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && a >= lo && a < hi) {
			memcpy(out, p, 5);
			break;
		}
	}
	fclose(f);
}

int main(void)
{
	goload_err err = {0};
	size_t pg = gl_mem_pagesize();
	/* The image range: this program's own code. */
	uint64_t lo = (uint64_t)(uintptr_t)&main & ~(uint64_t)(pg - 1), hi = lo + pg;
	gl_mem m;
	CHECK_MSG(gl_mem_map_near(lo, hi, 3 * pg + 1, &m, &err) == 0, "%s", err.msg);
	if (m.base) {
		uint64_t b = (uint64_t)(uintptr_t)m.base;
		CHECK(m.size == 4 * pg);
		CHECK(b + m.size - lo <= INT32_MAX && (b >= hi ? b - lo : hi - b) <= INT32_MAX);
		char p[5];
		perms_of(m.base, p);
		CHECK_STR(p, "rw-p");
		memset(m.base, 0xc3, m.size); /* writable while being built */
		CHECK(gl_mem_protect(&m, 0, pg, GL_MEM_R | GL_MEM_X, &err) == 0);
		CHECK(gl_mem_protect(&m, pg, pg, GL_MEM_R, &err) == 0);
		perms_of(m.base, p);
		CHECK_STR(p, "r-xp");
		perms_of(m.base + pg, p);
		CHECK_STR(p, "r--p");
		perms_of(m.base + 2 * pg, p);
		CHECK_STR(p, "rw-p");
		CHECK(gl_mem_protect(&m, 0, pg, GL_MEM_R | GL_MEM_W | GL_MEM_X, &err) == -GOLOAD_E_INVAL);
		CHECK(strstr(err.msg, "writable and executable") != NULL);
		CHECK(gl_mem_protect(&m, 1, pg, GL_MEM_R, &err) == -GOLOAD_E_INTERNAL);
		CHECK(gl_mem_protect(&m, 0, m.size + pg, GL_MEM_R, &err) == -GOLOAD_E_INTERNAL);
		gl_mem_unmap(&m);
		CHECK(m.base == NULL);
	}
	/* A range wider than the reach cannot be served. */
	CHECK(gl_mem_map_near(0, (uint64_t)3 << 30, pg, &m, &err) == -GOLOAD_E_INVAL);
	return CHECK_DONE();
}
