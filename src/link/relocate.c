/*
 * Stage 5, relocate.
 *
 * Takes the mapped module, every symbol's content copied in; applies every
 * relocation of every loaded symbol (absolute addresses, PC-relative calls
 * and loads, TLS, type and method offsets, sizes, constants), counted by
 * type in m->nrel. Fails naming the symbol on a relocation it cannot
 * express exactly (out of reach, an unknown type or size).
 */
#include "link/link_internal.h"

int apply_relocs(goload_module *m, goload_err *err)
{
	const struct gl_objtab *ot = gl_goobj_tab(m->objs.v[0].o);
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s))
			continue;
		gl_lobj *lo = &m->objs.v[s->obj];
		uint32_t first, n = gl_goobj_relocs(lo->o, s->idx, &first);
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, first + j);
			if (is_marker(r.type))
				continue;
			if (r.off < 0 || (uint64_t)r.off + r.siz > s->size) {
				return gl_err(err, GOLOAD_E_FORMAT, "%s: relocation %u at +%d size %u is outside the %u-byte symbol",
					      s->name, j, r.off, r.siz, s->size);
			}
			uint64_t P = s->addr + (uint64_t)r.off;
			uint8_t *site = mem_at(m, P);
			gl_lsym *t = NULL;
			if (!gl_goobj_ref_is_nil(r.sym)) {
				gl_goobj_symname nm;
				uint32_t ti = resolve(m, s->obj, r.sym, &nm, NULL);
				s = gl_link_sym(m, si); /* resolve may grow the symbol table */
				t = ti == NOSYM ? NULL : gl_link_sym(m, ti);
			}
			uint64_t S = t ? (t->alias ? t->alias : t->addr) : 0;
			int64_t v;
			char nb[64];
			switch (r.type) {
			case GL_R_ADDR:
				if (!t && !r.weak && !optional_type_ref(m, s, r.off))
					goto unresolved;
				v = t ? (int64_t)(S + (uint64_t)r.add) : 0;
				break;
			case GL_R_CALL:
			case GL_R_PCREL:
				if (!t)
					goto unresolved;
				v = (int64_t)(S + (uint64_t)r.add - (P + r.siz));
				if (v != (int32_t)v)
					return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: %s to %s is %lld bytes away (more than ±2 GiB)",
						      s->name, r.off, r.type == GL_R_CALL ? "call" : "PC-relative reference",
						      t->name, (long long)v);
				break;
			case GL_R_TLS_LE: {
				int32_t tg = 0;
				if (gl_host_tls_g(m->host, &tg, err) < 0)
					return gl_err_prefix(err, "%s+%d: R_TLS_LE", s->name, r.off);
				v = tg + r.add;
				break;
			}
			case GL_R_ADDROFF:
			case GL_R_METHODOFF:
				if (s->dropped) {
					v = 0;
					break;
				}
				if (t && t->host && t->tramp > 1)
					t = gl_link_sym(m, t->tramp);
				if (!t || t->host) {
					if (r.type == GL_R_METHODOFF && !t) {
						v = -1; /* unreachable method */
						break;
					}
					if (r.weak && !t) {
						v = 0;
						break;
					}
					return gl_err(err, GOLOAD_E_UNSUPPORTED,
						      "%s+%d: offset relocation to %s, which is not in this module", s->name, r.off,
						      t ? t->name : "(nothing)");
				}
				if (t->sect == SECT_TEXT)
					v = (int64_t)(t->addr - m->sect_addr[SECT_TEXT]) + r.add;
				else
					v = (int64_t)(t->addr - m->sect_addr[SECT_RODATA]) + r.add;
				break;
			case GL_R_SIZE:
				if (!t)
					goto unresolved;
				v = (int64_t)t->size + r.add;
				break;
			case GL_R_CONST:
				v = r.add;
				break;
			case GL_R_GOTPCREL: /* -dynlink: a GOT word (cobj.c) */
			case GL_R_TLS_IE: {
				int32_t tg = 0;
				if (r.type == GL_R_TLS_IE && gl_host_tls_g(m->host, &tg, err) < 0)
					return gl_err_prefix(err, "%s+%d: R_TLS_IE", s->name, r.off);
				if (r.type == GL_R_GOTPCREL && !t)
					goto unresolved;
				uint64_t w = cobj_go_got(m, r.type == GL_R_TLS_IE ? (uint64_t)(int64_t)tg : S);
				if (!w)
					return gl_err(err, GOLOAD_E_INTERNAL, "%s+%d: no GOT word left", s->name, r.off);
				/* R_TLS_IE's addend (-4) is ELF's, for the external
				 * linker: cmd/link ignores it too. */
				v = (int64_t)(w + (r.type == GL_R_TLS_IE ? 0 : (uint64_t)r.add) - (P + r.siz));
				if (v != (int32_t)v)
					return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: GOT word out of reach", s->name, r.off);
				break;
			}
			default:
#if defined(__aarch64__)
			{
				int h = t ? gl_link_reloc_arm64(r.type, r.siz, P, S, r.add, site, s->name, r.off, t->name, err)
					  : 0;
				if (h < 0)
					return h;
				if (h > 0) {
					m->nrel[r.type < 64 ? r.type : 63]++;
					continue;
				}
			}
#endif
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: relocation type %s (size %u) is not supported",
					      s->name, r.off, gl_objtab_reloc_name(ot, r.type_raw, nb, sizeof nb), r.siz);
			}
			if (r.siz == 8)
				memcpy(site, &v, 8);
			else if (r.siz == 4) {
				int32_t v32 = (int32_t)v;
				memcpy(site, &v32, 4);
			} else
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: relocation of %u bytes", s->name, r.off, r.siz);
			m->nrel[r.type < 64 ? r.type : 63]++;
			continue;
unresolved:
			return gl_err(err, GOLOAD_E_INTERNAL, "%s+%d: unresolved relocation target", s->name, r.off);
		}
	}
	return 0;
}
