/*
 * Interface uses: what of a host type's method table the module's code
 * could reach, as the Go linker's dead-code pass reads it (cmd/link
 * deadcode.go): a method of a type converted to an interface is called
 * through its method table only by an interface call of its name
 * (R_USEIFACEMETHOD: the interface type and the method's offset in it;
 * R_USEGENERICIFACEMETHOD, R_USENAMEDMETHOD: the name), or by reflect
 * (functions flagged ReflectMethod: any exported method). Recorded during
 * resolve (note_iface_use), asked by Close of a module that filled the
 * host's dropped methods (goload_module_iface_use): another module with
 * none of these uses of the method cannot reach it through the host's
 * table, so it does not hold the filler open.
 */
#include "link/link_internal.h"

/* A runtime name (abi.Name): flag byte, uvarint length, bytes. */
static bool decode_name(const uint8_t *p, size_t n, const char **s, size_t *len)
{
	uint64_t l;
	size_t k = n > 1 ? gl_uvarint(p + 1, n - 1, &l) : 0;
	if (!k || l > n - 1 - k)
		return false;
	*s = (const char *)p + 1 + k;
	*len = (size_t)l;
	return true;
}

static bool add_name(goload_module *m, gl_strmap *set, const char *s, size_t n)
{
	bool existed;
	uint64_t v;
	if (gl_strmap_get(set, s, n, &v))
		return true;
	const char *k = keep(m, s, n);
	return k && gl_strmap_add(set, k, n, 1, &existed);
}

/* The method name at byte off of interface type def i of o (its Imethod's
 * name relocation), from the object's own name symbol. */
static bool obj_imethod_name(const gl_goobj *o, uint32_t i, int64_t off, const char **s, size_t *n)
{
	gl_goobj_reloc nr;
	if (off < 0 || !gl_goobj_reloc_at_off(o, i, (uint64_t)off, &nr) || gl_goobj_ref_is_nil(nr.sym))
		return false;
	gl_span d = gl_goobj_ref_data(o, nr.sym);
	return d.n && decode_name(d.p, d.n, s, n);
}

/* The same from the host's descriptor in memory: Imethod.Name is an
 * offset from the host's types. */
static bool host_imethod_name(goload_module *m, uint64_t t, int64_t off, const char **s, size_t *n)
{
	const struct gl_rttab *rt = m->host->rt;
	uint64_t md = gl_host_addr(m->host, "runtime.firstmoduledata"), types, etypes;
	if (!md || off < 0)
		return false;
	memcpy(&types, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_TYPES]), 8);
	memcpy(&etypes, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_ETYPES]), 8);
	/* (the descriptor and its Imethod within the host's types: an
	 * addend from a malformed object never reads outside them) */
	uint64_t at = t + (uint64_t)off + rt->imethod_off_name;
	if (t < types || at < t || at + 4 > etypes)
		return false;
	int32_t no;
	memcpy(&no, (const void *)(uintptr_t)at, 4);
	uint64_t a = types + (uint64_t)(int64_t)no;
	if (no < 0 || a >= etypes)
		return false;
	return decode_name((const uint8_t *)(uintptr_t)a, etypes - a, s, n);
}

static int any_use(goload_module *m, const char *why, const char *what, size_t n, goload_err *err)
{
	if (m->iface_any)
		return 0;
	char buf[512];
	snprintf(buf, sizeof buf, "%s %.*s", why, (int)(n < 400 ? n : 400), what);
	m->iface_any = keep(m, buf, strlen(buf));
	dbg(m, "interface uses: %s: any method of a host type may be called", buf);
	return m->iface_any ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
}

/* A type converted to an interface, and (as the Go linker marks them
 * UsedInIface) the types its descriptor reaches, when the module's
 * objects define it: code anywhere (the host's too) may call their
 * methods through an interface. Named by their linker names. */
static int note_iface_type(goload_module *m, const gl_goobj *o, gl_goobj_ref ref, goload_err *err)
{
	gl_goobj_symname nm = {0};
	gl_goobj_resolver res = {dep_object, m};
	uint64_t v;
	/* (not "type:.namedata…", "type:.importpath…": no types) */
	if (gl_goobj_ref_name(o, ref, &res, &nm, NULL) < 0 || nm.namelen < 6 || memcmp(nm.name, "type:", 5) ||
	    nm.name[5] == '.')
		return 0;
	if (gl_strmap_get(&m->ifacetypes, nm.name, nm.namelen, &v))
		return 0;
	if (!add_name(m, &m->ifacetypes, nm.name, nm.namelen))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	const gl_goobj *d = NULL;
	uint32_t local, id, first;
	if (gl_goobj_ref_local(o, ref, &local) && local < gl_goobj_ndefs(o))
		d = o;
	else if (find_named(m, nm.name, nm.namelen, 0, &id) && from_obj(gl_link_sym(m, id)))
		d = m->objs.v[gl_link_sym(m, id)->obj].o, local = gl_link_sym(m, id)->idx;
	if (!d)
		return 0;
	uint32_t n = gl_goobj_relocs(d, local, &first);
	for (uint32_t j = 0; j < n; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(d, first + j);
		if (r.type != GL_R_METHODOFF && !gl_goobj_ref_is_nil(r.sym) && note_iface_type(m, d, r.sym, err) < 0)
			return -err->code;
	}
	return 0;
}

int note_iface_use(goload_module *m, uint32_t oi, const gl_lsym *s, gl_goobj_reloc r, goload_err *err)
{
	const gl_goobj *o = m->objs.v[oi].o;
	const char *mn = NULL;
	size_t mnl = 0;
	uint32_t local;
	if (r.type == GL_R_USEGENERICIFACEMETHOD || r.type == GL_R_USENAMEDMETHOD) {
		/* The target's data is the method's name. */
		gl_span d = gl_goobj_ref_data(o, r.sym);
		if (!d.n)
			return any_use(m, "a method called by a name this object does not hold, in", s->name, strlen(s->name), err);
		return add_name(m, &m->ifacenames, (const char *)d.p, d.n) ? 0
									: gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	if (r.type == GL_R_USEIFACE)
		return note_iface_type(m, o, r.sym, err);
	if (r.type != GL_R_USEIFACEMETHOD)
		return 0;
	if (gl_goobj_ref_local(o, r.sym, &local) && local < gl_goobj_ndefs(o) && obj_imethod_name(o, local, r.add, &mn, &mnl))
		return add_name(m, &m->ifacenames, mn, mnl) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	/* An interface type defined elsewhere: the module's object that
	 * defines it, else the host's descriptor. */
	gl_goobj_symname nm = {0};
	gl_goobj_resolver res = {dep_object, m};
	if (gl_goobj_ref_name(o, r.sym, &res, &nm, NULL) < 0 || !nm.namelen)
		return any_use(m, "an interface call through an unnamed interface type, in", s->name, strlen(s->name), err);
	uint32_t id;
	if (find_named(m, nm.name, nm.namelen, 0, &id) && from_obj(gl_link_sym(m, id))) {
		const gl_lsym *t = gl_link_sym(m, id);
		if (obj_imethod_name(m->objs.v[t->obj].o, t->idx, r.add, &mn, &mnl))
			return add_name(m, &m->ifacenames, mn, mnl) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	uint64_t ht = gl_host_type(m->host, nm.name, nm.namelen);
	if (ht && host_imethod_name(m, ht, r.add, &mn, &mnl))
		return add_name(m, &m->ifacenames, mn, mnl) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	return any_use(m, "an interface call through", nm.name, nm.namelen, err);
}

int note_reflect_method(goload_module *m, const gl_lsym *s, goload_err *err)
{
	return any_use(m, "reflect's Method or MethodByName, in", s->name, strlen(s->name), err);
}

static bool type_name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
	       c == '/' || (unsigned char)c >= 0x80;
}

const char *goload_module_iface_use(const goload_module *m, const char *type, const char *method)
{
	uint64_t v;
	if (gl_strmap_get(&m->ifacenames, method, strlen(method), &v))
		return "calls it through an interface";
	if (m->iface_any)
		return m->iface_any;
	/* Its receiver type in an interface (in a composite type's name, or
	 * reached from a descriptor of the module's): host code may call it. */
	size_t tl = strlen(type);
	for (size_t i = 0; tl && i < m->ifacetypes.cap; i++) {
		const char *k = m->ifacetypes.t[i].key;
		size_t kl = m->ifacetypes.t[i].klen;
		for (size_t at = 5; k && at + tl <= kl; at++)
			if (!memcmp(k + at, type, tl) && !type_name_byte(k[at - 1]) && (at + tl == kl || !type_name_byte(k[at + tl])))
				return "puts it in an interface";
	}
	return NULL;
}
