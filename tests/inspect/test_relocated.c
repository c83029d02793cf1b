/*
 * An executable whose dynamic relocations' words are 0 in the file (a Go
 * program that imports plugin: its linker exports every Go symbol and
 * leaves symbol relocations of exported symbols, here a C function's GOT
 * word, to the dynamic linker). Opened by path, the
 * words are written into the file's private mapping (only their pages are
 * copied); opened from a span, into a copy of the whole file, as before.
 * Both must read the same bytes and give the same symbol index: this
 * builds such a program with the newest installed Go and compares.
 */
#include "check.h"
#include "gotool.h"
#include "gobin/gobin.h"
#include "image/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static bool put(const char *dir, const char *name, const char *text)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* A weak reference tested for NULL reads the C function's address from
 * the GOT (a compare the linker cannot relax, as src/link/cobj.c's
 * goload_runtime_cgo_sym); plugin makes the linker export the function,
 * so that GOT word stays a dynamic relocation, 0 in the file. */
static bool build(const char *dir, char *bin, size_t cap)
{
	if (!put(dir, "go.mod", "module reloc\n\ngo 1.21\n") ||
	    !put(dir, "fn.c", "int reloc_fn(void) { return 7; }\n") ||
	    !put(dir, "main.go",
		 "package main\n\n/*\nextern int reloc_fn(void) __attribute__((weak));\n"
		 "static int reloc_call(void) { return reloc_fn ? reloc_fn() : 0; }\n*/\n"
		 "import \"C\"\n\nimport _ \"plugin\"\n\nfunc main() { println(C.reloc_call()) }\n"))
		return false;
	snprintf(bin, cap, "%s/reloc", dir);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "cd %s && GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=1 %s build -o reloc . 2>&1", dir, go_path);
	int rc = system(cmd);
	return rc == 0 && access(bin, R_OK) == 0;
}

int main(void)
{
	if (!find_go()) {
		CHECK_MSG(0, "no Go toolchain found by scripts/gotoolchains.sh");
		return CHECK_DONE();
	}
	char dir[] = "/tmp/goload-reloc-XXXXXX", bin[4200];
	if (!mkdtemp(dir) || !build(dir, bin, sizeof bin)) {
		CHECK_MSG(0, "building a Go program that imports plugin in %s failed", dir);
		return CHECK_DONE();
	}
	goload_err err;
	uint64_t copied0 = gl_image_copied_bytes(), cow0 = gl_image_cow_pages();
	gl_gobin *byPath = NULL, *bySpan = NULL;
	CHECK_MSG(gl_gobin_open_path(bin, &byPath, &err) == 0, "%s", err.msg);
	uint64_t copied1 = gl_image_copied_bytes(), cow1 = gl_image_cow_pages();
	/* The regression: the whole file was copied for a handful of words. */
	CHECK_MSG(copied1 == copied0, "opening by path copied %llu bytes", (unsigned long long)(copied1 - copied0));
	CHECK_MSG(cow1 > cow0, "no relocated word written in place: the fixture needs none (did the linker change?)");

	gl_file *file = NULL;
	CHECK_MSG(gl_file_open(bin, &file, &err) == 0, "%s", err.msg);
	if (byPath && file) {
		uint8_t *heap = malloc(file->data.n);
		CHECK(heap != NULL);
		if (heap) {
			memcpy(heap, file->data.p, file->data.n);
			CHECK_MSG(gl_gobin_open_span(gl_span_make(heap, file->data.n), bin, &bySpan, &err) == 0, "%s", err.msg);
			CHECK_MSG(gl_image_copied_bytes() - copied1 == file->data.n, "a span is copied whole (%llu bytes)",
				  (unsigned long long)(gl_image_copied_bytes() - copied1));
		}
		if (bySpan) {
			const gl_image *a = gl_gobin_image(byPath), *b = gl_gobin_image(bySpan);
			CHECK(a->img.n == b->img.n && memcmp(a->img.p, b->img.p, a->img.n) == 0);
			CHECK(memcmp(a->img.p, file->data.p, a->img.n) != 0); /* words were written */
			size_t n = gl_gobin_nsyms(byPath);
			CHECK_MSG(n > 1000 && n == gl_gobin_nsyms(bySpan), "%zu symbols by path, %zu by span", n,
				  gl_gobin_nsyms(bySpan));
			for (size_t i = 0; i < n && n == gl_gobin_nsyms(bySpan); i++) {
				gl_gobin_sym x, y;
				CHECK(gl_gobin_sym_at(byPath, i, &x) && gl_gobin_sym_at(bySpan, i, &y));
				if (strcmp(x.name, y.name) || x.addr != y.addr || x.size != y.size || x.kind != y.kind ||
				    x.source != y.source) {
					CHECK_MSG(0, "symbol %zu: %s 0x%llx by path, %s 0x%llx by span", i, x.name,
						  (unsigned long long)x.addr, y.name, (unsigned long long)y.addr);
					break;
				}
			}
			const gl_gobin_info *ia = gl_gobin_get_info(byPath), *ib = gl_gobin_get_info(bySpan);
			CHECK(ia->md_va == ib->md_va && ia->nfuncs == ib->nfuncs && ia->buildmode == ib->buildmode);
			gl_gobin_close(bySpan);
		}
		free(heap);
	}
	gl_file_close(file);
	gl_gobin_close(byPath);
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return CHECK_DONE();
}
