#include "link/host.h"

#include "recover/recover.h"
#include "versions/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

/* The symbol's link-time record: the image's index first (.symtab, else
 * pclntab functions), then what recovery found in a stripped host. */
static bool host_find(const goload_host *h, const char *name, uint64_t *va, uint64_t *size)
{
	size_t n = strlen(name);
	gl_gobin_sym s;
	if (gl_gobin_sym_lookup(h->img, name, n, &s) && s.kind != 'U') {
		*va = s.addr;
		*size = s.size;
		return true;
	}
	uint64_t i;
	if (!h->recovered || !gl_strmap_get(&h->recmap, name, n, &i))
		return false;
	*va = h->recsyms.v[i].addr;
	*size = h->recsyms.v[i].size;
	return true;
}

uint64_t gl_host_addr(const goload_host *h, const char *name)
{
	uint64_t va, size;
	return h && host_find(h, name, &va, &size) ? va + h->bias : 0;
}

uint64_t gl_host_size(const goload_host *h, const char *name)
{
	uint64_t va, size;
	return host_find(h, name, &va, &size) ? size : 0;
}

const char *gl_host_missing_note(const goload_host *h)
{
	if (!h || !h->stripped)
		return "";
	return h->recovered ? " (stripped with -s: its data symbols were recovered from its packages' objects, and these were not)"
		      : " (stripped with -s: it has no symbol table and its data symbols were not recovered)";
}

int goload_host_sym(const goload_host *h, const char *name, uint64_t *addr, goload_err *err)
{
	uint64_t a = gl_host_addr(h, name);
	if (!a)
		return gl_err(err, GOLOAD_E_NOTFOUND, "host %s%s: no symbol %s", gl_gobin_get_info(h->img)->what,
			      gl_host_missing_note(h), name);
	*addr = a;
	return 0;
}

static size_t orig_find(const goload_host *h, uint64_t at)
{
	size_t lo = 0, hi = h->origs.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->origs.v[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool gl_host_orig_known(const goload_host *h, uint64_t at)
{
	size_t i = orig_find(h, at);
	return i < h->origs.len && h->origs.v[i].at == at;
}

uint64_t gl_host_orig_value(const goload_host *h, uint64_t at, size_t n)
{
	size_t i = orig_find(h, at);
	if (i < h->origs.len && h->origs.v[i].at == at)
		return h->origs.v[i].old;
	uint64_t v = 0;
	memcpy(&v, (const void *)(uintptr_t)at, n);
	return v;
}

bool gl_host_orig_add(goload_host *h, uint64_t at, uint64_t old)
{
	size_t i = orig_find(h, at);
	if (i < h->origs.len && h->origs.v[i].at == at)
		return true;
	gl_host_orig o = {at, old};
	if (!GL_VEC_PUSH(&h->origs, o))
		return false;
	memmove(&h->origs.v[i + 1], &h->origs.v[i], (h->origs.len - 1 - i) * sizeof o);
	h->origs.v[i] = o;
	return true;
}

const char *goload_host_goversion(const goload_host *h) { return h->goversion; }

const char *goload_host_build_setting(const goload_host *h, const char *key)
{
	return gl_gobin_build_setting(h->img, key);
}

int gl_host_memfd(goload_host *h)
{
	int pid = (int)getpid();
	if (h->memfd_pid != pid) {
		if (h->memfd_pid && h->memfd >= 0)
			close(h->memfd);
		h->memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
		h->memfd_pid = pid;
	}
	return h->memfd;
}

bool goload_host_has_funcs_of(const goload_host *h, const char *pkgpath)
{
	size_t n = strlen(pkgpath);
	for (size_t i = 0; i < gl_gobin_nfuncs(h->img); i++) {
		gl_gobin_func f;
		goload_err e;
		if (gl_gobin_func_at(h->img, i, &f, &e) == 0 && !strncmp(f.name, pkgpath, n) && f.name[n] == '.')
			return true;
	}
	return false;
}

void gl_host_range(const goload_host *h, uint64_t *lo, uint64_t *hi)
{
	const gl_elf *e = gl_gobin_elf(h->img);
	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type != GL_PT_LOAD)
			continue;
		if (s->vaddr + h->bias < *lo)
			*lo = s->vaddr + h->bias;
		if (s->vaddr + s->memsz + h->bias > *hi)
			*hi = s->vaddr + s->memsz + h->bias;
	}
}

/* runtime.g's slot relative to %fs. Internally linked hosts use Go's fixed
 * -8; externally linked ones (every cgo host using this package) place the
 * TLS variable runtime.tlsg in the executable's TLS block, which on x86-64
 * (variant II) ends at the thread pointer. A TLS symbol's value is its
 * offset inside PT_TLS. */
static void host_tls_g(goload_host *h)
{
	gl_gobin_sym tlsg;
	bool has = gl_gobin_sym_lookup(h->img, "runtime.tlsg", 12, &tlsg);
	const gl_elf_seg *tls = gl_elf_seg_find(gl_gobin_elf(h->img), GL_PT_TLS);
	h->tls_g = -8;
	h->tls_known = !gl_gobin_get_info(h->img)->external_link;
	if (!has || !tls || tlsg.kind == 'U' || tlsg.addr >= tls->memsz)
		return;
	uint64_t align = tls->align ? tls->align : 1;
	uint64_t size = (tls->memsz + align - 1) / align * align;
	h->tls_g = (int32_t)((int64_t)tlsg.addr - (int64_t)size);
	h->tls_known = true;
}

int gl_host_tls_g(const goload_host *h, int32_t *off, goload_err *err)
{
	if (!h->tls_known)
		return gl_err(err, GOLOAD_E_NOTFOUND,
			      "host %s: externally linked without runtime.tlsg%s: runtime.g's thread-local offset is unknown",
			      gl_gobin_get_info(h->img)->what, h->stripped ? " (stripped)" : "");
	*off = h->tls_g;
	return 0;
}

/* runtime.buildVersion is a Go string header in the live image; a host
 * whose data symbols are not known yet has the same in its buildinfo. */
static void host_version(goload_host *h)
{
	uint64_t a = gl_host_addr(h, "runtime.buildVersion");
	const char *p = NULL;
	uint64_t n = 0;
	if (a) {
		p = *(const char *const *)(uintptr_t)a;
		n = *(const uint64_t *)(uintptr_t)(a + 8);
	} else {
		p = gl_gobin_get_info(h->img)->go_version;
		n = p ? strlen(p) : 0;
	}
	if (!p || n >= sizeof h->goversion)
		return;
	memcpy(h->goversion, p, n);
	h->goversion[n] = 0;
	h->minor = gl_go_minor(h->goversion);
	h->rt = gl_rttab_for(h->minor);
	h->obj = gl_objtab_for(h->minor);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Keeps what r found: the archives it matched against are mapped, and
 * their pages would stay resident for the life of the process. */
static int keep_recovered(goload_host *h, const gl_recover *r, goload_err *err)
{
	size_t n = gl_recover_nsyms(r);
	for (size_t i = 0; i < n; i++) {
		const gl_recover_sym *s = gl_recover_sym_at(r, i);
		gl_host_rsym rs = {s->addr, s->size};
		if (!s->conflict && (!gl_buf_append(&h->recnames, s->name, strlen(s->name) + 1) ||
				     !GL_VEC_PUSH(&h->recsyms, rs)))
			return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	}
	/* Keys point into recnames: index only once it stops moving. */
	const char *name = (const char *)h->recnames.p;
	for (size_t i = 0; i < h->recsyms.len; i++, name += strlen(name) + 1)
		if (!gl_strmap_put(&h->recmap, name, strlen(name), i))
			return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	h->recovered = true;
	return 0;
}

static int host_recover(goload_host *h, const goload_link_opts *opts, goload_err *err)
{
	gl_buf pk = {0};
	size_t npk = 0;
	double t0 = now();
	gl_gobin_access(h->img, false); /* every function's code is matched */
	int rc = gl_recover_packages(h->img, &pk, &npk, err);
	if (!rc && !gl_buf_u8(&pk, 0))
		rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	char *cfg = rc ? NULL : opts->dep_archives(opts->dep_ctx, (const char *)pk.p);
	gl_buf_free(&pk);
	if (rc)
		return rc;
	if (!cfg)
		return gl_err(err, GOLOAD_E_NOTFOUND,
			      "no archives of its %zu packages to match its code against (go list -export with the "
			      "host's toolchain failed)",
			      npk);
	double t1 = now();
	gl_recover *r = NULL;
	rc = gl_recover_new(&r, err);
	if (!rc)
		rc = gl_recover_importcfg_text(r, cfg, strlen(cfg), "the archives of the host's packages", err);
	free(cfg);
	if (!rc)
		rc = gl_recover_run(r, h->img, err);
	if (!rc)
		rc = keep_recovered(h, r, err);
	/* Measured from the code itself: externally linked stripped hosts
	 * have no runtime.tlsg to compute it from. */
	int32_t tg;
	if (!rc && gl_recover_tls_g(r, &tg, NULL) == 0) {
		h->tls_g = tg;
		h->tls_known = true;
	}
	if (!rc && opts->debug) {
		const gl_recover_stats *st = gl_recover_get_stats(r);
		fprintf(stderr,
			"goload: stripped host: %zu data symbols recovered (%zu conflicts) from %zu of %zu functions "
			"matched in %zu packages' archives; listing the archives %.3f s, matching %.3f s\n",
			st->recovered, st->conflicts, st->matched, st->host_funcs, st->packages, t1 - t0, now() - t1);
	}
	gl_recover_close(r);
	if (!rc)
		host_version(h);
	return rc;
}

int goload_host_recover(goload_host *h, const goload_link_opts *opts, goload_err *err)
{
	if (!h->stripped)
		return 0;
	const char *what = gl_gobin_get_info(h->img)->what;
	if (!h->recover_tried) {
		if (!opts || !opts->dep_archives)
			return gl_err(err, GOLOAD_E_UNSUPPORTED,
				      "host %s is stripped (-s): recovering its data symbols needs the archives of its "
				      "packages (goload_link_opts.dep_archives)",
				      what);
		h->recover_tried = true;
		if (host_recover(h, opts, &h->recover_err) < 0)
			gl_err_prefix(&h->recover_err, "host %s is stripped (-s): recovering its data symbols", what);
	}
	if (h->recovered)
		return 0;
	return gl_err(err, h->recover_err.code, "%s", h->recover_err.msg);
}

int goload_host_open(goload_host **out, goload_err *err)
{
	*out = NULL;
	goload_host *h = calloc(1, sizeof *h);
	if (!h)
		return gl_err(err, GOLOAD_E_NOMEM, "host: out of memory");
	gl_hostcache_new(h);
	int rc = gl_gobin_open_self_hook(&h->img, h->cache ? gl_hostcache_image : NULL, h->cache, err);
	if (rc < 0) {
		gl_hostcache_close(h);
		free(h);
		return gl_err_prefix(err, "host");
	}
	const gl_gobin_info *in = gl_gobin_get_info(h->img);
#if defined(__aarch64__)
	if (gl_gobin_elf(h->img)->machine != GL_EM_AARCH64) {
#else
	if (gl_gobin_elf(h->img)->machine != GL_EM_X86_64) {
#endif
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "host %s: machine %s: loading supports amd64 only", in->what,
			    gl_elf_machine_name(gl_gobin_elf(h->img)->machine));
		goload_host_close(h);
		return rc;
	}
	/* Read from the host index cache, else built now, so that later
	 * lookups only read (the patcher shares it). */
	if ((rc = gl_hostcache_syms(h, err)) < 0) {
		goload_host_close(h);
		return gl_err_prefix(err, "host");
	}
	if ((rc = gl_gobin_syms_build(h->img, err)) < 0) {
		goload_host_close(h);
		return gl_err_prefix(err, "host");
	}
	h->bias = gl_gobin_bias(h->img);
	h->stripped = in->stripped;
	host_tls_g(h);
	host_version(h);
	*out = h;
	return 0;
}

void goload_host_close(goload_host *h)
{
	if (!h)
		return;
	gl_buf_free(&h->recnames);
	GL_VEC_FREE(&h->recsyms);
	gl_strmap_free(&h->recmap);
	gl_fmap_free(&h->types);
	free(h->typehash_own);
	gl_fmap_free(&h->itabs);
	GL_VEC_FREE(&h->origs);
	if (h->memfd_pid && h->memfd >= 0 && h->memfd_pid == (int)getpid())
		close(h->memfd);
	gl_pkgcache_free(h->pkgcache);
	gl_gobin_close(h->img);
	gl_hostcache_close(h);
	free(h);
}
