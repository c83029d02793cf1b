/* The arm64 planner and code emitters on Go-shaped code (the words of
 * main.scaled, main.heavy and main.spin as go1.26 linux/arm64 emits them,
 * from `go tool objdump` of testdata/patch/host), run on any host: the
 * plan covers the prologue through its stack-growth branches, the
 * trampoline re-encodes them towards its own slow path, branches into the
 * covered words are refused, and every emitted PC-relative word decodes
 * back (Capstone) to the address it must name. The emitted code runs under
 * qemu-aarch64 in TestPatchArm64Qemu. */
#include "check.h"
#include "patch/arm64.h"

#include <capstone/capstone.h>
#include <stdlib.h>

#define BASE 0x649d00u
#define NOCTXT 0x484770u
#define MORESTACK 0x4846f0u

/* main.scaled: MOVD 16(R28), R16; CMP R16, RSP; BLS stub; frame; BL touch;
 * ...; RET; stub: MOVD R0, 8(RSP); MOVD R30, R3; BL morestack_noctxt;
 * MOVD 8(RSP), R0; B entry */
static const uint32_t scaled[] = {0xf9400b90, 0xeb3063ff, 0x54000129, 0xf81e0ffe, 0xf81f83fd, 0xd10023fd,
				  0x97ffffe6, 0x8b000800, 0xf85f83fd, 0xf84207fe, 0xd65f03c0, 0xf90007e0,
				  0xaa1e03e3, 0x97f8ea8f, 0xf94007e0, 0x17fffff1};

/* runtime.morestack_noctxt (go1.26): MOVD RSP, RSP; MOVW ZR, R26; B morestack */
static const uint32_t noctxt[] = {0x910003ff, 0x2a1f03fa, 0x17ffffde};

static gl_span mem_at(void *ctx, uint64_t va, size_t n)
{
	(void)ctx;
	if (va == NOCTXT && n <= sizeof noctxt)
		return gl_span_make(noctxt, n);
	return gl_span_make(NULL, 0);
}

/* The address the PC-relative word at `at` names, by Capstone. */
static uint64_t cs_target(csh cs, uint32_t w, uint64_t at)
{
	cs_insn *ci = NULL;
	uint64_t t = 0;
	if (cs_disasm(cs, (const uint8_t *)&w, 4, at, 1, &ci) == 1) {
		cs_arm64 *a = &ci->detail->arm64;
		for (int i = 0; i < a->op_count; i++)
			if (a->operands[i].type == ARM64_OP_IMM)
				t = (uint64_t)a->operands[i].imm;
		cs_free(ci, 1);
	}
	return t;
}

int main(void)
{
	goload_err err = {0};
	int reason = 0;
	gl_a64_mem mem = {mem_at, NULL};
	csh cs;
	CHECK(cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);

	gl_a64_plan p;
	CHECK_MSG(gl_a64_plan_make(gl_span_make(scaled, sizeof scaled), BASE, "main.scaled", &mem, MORESTACK, &p,
				   &reason, &err) == 0,
		  "%s", err.msg);
	CHECK(p.cover == 12 && p.ninsn == 3 && p.falls_through);
	CHECK(p.has_stub && p.stub == BASE + 11 * 4 && p.nspill == 2 && !p.ctxt);
	CHECK(p.morestack_ret == BASE + 14 * 4 && p.morestack == MORESTACK);

	uint64_t tramp = BASE + 0x100000 + 36;
	gl_buf b = {0};
	CHECK_MSG(gl_a64_tramp_emit(&p, tramp, &b, &reason, &err) == 0, "%s", err.msg);
	CHECK(b.len <= gl_a64_tramp_size(&p) && b.len % 4 == 0);
	uint32_t w[32] = {0};
	memcpy(w, b.p, b.len < sizeof w ? b.len : sizeof w);
	/* MOVD, CMP copied; BLS to the slow path (after the NOP and the B back) */
	CHECK(w[0] == scaled[0] && w[1] == scaled[1]);
	uint64_t slow = tramp + 5 * 4;
	CHECK_MSG(cs_target(cs, w[2], tramp + 8) == slow, "BLS -> 0x%llx", (unsigned long long)cs_target(cs, w[2], tramp + 8));
	CHECK(cs_target(cs, w[4], tramp + 16) == BASE + 12); /* B entry+cover */
	CHECK(w[5] == scaled[11] && w[6] == scaled[12]);    /* spills, MOVD R30, R3 */
	CHECK(cs_target(cs, w[7], slow + 8) == tramp);       /* ADR at, R26 */
	/* LDR lit, R30 and LDR lit, R17 name 8-aligned literals holding the
	 * resume PC and runtime.morestack */
	uint64_t l30 = cs_target(cs, w[8], slow + 12), l17 = cs_target(cs, w[9], slow + 16);
	CHECK(l30 % 8 == 0 && l17 == l30 + 8 && l17 + 8 <= tramp + b.len);
	uint64_t v30, v17;
	memcpy(&v30, b.p + (l30 - tramp), 8);
	memcpy(&v17, b.p + (l17 - tramp), 8);
	CHECK(v30 == p.morestack_ret && v17 == MORESTACK);
	CHECK(w[10] == 0xd61f0220u); /* BR R17 */
	gl_buf_free(&b);

	/* The entry stub: ADR tramp; CMP; BEQ back; ADRP+LDR slot; LDR; BR; back: MOVD ZR, R26; B tramp */
	uint64_t stub = tramp - 36, slot = BASE + 0x3000000 + 0x658;
	CHECK(gl_a64_stub_emit(stub, tramp, slot, &b, &err) == 0 && b.len == GL_A64_STUB_LEN);
	memcpy(w, b.p, b.len);
	CHECK(cs_target(cs, w[0], stub) == tramp);
	CHECK(cs_target(cs, w[2], stub + 8) == stub + 28);
	CHECK(cs_target(cs, w[3], stub + 12) == (slot & ~0xfffull));
	CHECK(((w[4] >> 10) & 0xfff) * 8 == (slot & 0xfff));
	CHECK(cs_target(cs, w[8], stub + 32) == tramp);
	gl_buf_free(&b);
	/* A slot that is not 8-aligned cannot be loaded by the stub. */
	CHECK(gl_a64_stub_emit(stub, tramp, slot + 4, &b, &err) < 0);
	gl_buf_free(&b);

	/* The entry jump: one B; the other covered words stay. */
	uint8_t jb[12];
	CHECK(gl_a64_jmp_bytes(BASE, stub, jb, sizeof jb, &err) == 0);
	memcpy(w, jb, 4);
	CHECK(cs_target(cs, w[0], BASE) == stub);
	CHECK(gl_a64_jmp_bytes(BASE, BASE + 0x8000000, jb, sizeof jb, &err) < 0); /* beyond +-128 MiB */

	/* A branch from the body back into the covered words is refused. */
	uint32_t back[16];
	memcpy(back, scaled, sizeof back);
	back[7] = 0x17fffffa; /* B -6(PC): to entry+4, inside the cover */
	CHECK(gl_a64_plan_make(gl_span_make(back, sizeof back), BASE, "back", &mem, MORESTACK, &p, &reason, &err) < 0);
	CHECK_MSG(reason == GOLOAD_PATCH_R_BACK_JUMP, "%d %s", reason, err.msg);

	/* A loop back to entry+4 when the entry is a B (main.spin): the cover is
	 * the B alone, and the moved B still reaches the loop's test. */
	static const uint32_t spin[] = {0x14000002, 0xd1000c00, 0xf100001f, 0x54ffffcc, 0xd65f03c0};
	CHECK_MSG(gl_a64_plan_make(gl_span_make(spin, sizeof spin), BASE, "main.spin", &mem, MORESTACK, &p, &reason,
				   &err) == 0,
		  "%s", err.msg);
	CHECK(p.cover == 4 && !p.falls_through && !p.has_stub);
	CHECK(gl_a64_tramp_emit(&p, tramp, &b, &reason, &err) == 0 && b.len == 4);
	memcpy(w, b.p, 4);
	CHECK(cs_target(cs, w[0], tramp) == BASE + 8);
	gl_buf_free(&b);

	/* BL and LDR literal under the jump are refused. */
	static const uint32_t bl[] = {0x97ffffe6, 0xd65f03c0};
	CHECK(gl_a64_plan_make(gl_span_make(bl, sizeof bl), BASE, "bl", &mem, MORESTACK, &p, &reason, &err) < 0 &&
	      reason == GOLOAD_PATCH_R_CALL);
	static const uint32_t lit[] = {0x58000040, 0xd65f03c0, 0, 0};
	CHECK(gl_a64_plan_make(gl_span_make(lit, sizeof lit), BASE, "lit", &mem, MORESTACK, &p, &reason, &err) < 0 &&
	      reason == GOLOAD_PATCH_R_UNRELOCATABLE);
	/* ADR is rewritten as ADRP+ADD naming the same address. */
	static const uint32_t adr[] = {0x10000401 /* ADR x1, +128 */, 0xd65f03c0};
	CHECK(gl_a64_plan_make(gl_span_make(adr, sizeof adr), BASE, "adr", &mem, MORESTACK, &p, &reason, &err) == 0);
	CHECK(gl_a64_tramp_emit(&p, tramp, &b, &reason, &err) == 0 && b.len == 12);
	memcpy(w, b.p, 12);
	CHECK(cs_target(cs, w[0], tramp) == ((BASE + 128) & ~0xfffull));
	CHECK(((w[1] >> 10) & 0xfff) == ((BASE + 128) & 0xfff) && (w[1] & 31) == 1 && ((w[1] >> 5) & 31) == 1);
	gl_buf_free(&b);
	cs_close(&cs);
	return CHECK_DONE();
}
