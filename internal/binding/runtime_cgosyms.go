package binding

// The C functions of runtime/cgo that cgo-generated code of a loaded
// package calls (an exported Go function's C wrapper waits for the
// runtime's initialization and releases the traceback context), by
// address: the binding is cgo code linked with runtime/cgo, so its link
// resolves them, and src/link/cobj.c finds them here (a weak reference)
// when the host's symbol table does not have them (-s).

/*
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern uintptr_t _cgo_wait_runtime_init_done(void);
extern void _cgo_release_context(uintptr_t);

void *goload_runtime_cgo_sym(const char *name) {
	if (strcmp(name, "_cgo_wait_runtime_init_done") == 0)
		return (void *)_cgo_wait_runtime_init_done;
	if (strcmp(name, "_cgo_release_context") == 0)
		return (void *)_cgo_release_context;
	return NULL;
}
*/
import "C"
