#include "versions/rt_sched_tables.h"

#include <stddef.h>

/* From each toolchain's go_asm.h: g_stack+stack_lo, g_stack+stack_hi,
 * g_sched+gobuf_sp, g_sched+gobuf_pc, g_syscallsp, g_syscallpc,
 * g_atomicstatus, g_goid, const__Grunning, const__Gscan; worldStop from
 * runtime/proc.go. 1.23 added g.syscallbp (+8 from atomicstatus on); 1.25
 * dropped gobuf.ret (-8 from syscallsp on). */
static const struct gl_schedtab tabs[] = {
	{21, 0, 8, 56, 64, 112, 120, 144, 152, 2, 4096, 0},
	{22, 0, 8, 56, 64, 112, 120, 144, 152, 2, 4096, 1},
	{23, 0, 8, 56, 64, 112, 120, 152, 160, 2, 4096, 3},
	{24, 0, 8, 56, 64, 112, 120, 152, 160, 2, 4096, 3},
	{25, 0, 8, 56, 64, 104, 112, 144, 152, 2, 4096, 3},
	{26, 0, 8, 56, 64, 104, 112, 144, 152, 2, 4096, 3},
	{27, 0, 8, 56, 64, 104, 112, 144, 152, 2, 4096, 3},
};

const struct gl_schedtab *gl_schedtab_for(int minor)
{
	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
		if (tabs[i].minor == minor)
			return &tabs[i];
	return NULL;
}
