/* goload inspect: read a Go executable or shared object. The --json schema
 * is documented in docs/inspect-json.md. */
#include "cmds.h"
#include "gobin/gobin.h"
#include "util/json.h"

#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

typedef struct opts {
	bool json;
	const char *filter;
	const char *arch; /* --arch: one slice of a universal Mach-O */
	const char *file;
	char **args; /* extra positional arguments (PCs for `line`) */
	int nargs;
} opts;

static void usage(FILE *f)
{
	fprintf(f, "usage: goload inspect <info|funcs|line|types|itabs|symbols> [--json] [options] FILE [PC...]\n"
		   "\n"
		   "  FILE is a Go executable for Linux (ELF), Windows (PE32+) or macOS (Mach-O), amd64 or arm64\n"
		   "  info      Go version, build info (like go version -m), build mode, linking, layout\n"
		   "  funcs     every function: entry, end, size, package, file, start line, funcID, flags\n"
		   "            --filter REGEX keeps the functions whose name matches (POSIX extended)\n"
		   "  line      function and file:line of each PC, with the chain of inlined calls\n"
		   "  types     type descriptors reachable from typelinks, with methods of named types\n"
		   "  itabs     itabs: interface, concrete type, method entry PCs\n"
		   "  symbols   name -> address from the symbol table (when present) and pclntab\n"
		   "  --arch A  the amd64 or arm64 slice of a universal (fat) Mach-O\n"
		   "  --json    machine-readable output (docs/inspect-json.md)\n");
}

/* ------------------------------------------------------------------- info */

/* BuildInfo.String quoting: a key or value with these characters is quoted. */
static void print_quoted_if(FILE *o, const char *s, const char *special)
{
	if (!strpbrk(s, special)) {
		fputs(s, o);
		return;
	}
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", o); break;
		case '\\': fputs("\\\\", o); break;
		case '\n': fputs("\\n", o); break;
		case '\t': fputs("\\t", o); break;
		case '\r': fputs("\\r", o); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(o, "\\x%02x", *p);
			else
				fputc(*p, o);
		}
	}
	fputc('"', o);
}

static void print_mod(FILE *o, const char *word, const gl_gobin_module *m)
{
	fprintf(o, "\t%s\t%s\t%s", word, m->path, m->version);
	if (m->rep_path)
		fprintf(o, "\n\t=>\t%s\t%s\t%s\n", m->rep_path, m->rep_version, m->rep_sum);
	else
		fprintf(o, "\t%s\n", m->sum);
}

static void json_mod(gl_json *j, const gl_gobin_module *m)
{
	gl_json_obj_begin(j);
	gl_json_kstr(j, "path", m->path);
	gl_json_kstr(j, "version", m->version);
	gl_json_kstr(j, "sum", m->sum);
	if (m->rep_path) {
		gl_json_key(j, "replace");
		gl_json_obj_begin(j);
		gl_json_kstr(j, "path", m->rep_path);
		gl_json_kstr(j, "version", m->rep_version);
		gl_json_kstr(j, "sum", m->rep_sum);
		gl_json_obj_end(j);
	}
	gl_json_obj_end(j);
}

static int do_info(gl_gobin *g, const opts *o)
{
	const gl_gobin_info *in = gl_gobin_get_info(g);
	const gl_gobin_buildinfo *bi = gl_gobin_get_buildinfo(g);
	if (o->json) {
		gl_json j;
		gl_json_init(&j, stdout, true);
		gl_json_obj_begin(&j);
		gl_json_kstr(&j, "file", in->what);
		gl_json_kstr(&j, "format", in->format);
		gl_json_kstr(&j, "os", in->goos);
		gl_json_kstr(&j, "arch", in->goarch);
		gl_json_kstr(&j, "go_version", in->go_version);
		gl_json_ki64(&j, "go_minor", in->minor);
		gl_json_kstr(&j, "runtime_layout", in->rt->name);
		gl_json_ki64(&j, "pclntab_version", in->pcln_version);
		gl_json_khex(&j, "pclntab_magic", in->pcln_magic);
		gl_json_kbool(&j, "pclntab_magic_ok", in->pcln_magic_ok);
		gl_json_kstr(&j, "buildmode", gl_buildmode_name(in->buildmode));
		gl_json_kstr(&j, "link", in->external_link ? "external" : "internal");
		gl_json_kbool(&j, "stripped", in->stripped);
		gl_json_kbool(&j, "has_sections", in->has_sections);
		gl_json_kbool(&j, "has_dwarf", in->has_dwarf);
		gl_json_khex(&j, "moduledata", in->md_va);
		gl_json_kstr(&j, "moduledata_found_by", in->md_source == GL_MDSRC_SYMBOL ? "symbol" : "scan");
		gl_json_ku64(&j, "moduledata_candidates", in->md_candidates);
		gl_json_khex(&j, "pclntab", in->pclntab_va);
		gl_json_ku64(&j, "functions", in->nfuncs);
		gl_json_ku64(&j, "files", in->nfiles);
		gl_json_key(&j, "buildinfo");
		if (!bi) {
			gl_json_null(&j);
		} else {
			gl_json_obj_begin(&j);
			gl_json_kstr(&j, "go_version", bi->go_version);
			gl_json_kstr(&j, "path", bi->path);
			gl_json_key(&j, "main");
			if (bi->has_main)
				json_mod(&j, &bi->main);
			else
				gl_json_null(&j);
			gl_json_key(&j, "deps");
			gl_json_arr_begin(&j);
			for (size_t i = 0; i < bi->ndeps; i++)
				json_mod(&j, &bi->deps[i]);
			gl_json_arr_end(&j);
			gl_json_key(&j, "settings");
			gl_json_arr_begin(&j);
			for (size_t i = 0; i < bi->nsettings; i++) {
				gl_json_obj_begin(&j);
				gl_json_kstr(&j, "key", bi->settings[i].key);
				gl_json_kstr(&j, "value", bi->settings[i].value);
				gl_json_obj_end(&j);
			}
			gl_json_arr_end(&j);
			gl_json_obj_end(&j);
		}
		gl_json_obj_end(&j);
		gl_json_finish(&j);
		return 0;
	}
	printf("file:            %s\n", in->what);
	printf("format:          %s\n", in->format);
	printf("os:              %s\n", in->goos);
	printf("arch:            %s\n", in->goarch);
	printf("go version:      %s\n", in->go_version[0] ? in->go_version : "(no buildinfo)");
	printf("runtime layout:  %s (go1.%d)\n", in->rt->name, in->minor);
	printf("pclntab:         0x%" PRIx64 ", format %d, magic 0x%08x%s\n", in->pclntab_va, in->pcln_version,
	       in->pcln_magic, in->pcln_magic_ok ? "" : " (damaged)");
	printf("moduledata:      0x%" PRIx64 " (found by %s, %zu scan candidates)\n", in->md_va,
	       in->md_source == GL_MDSRC_SYMBOL ? "symbol" : "scan", in->md_candidates);
	printf("build mode:      %s\n", gl_buildmode_name(in->buildmode));
	printf("linking:         %s\n", in->external_link ? "external" : "internal");
	printf("stripped:        %s\n", in->stripped ? "yes (no symbol table)" : "no");
	printf("section headers: %s\n", in->has_sections ? "yes" : "no");
	printf("dwarf:           %s\n", in->has_dwarf ? "yes" : "no");
	printf("functions:       %zu\n", in->nfuncs);
	printf("files:           %zu\n", in->nfiles);
	if (!bi) {
		printf("build info:      none\n");
		return 0;
	}
	printf("build info:\n");
	if (bi->path[0])
		printf("\tpath\t%s\n", bi->path);
	if (bi->has_main)
		print_mod(stdout, "mod", &bi->main);
	for (size_t i = 0; i < bi->ndeps; i++)
		print_mod(stdout, "dep", &bi->deps[i]);
	for (size_t i = 0; i < bi->nsettings; i++) {
		fputs("\tbuild\t", stdout);
		print_quoted_if(stdout, bi->settings[i].key, "= \t\r\n\"`");
		fputc('=', stdout);
		print_quoted_if(stdout, bi->settings[i].value, " \t\r\n\"`");
		fputc('\n', stdout);
	}
	return 0;
}

/* ------------------------------------------------------------------ funcs */

static void flags_str(const gl_gobin *g, uint8_t flag, char *buf)
{
	const struct gl_rttab *rt = gl_gobin_get_info(g)->rt;
	char *p = buf;
	if (rt->flag_topframe && (flag & rt->flag_topframe))
		p += sprintf(p, "%stopframe", p == buf ? "" : ",");
	if (rt->flag_spwrite && (flag & rt->flag_spwrite))
		p += sprintf(p, "%sspwrite", p == buf ? "" : ",");
	if (rt->flag_asm && (flag & rt->flag_asm))
		p += sprintf(p, "%sasm", p == buf ? "" : ",");
	if (p == buf)
		strcpy(buf, "-");
}

static int do_funcs(gl_gobin *g, const opts *o)
{
	regex_t re;
	goload_err err = {0};
	if (o->filter && regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB) != 0) {
		fprintf(stderr, "goload inspect funcs: bad --filter regular expression \"%s\"\n", o->filter);
		return 2;
	}
	gl_json j;
	if (o->json) {
		gl_json_init(&j, stdout, false);
		gl_json_arr_begin(&j);
	}
	int rc = 0;
	size_t n = gl_gobin_nfuncs(g);
	for (size_t i = 0; i < n; i++) {
		gl_gobin_func f;
		if ((rc = gl_gobin_func_at(g, i, &f, &err)) != 0)
			break;
		if (o->filter && regexec(&re, f.name, 0, NULL, 0) != 0)
			continue;
		uint64_t size;
		const char *file;
		int32_t line;
		if ((rc = gl_gobin_func_size(g, &f, &size, &err)) != 0 ||
		    (rc = gl_gobin_func_line(g, &f, f.entry, &file, &line, &err)) != 0)
			break;
		char pkg[512], flags[64];
		gl_gobin_func_pkg(f.name, pkg, sizeof pkg);
		flags_str(g, f.flag, flags);
		int32_t start = f.start_line ? f.start_line : line;
		if (o->json) {
			gl_json_obj_begin(&j);
			gl_json_kstr(&j, "name", f.name);
			gl_json_khex(&j, "entry", f.entry);
			gl_json_khex(&j, "end", f.entry + size);
			gl_json_ku64(&j, "size", size);
			gl_json_kstr(&j, "package", pkg);
			gl_json_kstr(&j, "file", file);
			gl_json_ki64(&j, "start_line", start);
			gl_json_ki64(&j, "entry_line", line);
			gl_json_ku64(&j, "funcid", f.funcid);
			gl_json_kstr(&j, "funcid_name", gl_gobin_funcid_name(g, f.funcid));
			gl_json_kstr(&j, "flags", flags);
			gl_json_obj_end(&j);
		} else {
			printf("%#" PRIx64 " %#" PRIx64 " %6" PRIu64 " %-14s %-8s %s %s:%d\n", f.entry, f.entry + size,
			       size, gl_gobin_funcid_name(g, f.funcid), flags, f.name, file, start);
		}
	}
	if (o->json) {
		gl_json_arr_end(&j);
		gl_json_finish(&j);
	}
	if (o->filter)
		regfree(&re);
	return rc ? cmd_fail("inspect", &err) : 0;
}

/* ------------------------------------------------------------------- line */

static int do_line(gl_gobin *g, const opts *o)
{
	goload_err err = {0};
	gl_json j;
	if (o->json) {
		gl_json_init(&j, stdout, true);
		gl_json_arr_begin(&j);
	}
	int status = 0;
	for (int a = 0; a < o->nargs; a++) {
		char *end;
		/* strtoull takes "-1" (and leading blanks or '+') and wraps;
		 * it saturates on overflow: a PC is digits only, within 64 bits. */
		const char *arg = o->args[a];
		errno = 0;
		uint64_t pc = (arg[0] >= '0' && arg[0] <= '9') ? strtoull(arg, &end, 0) : 0;
		if (arg[0] < '0' || arg[0] > '9' || *end || end == arg || errno == ERANGE) {
			fprintf(stderr, "goload inspect line: \"%s\" is not a PC (use 0x... or decimal, at most 64 bits)\n", arg);
			status = 2;
			continue;
		}
		gl_gobin_frame fr[64];
		int n = gl_gobin_pc_frames(g, pc, fr, GL_ARRAY_LEN(fr), &err);
		if (n < 0) {
			cmd_fail("inspect", &err);
			status = 1;
			if (o->json) {
				gl_json_obj_begin(&j);
				gl_json_khex(&j, "pc", pc);
				gl_json_kstr(&j, "error", err.msg);
				gl_json_obj_end(&j);
			}
			continue;
		}
		if (n > (int)GL_ARRAY_LEN(fr))
			n = GL_ARRAY_LEN(fr);
		if (o->json) {
			gl_json_obj_begin(&j);
			gl_json_khex(&j, "pc", pc);
			gl_json_key(&j, "frames");
			gl_json_arr_begin(&j);
			for (int i = 0; i < n; i++) {
				gl_json_obj_begin(&j);
				gl_json_kstr(&j, "func", fr[i].func);
				gl_json_kstr(&j, "file", fr[i].file);
				gl_json_ki64(&j, "line", fr[i].line);
				gl_json_ki64(&j, "start_line", fr[i].start_line);
				gl_json_kbool(&j, "inlined", fr[i].inlined);
				if (!fr[i].inlined)
					gl_json_khex(&j, "entry", fr[i].entry);
				gl_json_obj_end(&j);
			}
			gl_json_arr_end(&j);
			gl_json_obj_end(&j);
		} else {
			printf("%#" PRIx64 "\n", pc);
			for (int i = 0; i < n; i++)
				printf("\t%s %s:%d%s\n", fr[i].func, fr[i].file, fr[i].line,
				       fr[i].inlined ? " (inlined)" : "");
		}
	}
	if (o->json) {
		gl_json_arr_end(&j);
		gl_json_finish(&j);
	}
	return status;
}

/* ------------------------------------------------------------ types/itabs */

typedef struct walk_ctx {
	gl_gobin *g;
	gl_json *j; /* NULL for text */
	goload_err err;
	int rc;
} walk_ctx;

static bool type_cb(void *p, const gl_gobin_type *t)
{
	walk_ctx *c = p;
	if (c->j) {
		gl_json *j = c->j;
		gl_json_obj_begin(j);
		gl_json_khex(j, "addr", t->va);
		gl_json_key(j, "name");
		gl_json_strn(j, t->name, t->namelen);
		gl_json_kstr(j, "kind", gl_kind_name(t->kind));
		gl_json_ku64(j, "size", t->size);
		gl_json_ku64(j, "ptrdata", t->ptrdata);
		gl_json_khex(j, "hash", t->hash);
		gl_json_ku64(j, "tflag", t->tflag);
		gl_json_key(j, "pkgpath");
		gl_json_strn(j, t->pkgpath, t->pkgpathlen);
		if (t->elem_va)
			gl_json_khex(j, "elem", t->elem_va);
		gl_json_key(j, "methods");
		gl_json_arr_begin(j);
	} else {
		printf("%#" PRIx64 " %-9s %8" PRIu64 " %.*s", t->va, gl_kind_name(t->kind), t->size, (int)t->namelen,
		       t->name);
		if (t->pkgpathlen)
			printf(" (%.*s)", (int)t->pkgpathlen, t->pkgpath);
		printf("\n");
	}
	for (size_t i = 0; i < t->mcount; i++) {
		gl_gobin_method m;
		if ((c->rc = gl_gobin_type_method(c->g, t, i, &m, &c->err)) != 0)
			return false;
		if (c->j) {
			gl_json_obj_begin(c->j);
			gl_json_key(c->j, "name");
			gl_json_strn(c->j, m.name, m.namelen);
			gl_json_kbool(c->j, "exported", m.exported);
			gl_json_khex(c->j, "mtyp", m.mtyp);
			gl_json_khex(c->j, "ifn", m.ifn);
			gl_json_khex(c->j, "tfn", m.tfn);
			gl_json_obj_end(c->j);
		} else {
			printf("\t%.*s ifn=%#" PRIx64 " tfn=%#" PRIx64 "\n", (int)m.namelen, m.name, m.ifn, m.tfn);
		}
	}
	if (c->j) {
		gl_json_arr_end(c->j);
		gl_json_obj_end(c->j);
	}
	return true;
}

/* "name" of the descriptor at va, or "?" */
static void type_name(gl_gobin *g, uint64_t va, char *buf, size_t cap)
{
	gl_gobin_type t;
	goload_err e;
	if (gl_gobin_type_at(g, va, &t, &e) != 0)
		snprintf(buf, cap, "?");
	else
		snprintf(buf, cap, "%.*s", (int)t.namelen, t.name);
}

static bool itab_cb(void *p, const gl_gobin_itab *it)
{
	walk_ctx *c = p;
	char in[512], ty[512];
	type_name(c->g, it->inter, in, sizeof in);
	type_name(c->g, it->type, ty, sizeof ty);
	if (c->j) {
		gl_json_obj_begin(c->j);
		gl_json_khex(c->j, "addr", it->va);
		gl_json_kstr(c->j, "interface", in);
		gl_json_khex(c->j, "interface_addr", it->inter);
		gl_json_kstr(c->j, "type", ty);
		gl_json_khex(c->j, "type_addr", it->type);
		gl_json_khex(c->j, "hash", it->hash);
		gl_json_key(c->j, "fun");
		gl_json_arr_begin(c->j);
	} else {
		printf("%#" PRIx64 " %s -> %s\n", it->va, in, ty);
	}
	for (size_t i = 0; i < it->nfun; i++) {
		uint64_t pc;
		if ((c->rc = gl_gobin_itab_fun(c->g, it, i, &pc, &c->err)) != 0)
			return false;
		gl_gobin_func f;
		goload_err e;
		const char *name = gl_gobin_func_for_pc(c->g, pc, &f, &e) == 0 && f.entry == pc ? f.name : "?";
		if (c->j) {
			gl_json_obj_begin(c->j);
			gl_json_khex(c->j, "pc", pc);
			gl_json_kstr(c->j, "func", name);
			gl_json_obj_end(c->j);
		} else {
			printf("\t%#" PRIx64 " %s\n", pc, name);
		}
	}
	if (c->j) {
		gl_json_arr_end(c->j);
		gl_json_obj_end(c->j);
	}
	return true;
}

static int do_walk(gl_gobin *g, const opts *o, bool itabs)
{
	gl_json j;
	walk_ctx c = {g, o->json ? &j : NULL, {0}, 0};
	if (o->json) {
		gl_json_init(&j, stdout, false);
		gl_json_arr_begin(&j);
	}
	int rc = itabs ? gl_gobin_itabs_walk(g, itab_cb, &c, &c.err) : gl_gobin_types_walk(g, type_cb, &c, &c.err);
	if (o->json) {
		gl_json_arr_end(&j);
		gl_json_finish(&j);
	}
	return rc || c.rc ? cmd_fail("inspect", &c.err) : 0;
}

/* ---------------------------------------------------------------- symbols */

static int sym_cmp(const void *a, const void *b)
{
	const gl_gobin_sym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int do_symbols(gl_gobin *g, const opts *o)
{
	static const char *const src[] = {"symtab", "dynsym", "pclntab"};
	size_t n = gl_gobin_nsyms(g);
	gl_gobin_sym *v = malloc((n ? n : 1) * sizeof *v);
	if (!v) {
		fprintf(stderr, "goload inspect: out of memory\n");
		return 1;
	}
	size_t nv = 0;
	for (size_t i = 0; i < n; i++)
		nv += gl_gobin_sym_at(g, i, &v[nv]);
	n = nv;
	qsort(v, n, sizeof *v, sym_cmp);
	gl_json j;
	if (o->json) {
		gl_json_init(&j, stdout, false);
		gl_json_arr_begin(&j);
	}
	for (size_t i = 0; i < n; i++) {
		const gl_gobin_sym *s = &v[i];
		if (o->filter && !strstr(s->name, o->filter))
			continue;
		if (o->json) {
			gl_json_obj_begin(&j);
			gl_json_kstr(&j, "name", s->name);
			gl_json_khex(&j, "addr", s->addr);
			gl_json_ku64(&j, "size", s->size);
			char k[2] = {s->kind, 0};
			gl_json_kstr(&j, "kind", k);
			gl_json_kstr(&j, "source", src[s->source]);
			gl_json_kbool(&j, "abi0", s->abi0);
			gl_json_obj_end(&j);
		} else {
			printf("%#" PRIx64 " %8" PRIu64 " %c %s %s%s\n", s->addr, s->size, s->kind, s->name,
			       src[s->source], s->abi0 ? " abi0" : "");
		}
	}
	if (o->json) {
		gl_json_arr_end(&j);
		gl_json_finish(&j);
	}
	free(v);
	return 0;
}

/* ------------------------------------------------------------------ main */

int cmd_inspect(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	static const char *const subs[] = {"info", "funcs", "line", "types", "itabs", "symbols"};
	bool known = false;
	for (size_t i = 0; i < GL_ARRAY_LEN(subs); i++)
		known |= !strcmp(sub, subs[i]);
	if (!known) {
		fprintf(stderr, "goload inspect: unknown subcommand \"%s\"\n", sub);
		usage(stderr);
		return 2;
	}
	opts o = {0};
	char **pos = calloc((size_t)argc, sizeof *pos);
	if (!pos)
		return 1;
	int npos = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o.json = true;
		else if (!strcmp(argv[i], "--filter")) {
			if (i + 1 == argc) {
				fprintf(stderr, "goload inspect: option \"--filter\" needs an argument\n");
				free(pos);
				return 2;
			}
			o.filter = argv[++i];
		}
		else if (!strncmp(argv[i], "--filter=", 9))
			o.filter = argv[i] + 9;
		else if (!strcmp(argv[i], "--arch")) {
			if (i + 1 == argc) {
				fprintf(stderr, "goload inspect: option \"--arch\" needs an argument\n");
				free(pos);
				return 2;
			}
			o.arch = argv[++i];
		} else if (!strncmp(argv[i], "--arch=", 7))
			o.arch = argv[i] + 7;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(pos);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "goload inspect: unknown option \"%s\"\n", argv[i]);
			free(pos);
			return 2;
		} else
			pos[npos++] = argv[i];
	}
	if (npos < 1 || (!strcmp(sub, "line") && npos < 2)) {
		usage(stderr);
		free(pos);
		return 2;
	}
	o.file = pos[0];
	o.args = pos + 1;
	o.nargs = npos - 1;
	gl_gobin *g;
	goload_err err = {0};
	if (gl_gobin_open_path_arch(o.file, o.arch, &g, &err) != 0) {
		free(pos);
		return cmd_fail("inspect", &err);
	}
	int rc;
	if (!strcmp(sub, "info"))
		rc = do_info(g, &o);
	else if (!strcmp(sub, "funcs"))
		rc = do_funcs(g, &o);
	else if (!strcmp(sub, "line"))
		rc = do_line(g, &o);
	else if (!strcmp(sub, "types"))
		rc = do_walk(g, &o, false);
	else if (!strcmp(sub, "itabs"))
		rc = do_walk(g, &o, true);
	else
		rc = do_symbols(g, &o);
	gl_gobin_close(g);
	free(pos);
	return rc;
}
