/* Go object files (cmd/internal/goobj/objfile.go). Everything the accessors
 * touch is validated once at open, so they index without checks. */
#include "goobj/goobj.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum {
	BLK_AUTOLIB,
	BLK_PKGIDX,
	BLK_FILE,
	BLK_SYMDEF,
	BLK_HASHED64DEF,
	BLK_HASHEDDEF,
	BLK_NONPKGDEF,
	BLK_NONPKGREF,
	BLK_REFFLAGS,
	BLK_HASH64,
	BLK_HASH,
	BLK_RELOCIDX,
	BLK_AUXIDX,
	BLK_DATAIDX,
	BLK_RELOC,
	BLK_AUX,
	BLK_DATA,
	BLK_REFNAME,
	BLK_END,
	NBLK
};

static const char *const blk_names[NBLK] = {
	"Autolib", "PkgIndex", "Files", "SymbolDefs", "Hashed64Defs", "HashedDefs", "NonPkgDefs",
	"NonPkgRefs", "RefFlags", "Hash64", "Hash", "RelocIndex", "AuxIndex", "DataIndex",
	"Relocs", "Aux", "Data", "RefNames", "End",
};

/* Element sizes; 0 for the blocks whose size is free (Data, End). */
static const uint32_t blk_elem[NBLK] = {
	16, 8, 8, 21, 21, 21, 21, 21, 10, 8, 16, 4, 4, 4, 23, 9, 0, 16, 0,
};

#define MAGIC "\x00go120ld"
#define MAGIC_LEN 8
#define HDR_SIZE (MAGIC_LEN + 8 + 4 + 4 * NBLK)
#define SYM_SIZE 21u
#define RELOC_SIZE 23u
#define AUX_SIZE 9u
#define REFNAME_SIZE 16u

struct gl_goobj {
	char *name;
	gl_goobj_hdr hdr;
	const struct gl_objtab *tab;
	gl_span bin;
	uint32_t flags;
	uint32_t off[NBLK];
	uint32_t cnt[NBLK]; /* elements per block */
	uint32_t start[5];  /* first local index of each sclass */
	uint32_t ndefs, nsyms;
	gl_strmap refnames; /* 8-byte SymRef (in the file) -> RefName index */
};

static inline uint32_t u32(const gl_goobj *o, uint32_t off)
{
	const uint8_t *p = o->bin.p + off;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t u64(const gl_goobj *o, uint32_t off)
{
	return (uint64_t)u32(o, off) | (uint64_t)u32(o, off + 4) << 32;
}

/* A string reference (len, off) at `at`; validated at open. */
static inline gl_span str_at(const gl_goobj *o, uint32_t at)
{
	uint32_t len = u32(o, at), off = u32(o, at + 4);
	return gl_span_make(o->bin.p + off, len);
}

static int check_str(const gl_goobj *o, uint32_t at, int blk, uint32_t idx, goload_err *err)
{
	uint32_t len = u32(o, at), off = u32(o, at + 4);
	if (!gl_span_has(o->bin, off, len))
		return gl_err(err, GOLOAD_E_FORMAT,
			      "%s: %s[%u]: string of %u bytes at 0x%x runs past the object end (0x%zx)", o->name,
			      blk_names[blk], idx, len, off, o->bin.n);
	return 0;
}

/* Copies field `f` (a NUL-free token) into a fixed buffer, truncating. */
static void put_field(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = 0;
}

/* The text header: "go object GOOS GOARCH VERSION [GOAMD64=..] [X:..]\n...\n!\n". */
static int parse_text_header(gl_goobj *o, gl_span data, size_t *binoff, goload_err *err)
{
	gl_goobj_hdr *h = &o->hdr;
	size_t end = 0;
	for (size_t i = 2; i < data.n; i++)
		if (data.p[i] == '\n' && data.p[i - 1] == '!' && data.p[i - 2] == '\n') {
			end = i + 1;
			break;
		}
	if (!end)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: text header: no \"\\n!\\n\" terminator in %zu bytes", o->name,
			      data.n);
	if (data.n < 10 || memcmp(data.p, "go object ", 10))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: text header at 0x0: does not start with \"go object \"", o->name);
	h->raw = gl_span_make(data.p, end);
	const uint8_t *nl = memchr(data.p, '\n', end);
	h->line = gl_span_make(data.p, (size_t)(nl - data.p));
	/* Fields separated by spaces, as strings.Fields splits them. */
	size_t pos = 0, field = 0;
	const uint8_t *p = h->line.p;
	char verbuf[128] = "";
	while (pos < h->line.n) {
		while (pos < h->line.n && p[pos] == ' ')
			pos++;
		size_t s = pos;
		while (pos < h->line.n && p[pos] != ' ')
			pos++;
		if (pos == s)
			break;
		const uint8_t *f = p + s;
		size_t n = pos - s;
		if (field == 2)
			put_field(h->goos, sizeof h->goos, f, n);
		else if (field == 3)
			put_field(h->goarch, sizeof h->goarch, f, n);
		else if (field == 4)
			put_field(verbuf, sizeof verbuf, f, n);
		else if (field > 4 && n > 2 && f[0] == 'X' && f[1] == ':')
			put_field(h->experiments, sizeof h->experiments, f + 2, n - 2);
		else if (field > 4 && n > 5 && !memcmp(f, "GO", 2) && memchr(f, '=', n))
			put_field(h->arch_level, sizeof h->arch_level, f, n);
		else if (field == 5 && !strcmp(verbuf, "devel"))
			/* "devel go1.27-abcdef ..." */
			put_field(verbuf, sizeof verbuf, f, n);
		field++;
	}
	put_field(h->go_version, sizeof h->go_version, (const uint8_t *)verbuf, strlen(verbuf));
	h->minor = gl_go_minor(verbuf);
	if (field < 5 || h->minor < 0)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: text header: \"%.*s\" does not name a Go version", o->name,
			      (int)(h->line.n > 200 ? 200 : h->line.n), (const char *)h->line.p);
	*binoff = end;
	return 0;
}

static int check_index(gl_goobj *o, int blk, uint32_t limit, const char *what, goload_err *err)
{
	uint32_t prev = 0;
	for (uint32_t i = 0; i < o->cnt[blk]; i++) {
		uint32_t v = u32(o, o->off[blk] + 4 * i);
		if (v < prev || v > limit)
			return gl_err(err, GOLOAD_E_FORMAT,
				      "%s: %s[%u] at 0x%x: %u is %s (previous %u, %s has %u)", o->name,
				      blk_names[blk], i, o->off[blk] + 4 * i, v, v < prev ? "decreasing" : "out of range",
				      prev, what, limit);
		prev = v;
	}
	return 0;
}

static int parse_binary(gl_goobj *o, goload_err *err)
{
	gl_span b = o->bin;
	if (b.n < HDR_SIZE)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: object header: %zu bytes, need %d", o->name, b.n, HDR_SIZE);
	if (memcmp(b.p, MAGIC, MAGIC_LEN)) {
		if (b.p[0] == 0 && !memcmp(b.p + 1, "go1", 3) && !memcmp(b.p + 6, "ld", 2))
			return gl_err(err, GOLOAD_E_VERSION, "%s: go object of a different version: magic \"%.7s\"",
				      o->name, (const char *)b.p + 1);
		return gl_err(err, GOLOAD_E_FORMAT, "%s: object header: bad magic at 0x0 (not \\x00go120ld)", o->name);
	}
	o->flags = u32(o, 16);
	for (int i = 0; i < NBLK; i++)
		o->off[i] = u32(o, 20 + 4 * i);
	for (int i = 0; i < NBLK; i++) {
		uint32_t next = i + 1 < NBLK ? o->off[i + 1] : o->off[i];
		if (o->off[i] < HDR_SIZE || o->off[i] > b.n || next < o->off[i] || next > b.n)
			return gl_err(err, GOLOAD_E_FORMAT,
				      "%s: object header: block %s at 0x%x (next 0x%x) out of order or past the end (0x%zx)",
				      o->name, blk_names[i], o->off[i], next, b.n);
		uint32_t size = next - o->off[i];
		if (blk_elem[i]) {
			if (size % blk_elem[i])
				return gl_err(err, GOLOAD_E_FORMAT,
					      "%s: block %s at 0x%x: size %u is not a multiple of %u", o->name,
					      blk_names[i], o->off[i], size, blk_elem[i]);
			o->cnt[i] = size / blk_elem[i];
		}
	}
	/* The four def classes, then the refs, numbered consecutively. */
	uint32_t n = 0;
	for (int c = 0; c < 5; c++) {
		o->start[c] = n;
		n += o->cnt[BLK_SYMDEF + c];
	}
	o->nsyms = n;
	o->ndefs = o->start[GL_GOOBJ_SC_NONPKGREF];
	uint64_t need[][2] = {
		{BLK_HASH64, o->cnt[BLK_HASHED64DEF]}, {BLK_HASH, o->cnt[BLK_HASHEDDEF]},
		{BLK_RELOCIDX, (uint64_t)o->ndefs + 1}, {BLK_AUXIDX, (uint64_t)o->ndefs + 1},
		{BLK_DATAIDX, (uint64_t)o->ndefs + 1},
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(need); i++)
		if (o->cnt[need[i][0]] != need[i][1])
			return gl_err(err, GOLOAD_E_FORMAT, "%s: block %s at 0x%x: %u entries, expected %" PRIu64,
				      o->name, blk_names[need[i][0]], o->off[need[i][0]], o->cnt[need[i][0]], need[i][1]);
	int rc;
	if ((rc = check_index(o, BLK_RELOCIDX, o->cnt[BLK_RELOC], "Relocs", err)) ||
	    (rc = check_index(o, BLK_AUXIDX, o->cnt[BLK_AUX], "Aux", err)) ||
	    (rc = check_index(o, BLK_DATAIDX, o->off[BLK_DATA + 1] - o->off[BLK_DATA], "Data (bytes)", err)))
		return rc;
	/* Every string reference. */
	static const struct {
		int blk;
		uint32_t at;
	} strs[] = {{BLK_AUTOLIB, 0}, {BLK_PKGIDX, 0}, {BLK_FILE, 0}, {BLK_SYMDEF, 0}, {BLK_HASHED64DEF, 0},
		    {BLK_HASHEDDEF, 0}, {BLK_NONPKGDEF, 0}, {BLK_NONPKGREF, 0}, {BLK_REFNAME, 8}};
	for (size_t k = 0; k < GL_ARRAY_LEN(strs); k++) {
		int blk = strs[k].blk;
		for (uint32_t i = 0; i < o->cnt[blk]; i++)
			if ((rc = check_str(o, o->off[blk] + i * blk_elem[blk] + strs[k].at, blk, i, err)))
				return rc;
	}
	for (uint32_t i = 0; i < o->cnt[BLK_REFNAME]; i++) {
		const char *key = (const char *)o->bin.p + o->off[BLK_REFNAME] + i * REFNAME_SIZE;
		if (!gl_strmap_put(&o->refnames, key, 8, i))
			return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory indexing RefNames", o->name);
	}
	return 0;
}

int gl_goobj_open(gl_span data, const char *name, gl_goobj **out, goload_err *err)
{
	*out = NULL;
	gl_goobj *o = calloc(1, sizeof *o);
	if (!o || !(o->name = strdup(name ? name : "?"))) {
		free(o);
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory opening %s", name ? name : "?");
	}
	size_t binoff = 0;
	int rc = parse_text_header(o, data, &binoff, err);
	if (!rc) {
		o->bin = gl_span_sub(data, binoff, data.n - binoff);
		rc = parse_binary(o, err);
	}
	if (!rc && !(o->tab = gl_objtab_for(o->hdr.minor)))
		rc = gl_err(err, GOLOAD_E_VERSION, "%s: object written by %s (Go 1.%d): goload knows Go 1.%d to 1.%d",
			    o->name, o->hdr.go_version, o->hdr.minor, GL_GO_MINOR_MIN_OBJ, GL_GO_MINOR_MAX);
	if (rc) {
		gl_goobj_close(o);
		return rc;
	}
	*out = o;
	return 0;
}

void gl_goobj_close(gl_goobj *o)
{
	if (!o)
		return;
	gl_strmap_free(&o->refnames);
	free(o->name);
	free(o);
}

const char *gl_goobj_name(const gl_goobj *o) { return o->name; }
const gl_goobj_hdr *gl_goobj_header(const gl_goobj *o) { return &o->hdr; }
const struct gl_objtab *gl_goobj_tab(const gl_goobj *o) { return o->tab; }
const uint8_t *gl_goobj_fingerprint(const gl_goobj *o) { return o->bin.p + MAGIC_LEN; }
uint32_t gl_goobj_flags_raw(const gl_goobj *o) { return o->flags; }
uint32_t gl_goobj_flags(const gl_goobj *o) { return gl_objtab_bits(o->tab->objflag, (uint8_t)o->flags); }
gl_span gl_goobj_binary(const gl_goobj *o) { return o->bin; }

uint32_t gl_goobj_nautolib(const gl_goobj *o) { return o->cnt[BLK_AUTOLIB]; }

gl_goobj_autolib gl_goobj_autolib_at(const gl_goobj *o, uint32_t i)
{
	uint32_t at = o->off[BLK_AUTOLIB] + i * 16;
	gl_span s = str_at(o, at);
	gl_goobj_autolib a = {(const char *)s.p, (uint32_t)s.n, o->bin.p + at + 8};
	return a;
}

uint32_t gl_goobj_npkg(const gl_goobj *o) { return o->cnt[BLK_PKGIDX]; }
gl_span gl_goobj_pkg_at(const gl_goobj *o, uint32_t i) { return str_at(o, o->off[BLK_PKGIDX] + i * 8); }
uint32_t gl_goobj_nfiles(const gl_goobj *o) { return o->cnt[BLK_FILE]; }
gl_span gl_goobj_file_at(const gl_goobj *o, uint32_t i) { return str_at(o, o->off[BLK_FILE] + i * 8); }

uint32_t gl_goobj_ncount(const gl_goobj *o, gl_goobj_sclass c) { return o->cnt[BLK_SYMDEF + c]; }
uint32_t gl_goobj_ndefs(const gl_goobj *o) { return o->ndefs; }
uint32_t gl_goobj_nsyms(const gl_goobj *o) { return o->nsyms; }
uint32_t gl_goobj_class_start(const gl_goobj *o, gl_goobj_sclass c) { return o->start[c]; }

gl_goobj_sym gl_goobj_sym_at(const gl_goobj *o, uint32_t i)
{
	/* The five symbol blocks are adjacent (validated), so one stride works. */
	uint32_t at = o->off[BLK_SYMDEF] + i * SYM_SIZE;
	const uint8_t *p = o->bin.p + at;
	gl_span name = str_at(o, at);
	gl_goobj_sym s;
	s.name = (const char *)name.p;
	s.namelen = (uint32_t)name.n;
	s.abi = (uint16_t)(p[8] | p[9] << 8);
	s.kind_raw = p[10];
	s.flag_raw = p[11];
	s.flag2_raw = p[12];
	s.kind = gl_objtab_symkind(o->tab, s.kind_raw);
	s.flags = gl_objtab_symflags(o->tab, s.flag_raw, s.flag2_raw);
	s.size = u32(o, at + 13);
	s.align = u32(o, at + 17);
	s.cls = GL_GOOBJ_SC_NONPKGREF;
	for (int c = 0; c < 5; c++)
		if (i < o->start[c] + o->cnt[BLK_SYMDEF + c]) {
			s.cls = (gl_goobj_sclass)c;
			break;
		}
	return s;
}

gl_span gl_goobj_sym_name(const gl_goobj *o, uint32_t i, uint16_t *abi)
{
	uint32_t at = o->off[BLK_SYMDEF] + i * SYM_SIZE;
	const uint8_t *p = o->bin.p + at;
	*abi = (uint16_t)(p[8] | p[9] << 8);
	return str_at(o, at);
}

const uint8_t *gl_goobj_hash(const gl_goobj *o, uint32_t i, size_t *len)
{
	if (i >= o->start[GL_GOOBJ_SC_HASHED64] && i < o->start[GL_GOOBJ_SC_HASHED]) {
		*len = 8;
		return o->bin.p + o->off[BLK_HASH64] + (i - o->start[GL_GOOBJ_SC_HASHED64]) * 8;
	}
	if (i >= o->start[GL_GOOBJ_SC_HASHED] && i < o->start[GL_GOOBJ_SC_NONPKGDEF]) {
		*len = 16;
		return o->bin.p + o->off[BLK_HASH] + (i - o->start[GL_GOOBJ_SC_HASHED]) * 16;
	}
	*len = 0;
	return NULL;
}

uint32_t gl_goobj_data_off(const gl_goobj *o, uint32_t i)
{
	return o->off[BLK_DATA] + u32(o, o->off[BLK_DATAIDX] + 4 * i);
}

gl_span gl_goobj_data(const gl_goobj *o, uint32_t i)
{
	uint32_t a = u32(o, o->off[BLK_DATAIDX] + 4 * i), b = u32(o, o->off[BLK_DATAIDX] + 4 * (i + 1));
	return gl_span_make(o->bin.p + o->off[BLK_DATA] + a, b - a);
}

static uint32_t range(const gl_goobj *o, int blk, uint32_t i, uint32_t *first)
{
	uint32_t a = u32(o, o->off[blk] + 4 * i), b = u32(o, o->off[blk] + 4 * (i + 1));
	*first = a;
	return b - a;
}

uint32_t gl_goobj_relocs(const gl_goobj *o, uint32_t i, uint32_t *first) { return range(o, BLK_RELOCIDX, i, first); }
uint32_t gl_goobj_auxs(const gl_goobj *o, uint32_t i, uint32_t *first) { return range(o, BLK_AUXIDX, i, first); }
uint32_t gl_goobj_nrelocs_total(const gl_goobj *o) { return o->cnt[BLK_RELOC]; }

gl_goobj_reloc gl_goobj_reloc_at(const gl_goobj *o, uint32_t j)
{
	uint32_t at = o->off[BLK_RELOC] + j * RELOC_SIZE;
	const uint8_t *p = o->bin.p + at;
	gl_goobj_reloc r;
	int weak = 0;
	r.off = (int32_t)u32(o, at);
	r.siz = p[4];
	r.type_raw = (uint16_t)(p[5] | p[6] << 8);
	r.type = gl_objtab_reloc(o->tab, r.type_raw, &weak);
	r.weak = weak != 0;
	r.add = (int64_t)u64(o, at + 7);
	r.sym.pkg = u32(o, at + 15);
	r.sym.idx = u32(o, at + 19);
	return r;
}

bool gl_goobj_reloc_at_off(const gl_goobj *o, uint32_t i, uint64_t off, gl_goobj_reloc *out)
{
	uint32_t first, n = gl_goobj_relocs(o, i, &first);
	for (uint32_t j = 0; j < n; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.off >= 0 && (uint64_t)r.off == off) {
			*out = r;
			return true;
		}
	}
	return false;
}

gl_goobj_aux gl_goobj_aux_at(const gl_goobj *o, uint32_t j)
{
	uint32_t at = o->off[BLK_AUX] + j * AUX_SIZE;
	gl_goobj_aux a;
	a.type_raw = o->bin.p[at];
	a.type = gl_objtab_aux(o->tab, a.type_raw);
	a.sym.pkg = u32(o, at + 1);
	a.sym.idx = u32(o, at + 5);
	return a;
}

uint32_t gl_goobj_nrefflags(const gl_goobj *o) { return o->cnt[BLK_REFFLAGS]; }

void gl_goobj_refflags_at(const gl_goobj *o, uint32_t j, gl_goobj_ref *sym, uint8_t *flag, uint8_t *flag2)
{
	uint32_t at = o->off[BLK_REFFLAGS] + j * 10;
	sym->pkg = u32(o, at);
	sym->idx = u32(o, at + 4);
	*flag = o->bin.p[at + 8];
	*flag2 = o->bin.p[at + 9];
}

uint32_t gl_goobj_nrefnames(const gl_goobj *o) { return o->cnt[BLK_REFNAME]; }

void gl_goobj_refname_at(const gl_goobj *o, uint32_t j, gl_goobj_ref *sym, gl_span *name)
{
	uint32_t at = o->off[BLK_REFNAME] + j * REFNAME_SIZE;
	sym->pkg = u32(o, at);
	sym->idx = u32(o, at + 4);
	*name = str_at(o, at + 8);
}

bool gl_goobj_ref_local(const gl_goobj *o, gl_goobj_ref r, uint32_t *local)
{
	gl_goobj_sclass c;
	uint32_t limit;
	switch (r.pkg) {
	case GL_GOOBJ_PKG_SELF: c = GL_GOOBJ_SC_DEF; limit = o->cnt[BLK_SYMDEF]; break;
	case GL_GOOBJ_PKG_HASHED64: c = GL_GOOBJ_SC_HASHED64; limit = o->cnt[BLK_HASHED64DEF]; break;
	case GL_GOOBJ_PKG_HASHED: c = GL_GOOBJ_SC_HASHED; limit = o->cnt[BLK_HASHEDDEF]; break;
	/* Non-package indices run on from the defs into the refs. */
	case GL_GOOBJ_PKG_NONE: c = GL_GOOBJ_SC_NONPKGDEF; limit = o->cnt[BLK_NONPKGDEF] + o->cnt[BLK_NONPKGREF]; break;
	default: return false;
	}
	if (r.idx >= limit)
		return false;
	*local = o->start[c] + r.idx;
	return true;
}

/* Finds the autolib entry of a package path (for the fingerprint check). */
static const uint8_t *autolib_fp(const gl_goobj *o, const char *pkg, size_t len)
{
	for (uint32_t i = 0; i < o->cnt[BLK_AUTOLIB]; i++) {
		gl_goobj_autolib a = gl_goobj_autolib_at(o, i);
		if (a.pkglen == len && !memcmp(a.pkg, pkg, len))
			return a.fingerprint;
	}
	return NULL;
}

int gl_goobj_ref_name(const gl_goobj *o, gl_goobj_ref r, const gl_goobj_resolver *res, gl_goobj_symname *out,
		      goload_err *err)
{
	memset(out, 0, sizeof *out);
	out->pkg = "";
	uint32_t local;
	if (gl_goobj_ref_is_nil(r))
		return gl_err(err, GOLOAD_E_INVAL, "%s: nil symbol reference", o->name);
	if (gl_goobj_ref_local(o, r, &local)) {
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		out->name = s.name;
		out->namelen = s.namelen;
		out->abi = s.abi;
		return 0;
	}
	if (r.pkg == GL_GOOBJ_PKG_BUILTIN) {
		if (r.idx >= o->tab->nbuiltin)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: builtin reference %u out of range (Go 1.%d has %u)",
				      o->name, r.idx, o->tab->minor, o->tab->nbuiltin);
		out->name = o->tab->builtin[r.idx].name;
		out->namelen = o->tab->builtin[r.idx].namelen;
		out->abi = o->tab->builtin[r.idx].abi;
		return 0;
	}
	if (r.pkg == 0 || r.pkg >= o->cnt[BLK_PKGIDX])
		return gl_err(err, GOLOAD_E_FORMAT, "%s: symbol reference {%u, %u}: package index out of range (%u packages)",
			      o->name, r.pkg, r.idx, o->cnt[BLK_PKGIDX]);
	gl_span pkg = gl_goobj_pkg_at(o, r.pkg);
	out->pkg = (const char *)pkg.p;
	out->pkglen = (uint32_t)pkg.n;
	uint8_t key[8];
	for (int k = 0; k < 4; k++) {
		key[k] = (uint8_t)(r.pkg >> (8 * k));
		key[4 + k] = (uint8_t)(r.idx >> (8 * k));
	}
	uint64_t j;
	if (gl_strmap_get(&o->refnames, (const char *)key, 8, &j)) {
		gl_goobj_ref sr;
		gl_span name;
		gl_goobj_refname_at(o, (uint32_t)j, &sr, &name);
		out->name = (const char *)name.p;
		out->namelen = (uint32_t)name.n;
		out->abi = -1;
		return 0;
	}
	if (!res || !res->dep)
		return gl_err(err, GOLOAD_E_NOTFOUND,
			      "%s: symbol reference {%u, %u} into package %.*s: no RefName and no dependency resolver",
			      o->name, r.pkg, r.idx, (int)pkg.n, (const char *)pkg.p);
	const gl_goobj *dep = res->dep(res->ctx, (const char *)pkg.p, pkg.n, err);
	if (!dep)
		return gl_err_prefix(err, "%s: resolving {%u, %u} in %.*s", o->name, r.pkg, r.idx, (int)pkg.n,
				     (const char *)pkg.p);
	const uint8_t *want = autolib_fp(o, (const char *)pkg.p, pkg.n), *have = gl_goobj_fingerprint(dep);
	if (want && memcmp(want, have, 8)) {
		char w[17], h[17];
		for (int k = 0; k < 8; k++) {
			snprintf(w + 2 * k, 3, "%02x", want[k]);
			snprintf(h + 2 * k, 3, "%02x", have[k]);
		}
		return gl_err(err, GOLOAD_E_MISMATCH,
			      "%s was compiled against %.*s with fingerprint %s, but the object given for it, %s, has %s",
			      o->name, (int)pkg.n, (const char *)pkg.p, w, dep->name, h);
	}
	if (r.idx >= dep->cnt[BLK_SYMDEF])
		return gl_err(err, GOLOAD_E_FORMAT, "%s: symbol reference {%u, %u}: %.*s (%s) has only %u symbols",
			      o->name, r.pkg, r.idx, (int)pkg.n, (const char *)pkg.p, dep->name, dep->cnt[BLK_SYMDEF]);
	gl_goobj_sym s = gl_goobj_sym_at(dep, r.idx);
	out->name = s.name;
	out->namelen = s.namelen;
	out->abi = s.abi;
	return 0;
}

/* ------------------------------------------------------------- funcinfo */

int gl_goobj_funcinfo_get(const gl_goobj *o, uint32_t i, gl_goobj_funcinfo *out, goload_err *err)
{
	memset(out, 0, sizeof *out);
	if (i >= o->ndefs)
		return gl_err(err, GOLOAD_E_INVAL, "%s: funcinfo of symbol %u: not a definition (%u defs)", o->name, i,
			      o->ndefs);
	uint32_t first, n = gl_goobj_auxs(o, i, &first), local = 0;
	bool found = false;
	for (uint32_t k = 0; k < n && !found; k++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + k);
		if (a.type != GL_AUX_FUNCINFO)
			continue;
		if (!gl_goobj_ref_local(o, a.sym, &local) || local >= o->ndefs)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: Aux[%u] of symbol %u: funcinfo ref {%u, %u} is not a local def",
				      o->name, first + k, i, a.sym.pkg, a.sym.idx);
		found = true;
	}
	if (!found)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: symbol %u has no funcinfo", o->name, i);
	gl_span d = gl_goobj_data(o, local);
	gl_rd rd = gl_rd_make(d, 0);
	out->args = gl_rd_u32(&rd);
	out->locals = gl_rd_u32(&rd);
	out->funcid_raw = gl_rd_u8(&rd);
	out->funcflag_raw = gl_rd_u8(&rd);
	gl_rd_skip(&rd, 2);
	out->startline = (int32_t)gl_rd_u32(&rd);
	out->funcid = gl_objtab_funcid(o->tab, out->funcid_raw);
	out->funcflag = gl_objtab_bits(o->tab->funcflag, out->funcflag_raw);
	out->nfiles = gl_rd_u32(&rd);
	size_t fpos = rd.pos;
	if (gl_rd_ok(&rd) && (uint64_t)out->nfiles * 4 > gl_rd_left(&rd))
		rd.failed = true, rd.fail_at = rd.pos;
	gl_rd_skip(&rd, (size_t)out->nfiles * 4);
	out->files = gl_span_sub(d, fpos, (uint64_t)out->nfiles * 4);
	out->ninl = gl_rd_u32(&rd);
	size_t ipos = rd.pos;
	if (gl_rd_ok(&rd) && (uint64_t)out->ninl * 24 > gl_rd_left(&rd))
		rd.failed = true, rd.fail_at = rd.pos;
	out->inl = gl_span_sub(d, ipos, (uint64_t)out->ninl * 24);
	if (!gl_rd_ok(&rd)) {
		uint32_t doff = gl_goobj_data_off(o, local);
		memset(out, 0, sizeof *out);
		return gl_err(err, GOLOAD_E_FORMAT, "%s: funcinfo of symbol %u (data of symbol %u at 0x%x, %zu bytes): truncated at +%zu",
			      o->name, i, local, doff, d.n, rd.fail_at);
	}
	return 0;
}

uint32_t gl_goobj_funcinfo_file_at(const gl_goobj_funcinfo *fi, uint32_t k)
{
	uint32_t v = 0;
	gl_u32_at(fi->files, (uint64_t)k * 4, &v);
	return v;
}

gl_goobj_inl gl_goobj_funcinfo_inl_at(const gl_goobj_funcinfo *fi, uint32_t k)
{
	gl_goobj_inl n;
	uint32_t v[6] = {0};
	for (int f = 0; f < 6; f++)
		gl_u32_at(fi->inl, (uint64_t)k * 24 + 4 * (uint64_t)f, &v[f]);
	n.parent = (int32_t)v[0];
	n.file = v[1];
	n.line = (int32_t)v[2];
	n.func.pkg = v[3];
	n.func.idx = v[4];
	n.parent_pc = (int32_t)v[5];
	return n;
}

/* ------------------------------------------------------------ pc tables */

gl_span gl_goobj_ref_data(const gl_goobj *o, gl_goobj_ref r)
{
	uint32_t local;
	if (!gl_goobj_ref_local(o, r, &local) || local >= o->ndefs)
		return gl_span_make(NULL, 0);
	return gl_goobj_data(o, local);
}

uint32_t gl_goobj_pc_quantum(const gl_goobj *o)
{
	/* cmd/internal/sys.Arch.MinLC */
	static const struct {
		const char *arch;
		uint32_t q;
	} q[] = {{"386", 1}, {"amd64", 1}, {"wasm", 1}, {"riscv64", 2}, {"s390x", 2}};
	for (size_t i = 0; i < GL_ARRAY_LEN(q); i++)
		if (!strcmp(o->hdr.goarch, q[i].arch))
			return q[i].q;
	return 4;
}

/* One uint32 varint as cmd/internal/objfile's readvarint reads it. */
static bool pc_varint(gl_span t, size_t *pos, uint32_t *v)
{
	uint32_t x = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (*pos >= t.n)
			return false;
		uint8_t b = t.p[(*pos)++];
		x |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

int32_t gl_goobj_pcvalue(gl_span tab, uint64_t target, uint32_t quantum)
{
	int32_t val = -1;
	uint64_t pc = 0;
	size_t pos = 0;
	for (bool first = true;; first = false) {
		uint32_t uv, pcdelta;
		if (!pc_varint(tab, &pos, &uv) || (uv == 0 && !first) || !pc_varint(tab, &pos, &pcdelta))
			return -1;
		uv = uv & 1 ? ~(uv >> 1) : uv >> 1;
		pc += (uint64_t)pcdelta * quantum;
		val = (int32_t)((uint32_t)val + uv);
		if (target < pc)
			return val;
	}
}

bool gl_goobj_pcline(const gl_goobj *o, uint32_t i, uint64_t pcoff, gl_span *file, int32_t *line)
{
	gl_goobj_ref pcfile = {0, 0}, pcline = {0, 0};
	uint32_t first, n = i < o->ndefs ? gl_goobj_auxs(o, i, &first) : 0;
	for (uint32_t k = 0; k < n; k++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + k);
		if (a.type == GL_AUX_PCFILE)
			pcfile = a.sym;
		else if (a.type == GL_AUX_PCLINE)
			pcline = a.sym;
	}
	if (gl_goobj_ref_is_nil(pcfile) || gl_goobj_ref_is_nil(pcline))
		return false;
	uint32_t q = gl_goobj_pc_quantum(o);
	*line = gl_goobj_pcvalue(gl_goobj_ref_data(o, pcline), pcoff, q);
	int32_t f = gl_goobj_pcvalue(gl_goobj_ref_data(o, pcfile), pcoff, q);
	*file = f >= 0 && (uint32_t)f < o->cnt[BLK_FILE] ? gl_goobj_file_at(o, (uint32_t)f) : gl_span_make("", 0);
	return true;
}
