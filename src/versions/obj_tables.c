/* Lookups over the generated per-version object tables (obj_tables_gen.c). */
#include "versions/obj_tables.h"

#include <stdio.h>

const struct gl_objtab *gl_objtab_for(int minor)
{
	for (size_t i = 0; i < GL_OBJTAB_VERSIONS; i++)
		if (gl_objtabs_gen[i].minor == minor)
			return &gl_objtabs_gen[i];
	return NULL;
}

int gl_objtab_symkind(const struct gl_objtab *t, uint32_t raw)
{
	return raw < t->nsymkind ? t->symkind[raw] : GL_SK_XXX;
}

int gl_objtab_reloc(const struct gl_objtab *t, uint32_t raw, int *weak)
{
	if (weak)
		*weak = t->reloc_weak && (raw & t->reloc_weak);
	if (t->reloc_weak)
		raw &= ~t->reloc_weak;
	return raw < t->nreloc ? t->reloc[raw] : GL_R_NONE;
}

int gl_objtab_aux(const struct gl_objtab *t, uint32_t raw)
{
	return raw < t->naux ? t->aux[raw] : GL_AUX_NONE;
}

int gl_objtab_funcid(const struct gl_objtab *t, uint32_t raw)
{
	return raw < t->nfuncid ? t->funcid[raw] : -1;
}

uint32_t gl_objtab_bits(const uint32_t map[8], uint8_t raw)
{
	/* Branch-free: every symbol read decodes two of these (flag, flag2),
	 * and the flag bits of a symbol table are close to random. */
	uint32_t out = 0;
	for (int i = 0; i < 8; i++)
		out |= map[i] & (0u - ((raw >> i) & 1u));
	return out;
}

uint32_t gl_objtab_symflags(const struct gl_objtab *t, uint8_t flag, uint8_t flag2)
{
	return gl_objtab_bits(t->flag, flag) | gl_objtab_bits(t->flag2, flag2);
}

int gl_objtab_reloc_raw(const struct gl_objtab *t, int rtype)
{
	for (uint32_t i = 1; i < t->nreloc; i++)
		if (t->reloc[i] == rtype)
			return (int)i;
	return -1;
}

int gl_objtab_symkind_raw(const struct gl_objtab *t, int sk)
{
	for (uint32_t i = 0; i < t->nsymkind; i++)
		if (t->symkind[i] == sk)
			return (int)i;
	return -1;
}

/* Mirrors objabi.RelocType.String() (stringer over an int16): R_WEAK-marked
 * types have no name of their own and print as RelocType(-N). */
const char *gl_objtab_reloc_name(const struct gl_objtab *t, uint32_t raw, char *buf, size_t cap)
{
	if (raw >= 1 && raw < t->nreloc && t->reloc[raw] != GL_R_NONE)
		snprintf(buf, cap, "%s", gl_rtype_names[t->reloc[raw]]);
	else
		snprintf(buf, cap, "RelocType(%d)", (int)(int16_t)(uint16_t)raw);
	return buf;
}
