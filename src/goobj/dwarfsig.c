/*
 * A function's Go signature from the DWARF info the compiler attaches to
 * it (AuxDwarfInfo). Objects record no Go type for functions, but the
 * subprogram DIE lists each parameter as a DW_TAG_formal_parameter child:
 * DW_AT_variable_parameter says parameter (0) or result (1), DW_AT_type is
 * an R_DWARFSECREF to the symbol "go:info.<linker type name>". The
 * compiler sorts them in declaration order, receiver first
 * (cmd/compile/internal/dwarfgen sortDeclsAndVars).
 *
 * A function inlined somewhere in its package is a concrete DIE whose
 * parameters only point (DW_AT_abstract_origin) at the abstract function
 * DIE ("go:info.F$abstract"), which carries the names and types: that one
 * is read instead.
 *
 * Abbrev codes index the compiler's own table of that Go version
 * (versions/dwarf_tables.h); the pc pseudo-forms depend on DWARF 5.
 */
#include "goobj/goobj.h"

#include "versions/dwarf_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dwsym {
	const gl_goobj *o;
	const char *what; /* for messages: the function's name */
	uint32_t idx;     /* local index of the DWARF symbol */
	gl_span data;
	const struct gl_dwtab *tab;
	bool dwarf5;
} dwsym;

static bool reloc_at(const dwsym *d, size_t off, gl_goobj_reloc *out)
{
	return gl_goobj_reloc_at_off(d->o, d->idx, off, out);
}

static int bad(const dwsym *d, size_t off, const char *why, goload_err *err)
{
	return gl_err(err, GOLOAD_E_FORMAT, "%s: DWARF info of %s (symbol %u): %s at offset %zu", gl_goobj_name(d->o),
		      d->what, d->idx, why, off);
}

/* Skips one attribute value of form `form`. */
static int skip_form(const dwsym *d, gl_rd *r, uint16_t form, goload_err *err)
{
	size_t at = r->pos;
	gl_goobj_reloc rel;
	switch (form) {
	case GL_DW_FORM_lo_pc_pseudo:
		form = d->dwarf5 ? GL_DW_FORM_addrx : GL_DW_FORM_addr;
		break;
	case GL_DW_FORM_hi_pc_pseudo:
		form = d->dwarf5 ? GL_DW_FORM_udata : GL_DW_FORM_addr;
		break;
	case GL_DW_FORM_udata_pseudo: /* data4 only on darwin/ios */
		form = strcmp(gl_goobj_header(d->o)->goos, "darwin") && strcmp(gl_goobj_header(d->o)->goos, "ios")
			       ? GL_DW_FORM_udata
			       : GL_DW_FORM_data4;
		break;
	default:
		break;
	}
	switch (form) {
	case GL_DW_FORM_flag_present:
		break;
	case GL_DW_FORM_data1:
	case GL_DW_FORM_flag:
		gl_rd_skip(r, 1);
		break;
	case GL_DW_FORM_data2:
		gl_rd_skip(r, 2);
		break;
	case GL_DW_FORM_data4:
	case GL_DW_FORM_ref_addr:
	case GL_DW_FORM_sec_offset:
		gl_rd_skip(r, 4);
		break;
	case GL_DW_FORM_addr:
	case GL_DW_FORM_data8:
		gl_rd_skip(r, 8);
		break;
	case GL_DW_FORM_udata:
	case GL_DW_FORM_sdata:
		gl_rd_uvarint(r);
		break;
	case GL_DW_FORM_addrx:
		/* A fixed-width placeholder the linker fills (R_DWTXTADDR_U1..U4). */
		if (reloc_at(d, at, &rel))
			gl_rd_skip(r, rel.siz);
		else
			gl_rd_uvarint(r);
		break;
	case GL_DW_FORM_string:
		while (gl_rd_ok(r) && gl_rd_u8(r))
			;
		break;
	case GL_DW_FORM_block1:
		gl_rd_skip(r, gl_rd_u8(r));
		break;
	case GL_DW_FORM_block2:
		gl_rd_skip(r, gl_rd_u16(r));
		break;
	case GL_DW_FORM_block4:
		gl_rd_skip(r, gl_rd_u32(r));
		break;
	case GL_DW_FORM_block:
	case GL_DW_FORM_exprloc:
		gl_rd_skip(r, (size_t)gl_rd_uvarint(r));
		break;
	default:
		return bad(d, at, "unsupported attribute form", err);
	}
	return gl_rd_ok(r) ? 0 : bad(d, at, "attribute value runs past the end", err);
}

static const struct gl_dwabbrev *abbrev(const dwsym *d, gl_rd *r, uint64_t *code, goload_err *err)
{
	size_t at = r->pos;
	*code = gl_rd_uvarint(r);
	if (!gl_rd_ok(r)) {
		bad(d, at, "truncated abbrev code", err);
		return NULL;
	}
	if (*code >= d->tab->nabbrev) {
		bad(d, at, "abbrev code out of range", err);
		return NULL;
	}
	return &d->tab->abbrev[*code];
}

/* What the signature needs of a DIE's attributes. */
typedef struct die {
	size_t type_off; /* offset of the DW_AT_type value, SIZE_MAX when absent */
	size_t origin;   /* offset of the DW_AT_abstract_origin value, or SIZE_MAX */
	int vp;          /* DW_AT_variable_parameter */
	const char *name;
	size_t namelen;
} die;

/* Reads the attributes of a DIE into *v. */
static int read_attrs(const dwsym *d, gl_rd *r, const struct gl_dwabbrev *a, die *v, goload_err *err)
{
	size_t *type_off = &v->type_off, *origin = &v->origin;
	int *vp = &v->vp;
	*type_off = *origin = SIZE_MAX;
	*vp = 0;
	v->name = NULL;
	v->namelen = 0;
	for (uint8_t k = 0; k < a->nattr; k++) {
		if (a->attr[k].at == GL_DW_AT_name && a->attr[k].form == GL_DW_FORM_string)
			v->name = gl_cstr_at(r->s, r->pos, &v->namelen);
		if (a->attr[k].at == GL_DW_AT_type)
			*type_off = r->pos;
		if (a->attr[k].at == GL_DW_AT_abstract_origin)
			*origin = r->pos;
		if (a->attr[k].at == GL_DW_AT_variable_parameter && a->attr[k].form == GL_DW_FORM_flag) {
			uint8_t b;
			if (gl_u8_at(r->s, r->pos, &b))
				*vp = b;
		}
		int rc = skip_form(d, r, a->attr[k].form, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Skips the children of a DIE (up to and including the 0 that ends them). */
static int skip_children(const dwsym *d, gl_rd *r, int depth, goload_err *err)
{
	if (depth > 64)
		return bad(d, r->pos, "DIEs nested too deep", err);
	for (;;) {
		uint64_t code;
		const struct gl_dwabbrev *a = abbrev(d, r, &code, err);
		if (!a)
			return -1;
		if (!code)
			return 0;
		die v;
		int rc = read_attrs(d, r, a, &v, err);
		if (rc == 0 && a->children)
			rc = skip_children(d, r, depth + 1, err);
		if (rc < 0)
			return rc;
	}
}

/* The experiment set of the header line overrides the version's default. */
static bool dwarf5(const gl_goobj *o, const struct gl_dwtab *tab)
{
	for (const char *p = gl_goobj_header(o)->experiments; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 6 && !memcmp(p, "dwarf5", 6))
			return true;
		if (n == 8 && !memcmp(p, "nodwarf5", 8))
			return false;
		p += n + (p[n] == ',');
	}
	return tab->dwarf5;
}

/* The DWARF symbol a ref names, when this object defines it. */
static bool open_sym(const gl_goobj *o, gl_goobj_ref ref, dwsym *d)
{
	uint32_t local;
	if (!gl_goobj_ref_local(o, ref, &local) || local >= gl_goobj_ndefs(o))
		return false;
	d->idx = local;
	d->data = gl_goobj_data(o, local);
	return true;
}

/* The linker type name a DW_AT_type reference names: a type DIE symbol
 * ("go:info.T"), or a DIE of this object's own DWARF (a generic function's
 * type parameter, a DW_TAG_typedef of its type argument) to follow. */
static int type_name(const dwsym *from, gl_goobj_reloc rel, const gl_goobj_resolver *res, gl_goobj_symname *nm,
		     int depth, goload_err *err)
{
	const gl_goobj *o = from->o;
	if (gl_goobj_ref_name(o, rel.sym, res, nm, err) < 0)
		return -1;
	size_t pl = strlen(from->tab->info_prefix);
	if (nm->namelen > pl && !memcmp(nm->name, from->tab->info_prefix, pl)) {
		nm->name += pl;
		nm->namelen -= pl;
		return 0;
	}
	dwsym d = *from;
	if (depth > 8 || !open_sym(o, rel.sym, &d) || rel.add < 0)
		return bad(from, (size_t)rel.off, "parameter type is not a type DIE", err);
	gl_rd r = gl_rd_make(d.data, (size_t)rel.add);
	uint64_t code;
	const struct gl_dwabbrev *a = abbrev(&d, &r, &code, err);
	die v;
	if (!a || read_attrs(&d, &r, a, &v, err) < 0)
		return -1;
	if (v.type_off == SIZE_MAX || !reloc_at(&d, v.type_off, &rel))
		return bad(&d, (size_t)rel.add, "referenced DIE has no type", err);
	return type_name(&d, rel, res, nm, depth + 1, err);
}

int gl_goobj_func_sig(const gl_goobj *o, uint32_t i, const gl_goobj_resolver *res, gl_goobj_sig_fn fn, void *ctx,
		      goload_err *err)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	dwsym d = {.o = o, .tab = gl_dwtab_for(gl_goobj_header(o)->minor)};
	char what[256];
	snprintf(what, sizeof what, "%.*s", (int)(s.namelen < 200 ? s.namelen : 200), s.name);
	d.what = what;
	if (!d.tab)
		return gl_err(err, GOLOAD_E_VERSION, "%s: no DWARF abbrev table for Go 1.%d", gl_goobj_name(o),
			      gl_goobj_header(o)->minor);
	d.dwarf5 = dwarf5(o, d.tab);
	uint32_t first, na = gl_goobj_auxs(o, i, &first);
	bool found = false;
	for (uint32_t j = 0; j < na && !found; j++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + j);
		found = a.type == GL_AUX_DWARFINFO && open_sym(o, a.sym, &d);
	}
	if (!found)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: %s has no DWARF info", gl_goobj_name(o), what);
	gl_rd r = gl_rd_make(d.data, 0);
	uint64_t code;
	const struct gl_dwabbrev *a = abbrev(&d, &r, &code, err);
	if (!a)
		return -1;
	if (a->tag != GL_DW_TAG_subprogram)
		return bad(&d, 0, "not a subprogram DIE", err);
	die v;
	if (read_attrs(&d, &r, a, &v, err) < 0)
		return -1;
	/* Compiler-generated wrappers name their receiver ".this" and unnamed
	 * parameters ".anon<n>" (cmd/compile/internal/noder newWrapperType),
	 * and the DWARF leaves dotted names out: no signature for them. */
	for (uint8_t k = 0; k < a->nattr; k++)
		if (a->attr[k].at == GL_DW_AT_trampoline)
			return gl_err(err, GOLOAD_E_NOTFOUND, "%s: %s is a compiler-generated wrapper: its DWARF may leave out parameters",
				      gl_goobj_name(o), what);
	/* A result kept in registers can be listed twice (once through the
	 * abstract function, once from the register outputs): names are
	 * unique among parameters ("_" ones are not listed). */
	GL_VEC(gl_span) seen = {0};
	int rc = 0;
	for (bool kids = a->children; kids;) {
		size_t at = r.pos;
		a = abbrev(&d, &r, &code, err);
		if (!a) {
			rc = -1;
			break;
		}
		if (!code)
			break;
		if (read_attrs(&d, &r, a, &v, err) < 0 || (a->children && skip_children(&d, &r, 1, err) < 0)) {
			rc = -1;
			break;
		}
		if (a->tag != GL_DW_TAG_formal_parameter)
			continue;
		/* A concrete parameter of an inlined function: the abstract
		 * one (another symbol of this object) has its name and type. */
		dwsym ad = d;
		gl_goobj_reloc rel;
		if (v.origin != SIZE_MAX) {
			if (!reloc_at(&d, v.origin, &rel) || !open_sym(o, rel.sym, &ad) || rel.add < 0) {
				rc = bad(&d, v.origin, "abstract origin is not a DIE this object defines", err);
				break;
			}
			gl_rd ar = gl_rd_make(ad.data, (size_t)rel.add);
			const struct gl_dwabbrev *aa = abbrev(&ad, &ar, &code, err);
			if (!aa || read_attrs(&ad, &ar, aa, &v, err) < 0) {
				rc = -1;
				break;
			}
			at = (size_t)rel.add;
		}
		bool dup = false;
		for (size_t k = 0; k < seen.len && v.name; k++)
			dup = dup || (seen.v[k].n == v.namelen && !memcmp(seen.v[k].p, v.name, v.namelen));
		if (dup)
			continue;
		if (v.name && !GL_VEC_PUSH(&seen, gl_span_make(v.name, v.namelen))) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", gl_goobj_name(o));
			break;
		}
		gl_goobj_symname nm;
		if (v.type_off == SIZE_MAX || !reloc_at(&ad, v.type_off, &rel)) {
			rc = bad(&ad, at, "parameter without a type reference", err);
			break;
		}
		if ((rc = type_name(&ad, rel, res, &nm, 0, err)) < 0)
			break;
		fn(ctx, v.vp != 0, nm.name, nm.namelen);
	}
	GL_VEC_FREE(&seen);
	return rc;
}
