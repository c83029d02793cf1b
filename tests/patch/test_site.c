/* A patch site built for a synthetic Go-shaped function in this process:
 * stub, trampoline and replacement word land within +-2 GiB, the code
 * memory is read+execute and nothing in the process is ever writable and
 * executable at once (/proc/self/maps), and the trampoline's bytes are the
 * relocated prologue with its own stack-growth path. */
#include "check.h"
#include "goload.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

static void put32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); }

/* The perms column of the mapping holding addr, "" when unmapped; and
 * whether any mapping is writable and executable. */
static bool maps_check(uint64_t addr, char perms[8], bool *wx)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return false;
	char line[512];
	perms[0] = 0;
	*wx = false;
	while (fgets(line, sizeof line, f)) {
		unsigned long long lo, hi;
		char pm[8];
		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, pm) != 3)
			continue;
		if (strchr(pm, 'w') && strchr(pm, 'x'))
			*wx = true;
		if (addr >= lo && addr < hi)
			snprintf(perms, 8, "%s", pm);
	}
	fclose(f);
	return true;
}

static int64_t dist(uint64_t a, uint64_t b) { return a > b ? (int64_t)(a - b) : (int64_t)(b - a); }

int main(void)
{
	goload_err err = {0};
	goload_patcher *p = NULL;
	CHECK(goload_patcher_open("go1.99.0", &p, &err) == -GOLOAD_E_VERSION && p == NULL);
	CHECK(goload_patcher_open("go1.26.8", &p, &err) == 0 && p != NULL);
	if (!p)
		return CHECK_DONE();
	goload_patch_g_layout l;
	goload_patcher_g_layout(p, &l);
	CHECK(l.sched_pc == 64 && l.worldstop_words == 3 && l.grunning == 2);

	/* morestack at +0, morestack_noctxt at +0x10, the function at +0x40. */
	uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	memset(page, 0xcc, 4096);
	page[0] = 0xc3;
	uint8_t noctxt[] = {0xba, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0};
	put32(noctxt + 6, 0 - (0x10 + 10));
	memcpy(page + 0x10, noctxt, sizeof noctxt);
	uint8_t fn[] = {
		0x49, 0x3b, 0x66, 0x10,                   /* +0  cmp rsp, [r14+0x10] */
		0x76, 0x0e,                               /* +4  jbe +0x14 (stub) */
		0x55,                                     /* +6  push rbp */
		0x48, 0x89, 0xe5,                         /* +7  mov rbp, rsp */
		0x48, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00, /* +10 mov rax, [rip+0x100] */
		0x5d,                                     /* +17 pop rbp */
		0xc3,                                     /* +18 ret */
		0x90,                                     /* +19 */
		0x48, 0x89, 0x44, 0x24, 0x08,             /* +20 stub: mov [rsp+8], rax */
		0xe8, 0, 0, 0, 0,                         /* +25 call morestack_noctxt */
		0x48, 0x8b, 0x44, 0x24, 0x08,             /* +30 mov rax, [rsp+8] */
		0xe9, 0, 0, 0, 0,                         /* +35 jmp fn */
	};
	put32(fn + 26, 0x10 - (0x40 + 30));
	put32(fn + 36, 0x40 - (0x40 + 40));
	memcpy(page + 0x40, fn, sizeof fn);
	memcpy(page + 0x100, (const uint8_t[]){0x90, 0x90, 0xc3}, 3);
	CHECK(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0);
	uint64_t entry = (uint64_t)(uintptr_t)(page + 0x40);

	goload_patch_site *s = NULL, *s2 = NULL;
	int reason = -1;
	int rc = goload_patch_site_open(p, entry, 64, "synthetic", 0, &s, &reason, &err);
	CHECK_MSG(rc == 0 && s && reason == 0, "%s", err.msg);
	if (!s) {
		goload_patcher_close(p);
		return CHECK_DONE();
	}
	const goload_patch_site_info *in = goload_patch_site_get_info(s);
	CHECK(in->entry == entry && in->cover == 6 && in->has_stub && !in->ctxt);
	CHECK(!memcmp(in->original, fn, 6));
	CHECK(in->jump[0] == 0xe9 && in->jump[5] == 0xcc);
	int32_t rel;
	memcpy(&rel, in->jump + 1, 4);
	CHECK(entry + 5 + (uint64_t)(int64_t)rel == in->stub);
	CHECK(dist(in->stub, entry) < ((int64_t)1 << 31) && dist(in->slot, in->stub) < ((int64_t)1 << 31));
	/* The trampoline: the CMP as is, JBE rel32 to its slow path, JMP back to entry+6. */
	const uint8_t *t = (const uint8_t *)(uintptr_t)in->trampoline;
	CHECK(!memcmp(t, fn, 4) && t[4] == 0x0f && t[5] == 0x86 && t[10] == 0xe9);
	memcpy(&rel, t + 11, 4);
	CHECK(in->trampoline + 15 + (uint64_t)(int64_t)rel == entry + 6);
	/* Slow path: the stub's spill, LEAQ tramp(IP), DX, LEAQ ret(IP), R12,
	 * PUSHQ R12, JMP morestack (followed through morestack_noctxt). */
	memcpy(&rel, t + 6, 4);
	const uint8_t *slow = t + 10 + rel;
	CHECK(slow == t + 15 && !memcmp(slow, fn + 20, 5));
	CHECK(slow[5] == 0x48 && slow[6] == 0x8d && slow[7] == 0x15);
	memcpy(&rel, slow + 8, 4);
	CHECK((const uint8_t *)slow + 12 + rel == t);
	memcpy(&rel, slow + 15, 4);
	CHECK((uint64_t)(uintptr_t)(slow + 19) + (uint64_t)(int64_t)rel == entry + 30);
	CHECK(slow[19] == 0x41 && slow[20] == 0x54 && slow[21] == 0xe9);
	memcpy(&rel, slow + 22, 4);
	CHECK(slow + 26 + rel == page);

	char perms[8];
	bool wx;
	CHECK(maps_check(in->trampoline, perms, &wx));
	CHECK_MSG(!strncmp(perms, "r-x", 3), "trampoline mapping %s", perms);
	CHECK(maps_check(in->slot, perms, &wx) && !strncmp(perms, "rw-", 3));
	CHECK_MSG(!wx, "a mapping is writable and executable");

	/* The same entry gives the same site; a function too short for the
	 * jump is refused with the reason. */
	CHECK(goload_patch_site_open(p, entry, 64, "synthetic", 0, &s2, &reason, &err) == 0 && s2 == s);
	CHECK(goload_patch_site_open(p, (uint64_t)(uintptr_t)(page + 0x10), 10, "noctxt", 0, &s2, &reason, &err) == 0);
	/* NOP; NOP; RET and the function's extent ends there. */
	CHECK(goload_patch_site_open(p, (uint64_t)(uintptr_t)(page + 0x100), 3, "tiny", 0, &s2, &reason, &err) < 0);
	CHECK_MSG(reason == GOLOAD_PATCH_R_TOO_SHORT, "%s: %s", goload_patch_reason_name(reason), err.msg);
	CHECK(!strcmp(goload_patch_reason_name(GOLOAD_PATCH_R_INLINED), "inlined"));
	/* amd64 and arm64 are patched: any other GOARCH is refused, not given their bytes. */
	CHECK(goload_patch_arch_supported("amd64") && goload_patch_arch_supported("arm64"));
	CHECK(!goload_patch_arch_supported("386") && !goload_patch_arch_supported("riscv64") &&
	      !goload_patch_arch_supported("") && !goload_patch_arch_supported(NULL));
	CHECK(!strcmp(goload_patch_reason_name(GOLOAD_PATCH_R_ARCH), "arch"));
	goload_patcher_close(p);
	munmap(page, 4096);
	return CHECK_DONE();
}
