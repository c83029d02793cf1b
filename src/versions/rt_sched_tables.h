/*
 * Scheduler layouts per Go version, for the patcher's stopped-world check:
 * where a goroutine's saved PC, stack pointer and stack bounds live inside
 * runtime.g, and the shape of stopTheWorld's result.
 *
 * Values come from the go_asm.h each toolchain generates while compiling
 * package runtime (`go build -work -a runtime`); tests/patch/sched_tables.sh
 * regenerates them and compares.
 */
#ifndef GL_RT_SCHED_TABLES_H
#define GL_RT_SCHED_TABLES_H

#include <stdint.h>

struct gl_schedtab {
	int minor;
	/* byte offsets inside runtime.g */
	uint16_t g_stack_lo, g_stack_hi;   /* g.stack.lo / g.stack.hi */
	uint16_t g_sched_sp, g_sched_pc;   /* g.sched.sp / g.sched.pc (gobuf) */
	uint16_t g_syscallsp, g_syscallpc; /* where entersyscall left the goroutine */
	uint16_t g_atomicstatus, g_goid;
	uint16_t grunning, gscan; /* runtime._Grunning, runtime._Gscan */
	/* runtime.worldStop is {reason uint8; N int64}; 0 means stopTheWorld
	 * returns nothing and startTheWorld takes nothing (Go 1.21). */
	uint8_t worldstop_words;
};

/* Table for Go 1.<minor>, NULL when unknown. */
const struct gl_schedtab *gl_schedtab_for(int minor);

#endif
