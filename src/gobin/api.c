/* The public inspect API (include/goload.h): a thin face over gobin. */
#include "gobin/gobin.h"

#include <string.h>

static gl_gobin *G(const goload_image *img) { return (gl_gobin *)(uintptr_t)img; }

int goload_image_open(const char *path, goload_image **out, goload_err *err)
{
	if (!path || !out)
		return gl_err(err, GOLOAD_E_INVAL, "goload_image_open: NULL argument");
	return gl_gobin_open_path(path, (gl_gobin **)out, err);
}

int goload_image_open_self(goload_image **out, goload_err *err)
{
	if (!out)
		return gl_err(err, GOLOAD_E_INVAL, "goload_image_open_self: NULL argument");
	return gl_gobin_open_self((gl_gobin **)out, err);
}

void goload_image_close(goload_image *img) { gl_gobin_close(G(img)); }

void goload_image_get_info(const goload_image *img, goload_image_info *out)
{
	const gl_gobin_info *in = gl_gobin_get_info(G(img));
	memset(out, 0, sizeof *out);
	out->go_version = in->go_version;
	out->go_minor = in->minor;
	out->runtime_layout = in->rt->name;
	out->arch = in->goarch;
	out->buildmode = gl_buildmode_name(in->buildmode);
	out->external_link = in->external_link;
	out->stripped = in->stripped;
	out->has_sections = in->has_sections;
	out->pclntab_version = in->pcln_version;
	out->moduledata = in->md_va;
	out->pclntab = in->pclntab_va;
	out->load_bias = gl_gobin_bias(G(img));
	out->nfuncs = in->nfuncs;
}

size_t goload_image_nfuncs(const goload_image *img) { return gl_gobin_nfuncs(G(img)); }

int goload_image_func(const goload_image *img, size_t i, goload_func *out, goload_err *err)
{
	gl_gobin_func f;
	int32_t line;
	int rc = gl_gobin_func_at(G(img), i, &f, err);
	if (!rc)
		rc = gl_gobin_func_size(G(img), &f, &out->size, err);
	if (!rc)
		rc = gl_gobin_func_line(G(img), &f, f.entry, &out->file, &line, err);
	if (rc)
		return rc;
	out->name = f.name;
	out->entry = f.entry;
	out->start_line = f.start_line ? f.start_line : line;
	out->funcid = f.funcid;
	out->flag = f.flag;
	return 0;
}

int goload_image_pc_frames(const goload_image *img, uint64_t pc, goload_frame *frames, size_t max,
			   goload_err *err)
{
	gl_gobin_frame fr[32];
	int n = gl_gobin_pc_frames(G(img), pc, fr, GL_ARRAY_LEN(fr), err);
	if (n < 0)
		return n;
	if (n > (int)GL_ARRAY_LEN(fr))
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "pc 0x%llx: inline chain deeper than %zu frames",
			      (unsigned long long)pc, GL_ARRAY_LEN(fr));
	for (int i = 0; i < n && (size_t)i < max; i++) {
		frames[i].func = fr[i].func;
		frames[i].file = fr[i].file;
		frames[i].line = fr[i].line;
		frames[i].inlined = fr[i].inlined;
	}
	return n;
}

int goload_image_symbol(goload_image *img, const char *name, uint64_t *addr, goload_err *err)
{
	if (!name || !addr)
		return gl_err(err, GOLOAD_E_INVAL, "goload_image_symbol: NULL argument");
	return gl_gobin_sym_addr(G(img), name, addr, err);
}
