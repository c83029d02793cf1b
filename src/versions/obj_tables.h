/*
 * What a Go version's object files say, as data: one gl_objtab per Go minor,
 * generated from that toolchain's own sources (scripts/gen-objtables.py ->
 * obj_tables_gen.{h,c}). Raw values in an object are mapped through the table
 * of the object's version to the version-independent enums below, so the
 * rest of goload never compares versions.
 */
#ifndef GL_OBJ_TABLES_H
#define GL_OBJ_TABLES_H

#include "versions/versions.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A predeclared runtime symbol (goobj.builtins), referenced as
 * {PkgIdxBuiltin, index}. */
struct gl_builtin {
	const char *name;
	uint32_t namelen;
	int abi;
};

struct gl_objtab {
	int minor;
	const char *version; /* the toolchain the table was generated from */
	uint32_t nsymkind;
	const uint8_t *symkind; /* raw SymKind -> enum gl_sk */
	uint32_t nreloc;
	const uint8_t *reloc; /* raw RelocType (without the weak bit) -> enum gl_rtype */
	uint32_t reloc_weak; /* R_WEAK bit of the raw type, 0 if the version has none */
	uint32_t naux;
	const uint8_t *aux; /* raw aux type -> enum gl_aux */
	uint32_t nfuncid;
	const uint8_t *funcid; /* raw FuncID -> enum gl_funcid */
	uint32_t flag[8];     /* Sym.Flag bit i -> enum gl_sflag bits (0: unused bit) */
	uint32_t flag2[8];    /* Sym.Flag2 bit i -> enum gl_sflag bits */
	uint32_t objflag[8];  /* header Flags bit i -> enum gl_oflag bits */
	uint32_t funcflag[8]; /* FuncInfo funcflag bit i -> enum gl_funcflag bits */
	uint32_t nbuiltin;
	const struct gl_builtin *builtin;
	/* That version's `go tool nm`, mirrored byte for byte by goload nm: */
	uint8_t sort_xorshift[3];  /* sort.xorshift: x ^= x<<a; x ^= x>>b; x ^= x<<c */
	bool nm_elf_nobits_bss;    /* ELF symbols in SHT_NOBITS sections print as 'B' */
	bool nm_skips_sentinel;    /* zero-size sentinel members are skipped (else an error) */
};

#include "versions/obj_tables_gen.h"

/* Raw -> version-independent; raw values the version does not define map to
 * GL_SK_XXX, GL_R_NONE and GL_AUX_NONE. */
int gl_objtab_symkind(const struct gl_objtab *t, uint32_t raw);
int gl_objtab_reloc(const struct gl_objtab *t, uint32_t raw, int *weak);
int gl_objtab_aux(const struct gl_objtab *t, uint32_t raw);
/* -1 when the FuncID is not one the version knows. */
int gl_objtab_funcid(const struct gl_objtab *t, uint32_t raw);
uint32_t gl_objtab_symflags(const struct gl_objtab *t, uint8_t flag, uint8_t flag2);
uint32_t gl_objtab_bits(const uint32_t map[8], uint8_t raw);
/* Version-independent -> raw for this version; -1 when the version lacks it. */
int gl_objtab_reloc_raw(const struct gl_objtab *t, int rtype);
int gl_objtab_symkind_raw(const struct gl_objtab *t, int sk);
/* The raw name of a relocation type as that version's String() prints it
 * ("R_CALL", "RelocType(-32767)" for a weak R_ADDR): written to buf. */
const char *gl_objtab_reloc_name(const struct gl_objtab *t, uint32_t raw, char *buf, size_t cap);

#endif
