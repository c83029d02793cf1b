/*
 * The DWARF abbreviations the Go compiler uses in an object's debug-info
 * symbols, per Go version (cmd/internal/dwarf). Objects carry no abbrev
 * table: a DIE's abbrev code indexes the compiler's own, which
 * dwarf_tables_gen.c copies (scripts/gen-dwarftables.py).
 */
#ifndef GL_DWARF_TABLES_H
#define GL_DWARF_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DWARF constants the readers look for (dwarf_defs.go; fixed by the DWARF
 * standard, identical in every version). */
enum {
	GL_DW_TAG_formal_parameter = 0x05,
	GL_DW_TAG_subprogram = 0x2e,
	GL_DW_AT_name = 0x03,
	GL_DW_AT_type = 0x49,
	GL_DW_AT_variable_parameter = 0x4b,
	GL_DW_AT_abstract_origin = 0x31,
	GL_DW_AT_trampoline = 0x56,
	GL_DW_FORM_addr = 0x01,
	GL_DW_FORM_block2 = 0x03,
	GL_DW_FORM_block4 = 0x04,
	GL_DW_FORM_data2 = 0x05,
	GL_DW_FORM_data4 = 0x06,
	GL_DW_FORM_data8 = 0x07,
	GL_DW_FORM_string = 0x08,
	GL_DW_FORM_block = 0x09,
	GL_DW_FORM_block1 = 0x0a,
	GL_DW_FORM_data1 = 0x0b,
	GL_DW_FORM_flag = 0x0c,
	GL_DW_FORM_sdata = 0x0d,
	GL_DW_FORM_udata = 0x0f,
	GL_DW_FORM_ref_addr = 0x10,
	GL_DW_FORM_sec_offset = 0x17,
	GL_DW_FORM_exprloc = 0x18,
	GL_DW_FORM_flag_present = 0x19,
	GL_DW_FORM_addrx = 0x1b,
	/* cmd/internal/dwarf pseudo-forms, expanded per target and DWARF version */
	GL_DW_FORM_udata_pseudo = 0x99,
	GL_DW_FORM_lo_pc_pseudo = 0x9a,
	GL_DW_FORM_hi_pc_pseudo = 0x9b,
};

#define GL_DW_MAXATTR 8

struct gl_dwabbrev {
	uint8_t tag, children, nattr;
	struct {
		uint16_t at, form;
	} attr[GL_DW_MAXATTR];
};

struct gl_dwtab {
	int minor;
	const char *version;
	size_t nabbrev; /* codes 1..nabbrev-1; 0 ends a list of children */
	const struct gl_dwabbrev *abbrev;
	bool dwarf5; /* DWARF 5 unless the object's experiments say nodwarf5 */
	const char *info_prefix; /* "go:info.": a type DIE's symbol is the prefix + the linker type name */
};

extern const struct gl_dwtab gl_dwtabs_gen[];
extern const size_t gl_ndwtabs_gen;

/* The table of a Go minor, NULL when unknown. */
const struct gl_dwtab *gl_dwtab_for(int minor);

#endif
