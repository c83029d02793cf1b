/*
 * The patcher of the running process: near memory for stubs and
 * trampolines, and code writes that never need a writable+executable
 * mapping. The stopped-world part (goroutine check, entry writes) is in
 * patch_world.go.
 */
#include "gobin/gobin.h"
#include "link/host.h"
#include "link/link.h"
#include "patch/inline.h"
#include "patch/x86.h"
#include "patch/arm64.h"
#include "versions/rt_sched_tables.h"
#include "versions/versions.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Code and replacement words are carved from chunks mapped near the
 * target. Code chunks are read+execute from the start; bytes are written
 * into them through /proc/self/mem. */
#define CHUNK (64 * 1024)
#if defined(__aarch64__)
#define REACH GL_A64_REACH /* one B: +-128 MiB */
#define REACH_TEXT "+-128 MiB"
#else
#define REACH ((uint64_t)0x7fff0000) /* a little under 2 GiB */
#define REACH_TEXT "+-2 GiB"
#endif

typedef struct chunk {
	uint64_t base, used;
	bool code;
} chunk;

struct goload_patch_site {
	goload_patcher *p;
	char *name;
	goload_patch_site_info info;
};

struct goload_patcher {
	const struct gl_schedtab *sched;
	int memfd;          /* /proc/self/mem, -1 when it cannot be written; set by warm() */
	pthread_mutex_t warm_mu;
	bool warmed;        /* warm() done: memfd tried, the decoder's tables paged in */
	GL_VEC(chunk) chunks;
	GL_VEC(goload_patch_site *) sites;
	gl_gobin *self; /* the executable's pclntab, opened on first use */
	gl_patch_inl_index *inl; /* its inline trees, indexed on first use */
	bool shared;    /* self is the loader host's image: not ours to close */
	const goload_host *host; /* the loader's host, when shared: its index cache */
};

#if defined(__x86_64__)
#define GL_PATCH_HOST_ARCH "amd64"
#elif defined(__aarch64__)
#define GL_PATCH_HOST_ARCH "arm64"
#else
#define GL_PATCH_HOST_ARCH "unknown"
#endif

bool goload_patch_arch_supported(const char *goarch)
{
	return goarch && (!strcmp(goarch, "amd64") || !strcmp(goarch, "arm64"));
}

const char *goload_patch_reason_name(int r)
{
	static const char *const names[] = {
		[GOLOAD_PATCH_R_NONE] = "none",
		[GOLOAD_PATCH_R_TOO_SHORT] = "too-short",
		[GOLOAD_PATCH_R_BACK_JUMP] = "back-jump",
		[GOLOAD_PATCH_R_CALL] = "call-under-jump",
		[GOLOAD_PATCH_R_UNRELOCATABLE] = "unrelocatable",
		[GOLOAD_PATCH_R_NO_NEAR_MEMORY] = "no-near-memory",
		[GOLOAD_PATCH_R_INLINED] = "inlined",
		[GOLOAD_PATCH_R_SIGNATURE] = "signature",
		[GOLOAD_PATCH_R_GENERIC_WRAPPER] = "generic-wrapper",
		[GOLOAD_PATCH_R_BUSY] = "busy",
		[GOLOAD_PATCH_R_WRAPPER] = "wrapper",
		[GOLOAD_PATCH_R_ARCH] = "arch",
	};
	if (r < 0 || (size_t)r >= GL_ARRAY_LEN(names) || !names[r])
		return "unknown";
	return names[r];
}

int goload_patcher_open(const char *goversion, goload_patcher **out, goload_err *err)
{
	*out = NULL;
	const struct gl_schedtab *t = gl_schedtab_for(gl_go_minor(goversion));
	if (!t)
		return gl_err(err, GOLOAD_E_VERSION, "patch: no scheduler layout for Go version \"%s\"",
			      goversion ? goversion : "");
	goload_patcher *p = calloc(1, sizeof *p);
	if (!p)
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	p->sched = t;
	p->memfd = -1;
	pthread_mutex_init(&p->warm_mu, NULL);
	*out = p;
	return 0;
}

/* Decodes sample (code, any bytes) with the planner's decoder and throws
 * the result away: a process's first decodes fault in Capstone's tables,
 * 0.1-0.2 ms, which would otherwise be the first plan's. */
static void decoder_warm(gl_span sample)
{
#if defined(__aarch64__)
	csh cs;
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) != CS_ERR_OK)
		return;
	cs_insn *ci = cs_malloc(cs);
	const uint8_t *code = sample.p;
	size_t left = sample.n;
	uint64_t a = 0;
	while (ci && left > 0) {
		if (!cs_disasm_iter(cs, &code, &left, &a, ci)) {
			code++; /* not an instruction: on from the next byte */
			left--;
			a++;
		}
	}
	if (ci)
		cs_free(ci, 1);
	cs_close(&cs);
#else
	gl_x86_warm(sample); /* the x86 planners' shared decoder */
#endif
}

/* The patcher's slow first steps, once: /proc/self/mem opened and tried,
 * and the decoder's tables paged in by decoding sample (code of the
 * program's own; may be empty). Whatever needs either calls it first;
 * goload_patcher_warm runs it ahead. */
static void warm(goload_patcher *p, gl_span sample)
{
	pthread_mutex_lock(&p->warm_mu);
	if (p->warmed) {
		pthread_mutex_unlock(&p->warm_mu);
		return;
	}
	p->memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	/* Some kernels refuse forced writes (proc_mem.force_override=never):
	 * find out on a scratch page. */
	void *probe = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t one = 0xcc;
	if (p->memfd >= 0 && (probe == MAP_FAILED || pwrite(p->memfd, &one, 1, (off_t)(uintptr_t)probe) != 1 ||
			      *(volatile uint8_t *)probe != 0xcc)) {
		close(p->memfd);
		p->memfd = -1;
	}
	if (probe != MAP_FAILED)
		munmap(probe, 4096);
#if defined(__aarch64__)
	if (p->memfd >= 0 && !gl_a64_memfd_coherent(p->memfd)) {
		close(p->memfd);
		p->memfd = -1;
	}
#endif
	decoder_warm(sample);
	p->warmed = true;
	pthread_mutex_unlock(&p->warm_mu);
}

void goload_patcher_warm(goload_patcher *p, uint64_t sample, size_t n)
{
	warm(p, gl_span_make((const void *)(uintptr_t)sample, n));
}

int goload_patcher_memfd(goload_patcher *p)
{
	warm(p, gl_span_make(NULL, 0));
	return p->memfd;
}

/* Stores to code another core may have prefetched need that core to
 * serialize before it runs them (Intel SDM "cross-modifying code"): the
 * membarrier the Go side issues after each write needs this registration
 * first. Not part of goload_patcher_open: the kernel waits for an RCU
 * grace period here (10-20 ms), which the binding spends on another
 * thread while the first NewPatch or Close goes on; the first write of
 * code waits for it. */
static int patch_sync_core_registered;

int goload_patcher_register_sync_core(void)
{
	int rc = (int)syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0);
	__atomic_store_n(&patch_sync_core_registered, 1, __ATOMIC_RELEASE);
	return rc;
}

bool goload_patcher_memfd_ok(goload_patcher *p) { return goload_patcher_memfd(p) >= 0; }

void goload_patcher_code_written(const goload_patcher *p, uint64_t addr, uint64_t n)
{
	(void)p;
	__builtin___clear_cache((char *)(uintptr_t)addr, (char *)(uintptr_t)(addr + n));
	if (!__atomic_load_n(&patch_sync_core_registered, __ATOMIC_ACQUIRE))
		goload_patcher_register_sync_core();
	syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0);
}

void goload_patcher_close(goload_patcher *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->sites.len; i++) {
		free(p->sites.v[i]->name);
		free(p->sites.v[i]);
	}
	GL_VEC_FREE(&p->sites);
	GL_VEC_FREE(&p->chunks);
	gl_patch_inl_index_free(p->inl);
	if (!p->shared)
		gl_gobin_close(p->self);
	if (p->memfd >= 0)
		close(p->memfd);
	pthread_mutex_destroy(&p->warm_mu);
	free(p);
}

static bool near(uint64_t a, uint64_t b, uint64_t len)
{
	uint64_t lo = a < b ? a : b, hi = a < b ? b + len : a + len;
	return hi - lo < REACH;
}

/* Map a chunk within reach of `target`, trying addresses at growing
 * distances on both sides (the kernel may ignore a hint; the answer is
 * checked). */
static int map_chunk(goload_patcher *p, uint64_t target, bool code, chunk **out, goload_err *err)
{
	int prot = code ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE;
	uint64_t base = target & ~(uint64_t)(CHUNK - 1);
	for (uint64_t d = 16 * CHUNK; d < REACH - CHUNK; d *= 2) {
		for (int side = 0; side < 2; side++) {
			if (side == 1 && base < d)
				continue;
			uint64_t hint = side == 0 ? base + d : base - d;
			void *m = mmap((void *)(uintptr_t)hint, CHUNK, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				continue;
			if (!near((uint64_t)(uintptr_t)m, target, CHUNK)) {
				munmap(m, CHUNK);
				continue;
			}
			chunk c = {(uint64_t)(uintptr_t)m, 0, code};
			if (!GL_VEC_PUSH(&p->chunks, c)) {
				munmap(m, CHUNK);
				return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
			}
			*out = &p->chunks.v[p->chunks.len - 1];
			return 0;
		}
	}
	return gl_err(err, GOLOAD_E_NOMEM, "patch: no free memory within " REACH_TEXT " of 0x%llx",
		      (unsigned long long)target);
}

/* len bytes (16-aligned) in a chunk of the right kind within reach of target. */
static int alloc_near(goload_patcher *p, uint64_t target, size_t len, bool code, uint64_t *addr,
		      goload_err *err)
{
	len = (len + 15) & ~(size_t)15;
	chunk *c = NULL;
	for (size_t i = 0; i < p->chunks.len && !c; i++) {
		chunk *k = &p->chunks.v[i];
		/* Without /proc/self/mem a code chunk is written once, while
		 * nothing runs in it yet. */
		bool fresh_only = code && p->memfd < 0;
		if (k->code == code && CHUNK - k->used >= len && near(k->base, target, CHUNK) &&
		    !(fresh_only && k->used))
			c = k;
	}
	if (!c) {
		int rc = map_chunk(p, target, code, &c, err);
		if (rc < 0)
			return rc;
	}
	*addr = c->base + c->used;
	c->used += len;
	return 0;
}

/* Write into mapped code without making it writable: /proc/self/mem
 * writes through the page tables (FOLL_FORCE) whatever the protection.
 * Without it, drop X while writing (never W and X at once), which
 * alloc_near makes safe by handing out only fresh chunks. */
static int poke(goload_patcher *p, uint64_t addr, const void *src, size_t n, goload_err *err)
{
	if (p->memfd >= 0) {
		if (pwrite(p->memfd, src, n, (off_t)addr) == (ssize_t)n && !memcmp((const void *)(uintptr_t)addr, src, n))
			return 0;
		return gl_err(err, GOLOAD_E_IO, "patch: /proc/self/mem write of %zu bytes at 0x%llx failed: %s", n,
			      (unsigned long long)addr, strerror(errno));
	}
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t lo = addr & ~(uint64_t)(pg - 1), hi = (addr + n + pg - 1) & ~(uint64_t)(pg - 1);
	if (mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ | PROT_WRITE) != 0)
		return gl_err(err, GOLOAD_E_IO, "patch: cannot write %zu bytes at 0x%llx: %s", n,
			      (unsigned long long)addr, strerror(errno));
	memcpy((void *)(uintptr_t)addr, src, n);
	if (mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ | PROT_EXEC) != 0)
		return gl_err(err, GOLOAD_E_IO, "patch: cannot restore read+execute at 0x%llx: %s",
			      (unsigned long long)lo, strerror(errno));
	return 0;
}

/* The site of a planned and written patch: its record, its jump bytes
 * (jump_bytes, per architecture), and its names for perf and gdb. */
static int site_add(goload_patcher *p, uint64_t entry, const char *name, size_t cover, bool has_stub, bool ctxt,
		    uint64_t resume, uint64_t code, uint64_t tramp, uint64_t slot, uint64_t codelen,
		    int (*jump_bytes)(uint64_t, uint64_t, uint8_t *, size_t, goload_err *), goload_patch_site **out,
		    goload_err *err)
{
	goload_patch_site *s = calloc(1, sizeof *s);
	if (!s || !(s->name = strdup(name)) || !GL_VEC_PUSH(&p->sites, s)) {
		if (s)
			free(s->name);
		free(s);
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	}
	s->p = p;
	s->info.entry = entry;
	s->info.cover = cover;
	s->info.stub = code;
	s->info.trampoline = tramp;
	s->info.slot = slot;
	s->info.has_stub = has_stub;
	s->info.resume = resume;
	s->info.ctxt = ctxt;
	memcpy(s->info.original, (const void *)(uintptr_t)entry, cover);
	memcpy(s->info.jump, s->info.original, cover); /* what jump_bytes leaves stays as it is */
	int rc = jump_bytes(entry, code, s->info.jump, cover, err);
	if (rc < 0)
		return rc;
	/* perf and gdb name the stub and trampoline (best effort: a map file
	 * that cannot be written does not refuse the patch); the perf line
	 * is written by debug.c's writer thread, flushed before the jump is
	 * (goload_debug_flush) */
	char *dn = malloc(strlen(name) + sizeof "goload.patch:");
	if (dn) {
		strcpy(dn, "goload.patch:");
		strcat(dn, name);
		(void)goload_debug_register_code(s, code, codelen, dn, goload_debug_env_flags() | GOLOAD_DEBUG_DEFER, NULL);
		free(dn);
	}
	*out = s;
	return 0;
}

#if defined(__aarch64__)
/* The arm64 site: one B at the entry to a stub within +-128 MiB. Code is
 * written into fresh or unexecuted chunk bytes, then the instruction cache
 * is made coherent for it before anything can branch there. */
static int site_open_arm64(goload_patcher *p, uint64_t entry, uint64_t size, const char *name, uint64_t morestack,
			   goload_patch_site **out, int *reason, goload_err *err)
{
	gl_a64_plan plan;
	int rc = gl_a64_plan_make(gl_span_make((const void *)(uintptr_t)entry, size), entry, name, NULL, morestack,
				  &plan, reason, err);
	if (rc < 0)
		return rc;
	uint64_t code, slot;
	size_t tlen = gl_a64_tramp_size(&plan);
	if (alloc_near(p, entry, GL_A64_STUB_LEN + tlen, true, &code, err) < 0 ||
	    alloc_near(p, code, 8, false, &slot, err) < 0) {
		*reason = GOLOAD_PATCH_R_NO_NEAR_MEMORY;
		return -err->code;
	}
	uint64_t tramp = code + GL_A64_STUB_LEN;
	gl_buf b = {0};
	if (gl_a64_stub_emit(code, tramp, slot, &b, err) < 0 || gl_a64_tramp_emit(&plan, tramp, &b, reason, err) < 0 ||
	    poke(p, code, b.p, b.len, err) < 0) {
		gl_buf_free(&b);
		return gl_err_prefix(err, "%s", name);
	}
	__builtin___clear_cache((char *)(uintptr_t)code, (char *)(uintptr_t)(code + b.len));
	size_t len = b.len;
	gl_buf_free(&b);
	uint64_t resume = plan.has_stub ? plan.morestack_ret : 0;
	return site_add(p, entry, name, plan.cover, plan.has_stub, plan.ctxt, resume, code, tramp, slot, len,
			gl_a64_jmp_bytes, out, err);
}
#endif

/* The planners and jumps are x86-64 and arm64 code: elsewhere they would
 * write bytes the CPU cannot run. */
static int arch_refused(const char *name, int *reason, goload_err *err)
{
	*reason = GOLOAD_PATCH_R_ARCH;
	return gl_err(err, GOLOAD_E_UNSUPPORTED, "patch: %s: goload patches only amd64 and arm64 code, this is %s", name,
		      GL_PATCH_HOST_ARCH);
}

int goload_patch_site_open(goload_patcher *p, uint64_t entry, uint64_t size, const char *name,
			   uint64_t morestack, goload_patch_site **out, int *reason, goload_err *err)
{
	*out = NULL;
	*reason = 0;
	if (!goload_patch_arch_supported(GL_PATCH_HOST_ARCH))
		return arch_refused(name, reason, err);
	for (size_t i = 0; i < p->sites.len; i++) {
		if (p->sites.v[i]->info.entry == entry) {
			*out = p->sites.v[i];
			return 0;
		}
	}
	warm(p, gl_span_make(NULL, 0)); /* memfd, for poke and alloc_near */
#if defined(__aarch64__)
	return site_open_arm64(p, entry, size, name, morestack, out, reason, err);
#else
	gl_x86_plan plan;
	int rc = gl_x86_plan_make(gl_span_make((const void *)(uintptr_t)entry, size), entry, name, NULL, morestack,
				  &plan, reason, err);
	if (rc < 0)
		return rc;
	uint64_t code, slot;
	size_t tlen = gl_x86_tramp_size(&plan);
	if (alloc_near(p, entry, GL_X86_STUB_LEN + tlen, true, &code, err) < 0 ||
	    alloc_near(p, code, 8, false, &slot, err) < 0) {
		*reason = GOLOAD_PATCH_R_NO_NEAR_MEMORY;
		return -err->code;
	}
	uint64_t tramp = code + GL_X86_STUB_LEN;
	gl_buf b = {0};
	if (gl_x86_stub_emit(code, tramp, slot, &b, err) < 0 || gl_x86_tramp_emit(&plan, tramp, &b, reason, err) < 0 ||
	    poke(p, code, b.p, b.len, err) < 0) {
		gl_buf_free(&b);
		return gl_err_prefix(err, "%s", name);
	}
	gl_buf_free(&b);
	uint64_t resume = plan.has_stub ? plan.morestack_ret : 0;
	return site_add(p, entry, name, plan.cover, plan.has_stub, plan.ctxt, resume, code, tramp, slot,
			GL_X86_STUB_LEN + tlen, gl_x86_jmp_bytes, out, err);
#endif
}

int goload_patch_plan_check(goload_patcher *p, uint64_t entry, uint64_t size, const char *name, uint64_t morestack,
			    goload_patch_site_info *out, int *reason, goload_err *err)
{
	(void)p;
	memset(out, 0, sizeof *out);
	*reason = 0;
	if (!goload_patch_arch_supported(GL_PATCH_HOST_ARCH))
		return arch_refused(name, reason, err);
	gl_span fn = gl_span_make((const void *)(uintptr_t)entry, size);
#if defined(__aarch64__)
	gl_a64_plan plan;
	int rc = gl_a64_plan_make(fn, entry, name, NULL, morestack, &plan, reason, err);
#else
	gl_x86_plan plan;
	int rc = gl_x86_plan_make(fn, entry, name, NULL, morestack, &plan, reason, err);
#endif
	if (rc < 0)
		return rc;
	out->entry = entry;
	out->cover = plan.cover;
	out->has_stub = plan.has_stub;
	out->resume = plan.has_stub ? plan.morestack_ret : 0;
	out->ctxt = plan.ctxt;
	memcpy(out->original, (const void *)(uintptr_t)entry, plan.cover);
	return 0;
}

const goload_patch_site_info *goload_patch_site_get_info(const goload_patch_site *s) { return &s->info; }

int goload_patch_func_resume(goload_patcher *p, uint64_t entry, uint64_t size, uint64_t morestack, uint64_t *resume,
			     goload_err *err)
{
	*resume = 0;
	if (!goload_patch_arch_supported(GL_PATCH_HOST_ARCH))
		return 0;
	warm(p, gl_span_make(NULL, 0));
	gl_span fn = gl_span_make((const void *)(uintptr_t)entry, size);
#if defined(__aarch64__)
	return gl_a64_resume(fn, entry, NULL, morestack, resume, err);
#else
	return gl_x86_resume(fn, entry, NULL, morestack, resume, err);
#endif
}

void goload_patcher_g_layout(const goload_patcher *p, goload_patch_g_layout *out)
{
	const struct gl_schedtab *t = p->sched;
	*out = (goload_patch_g_layout){t->g_stack_lo, t->g_stack_hi, t->g_sched_sp,  t->g_sched_pc,
				       t->g_syscallsp, t->g_syscallpc, t->g_atomicstatus, t->g_goid,
				       t->grunning,    t->gscan,       t->worldstop_words};
}


/* The executable, for its symbols (.symtab, else pclntab when stripped)
 * and inline trees. */
static int self(goload_patcher *p, goload_err *err)
{
	if (!p->self && gl_gobin_open_self(&p->self, err) < 0)
		return gl_err_prefix(err, "patch: the running executable");
	return 0;
}

int goload_patcher_share_host(goload_patcher *p, const goload_host *h, goload_err *err)
{
	if (p->self)
		return gl_err(err, GOLOAD_E_INVAL, "patch: the executable is already open");
	p->self = h->img;
	p->shared = true;
	p->host = h;
	return 0;
}

int goload_patch_func_at(goload_patcher *p, uint64_t pc, const char **name, uint64_t *size, goload_err *err)
{
	int rc = self(p, err);
	if (rc < 0)
		return rc;
	uint64_t va = pc - gl_gobin_bias(p->self);
	/* .symtab spells generic instantiations in full; pclntab elides them
	 * (its functions by address are part of the host index). */
	gl_gobin_sym s;
	if (gl_gobin_text_at(p->self, va, &s)) {
		*name = s.name;
		*size = s.size;
		return 0;
	}
	gl_gobin_func f;
	rc = gl_gobin_func_for_pc(p->self, va, &f, err);
	if (rc < 0 || f.entry != va)
		return gl_err(err, GOLOAD_E_NOTFOUND, "patch: no function starts at 0x%llx", (unsigned long long)pc);
	*name = f.name;
	*size = f.end - f.entry;
	return 0;
}

int goload_patch_func_addr(goload_patcher *p, const char *name, uint64_t *pc, goload_err *err)
{
	int rc = self(p, err);
	if (rc < 0)
		return rc;
	gl_gobin_sym s;
	if (!gl_gobin_sym_lookup(p->self, name, strlen(name), &s) || (s.kind != 'T' && s.kind != 't'))
		return gl_err(err, GOLOAD_E_NOTFOUND, "patch: the executable has no function %s", name);
	*pc = s.addr + gl_gobin_bias(p->self);
	return 0;
}

static bool max_cb(void *ctx, uint64_t lo, uint64_t hi, int32_t val)
{
	(void)lo;
	(void)hi;
	int32_t *m = ctx;
	if (val > *m)
		*m = val;
	return true;
}

/* [entry, end) of a runtime function and its largest pcsp value: the frame
 * it has where it calls (its body; asyncPreempt's one CALL). */
static int frame_of(goload_patcher *p, const char *name, uint64_t *entry, uint64_t *end, int32_t *frame,
		    goload_err *err)
{
	uint64_t pc;
	int rc = goload_patch_func_addr(p, name, &pc, err);
	if (rc < 0)
		return rc;
	uint64_t bias = gl_gobin_bias(p->self);
	gl_gobin_func f;
	if ((rc = gl_gobin_func_for_pc(p->self, pc - bias, &f, err)) < 0)
		return rc;
	if (f.entry + bias != pc)
		return gl_err(err, GOLOAD_E_FORMAT, "patch: %s at 0x%llx is not a function entry in pclntab", name,
			      (unsigned long long)pc);
	*frame = -1;
	if ((rc = gl_gobin_pcvalue_walk(p->self, &f, f.pcsp, max_cb, frame, err)) < 0)
		return rc;
	if (*frame < 0 || *frame % 8)
		return gl_err(err, GOLOAD_E_FORMAT, "patch: %s: no frame size in its pcsp table", name);
	*entry = pc;
	*end = f.end + bias;
	return 0;
}

int goload_patcher_async_frames(goload_patcher *p, goload_patch_async_frames *out, goload_err *err)
{
	*out = (goload_patch_async_frames){0};
	int rc = self(p, err);
	if (rc < 0)
		return rc;
	if ((rc = frame_of(p, "runtime.asyncPreempt2", &out->async2, &out->async2_end, &out->async2_frame, err)) < 0 ||
	    (rc = frame_of(p, "runtime.asyncPreempt", &out->async, &out->async_end, &out->async_frame, err)) < 0)
		return gl_err_prefix(err, "patch: the asynchronous preemption's frames");
	return 0;
}

int goload_patch_inlined_callers(goload_patcher *p, const char *name, char **callers, size_t *n, goload_err *err)
{
	*callers = NULL;
	*n = 0;
	int rc = self(p, err);
	if (rc < 0)
		return gl_err_prefix(err, "patch: inline trees");
	if (!p->inl && (rc = p->host ? gl_hostcache_inline(p->host, &p->inl, err)
				     : gl_patch_inl_index_build(p->self, &p->inl, err)) < 0)
		return gl_err_prefix(err, "patch: inline trees");
	gl_buf b = {0};
	rc = gl_patch_inl_index_callers(p->inl, p->self, name, &b, n, err);
	if (rc < 0) {
		gl_buf_free(&b);
		return rc;
	}
	if (*n)
		*callers = (char *)b.p;
	else
		gl_buf_free(&b);
	return 0;
}

int goload_patch_module_func_at(const goload_module *m, uint64_t pc, const char **name, uint64_t *size,
				goload_err *err)
{
	for (size_t i = 0; i < m->syms.len; i++) {
		const gl_lsym *s = &m->syms.v[i];
		if (!s->host && s->sect == SECT_TEXT && s->addr == pc && s->size && s->name[0]) {
			*name = s->name;
			*size = s->size;
			return 0;
		}
	}
	return gl_err(err, GOLOAD_E_NOTFOUND, "patch: no function of module %s starts at 0x%llx", m->name,
		      (unsigned long long)pc);
}

/* Names of inline callees, as link.c's dep_object resolves them: the
 * module's own objects, then those it opened for names only (every
 * package an inline tree of the module names was opened at link time). */
static const gl_goobj *inl_dep(void *ctx, const char *pkg, size_t n, goload_err *err)
{
	const goload_module *m = ctx;
	uint64_t oi;
	if (gl_strmap_get(&m->bypkg, pkg, n, &oi))
		return m->objs.v[oi].o;
	if (gl_strmap_get(&m->bydep, pkg, n, &oi) && oi)
		return m->deps.v[oi - 1];
	gl_err(err, GOLOAD_E_NOTFOUND, "package %.*s: not read", (int)n, pkg);
	return NULL;
}

int goload_patch_module_inlined_callers(goload_module *m, const char *name, char **callers, size_t *n,
					goload_err *err)
{
	*callers = NULL;
	*n = 0;
	size_t len = strlen(name);
	gl_buf b = {0};
	gl_goobj_resolver res = {inl_dep, m};
	for (size_t i = 0; i < m->syms.len; i++) {
		const gl_lsym *s = &m->syms.v[i];
		if (s->host || s->sect != SECT_TEXT || s->obj >= m->objs.len || !s->name[0])
			continue;
		const gl_goobj *o = m->objs.v[s->obj].o;
		gl_goobj_funcinfo fi;
		if (!o || gl_goobj_funcinfo_get(o, s->idx, &fi, NULL) != 0)
			continue;
		for (uint32_t k = 0; k < fi.ninl; k++) {
			gl_goobj_inl in = gl_goobj_funcinfo_inl_at(&fi, k);
			gl_goobj_symname nm;
			goload_err e = {0};
			/* A callee whose package was never read is not one of
			 * the loaded modules' functions. */
			if (gl_goobj_ref_name(o, in.func, &res, &nm, &e) != 0 || nm.namelen != len ||
			    memcmp(nm.name, name, len))
				continue;
			gl_buf_printf(&b, "%s%s (line %d)", *n ? ", " : "", s->name, in.line);
			(*n)++;
			break;
		}
	}
	if (b.oom) {
		gl_buf_free(&b);
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	}
	if (*n) {
		gl_buf_u8(&b, 0);
		*callers = (char *)b.p;
	} else
		gl_buf_free(&b);
	return 0;
}
