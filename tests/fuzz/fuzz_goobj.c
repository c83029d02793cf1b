/* libFuzzer harness for the archive and Go object readers, the reference
 * resolver, funcinfo decoding, DWARF signatures, and the nm/objdump listings on top. */
#include "goobj/goobj.h"

#include <stdio.h>

static FILE *sink(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

static void sig_param(void *ctx, bool result, const char *type, size_t len)
{
	volatile char c = len ? type[len - 1] : 0;
	(void)ctx, (void)result, (void)c;
}

static void walk(const gl_goobj *o)
{
	goload_err err;
	for (uint32_t i = 0; i < gl_goobj_nautolib(o); i++)
		(void)gl_goobj_autolib_at(o, i);
	for (uint32_t i = 0; i < gl_goobj_nsyms(o); i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		size_t hl;
		(void)gl_goobj_hash(o, i, &hl);
		if (i >= gl_goobj_ndefs(o))
			continue;
		gl_span d = gl_goobj_data(o, i);
		volatile uint8_t x = d.n ? d.p[d.n - 1] : 0;
		(void)x;
		uint32_t first, n = gl_goobj_relocs(o, i, &first);
		for (uint32_t k = 0; k < n; k++) {
			gl_goobj_reloc r = gl_goobj_reloc_at(o, first + k);
			gl_goobj_symname nm;
			gl_goobj_ref_name(o, r.sym, NULL, &nm, &err);
		}
		n = gl_goobj_auxs(o, i, &first);
		for (uint32_t k = 0; k < n; k++) {
			gl_goobj_aux a = gl_goobj_aux_at(o, first + k);
			gl_goobj_symname nm;
			gl_goobj_ref_name(o, a.sym, NULL, &nm, &err);
		}
		gl_span file;
		int32_t line;
		for (uint64_t pc = 0; pc < s.size && pc < 64; pc += 7)
			gl_goobj_pcline(o, i, pc, &file, &line);
		if (s.kind == GL_SK_TEXT)
			gl_goobj_func_sig(o, i, NULL, sig_param, NULL, &err);
		gl_goobj_funcinfo fi;
		if (s.kind == GL_SK_TEXT && gl_goobj_funcinfo_get(o, i, &fi, &err) == 0) {
			for (uint32_t k = 0; k < fi.nfiles; k++)
				(void)gl_goobj_funcinfo_file_at(&fi, k);
			for (uint32_t k = 0; k < fi.ninl; k++) {
				gl_goobj_inl in = gl_goobj_funcinfo_inl_at(&fi, k);
				gl_goobj_symname nm;
				gl_goobj_ref_name(o, in.func, NULL, &nm, &err);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	goload_err err;
	gl_span s = gl_span_make(data, size);
	gl_goobj_archive *a = NULL;
	if (gl_goobj_archive_open_span(s, "fuzz", &a, &err) == 0) {
		for (size_t m = 0; m < gl_goobj_archive_nmembers(a); m++) {
			const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
			gl_goobj *o = NULL;
			if (mem->kind == GL_GOOBJ_M_GO && gl_goobj_open(mem->data, mem->name, &o, &err) == 0) {
				walk(o);
				gl_goobj_close(o);
			}
		}
		gl_goobj_archive_close(a);
	}
	goload_nm_opts opts = {GOLOAD_NM_SORT_NAME, true, false, false};
	gl_goobj_nm_span(s, "fuzz", &opts, sink(), &err);
	gl_goobj_dump_span(s, "fuzz", GOLOAD_OBJDUMP_SYMS | GOLOAD_OBJDUMP_RELOCS | GOLOAD_OBJDUMP_FUNCINFO, NULL, sink(),
			   &err);
	return 0;
}
