/* goload fix: the state of one fix and the function diff (fix_diff.c)
 * that cmd_fix.c drives. */
#ifndef GOLOAD_CMD_FIX_H
#define GOLOAD_CMD_FIX_H

#include "cmds.h"
#include "gobin/gobin.h"
#include "goobj/goobj.h"
#include <sys/types.h>
#include "patch/inline.h"

typedef struct hostsym {
	uint64_t addr;
	const char *name;
} hostsym;

typedef struct pkginfo {
	char *path, *name, *archive, *prefix; /* prefix: symbol prefix ("main" for package main) */
	bool target;                          /* named on the command line (not only a dependency) */
	bool inhost;
	GL_VEC(char *) origs; /* archives in the build cache the running code was built from (fix_orig.c) */
	GL_VEC(size_t) origmis; /* each one's variables whose initial bytes the executable does not hold */
	char *origwhy;          /* why no original was built from the program's VCS revision (fix_orig.c) */
} pkginfo;

typedef struct fixer {
	const char *cmd;
	gl_gobin *g;
	GL_VEC(hostsym) byaddr; /* .symtab, sorted */
	gl_goobj_deps *deps;
	gl_patch_inl_index *inl;
	gl_strmap hostpkgs;     /* symbol prefixes of the host's functions */
	GL_VEC(pkginfo) pkgs;
	GL_VEC(char *) changed; /* function names */
	GL_VEC(char *) fresh;   /* functions the host lacks */
	gl_strmap rebuilt;      /* prefixes of the rebuilt packages */
	gl_strmap layouts;      /* types refused for their layout */
	GL_VEC(hostsym) pending; /* variables' addresses seen in the function being compared */
	GL_VEC(hostsym) vars;    /* ... in the unchanged functions: sent to the agent */
	gl_buf refusals;
	size_t nrefused, ncompared;
	bool verbose;
	int depth; /* of same_data */
	/* probe: compare a candidate original with the host; nothing is
	 * recorded, every difference counts in probe_diff */
	bool probe;
	size_t probe_diff;
	size_t probe_vars; /* variables the code uses whose static data the executable does not hold */
	char probe_what[512]; /* the first difference a probe found */
	bool cur_orig;          /* the package being compared has its original objects */
	gl_goobj_deps *origdeps; /* the originals of the rebuilt packages, the new archives of the rest */
	const char *gocache;
	char *gocmd;            /* the go command */
	const char *header;     /* the rebuilt archives' "go object ..." line */
} fixer;

/* The child fix_run waits for (0: none): a signal handler may forward
 * to it. */
extern volatile pid_t fix_child;
/* Runs argv in dir (NULL: the current folder) with extra environment
 * entries; stdout and stderr into *out and *errout (malloc'd). Returns the
 * exit status, -1 when it could not run. cmd_fix.c */
int fix_run(char *const argv[], char *const env[], const char *dir, char **out, char **errout);
/* Runs go list -export -deps with the running program's build settings in
 * dir (NULL: the current folder) for pkgs (none: ./...), plus flag extra
 * (may be NULL); lines "IMPORTPATH\tNAME\tEXPORT\tDEPONLY" in *out. */
int fix_go_list(fixer *f, const char *dir, const char *extra, char *const *pkgs, size_t npkgs, char **out, char **errout);
/* Splits the next line of fix_go_list's output at *cur into its four
 * fields (NULL where the line has fewer) and advances *cur; false at the
 * end. */
bool fix_list_next(char **cur, char *fld[4]);
/* Orders host symbols by address (qsort). */
int fix_cmp_hostsym(const void *a, const void *b);
/* Compares every function, variable and type of package pk with the
 * host's; the changed and new functions go to f->changed and f->fresh,
 * what cannot be applied safely to f->refusals. */
int fix_diff_package(fixer *f, const pkginfo *pk);
/* Refuses a changed function inlined into a caller the fix does not
 * rebuild (the caller would keep the old inlined copy). */
void fix_check_inlined(fixer *f, const char *name);
/* Refusal (counted, or only counted in probe mode). */
void fix_refuse(fixer *f, const char *fmt, ...) GL_PRINTF(2, 3);
/* Finds the archives each rebuilt package of the host was compiled to
 * when the running program was built, in the build cache (an index per
 * executable in the user's cache). fix_orig.c */
int fix_find_originals(fixer *f, const char *exe);
/* Compares the signatures of pk's functions and the initializers of its
 * variables between the original objects and the rebuilt ones; refuses
 * what changed, and a package whose originals are unknown. */
void fix_compare_originals(fixer *f, const pkginfo *pk);

#endif
