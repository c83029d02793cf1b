/*
 * amd64 code surgery for the patcher: decode a Go function's first
 * instructions with Capstone, decide how many bytes a 5-byte JMP rel32 may
 * overwrite, and re-encode those instructions elsewhere (the call-original
 * trampoline) with every RIP-relative operand and branch retargeted.
 *
 * A Go prologue is `[LEAQ -n(SP), R12;] CMPQ SP|R12, 16(R14); JLS stub`,
 * where the stub at the function's end spills the register arguments,
 * calls runtime.morestack_noctxt (or runtime.morestack for closures),
 * reloads them and jumps back to the entry. The trampoline must not take
 * that stub: it ends in `JMP entry`, which is now the patched jump. It gets
 * its own slow path instead (see gl_x86_tramp_emit).
 */
#ifndef GL_PATCH_X86_H
#define GL_PATCH_X86_H

#include "util/util.h"

#define GL_X86_JMP_LEN 5
#define GL_X86_MAX_COVER 8  /* instructions a jump may cover, prologue included */
#define GL_X86_MAX_SPILL 32 /* spill instructions of a morestack stub */
/* Bytes of the entry stub (gl_x86_stub_emit). */
#define GL_X86_STUB_LEN 28

enum gl_x86_kind {
	GL_X86_PLAIN,  /* position-independent: copied as is */
	GL_X86_RIPREL, /* memory operand [rip+disp32]: disp rewritten */
	GL_X86_JMP,    /* JMP rel8/rel32 */
	GL_X86_JCC,    /* Jcc rel8/rel32 */
	GL_X86_RET,
};

typedef struct gl_x86_insn {
	uint64_t addr;
	uint8_t len;
	uint8_t kind;     /* enum gl_x86_kind */
	uint8_t cc;       /* Jcc condition code (0..15) */
	uint8_t disp_off; /* GL_X86_RIPREL: offset of the disp32 inside bytes */
	uint64_t target;  /* branch target, or the absolute address a RIP-relative operand names */
	uint8_t bytes[16];
} gl_x86_insn;

typedef struct gl_x86_plan {
	uint64_t entry;
	size_t cover; /* bytes at entry the jump overwrites (>= 5) */
	gl_x86_insn insn[GL_X86_MAX_COVER];
	size_t ninsn;
	bool falls_through; /* the trampoline continues at entry+cover */
	/* The stack-growth path the covered prologue branches to. */
	bool has_stub;
	uint64_t stub;          /* its first instruction */
	uint64_t morestack_ret; /* the instruction after its CALL runtime.morestack* */
	uint64_t morestack;     /* runtime.morestack (the variant that keeps DX) */
	bool ctxt;              /* the stub calls runtime.morestack directly (a closure body) */
	gl_x86_insn spill[GL_X86_MAX_SPILL];
	size_t nspill;
} gl_x86_plan;

/* Reads code outside the function (runtime.morestack_noctxt); an empty
 * span when unmapped. NULL means the running process's own memory. */
typedef struct gl_x86_mem {
	gl_span (*at)(void *ctx, uint64_t va, size_t n);
	void *ctx;
} gl_x86_mem;

/* Plan the patch of the function whose bytes are fn (its whole extent,
 * entry first, as found in pclntab or the symbol table). morestack is the
 * address of runtime.morestack (ABI0); 0 recognizes only stubs that call
 * runtime.morestack_noctxt, which names it. On refusal returns
 * < 0 with *reason set to a goload_patch_reason and a message naming the
 * function and the offending address. */
int gl_x86_plan_make(gl_span fn, uint64_t entry, const char *name, const gl_x86_mem *mem, uint64_t morestack,
		     gl_x86_plan *plan, int *reason, goload_err *err);

/* Decode sample (any bytes) with the shared decoder, so that its tables
 * are in memory and its instruction-id table built before the first plan. */
void gl_x86_warm(gl_span sample);

/* The return address of the prologue's call of runtime.morestack* in the
 * function fn (entry first): where a call stopped in its stack check
 * waits, and from where it jumps back to the entry. *resume is 0 when the
 * prologue has no stack-growth path. */
int gl_x86_resume(gl_span fn, uint64_t entry, const gl_x86_mem *mem, uint64_t morestack, uint64_t *resume,
		  goload_err *err);

/* Upper bound of gl_x86_tramp_emit's output for a plan. */
size_t gl_x86_tramp_size(const gl_x86_plan *p);

/* The call-original trampoline, to be placed at `at`:
 *   covered instructions, re-encoded (rel8 branches become rel32)
 *   JMP entry+cover                    (when the last one falls through)
 * slow:                                (the prologue's stack-growth branch lands here)
 *   the stub's spill instructions
 *   LEAQ at(IP), DX                    marker: "re-entering from a trampoline"
 *   LEAQ morestack_ret(IP), R12; PUSHQ R12
 *   JMP runtime.morestack
 * morestack then sees a call from inside the original function's own stub,
 * a frame the runtime knows (pcsp, argument maps), so stack copying and GC
 * work unchanged; runtime.morestack (not _noctxt) keeps DX through the
 * stack switch, and the resumed stub jumps to the patched entry, whose stub
 * sees the marker and comes back here. No trampoline PC is ever saved on a
 * goroutine stack or in g.sched, and async preemption never stops in it
 * (it is not Go code to the runtime), so it needs no pclntab of its own. */
int gl_x86_tramp_emit(const gl_x86_plan *p, uint64_t at, gl_buf *out, int *reason, goload_err *err);

/* The entry stub at `at` (GL_X86_STUB_LEN bytes), the target of the entry
 * jump:
 *   LEAQ tramp(IP), R12; CMPQ DX, R12; JEQ back
 *   MOVQ slot(IP), DX; JMP (DX)        call the replacement's func value
 * back:
 *   XORL DX, DX; JMP tramp             a trampoline's stack growth returning
 * R12 is scratch and DX the closure context in ABIInternal, both free at a
 * function entry. */
int gl_x86_stub_emit(uint64_t at, uint64_t tramp, uint64_t slot, gl_buf *out, goload_err *err);

/* JMP rel32 from `from` to `to`, padded with INT3 up to len bytes. */
int gl_x86_jmp_bytes(uint64_t from, uint64_t to, uint8_t *out, size_t len, goload_err *err);

#endif
