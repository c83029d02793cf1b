/* goload_objdump: symbols, relocations and funcinfo of Go objects, as text
 * or one JSON document. Names follow cmd/internal/objfile's convention in
 * text ("name<1>" for static symbols and ABIInternal builtins) so a line
 * can be matched with `go tool objdump`; JSON spells ABI and refs out. */
#include "goobj/goobj.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdlib.h>

static const char *const class_names[] = {"def", "hashed64", "hashed", "nonpkgdef", "nonpkgref"};
static const char *const mkind_names[] = {"pkgdef", "go", "native", "sentinel"};

/* The predeclared package indices by name ("pkg" for an imported package). */
static const char *pkg_class(uint32_t pkg)
{
	switch (pkg) {
	case GL_GOOBJ_PKG_SELF: return "self";
	case GL_GOOBJ_PKG_HASHED64: return "hashed64";
	case GL_GOOBJ_PKG_HASHED: return "hashed";
	case GL_GOOBJ_PKG_NONE: return "nonpkg";
	case GL_GOOBJ_PKG_BUILTIN: return "builtin";
	default: return "pkg";
	}
}

typedef struct dumper {
	FILE *out;
	gl_json j;
	bool json;
	unsigned what;
	gl_goobj_resolver res; /* for package refs RefName does not name */
} dumper;

/* Text: "a,b,c" of the set bits' names, "-" when none. */
static void put_bits(FILE *out, uint32_t bits, const char *const *names, size_t n, size_t strip)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (bits & (1u << i)) {
			fprintf(out, "%s%s", any ? "," : "", names[i] + strip);
			any = true;
		}
	if (!any)
		fputc('-', out);
}

static void json_bits(gl_json *j, const char *key, uint32_t bits, const char *const *names, size_t n, size_t strip)
{
	gl_json_key(j, key);
	gl_json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		if (bits & (1u << i))
			gl_json_str(j, names[i] + strip);
	gl_json_arr_end(j);
}

/* The target of a reference as go tool objdump names it. */
static void ref_text(dumper *d, const gl_goobj *o, gl_goobj_ref r)
{
	FILE *out = d->out;
	gl_goobj_symname n;
	goload_err err = {0};
	if (gl_goobj_ref_is_nil(r) || gl_goobj_ref_name(o, r, &d->res, &n, &err) < 0)
		return;
	fprintf(out, "%.*s", (int)n.namelen, n.name);
	bool builtin = r.pkg == GL_GOOBJ_PKG_BUILTIN;
	if ((!builtin && n.abi == GL_GOOBJ_ABI_STATIC) || (builtin && n.abi > 0))
		fprintf(out, "<%d>", builtin ? n.abi : 1);
}

static void ref_json(dumper *d, const gl_goobj *o, gl_goobj_ref r)
{
	gl_json *j = &d->j;
	gl_json_obj_begin(j);
	gl_json_ku64(j, "pkg", r.pkg);
	gl_json_ku64(j, "idx", r.idx);
	gl_goobj_symname n;
	goload_err err = {0};
	if (!gl_goobj_ref_is_nil(r) && gl_goobj_ref_name(o, r, &d->res, &n, &err) == 0) {
		if (n.pkglen) {
			gl_json_key(j, "package");
			gl_json_strn(j, n.pkg, n.pkglen);
		}
		gl_json_key(j, "name");
		gl_json_strn(j, n.name, n.namelen);
		if (n.abi >= 0)
			gl_json_ku64(j, "abi", (uint64_t)n.abi);
	} else if (!gl_goobj_ref_is_nil(r)) {
		gl_json_key(j, "name");
		gl_json_null(j);
		if (err.code == GOLOAD_E_MISMATCH)
			gl_json_kstr(j, "error", err.msg);
	}
	gl_json_obj_end(j);
}

static void sym_name_text(FILE *out, gl_goobj_sym s)
{
	fprintf(out, "%.*s%s", (int)s.namelen, s.name, s.abi == GL_GOOBJ_ABI_STATIC ? "<1>" : "");
}

static void dump_relocs(dumper *d, const gl_goobj *o, uint32_t i)
{
	uint32_t first, n = gl_goobj_relocs(o, i, &first);
	const struct gl_objtab *t = gl_goobj_tab(o);
	char tb[40];
	if (d->json) {
		gl_json_key(&d->j, "relocs");
		gl_json_arr_begin(&d->j);
	}
	for (uint32_t k = 0; k < n; k++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + k);
		const char *tn = gl_objtab_reloc_name(t, r.type_raw, tb, sizeof tb);
		if (d->json) {
			gl_json_obj_begin(&d->j);
			gl_json_ki64(&d->j, "off", r.off);
			gl_json_ku64(&d->j, "size", r.siz);
			gl_json_kstr(&d->j, "type", tn);
			gl_json_ku64(&d->j, "type_raw", r.type_raw);
			if (r.weak)
				gl_json_kbool(&d->j, "weak", true);
			gl_json_key(&d->j, "target");
			ref_json(d, o, r.sym);
			gl_json_ki64(&d->j, "add", r.add);
			gl_json_obj_end(&d->j);
		} else {
			fprintf(d->out, "    reloc %d %u %s ", r.off, r.siz, tn);
			ref_text(d, o, r.sym);
			fprintf(d->out, "%+" PRId64 "\n", r.add);
		}
	}
	if (d->json)
		gl_json_arr_end(&d->j);
}

static void dump_funcinfo(dumper *d, const gl_goobj *o, uint32_t i)
{
	gl_goobj_funcinfo fi;
	goload_err err = {0};
	if (gl_goobj_funcinfo_get(o, i, &fi, &err) < 0) {
		if (err.code != GOLOAD_E_NOTFOUND) {
			if (d->json)
				gl_json_kstr(&d->j, "funcinfo_error", err.msg);
			else
				fprintf(d->out, "    funcinfo error: %s\n", err.msg);
		}
		return;
	}
	const char *fid = fi.funcid >= 0 ? gl_funcid_names[fi.funcid] : "unknown";
	if (d->json) {
		gl_json_key(&d->j, "funcinfo");
		gl_json_obj_begin(&d->j);
		gl_json_ku64(&d->j, "args", fi.args);
		gl_json_ku64(&d->j, "locals", fi.locals);
		gl_json_kstr(&d->j, "funcid", fid);
		gl_json_ku64(&d->j, "funcid_raw", fi.funcid_raw);
		json_bits(&d->j, "funcflag", fi.funcflag, gl_funcflag_names, GL_ARRAY_LEN(gl_funcflag_names), 8);
		gl_json_ki64(&d->j, "startline", fi.startline);
		gl_json_key(&d->j, "files");
		gl_json_arr_begin(&d->j);
		for (uint32_t k = 0; k < fi.nfiles; k++) {
			uint32_t f = gl_goobj_funcinfo_file_at(&fi, k);
			if (f < gl_goobj_nfiles(o)) {
				gl_span s = gl_goobj_file_at(o, f);
				gl_json_strn(&d->j, (const char *)s.p, s.n);
			} else {
				gl_json_u64(&d->j, f);
			}
		}
		gl_json_arr_end(&d->j);
		gl_json_key(&d->j, "inltree");
		gl_json_arr_begin(&d->j);
		for (uint32_t k = 0; k < fi.ninl; k++) {
			gl_goobj_inl n = gl_goobj_funcinfo_inl_at(&fi, k);
			gl_json_obj_begin(&d->j);
			gl_json_ki64(&d->j, "parent", n.parent);
			gl_json_ku64(&d->j, "file", n.file);
			gl_json_ki64(&d->j, "line", n.line);
			gl_json_key(&d->j, "func");
			ref_json(d, o, n.func);
			gl_json_ki64(&d->j, "parent_pc", n.parent_pc);
			gl_json_obj_end(&d->j);
		}
		gl_json_arr_end(&d->j);
		gl_json_obj_end(&d->j);
		return;
	}
	fprintf(d->out, "    funcinfo args=%u locals=%u funcid=%s funcflag=", fi.args, fi.locals, fid);
	put_bits(d->out, fi.funcflag, gl_funcflag_names, GL_ARRAY_LEN(gl_funcflag_names), 8);
	fprintf(d->out, " startline=%d files=%u inltree=%u\n", fi.startline, fi.nfiles, fi.ninl);
	/* The pc tables and funcdata the function carries as aux symbols. */
	uint32_t afirst, na = gl_goobj_auxs(o, i, &afirst);
	for (uint32_t k = 0; k < na; k++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, afirst + k);
		if (a.type == GL_AUX_FUNCINFO || a.type == GL_AUX_GOTYPE)
			continue;
		fprintf(d->out, "      %s ", gl_aux_names[a.type] + 3);
		ref_text(d, o, a.sym);
		fprintf(d->out, " %s:%u %zu bytes\n", pkg_class(a.sym.pkg), a.sym.idx, gl_goobj_ref_data(o, a.sym).n);
	}
	for (uint32_t k = 0; k < fi.nfiles; k++) {
		uint32_t f = gl_goobj_funcinfo_file_at(&fi, k);
		gl_span s = f < gl_goobj_nfiles(o) ? gl_goobj_file_at(o, f) : gl_span_make("?", 1);
		fprintf(d->out, "      file %u %.*s\n", k, (int)s.n, (const char *)s.p);
	}
	for (uint32_t k = 0; k < fi.ninl; k++) {
		gl_goobj_inl n = gl_goobj_funcinfo_inl_at(&fi, k);
		fprintf(d->out, "      inl %u parent=%d file=%u line=%d parentpc=%d func=", k, n.parent, n.file, n.line,
			n.parent_pc);
		ref_text(d, o, n.func);
		fputc('\n', d->out);
	}
}

static void dump_sym(dumper *d, const gl_goobj *o, uint32_t i)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	bool def = i < gl_goobj_ndefs(o);
	uint32_t rfirst, nrel = def ? gl_goobj_relocs(o, i, &rfirst) : 0;
	bool fi = false;
	if (def && (d->what & GOLOAD_OBJDUMP_FUNCINFO)) {
		uint32_t afirst, na = gl_goobj_auxs(o, i, &afirst);
		for (uint32_t k = 0; k < na && !fi; k++)
			fi = gl_goobj_aux_at(o, afirst + k).type == GL_AUX_FUNCINFO;
	}
	bool want = (d->what & GOLOAD_OBJDUMP_SYMS) || ((d->what & GOLOAD_OBJDUMP_RELOCS) && nrel) || fi;
	if (!want)
		return;
	const char *kind = gl_sk_names[s.kind] + 1; /* "STEXT" -> "TEXT" */
	if (d->json) {
		gl_json_obj_begin(&d->j);
		gl_json_ku64(&d->j, "index", i);
		gl_json_kstr(&d->j, "class", class_names[s.cls]);
		gl_json_key(&d->j, "name");
		gl_json_strn(&d->j, s.name, s.namelen);
		gl_json_ku64(&d->j, "abi", s.abi);
		gl_json_kstr(&d->j, "kind", gl_sk_names[s.kind]);
		gl_json_ku64(&d->j, "kind_raw", s.kind_raw);
		gl_json_ku64(&d->j, "size", s.size);
		gl_json_ku64(&d->j, "align", s.align);
		json_bits(&d->j, "flags", s.flags, gl_sflag_names, GL_ARRAY_LEN(gl_sflag_names), 7);
		if (def) {
			gl_json_ku64(&d->j, "data_off", gl_goobj_data_off(o, i));
			gl_json_ku64(&d->j, "data_size", gl_goobj_data(o, i).n);
			uint32_t afirst, na = gl_goobj_auxs(o, i, &afirst);
			gl_json_key(&d->j, "aux");
			gl_json_arr_begin(&d->j);
			for (uint32_t k = 0; k < na; k++) {
				gl_goobj_aux a = gl_goobj_aux_at(o, afirst + k);
				gl_json_obj_begin(&d->j);
				gl_json_kstr(&d->j, "type", gl_aux_names[a.type] + 3);
				gl_json_key(&d->j, "sym");
				ref_json(d, o, a.sym);
				gl_json_obj_end(&d->j);
			}
			gl_json_arr_end(&d->j);
		}
		if (d->what & GOLOAD_OBJDUMP_RELOCS && def)
			dump_relocs(d, o, i);
		if (fi)
			dump_funcinfo(d, o, i);
		gl_json_obj_end(&d->j);
		return;
	}
	fprintf(d->out, "  %u %s %s ", i, class_names[s.cls], kind);
	sym_name_text(d->out, s);
	if (d->what & GOLOAD_OBJDUMP_SYMS) {
		fprintf(d->out, " abi=%u size=%u align=%u flags=", s.abi, s.size, s.align);
		put_bits(d->out, s.flags, gl_sflag_names, GL_ARRAY_LEN(gl_sflag_names), 7);
		if (def)
			fprintf(d->out, " data=0x%x+%zu", gl_goobj_data_off(o, i), gl_goobj_data(o, i).n);
	}
	fputc('\n', d->out);
	if ((d->what & GOLOAD_OBJDUMP_RELOCS) && nrel)
		dump_relocs(d, o, i);
	if (fi)
		dump_funcinfo(d, o, i);
}

static void dump_header(dumper *d, const gl_goobj *o)
{
	const gl_goobj_hdr *h = gl_goobj_header(o);
	const uint8_t *fp = gl_goobj_fingerprint(o);
	char fps[17];
	for (int k = 0; k < 8; k++)
		snprintf(fps + 2 * k, 3, "%02x", fp[k]);
	if (d->json) {
		gl_json_key(&d->j, "header");
		gl_json_strn(&d->j, (const char *)h->line.p, h->line.n);
		gl_json_kstr(&d->j, "go_version", h->go_version);
		gl_json_kstr(&d->j, "goos", h->goos);
		gl_json_kstr(&d->j, "goarch", h->goarch);
		gl_json_kstr(&d->j, "arch_level", h->arch_level);
		gl_json_kstr(&d->j, "experiments", h->experiments);
		gl_json_kstr(&d->j, "fingerprint", fps);
		json_bits(&d->j, "flags", gl_goobj_flags(o), gl_oflag_names, GL_ARRAY_LEN(gl_oflag_names), 7);
		gl_json_key(&d->j, "counts");
		gl_json_obj_begin(&d->j);
		for (int c = 0; c < 5; c++)
			gl_json_ku64(&d->j, class_names[c], gl_goobj_ncount(o, (gl_goobj_sclass)c));
		gl_json_ku64(&d->j, "relocs", gl_goobj_nrelocs_total(o));
		gl_json_obj_end(&d->j);
		gl_json_key(&d->j, "autolib");
		gl_json_arr_begin(&d->j);
		for (uint32_t k = 0; k < gl_goobj_nautolib(o); k++) {
			gl_goobj_autolib a = gl_goobj_autolib_at(o, k);
			char afp[17];
			for (int b = 0; b < 8; b++)
				snprintf(afp + 2 * b, 3, "%02x", a.fingerprint[b]);
			gl_json_obj_begin(&d->j);
			gl_json_key(&d->j, "pkg");
			gl_json_strn(&d->j, a.pkg, a.pkglen);
			gl_json_kstr(&d->j, "fingerprint", afp);
			gl_json_obj_end(&d->j);
		}
		gl_json_arr_end(&d->j);
		return;
	}
	fprintf(d->out, "  %.*s\n  fingerprint %s flags=", (int)h->line.n, (const char *)h->line.p, fps);
	put_bits(d->out, gl_goobj_flags(o), gl_oflag_names, GL_ARRAY_LEN(gl_oflag_names), 7);
	fprintf(d->out, " defs=%u (", gl_goobj_ndefs(o));
	for (int c = 0; c < 4; c++)
		fprintf(d->out, "%s%s %u", c ? ", " : "", class_names[c], gl_goobj_ncount(o, (gl_goobj_sclass)c));
	fprintf(d->out, ") refs=%u relocs=%u autolib=%u\n", gl_goobj_ncount(o, GL_GOOBJ_SC_NONPKGREF),
		gl_goobj_nrelocs_total(o), gl_goobj_nautolib(o));
}

int goload_objdump(const char *path, unsigned what, FILE *out, goload_err *err)
{
	return goload_objdump_cfg(path, what, NULL, out, err);
}

int goload_objdump_cfg(const char *path, unsigned what, const char *importcfg, FILE *out, goload_err *err)
{
	gl_goobj_deps *deps = NULL;
	int rc = 0;
	if (importcfg && ((rc = gl_goobj_deps_new(&deps, err)) || (rc = gl_goobj_deps_importcfg(deps, importcfg, err)))) {
		gl_goobj_deps_close(deps);
		return rc;
	}
	gl_file *f = NULL;
	if (!(rc = gl_file_open(path, &f, err)))
		rc = gl_goobj_dump_span(f->data, path, what, deps, out, err);
	gl_file_close(f);
	gl_goobj_deps_close(deps);
	return rc;
}

int gl_goobj_dump_span(gl_span data, const char *path, unsigned what, gl_goobj_deps *deps, FILE *out,
		       goload_err *err)
{
	gl_goobj_archive *a = NULL;
	int rc = gl_goobj_archive_open_span(data, path, &a, err);
	if (rc)
		return rc;
	dumper d = {.out = out, .json = (what & GOLOAD_OBJDUMP_JSON) != 0, .what = what,
		    .res = gl_goobj_deps_resolver(deps)};
	if (!(what & (GOLOAD_OBJDUMP_SYMS | GOLOAD_OBJDUMP_RELOCS | GOLOAD_OBJDUMP_FUNCINFO)))
		d.what |= GOLOAD_OBJDUMP_SYMS;
	if (d.json) {
		gl_json_init(&d.j, out, false);
		gl_json_obj_begin(&d.j);
		gl_json_kstr(&d.j, "file", path);
		gl_json_key(&d.j, "members");
		gl_json_arr_begin(&d.j);
	}
	for (size_t m = 0; m < gl_goobj_archive_nmembers(a) && !rc; m++) {
		const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
		gl_goobj *o = NULL;
		if (mem->kind == GL_GOOBJ_M_GO && (rc = gl_goobj_archive_open_member(a, m, &o, err)))
			break;
		if (d.json) {
			gl_json_obj_begin(&d.j);
			gl_json_kstr(&d.j, "name", mem->name);
			gl_json_kstr(&d.j, "kind", mkind_names[mem->kind]);
			gl_json_ku64(&d.j, "offset", mem->off);
			gl_json_ku64(&d.j, "size", mem->data.n);
		} else {
			fprintf(out, "%s(%s): %s, %zu bytes at 0x%" PRIx64 "\n", path, mem->name, mkind_names[mem->kind],
				mem->data.n, mem->off);
		}
		if (o) {
			dump_header(&d, o);
			if (d.json) {
				gl_json_key(&d.j, "symbols");
				gl_json_arr_begin(&d.j);
			}
			for (uint32_t i = 0; i < gl_goobj_nsyms(o); i++)
				dump_sym(&d, o, i);
			if (d.json)
				gl_json_arr_end(&d.j);
			gl_goobj_close(o);
		}
		if (d.json)
			gl_json_obj_end(&d.j);
	}
	if (d.json) {
		gl_json_arr_end(&d.j);
		gl_json_obj_end(&d.j);
		gl_json_finish(&d.j);
	}
	gl_goobj_archive_close(a);
	return rc;
}
