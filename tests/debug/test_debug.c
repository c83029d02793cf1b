/* src/debug without a Go runtime: registering a range of code writes its
 * perf map line (read back from /tmp/perf-PID.map) and hands gdb's JIT
 * descriptor an ELF object that the library's own ELF reader opens, with
 * the symbol at the right place; unregistering unlinks it. The Go tests
 * (debug_perf_test.go, debug_gdb_test.go) check the same with perf and
 * gdb themselves. */
#include "check.h"

#include "elf/elf.h"
#include "goload.h"

#include <stdlib.h>
#include <unistd.h>

struct jit_code_entry {
	struct jit_code_entry *next_entry, *prev_entry;
	const char *symfile_addr;
	uint64_t symfile_size;
};

struct jit_descriptor {
	uint32_t version, action_flag;
	struct jit_code_entry *relevant_entry, *first_entry;
};

extern struct jit_descriptor __jit_debug_descriptor;

static int key1, key2;

/* The map's whole text is want (and nothing else). */
static void check_map(const char *path, const char *want)
{
	FILE *f = fopen(path, "r");
	CHECK_MSG(f != NULL, "%s: cannot open", path);
	if (!f)
		return;
	char buf[256] = {0};
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	CHECK_STR(buf, want);
	CHECK(n == strlen(want));
}

int main(void)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
	unlink(path);
	goload_err err = {0};
	CHECK(__jit_debug_descriptor.version == 1 && __jit_debug_descriptor.first_entry == NULL);
	CHECK(goload_debug_register_code(&key1, 0x7000100, 0x40, "example.com/p.F", GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_GDB,
					 &err) == 0);
	CHECK(goload_debug_register_code(&key2, 0x7000200, 0x10, "goload.patch:main.g", GOLOAD_DEBUG_GDB, &err) == 0);
	CHECK(goload_debug_registered(&key1) && goload_debug_registered(&key2));

	/* perf: one line, only for the range that asked for it */
	check_map(path, "7000100 40 example.com/p.F\n");

	/* gdb: two entries, newest first, each an ELF object the library reads */
	struct jit_code_entry *e = __jit_debug_descriptor.first_entry;
	CHECK(e != NULL && e->next_entry != NULL && e->next_entry->prev_entry == e);
	CHECK(__jit_debug_descriptor.action_flag == 0);
	for (int i = 0; e && i < 2; i++, e = e->next_entry) {
		gl_elf *el = NULL;
		int rc = gl_elf_open(gl_span_make(e->symfile_addr, e->symfile_size), "jit", &el, &err);
		CHECK_MSG(rc == 0, "%s", err.msg);
		if (rc < 0)
			continue;
		const char *name = i == 0 ? "goload.patch:main.g" : "example.com/p.F";
		const gl_elf_sym *s = gl_elf_sym_find(el, name);
		const gl_elf_sec *text = gl_elf_sec_find(el, ".text");
		CHECK_MSG(s != NULL, "no symbol %s", name);
		CHECK(text != NULL);
		if (s && text) {
			CHECK(s->value == 0); /* relative to .text */
			CHECK(s->size == (i == 0 ? 0x10u : 0x40u));
			CHECK(text->addr == (i == 0 ? 0x7000200u : 0x7000100u));
		}
		CHECK(gl_elf_sec_find(el, ".debug_frame") != NULL);
		CHECK(gl_elf_sec_find(el, ".debug_info") != NULL);
		gl_elf_close(el);
	}

	goload_debug_unregister(&key2);
	CHECK(!goload_debug_registered(&key2) && goload_debug_registered(&key1));
	e = __jit_debug_descriptor.first_entry;
	CHECK(e != NULL && e->next_entry == NULL && e->prev_entry == NULL);
	goload_debug_unregister(&key1);
	CHECK(__jit_debug_descriptor.first_entry == NULL && __jit_debug_descriptor.relevant_entry == NULL);
	goload_debug_unregister(&key1); /* twice: nothing */

	/* deferred lines: queued for the writer thread, on file after
	 * goload_debug_flush, in the order registered, after the first */
	static int key3, key4;
	CHECK(goload_debug_register_code(&key3, 0x7000300, 0x20, "goload.patch:main.h",
					 GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_DEFER, &err) == 0);
	CHECK(goload_debug_register_code(&key4, 0x7000400, 0x30, "goload.patch:main.k",
					 GOLOAD_DEBUG_PERFMAP | GOLOAD_DEBUG_DEFER, &err) == 0);
	goload_debug_flush();
	check_map(path, "7000100 40 example.com/p.F\n7000300 20 goload.patch:main.h\n7000400 30 goload.patch:main.k\n");
	goload_debug_flush(); /* nothing queued: returns */

	/* the environment turns each off */
	setenv("GOLOAD_PERFMAP", "0", 1);
	CHECK(goload_debug_env_flags() == GOLOAD_DEBUG_GDB);
	setenv("GOLOAD_GDBJIT", "0", 1);
	CHECK(goload_debug_env_flags() == 0);
	unlink(path);
	return CHECK_DONE();
}
