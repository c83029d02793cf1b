/* Lookup over the generated per-version DWARF abbrev tables. */
#include "versions/dwarf_tables.h"

const struct gl_dwtab *gl_dwtab_for(int minor)
{
	for (size_t i = 0; i < gl_ndwtabs_gen; i++)
		if (gl_dwtabs_gen[i].minor == minor)
			return &gl_dwtabs_gen[i];
	return NULL;
}
