/*
 * The host index cache: the running executable's symbol, type and itab
 * indexes, kept on disk per executable, as gdb's index-cache keeps its
 * symbol indexes.
 *
 * A process builds the indexes once (milliseconds: tens of thousands of
 * names in a host that imports plugin), then writes them here; a later
 * process of the same executable maps the file and looks names up in it
 * directly (util/fmap.h: the same layout in memory and on disk), so its
 * first Open or NewPatch does no per-symbol work at all.
 *
 * Where: $GOLOAD_CACHE/host, else $XDG_CACHE_HOME/goload/host, else
 * $HOME/.cache/goload/host; GOLOAD_CACHE=off turns it off. One file per
 * executable, named by a hash of its key; the key, in the file's header,
 * is the executable's identity: its Go and GNU build IDs, a hash of its
 * section headers, and its device, inode, size and modification time. A
 * file is used only when its whole key matches, it belongs to this user
 * and no one else may write it; every lookup in it is bounds-checked, so
 * a damaged file gives misses, never a read outside it (its values are
 * trusted once the key matches, as Go's build cache trusts its outputs;
 * GOLOAD_CHECK_INDEX=1 compares them with a fresh build). Files are written to a
 * temporary name, synced, then renamed; files unused for 7 days are
 * removed when a new one is written.
 */
#include "link/host.h"
#include "patch/inline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	HC_VERSION = 1,
	HC_MAXSEC = 8,
	HC_SYMS = 1, /* gobin's symbol index (gl_gobin_syms_write) */
	HC_TYPES = 2,
	HC_ITABS = 3,
	HC_OPEN = 4, /* the names gobin's open looks up (gl_image_known) */
	HC_TYPEHASH = 5, /* goload_host_typehash's table */
	HC_INLINE = 6,   /* the patcher's inline callers (patch/inline.c) */
};

typedef struct hc_known {
	uint64_t value, size;
	uint8_t kind, source, found, pad[5];
} hc_known;

typedef struct hc_key {
	uint64_t dev, ino, size, mtime_sec, mtime_nsec;
	uint64_t goid, gnuid, shdrs; /* hashes of the Go and GNU build IDs, the section headers */
	uint64_t layout;             /* the structures' sizes: a goload of another layout reads none */
} hc_key;

typedef struct hc_sec {
	uint32_t tag, pad;
	uint64_t off, len;
} hc_sec;

typedef struct hc_hdr {
	char magic[8]; /* "glhidx\0\0" */
	uint32_t version, nsec;
	hc_key key;
	hc_sec sec[HC_MAXSEC];
} hc_hdr;

struct gl_hostcache {
	char dir[512], path[600];
	hc_key key;
	const uint8_t *map;
	size_t maplen;
	bool open_read, syms_read, types_read;
	gl_span inl;     /* the patcher's inline index as bytes: the file's, or inl_own */
	gl_buf inl_own;  /* built here */
	char source[700]; /* for goload_host_index_source */
};

static const char hc_magic[8] = "glhidx";

static uint64_t fnv64(const void *p, size_t n, uint64_t h)
{
	const uint8_t *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

static const uint64_t fnv_seed = 0xcbf29ce484222325ull;

static bool hc_dir(char *out, size_t n)
{
	const char *c = getenv("GOLOAD_CACHE");
	if (c && !strcmp(c, "off"))
		return false;
	int k;
	if (c && *c)
		k = snprintf(out, n, "%s/host", c);
	else if ((c = getenv("XDG_CACHE_HOME")) && *c == '/')
		k = snprintf(out, n, "%s/goload/host", c);
	else if ((c = getenv("HOME")) && *c == '/')
		k = snprintf(out, n, "%s/.cache/goload/host", c);
	else
		return false;
	return k > 0 && (size_t)k < n;
}

/* f: the executable as opened (its identity from the descriptor's fstat:
 * a stat of /proc/self/exe again cost ~15 µs of path lookup). */
static bool hc_keyof(const gl_elf *e, const gl_file *f, hc_key *k)
{
	memset(k, 0, sizeof *k);
	if (!f)
		return false;
	k->dev = f->dev;
	k->ino = f->ino;
	k->size = f->size;
	k->mtime_sec = f->mtime_sec;
	k->mtime_nsec = f->mtime_nsec;
	gl_span d;
	if (e && gl_elf_note_find(e, "Go", 4, &d))
		k->goid = fnv64(d.p, d.n, fnv_seed);
	if (e && gl_elf_note_find(e, "GNU", 3, &d))
		k->gnuid = fnv64(d.p, d.n, fnv_seed);
	if (e) {
		uint64_t shoff;
		uint16_t shnum;
		memcpy(&shoff, e->img.p + 40, 8);
		memcpy(&shnum, e->img.p + 60, 2);
		gl_span sh = gl_span_sub(e->img, shoff, 64ull * shnum);
		k->shdrs = fnv64(sh.p, sh.n, fnv64(e->img.p, 64, fnv_seed));
	}
	k->layout = (uint64_t)sizeof(hc_hdr) << 32 | (uint64_t)sizeof(gl_fmap_rec) << 16 | HC_VERSION;
	return true;
}

static gl_span hc_section(const struct gl_hostcache *c, uint32_t tag)
{
	const hc_hdr *hd = (const hc_hdr *)c->map;
	for (uint32_t i = 0; c->map && i < hd->nsec; i++)
		if (hd->sec[i].tag == tag)
			return gl_span_make(c->map + hd->sec[i].off, (size_t)hd->sec[i].len);
	return gl_span_make(NULL, 0);
}

/* Maps the file when it is this executable's, this user's and no one
 * else's to write; false otherwise (a miss). */
static bool hc_map(struct gl_hostcache *c)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	struct stat st;
	void *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022) &&
	    (uint64_t)st.st_size >= sizeof(hc_hdr) && (uint64_t)st.st_size <= (1ull << 32))
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	const hc_hdr *hd = p;
	size_t n = (size_t)st.st_size;
	bool ok = !memcmp(hd->magic, hc_magic, sizeof hc_magic) && hd->version == HC_VERSION && hd->nsec <= HC_MAXSEC &&
		  !memcmp(&hd->key, &c->key, sizeof c->key);
	for (uint32_t i = 0; ok && i < hd->nsec; i++)
		ok = !(hd->sec[i].off & 7) && gl_span_has(gl_span_make(p, n), hd->sec[i].off, hd->sec[i].len);
	if (!ok) {
		munmap(p, n);
		return false;
	}
	c->map = p;
	c->maplen = n;
	/* Lookups: a page each, no fault-around (gl_file_access). */
	(void)madvise(p, n, MADV_RANDOM);
	/* Used: kept by the trim of old files (once a day is enough). */
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) == 0 && now.tv_sec - st.st_mtim.tv_sec > 86400)
		utimensat(AT_FDCWD, c->path, NULL, 0);
	return true;
}

void gl_hostcache_new(goload_host *h)
{
	struct gl_hostcache *c = calloc(1, sizeof *c);
	if (!c)
		return;
	h->cache = c;
	snprintf(c->source, sizeof c->source, "built (the host index cache is off: GOLOAD_CACHE=off, or no HOME)");
	if (!hc_dir(c->dir, sizeof c->dir))
		c->dir[0] = 0;
}

/* Right after the executable's image is opened: the key, the file, and
 * from it the names gobin's open would otherwise find by reading every
 * symbol. */
void gl_hostcache_image(gl_image *im, const gl_file *f, void *ctx)
{
	struct gl_hostcache *c = ctx;
	if (!c->dir[0])
		return;
	if (!im->elf || !hc_keyof(im->elf, f, &c->key)) {
		snprintf(c->source, sizeof c->source, "built (the executable's identity is unknown: no cache)");
		c->dir[0] = 0;
		return;
	}
	snprintf(c->path, sizeof c->path, "%s/%016llx.idx", c->dir,
		 (unsigned long long)fnv64(&c->key, sizeof c->key, fnv_seed));
	snprintf(c->source, sizeof c->source, "built, not yet written to %s", c->path);
	if (!hc_map(c))
		return;
	gl_span d = hc_section(c, HC_OPEN);
	if (d.n != GL_IMAGE_NKNOWN * sizeof(hc_known))
		return;
	gl_image_sym known[GL_IMAGE_NKNOWN] = {{0}};
	uint8_t mask = 0;
	for (size_t n = 0; n < GL_IMAGE_NKNOWN; n++) {
		hc_known k;
		memcpy(&k, d.p + n * sizeof k, sizeof k);
		known[n] = (gl_image_sym){NULL, k.value, k.size, (char)k.kind, k.source, 0};
		mask |= (uint8_t)(k.found ? 1u << n : 0);
	}
	gl_image_known_set(im, known, mask);
	c->open_read = true;
}

/* GOLOAD_CHECK_INDEX=1 (the test suite sets it): what was read from the
 * file is compared with what building it gives, every entry. */
static bool hc_checking(void)
{
	const char *v = getenv("GOLOAD_CHECK_INDEX");
	return v && !strcmp(v, "1");
}

static int hc_differ(const struct gl_hostcache *c, goload_err *err, const char *what, size_t i, const char *name)
{
	return gl_err(err, GOLOAD_E_FORMAT,
		      "host index cache %s: its %s differ from the executable's, built again (entry %zu%s%s); "
		      "remove the file (GOLOAD_CHECK_INDEX=1 compared them)",
		      c->path, what, i, name ? ": " : "", name ? name : "");
}

static int hc_check_syms(const struct gl_hostcache *c, gl_gobin *read, goload_err *err)
{
	gl_gobin *g;
	int rc = gl_gobin_open_self(&g, err);
	if (rc < 0)
		return rc;
	if ((rc = gl_gobin_syms_build(g, err)) < 0) {
		gl_gobin_close(g);
		return rc;
	}
	size_t n = gl_gobin_nsyms(g);
	if (n != gl_gobin_nsyms(read))
		rc = hc_differ(c, err, "symbols", n, "a different count");
	for (size_t i = 0; i < n && !rc; i++) {
		gl_gobin_sym a, b;
		if (!gl_gobin_sym_at(g, i, &a) || !gl_gobin_sym_at(read, i, &b) || strcmp(a.name, b.name) ||
		    a.addr != b.addr || a.size != b.size || a.kind != b.kind || a.source != b.source ||
		    a.funcid != b.funcid || a.abi0 != b.abi0 || a.is_asm != b.is_asm)
			rc = hc_differ(c, err, "symbols", i, a.name);
		gl_gobin_sym ta, tb;
		bool ha = !rc && gl_gobin_text_at(g, a.addr, &ta), hb = !rc && gl_gobin_text_at(read, a.addr, &tb);
		if (!rc && (ha != hb || (ha && strcmp(ta.name, tb.name))))
			rc = hc_differ(c, err, "functions by address", i, a.name);
	}
	gl_image_sym ka[GL_IMAGE_NKNOWN], kb[GL_IMAGE_NKNOWN];
	uint8_t ma = gl_image_known((gl_image *)gl_gobin_image(g), ka);
	uint8_t mb = gl_image_known((gl_image *)gl_gobin_image(read), kb);
	for (size_t k = 0; k < GL_IMAGE_NKNOWN && !rc; k++)
		if (((ma ^ mb) >> k & 1) ||
		    ((ma >> k & 1) && (ka[k].value != kb[k].value || ka[k].size != kb[k].size || ka[k].kind != kb[k].kind ||
				       ka[k].source != kb[k].source)))
			rc = hc_differ(c, err, "pclntab and moduledata symbols", k, ka[k].name);
	gl_gobin_close(g);
	return rc;
}

int gl_hostcache_syms(goload_host *h, goload_err *err)
{
	struct gl_hostcache *c = h->cache;
	if (!c || !c->open_read)
		return 0;
	c->syms_read = gl_gobin_syms_read(h->img, hc_section(c, HC_SYMS));
	if (!c->syms_read)
		return 0;
	snprintf(c->source, sizeof c->source, "read from %s", c->path);
	return hc_checking() ? hc_check_syms(c, h->img, err) : 0;
}

static bool same_fmap(const gl_fmap *a, const gl_fmap *b, size_t *at)
{
	for (*at = 0; *at < a->nrecs; (*at)++) {
		const gl_fmap_rec *x = gl_fmap_at(a, *at), *y = gl_fmap_at(b, *at);
		const char *xn = gl_fmap_name(a, x), *yn = y ? gl_fmap_name(b, y) : NULL;
		if (!y || !xn || !yn || x->len != y->len || memcmp(xn, yn, x->len) || x->val != y->val)
			return false;
		/* and each found by name (and value) as in the built one */
		const gl_fmap_rec *an = gl_fmap_get(a, xn, x->len), *bn = gl_fmap_get(b, xn, x->len);
		if (!an || !bn || an - a->recs != bn - b->recs)
			return false;
		const gl_fmap_rec *av = a->vslots ? gl_fmap_get_val(a, x->val) : NULL;
		const gl_fmap_rec *bv = a->vslots ? gl_fmap_get_val(b, x->val) : NULL;
		if (a->vslots && (!av || !bv || av - a->recs != bv - b->recs))
			return false;
	}
	return a->nrecs == b->nrecs;
}

static int hc_check_types(const struct gl_hostcache *c, goload_host *h, goload_err *err)
{
	goload_host t = *h; /* a twin that builds its own */
	t.cache = NULL;
	t.types_indexed = false;
	memset(&t.types, 0, sizeof t.types);
	memset(&t.itabs, 0, sizeof t.itabs);
	t.typehash = t.typehash_own = NULL;
	int rc = gl_host_types_index(&t, err);
	size_t at = 0;
	if (!rc && !same_fmap(&t.types, &h->types, &at))
		rc = hc_differ(c, err, "types", at, NULL);
	if (!rc && !same_fmap(&t.itabs, &h->itabs, &at))
		rc = hc_differ(c, err, "itabs", at, NULL);
	if (!rc && (t.ntypehash != h->ntypehash ||
		    (t.ntypehash && memcmp(t.typehash, h->typehash, t.ntypehash * sizeof *t.typehash))))
		rc = hc_differ(c, err, "type hashes", t.ntypehash, NULL);
	gl_fmap_free(&t.types);
	gl_fmap_free(&t.itabs);
	free(t.typehash_own);
	return rc;
}

int gl_hostcache_types(goload_host *h, goload_err *err)
{
	struct gl_hostcache *c = h->cache;
	if (!c || !c->syms_read)
		return 0;
	gl_fmap t, i;
	gl_span th = hc_section(c, HC_TYPEHASH);
	if (!gl_fmap_open(hc_section(c, HC_TYPES), gl_span_make(NULL, 0), &t) ||
	    !gl_fmap_open(hc_section(c, HC_ITABS), gl_span_make(NULL, 0), &i) || !th.p ||
	    th.n % sizeof(goload_typehash))
		return 0;
	h->types = t;
	h->itabs = i;
	h->typehash = (const goload_typehash *)th.p;
	h->ntypehash = th.n / sizeof(goload_typehash);
	c->types_read = true;
	int rc = hc_checking() ? hc_check_types(c, h, err) : 0;
	return rc < 0 ? rc : 1;
}

/* Removes files of the cache unused for 7 days (a day's grace for the
 * touch in hc_map), and temporary files a killed writer left a day ago. */
static void hc_trim(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		struct stat st;
		bool idx = n > 4 && !strcmp(de->d_name + n - 4, ".idx"), tmp = !strncmp(de->d_name, ".tmp-", 5);
		if ((!idx && !tmp) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (now.tv_sec - st.st_mtim.tv_sec > (idx ? 7 : 1) * 86400)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int gl_hostcache_inline(const goload_host *h, gl_patch_inl_index **out, goload_err *err)
{
	struct gl_hostcache *c = h->cache;
	if (c && c->syms_read && (*out = gl_patch_inl_index_read(hc_section(c, HC_INLINE), h->img)) != NULL) {
		c->inl = hc_section(c, HC_INLINE);
		if (!hc_checking())
			return 0;
		gl_patch_inl_index *fresh;
		int rc = gl_patch_inl_index_build(h->img, &fresh, err);
		gl_buf b = {0};
		if (!rc && !gl_patch_inl_index_write(fresh, &b))
			rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
		if (!rc && (b.len != c->inl.n || memcmp(b.p, c->inl.p, b.len)))
			rc = hc_differ(c, err, "inline callers", 0, NULL);
		gl_buf_free(&b);
		gl_patch_inl_index_free(fresh);
		if (rc < 0) {
			gl_patch_inl_index_free(*out);
			*out = NULL;
		}
		return rc;
	}
	gl_gobin_access(h->img, false); /* every function's inline tree is read */
	int rc = gl_patch_inl_index_build(h->img, out, err);
	if (rc < 0)
		return rc;
	if (c && c->dir[0]) {
		c->inl_own.len = 0;
		if (gl_patch_inl_index_write(*out, &c->inl_own)) {
			c->inl = gl_span_make(c->inl_own.p, c->inl_own.len);
			gl_hostcache_save(h);
		}
	}
	return 0;
}

void gl_hostcache_save(const goload_host *h)
{
	struct gl_hostcache *c = h->cache;
	if (!c || !c->dir[0])
		return;
	gl_buf b = {0};
	static const uint32_t all[] = {HC_OPEN, HC_SYMS, HC_TYPES, HC_ITABS, HC_TYPEHASH, HC_INLINE};
	uint32_t tags[GL_ARRAY_LEN(all)], nt = 0;
	/* What this process has, and what the file it read has that this
	 * process did not need (a NewPatch-only process indexes no types, an
	 * Open-only one builds no inline callers): each process adds, none
	 * drops. */
	bool types = h->types_indexed, inl = c->inl.p != NULL;
	bool keep = c->syms_read; /* the file read was sound */
	for (size_t i = 0; i < GL_ARRAY_LEN(all); i++) {
		bool t = all[i] == HC_TYPES || all[i] == HC_ITABS || all[i] == HC_TYPEHASH;
		bool have = t ? types : all[i] == HC_INLINE ? inl : true;
		if (have || (keep && hc_section(c, all[i]).p))
			tags[nt++] = all[i];
	}
	hc_hdr hd = {{0}, HC_VERSION, nt, c->key, {{0}}};
	memcpy(hd.magic, hc_magic, sizeof hc_magic);
	gl_buf_append(&b, &hd, sizeof hd);
	gl_image_sym known[GL_IMAGE_NKNOWN];
	uint8_t mask = gl_image_known((gl_image *)gl_gobin_image(h->img), known);
	for (size_t i = 0; i < nt; i++) {
		gl_buf_align(&b, 8);
		size_t off = b.len;
		bool ok = true;
		if (tags[i] == HC_OPEN)
			for (size_t n = 0; n < GL_IMAGE_NKNOWN; n++) {
				hc_known k = {known[n].value, known[n].size, (uint8_t)known[n].kind, known[n].source,
					      (mask >> n) & 1, {0}};
				ok = ok && gl_buf_append(&b, &k, sizeof k);
			}
		else if ((tags[i] == HC_INLINE && !inl) ||
			 (!types && (tags[i] == HC_TYPES || tags[i] == HC_ITABS || tags[i] == HC_TYPEHASH)))
			ok = gl_buf_append(&b, hc_section(c, tags[i]).p, hc_section(c, tags[i]).n);
		else if (tags[i] == HC_INLINE)
			ok = gl_buf_append(&b, c->inl.p, c->inl.n);
		else if (tags[i] == HC_TYPEHASH)
			ok = gl_buf_append(&b, h->typehash, h->ntypehash * sizeof *h->typehash);
		else if (tags[i] == HC_SYMS)
			ok = gl_gobin_syms_write(h->img, &b);
		else
			ok = gl_fmap_write(tags[i] == HC_TYPES ? &h->types : &h->itabs, &b);
		if (!ok)
			b.oom = true;
		hd.sec[i] = (hc_sec){tags[i], 0, off, b.len - off};
	}
	if (b.oom) {
		gl_buf_free(&b);
		return;
	}
	memcpy(b.p, &hd, sizeof hd);
	char tmp[640];
	snprintf(tmp, sizeof tmp, "%s/.tmp-%d-XXXXXX", c->dir, (int)getpid());
	int fd = gl_mkdirs(c->dir, 0700) ? mkstemp(tmp) : -1;
	const char *why = NULL;
	if (fd < 0) {
		why = strerror(errno);
	} else {
		size_t done = 0;
		while (done < b.len) {
			ssize_t w = write(fd, b.p + done, b.len - done);
			if (w <= 0) {
				why = w < 0 ? strerror(errno) : "short write";
				break;
			}
			done += (size_t)w;
		}
		/* Synced before it gets its name: a crash leaves no torn file. */
		if (!why && fsync(fd) != 0)
			why = strerror(errno);
		close(fd);
		if (!why && rename(tmp, c->path) != 0)
			why = strerror(errno);
		if (why)
			unlink(tmp);
	}
	gl_buf_free(&b);
	if (why) {
		snprintf(c->source, sizeof c->source, "built (not written to %s: %s)", c->path, why);
		return;
	}
	if (c->syms_read)
		snprintf(c->source, sizeof c->source, "read from %s (what it lacked built here and added)", c->path);
	else
		snprintf(c->source, sizeof c->source, "built, written to %s", c->path);
	hc_trim(c->dir);
}

void gl_hostcache_close(goload_host *h)
{
	struct gl_hostcache *c = h->cache;
	if (!c)
		return;
	if (c->map)
		munmap((void *)c->map, c->maplen);
	gl_buf_free(&c->inl_own);
	free(c);
	h->cache = NULL;
}

const char *goload_host_index_source(const goload_host *h)
{
	return h && h->cache ? h->cache->source : "built";
}
