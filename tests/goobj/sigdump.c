/* Prints the DWARF signature goload reads for every function of the Go
 * objects of the archives given, as "symbol<TAB>func(params) results"
 * (the format of sigtruth/main.go), for sig_std.sh to compare. Functions
 * without DWARF info are left out; a decoding error fails the run. */
#include "goobj/goobj.h"

#include <stdio.h>
#include <string.h>

typedef struct sig {
	gl_buf in, out;
	int nin, nout;
} sig;

static void add(void *ctx, bool result, const char *type, size_t len)
{
	sig *s = ctx;
	gl_buf *b = result ? &s->out : &s->in;
	int *n = result ? &s->nout : &s->nin;
	if ((*n)++)
		gl_buf_str(b, ", ");
	gl_buf_append(b, type, len);
}

int main(int argc, char **argv)
{
	int fails = 0, nsig = 0;
	for (int a = 1; a < argc; a++) {
		goload_err err = {0};
		gl_goobj_archive *ar;
		if (gl_goobj_archive_open_path(argv[a], &ar, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		for (size_t m = 0; m < gl_goobj_archive_nmembers(ar); m++) {
			gl_goobj *o;
			if (gl_goobj_archive_member(ar, m)->kind != GL_GOOBJ_M_GO)
				continue;
			if (gl_goobj_archive_open_member(ar, m, &o, &err) < 0) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
			for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
				gl_goobj_sym s = gl_goobj_sym_at(o, i);
				if (s.kind != GL_SK_TEXT || !s.namelen)
					continue;
				sig g = {0};
				int rc = gl_goobj_func_sig(o, i, NULL, add, &g, &err);
				if (rc == 0 && !g.in.oom && !g.out.oom) {
					printf("%.*s\tfunc(%.*s)%s%.*s%s\n", (int)s.namelen, s.name, (int)g.in.len,
					       (const char *)g.in.p, g.nout > 1 ? " (" : g.nout ? " " : "", (int)g.out.len,
					       (const char *)g.out.p, g.nout > 1 ? ")" : "");
					nsig++;
				} else if (rc < 0 && err.code != GOLOAD_E_NOTFOUND) {
					fprintf(stderr, "FAIL %s\n", err.msg);
					fails++;
				}
				gl_buf_free(&g.in);
				gl_buf_free(&g.out);
			}
			gl_goobj_close(o);
		}
		gl_goobj_archive_close(ar);
	}
	fprintf(stderr, "sigdump: %d signatures read, %d failed\n", nsig, fails);
	return fails != 0;
}
