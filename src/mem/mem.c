#include "mem/mem.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

enum { STEP = 16u << 20 };
#if defined(__aarch64__)
#define NEAR_REACH ((uint64_t)0x07f00000) /* BL: +-128 MiB */
#define NEAR_TEXT "±128 MiB"
#else
#define NEAR_REACH ((uint64_t)INT32_MAX)
#define NEAR_TEXT "±2 GiB"
#endif

size_t gl_mem_pagesize(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static bool reachable(uint64_t a, size_t size, uint64_t lo, uint64_t hi)
{
	return a + size - lo <= NEAR_REACH && (a >= hi || hi - a <= NEAR_REACH) && a + size > a;
}

static uint8_t *try_at(uint64_t a, size_t size)
{
	void *p = mmap((void *)(uintptr_t)a, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if ((uint64_t)(uintptr_t)p != a) { /* kernels before 4.17 ignore the flag */
		munmap(p, size);
		return NULL;
	}
	return p;
}

/* End of the last mapping: modules follow each other, so retired ones
 * (PROT_NONE reservations) form one region instead of one hole per 16 MiB
 * step, and the ±2 GiB window is used up only by what was really loaded. */
static uint64_t next_hint;

static int found(gl_mem *out, uint8_t *p, size_t size)
{
	out->base = p;
	out->size = size;
	__atomic_store_n(&next_hint, (uint64_t)(uintptr_t)p + size, __ATOMIC_RELAXED);
	return 0;
}

int gl_mem_map_near(uint64_t lo, uint64_t hi, size_t size, gl_mem *out, goload_err *err)
{
	size_t pg = gl_mem_pagesize();
	size = (size + pg - 1) / pg * pg;
	out->base = NULL;
	out->size = 0;
	if (size == 0 || size > NEAR_REACH / 2 || hi < lo || hi - lo > NEAR_REACH / 2)
		return gl_err(err, GOLOAD_E_INVAL, "mem: cannot place %zu bytes near [0x%llx, 0x%llx)", size,
			      (unsigned long long)lo, (unsigned long long)hi);
	uint64_t hint = __atomic_load_n(&next_hint, __ATOMIC_RELAXED);
	if (hint && reachable(hint, size, lo, hi)) {
		uint8_t *p = try_at(hint, size);
		if (p)
			return found(out, p, size);
	}
	/* Above the image first (the usual room), then below it. One page
	 * past each 16 MiB step: a module at a round address such as
	 * 0x4000000 (64 MiB, the heap arena size) has a first byte that
	 * size constants in the runtime's own globals equal, and Close's
	 * conservative scan takes those for pointers into the module (it
	 * then falls back to the heap dump: slower, never wrong). */
	uint64_t start = (hi + STEP - 1) / STEP * STEP;
	for (uint64_t a = start; reachable(a + pg, size, lo, hi); a += STEP) {
		uint8_t *p = try_at(a + pg, size);
		if (p)
			return found(out, p, size);
	}
	for (uint64_t a = lo / STEP * STEP; a >= STEP && reachable(a - STEP + pg, size, lo, hi); a -= STEP) {
		uint8_t *p = try_at(a - STEP + pg, size);
		if (p)
			return found(out, p, size);
	}
	return gl_err(err, GOLOAD_E_NOMEM, "mem: no free %zu bytes within " NEAR_TEXT " of the host image [0x%llx, 0x%llx)",
		      size, (unsigned long long)lo, (unsigned long long)hi);
}

int gl_mem_protect(gl_mem *m, size_t off, size_t len, int prot, goload_err *err)
{
	size_t pg = gl_mem_pagesize();
	if ((prot & GL_MEM_W) && (prot & GL_MEM_X))
		return gl_err(err, GOLOAD_E_INVAL, "mem: refusing a writable and executable mapping");
	if (off % pg || off > m->size || len > m->size - off)
		return gl_err(err, GOLOAD_E_INTERNAL, "mem: protect [0x%zx, +0x%zx) outside the %zu-byte mapping or unaligned",
			      off, len, m->size);
	len = (len + pg - 1) / pg * pg;
	if (len > m->size - off)
		len = m->size - off;
	if (len == 0)
		return 0;
	int p = ((prot & GL_MEM_R) ? PROT_READ : 0) | ((prot & GL_MEM_W) ? PROT_WRITE : 0) |
		((prot & GL_MEM_X) ? PROT_EXEC : 0);
	if (mprotect(m->base + off, len, p) != 0)
		return gl_err(err, GOLOAD_E_IO, "mem: mprotect(%p, %zu): %s", (void *)(m->base + off), len, strerror(errno));
	return 0;
}

void gl_mem_unmap(gl_mem *m)
{
	if (m->base)
		munmap(m->base, m->size);
	m->base = NULL;
	m->size = 0;
}

void gl_mem_retire(gl_mem *m)
{
	if (!m->base)
		return;
	/* Replacing the pages drops them (RSS returns) and keeps the range
	 * taken; MAP_NORESERVE costs no commit charge. Should it fail, the
	 * pages stay mapped: never unmap a range something may still compare
	 * addresses against. */
	void *p = mmap(m->base, m->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	(void)p;
	m->base = NULL;
	m->size = 0;
}
