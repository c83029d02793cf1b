#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dl_iterate_phdr */
#endif
#include "link/host.h"

#include "versions/versions.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

static int main_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	GL_UNUSED(size);
	/* The first object dl_iterate_phdr reports is the main executable. */
	*(uint64_t *)data = info->dlpi_addr;
	return 1;
}

const gl_elf_sym *gl_host_elfsym(const goload_host *h, const char *name)
{
	uint64_t i;
	if (!gl_strmap_get(&h->byname, name, strlen(name), &i))
		return NULL;
	return &h->elf->syms[i];
}

uint64_t gl_host_addr(const goload_host *h, const char *name)
{
	const gl_elf_sym *s = gl_host_elfsym(h, name);
	return s ? s->value + h->bias : 0;
}

int goload_host_sym(const goload_host *h, const char *name, uint64_t *addr, goload_err *err)
{
	uint64_t a = gl_host_addr(h, name);
	if (!a)
		return gl_err(err, GOLOAD_E_NOTFOUND, "host %s: no symbol %s", h->file->path, name);
	*addr = a;
	return 0;
}

const char *goload_host_goversion(const goload_host *h) { return h->goversion; }

/* runtime.g's slot relative to %fs. Internally linked hosts use Go's fixed
 * -8; externally linked ones (every cgo host using this package) place the
 * TLS variable runtime.tlsg in the executable's TLS block, which on x86-64
 * (variant II) ends at the thread pointer. */
static int32_t host_tls_g(const goload_host *h)
{
	const gl_elf_sym *tlsg = gl_host_elfsym(h, "runtime.tlsg");
	const gl_elf_seg *tls = gl_elf_seg_find(h->elf, GL_PT_TLS);
	if (!tlsg || !tls || tlsg->type != GL_STT_TLS)
		return -8;
	uint64_t align = tls->align ? tls->align : 1;
	uint64_t size = (tls->memsz + align - 1) / align * align;
	return (int32_t)((int64_t)tlsg->value - (int64_t)size);
}

/* runtime.buildVersion is a Go string header in the live image. */
static void host_version(goload_host *h)
{
	uint64_t a = gl_host_addr(h, "runtime.buildVersion");
	h->goversion[0] = 0;
	if (!a)
		return;
	const char *p = *(const char *const *)(uintptr_t)a;
	uint64_t n = *(const uint64_t *)(uintptr_t)(a + 8);
	if (!p || n >= sizeof h->goversion)
		return;
	memcpy(h->goversion, p, n);
	h->goversion[n] = 0;
}

int goload_host_open(goload_host **out, goload_err *err)
{
	*out = NULL;
	goload_host *h = calloc(1, sizeof *h);
	if (!h)
		return gl_err(err, GOLOAD_E_NOMEM, "host: out of memory");
	int rc = gl_file_open("/proc/self/exe", &h->file, err);
	if (rc < 0)
		goto fail;
	rc = gl_elf_open(h->file->data, "/proc/self/exe", &h->elf, err);
	if (rc < 0)
		goto fail;
	if (h->elf->machine != GL_EM_X86_64) {
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "host /proc/self/exe: machine %s: loading supports amd64 only",
			    gl_elf_machine_name(h->elf->machine));
		goto fail;
	}
	if (h->elf->nsyms == 0) {
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED,
			    "host /proc/self/exe has no symbol table (built with -ldflags=-s?): loading into stripped hosts is not supported yet");
		goto fail;
	}
	for (size_t i = 0; i < h->elf->nsyms; i++) {
		const gl_elf_sym *s = &h->elf->syms[i];
		if (!s->name[0] || s->type == GL_STT_FILE || s->type == GL_STT_SECTION)
			continue;
		bool existed;
		if (!gl_strmap_add(&h->byname, s->name, strlen(s->name), i, &existed)) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "host: out of memory indexing symbols");
			goto fail;
		}
	}
	if (h->elf->etype == GL_ET_DYN)
		dl_iterate_phdr(main_bias, &h->bias);
	h->tls_g = host_tls_g(h);
	host_version(h);
	h->minor = gl_go_minor(h->goversion);
	h->rt = gl_rttab_for(h->minor);
	h->obj = gl_objtab_for(h->minor);
	*out = h;
	return 0;
fail:
	goload_host_close(h);
	return rc;
}

void goload_host_close(goload_host *h)
{
	if (!h)
		return;
	gl_strmap_free(&h->byname);
	gl_strmap_free(&h->types);
	for (size_t i = 0; i < h->typenames.len; i++)
		free(h->typenames.v[i]);
	GL_VEC_FREE(&h->typenames);
	gl_elf_close(h->elf);
	gl_file_close(h->file);
	free(h);
}
