/*
 * arm64 code surgery for the patcher, the counterpart of x86.h: decode a
 * Go function's first instructions with Capstone's AArch64 decoder, decide
 * what a 4-byte `B` may overwrite, and re-encode those instructions in the
 * call-original trampoline with every PC-relative operand retargeted
 * (ADR, ADRP, B, B.cond, CBZ/CBNZ, TBZ/TBNZ rewritten; LDR literal and BL
 * refused).
 *
 * A Go arm64 prologue is `MOVD 16(g), R16; CMP R16, RSP; BLS stub`, or for
 * big frames `MOVD 16(g), R16; MOVD $n, R27; SUBS R27, RSP, R17; BCC stub;
 * CMP R16, R17; BLS stub`. The stub at the function's end spills the
 * register arguments, does `MOVD R30, R3; BL runtime.morestack_noctxt`
 * (runtime.morestack for closures), reloads them and `B entry`. As on
 * amd64 the trampoline owns every branch to that stub and gets its own
 * slow path: see gl_a64_tramp_emit.
 *
 * The entry jump is always one `B` (+-128 MiB): the patcher maps the stub
 * and trampoline within that reach of the function, or refuses
 * (no-near-memory). R16/R17 (IP0/IP1) are the linker's veneer scratch
 * registers, free at every function entry; R26 is the closure context.
 */
#ifndef GL_PATCH_ARM64_H
#define GL_PATCH_ARM64_H

#include "util/util.h"

#define GL_A64_JMP_LEN 4
#define GL_A64_MAX_COVER 8  /* instructions a jump may cover, prologue included */
#define GL_A64_MAX_SPILL 32 /* spill instructions of a morestack stub (MOVD R30, R3 included) */
#define GL_A64_REACH ((uint64_t)0x07f00000) /* a little under 128 MiB: B's reach */
/* Bytes of the entry stub (gl_a64_stub_emit). */
#define GL_A64_STUB_LEN 36

enum gl_a64_kind {
	GL_A64_PLAIN, /* position-independent: copied as is */
	GL_A64_ADR,   /* ADR/ADRP Xd, target */
	GL_A64_B,     /* B target */
	GL_A64_BCOND, /* B.cond, CBZ/CBNZ, TBZ/TBNZ target */
	GL_A64_RET,   /* RET, BR: never falls through */
};

typedef struct gl_a64_insn {
	uint64_t addr;
	uint32_t word;
	uint8_t kind;    /* enum gl_a64_kind */
	uint64_t target; /* branch target, or the address an ADR/ADRP names (ADRP: the page) */
} gl_a64_insn;

typedef struct gl_a64_plan {
	uint64_t entry;
	size_t cover; /* bytes at entry the jump overwrites (>= 4) */
	gl_a64_insn insn[GL_A64_MAX_COVER];
	size_t ninsn;
	bool falls_through;
	bool has_stub;
	uint64_t stub;          /* the stack-growth stub's first instruction */
	uint64_t morestack_ret; /* the instruction after its BL runtime.morestack* */
	uint64_t morestack;     /* runtime.morestack (the variant that keeps R26) */
	bool ctxt;              /* the stub calls runtime.morestack directly (a closure body) */
	gl_a64_insn spill[GL_A64_MAX_SPILL];
	size_t nspill;
} gl_a64_plan;

/* Reads code outside the function (runtime.morestack_noctxt); NULL means
 * the running process's own memory. */
typedef struct gl_a64_mem {
	gl_span (*at)(void *ctx, uint64_t va, size_t n);
	void *ctx;
} gl_a64_mem;

/* As gl_x86_plan_make, for arm64 code. */
/* gl_x86_resume for arm64: the instruction after the prologue's BL
 * runtime.morestack*, 0 when there is none. */
int gl_a64_resume(gl_span fn, uint64_t entry, const gl_a64_mem *mem, uint64_t morestack, uint64_t *resume,
		  goload_err *err);

int gl_a64_plan_make(gl_span fn, uint64_t entry, const char *name, const gl_a64_mem *mem, uint64_t morestack,
		     gl_a64_plan *plan, int *reason, goload_err *err);

/* Upper bound of gl_a64_tramp_emit's output. */
size_t gl_a64_tramp_size(const gl_a64_plan *p);

/* The call-original trampoline at `at` (4-aligned, within +-128 MiB of the
 * function):
 *   covered instructions, re-encoded
 *   B entry+cover                      (when the last one falls through)
 * slow:                                (the prologue's stack-growth branches land here)
 *   the stub's spill instructions and its MOVD R30, R3
 *   ADR at, R26                        marker: "re-entering from a trampoline"
 *   LDR ret_lit, R30                   R30 = the instruction after the stub's BL
 *   LDR ms_lit, R17; BR R17            runtime.morestack
 *   ret_lit, ms_lit: 8-byte literals
 * runtime.morestack records LR (inside the original function's own stub)
 * as the PC to resume at and R26 as the context; the resumed stub reloads
 * and branches to the patched entry, whose stub sees the marker in R26 and
 * comes back here (see gl_a64_stub_emit). */
int gl_a64_tramp_emit(const gl_a64_plan *p, uint64_t at, gl_buf *out, int *reason, goload_err *err);

/* The entry stub at `at` (GL_A64_STUB_LEN bytes), the target of the entry
 * jump:
 *   ADR tramp, R17; CMP R17, R26; BEQ back
 *   ADRP slot, R26; MOVD lo12(slot)(R26), R26    R26 = the replacement's func value
 *   MOVD (R26), R17; B (R17)
 * back:
 *   MOVD ZR, R26; B tramp              a trampoline's stack growth returning */
int gl_a64_stub_emit(uint64_t at, uint64_t tramp, uint64_t slot, gl_buf *out, goload_err *err);

/* B from `from` to `to` in the first 4 of len bytes; the rest is left as
 * it is (the original instructions): an entry write changes one aligned
 * word, which a core fetching it concurrently sees whole, old or new. */
int gl_a64_jmp_bytes(uint64_t from, uint64_t to, uint8_t *out, size_t len, goload_err *err);

#if defined(__aarch64__)
/* Whether code written through memfd (/proc/self/mem) is what runs next. */
bool gl_a64_memfd_coherent(int memfd);
#endif

#endif
