/*
 * goload — a loader, linker and hot-patcher for Go code, written in C.
 *
 * This is the one public header. Objects are opaque and have explicit
 * lifetimes (open/close pairs). Every function that can fail returns a
 * negative goload_code (or NULL) and, when `err` is not NULL, fills it with a
 * machine-readable code and a message that names the file, symbol or offset.
 *
 * The header is split into sections in pipeline order; each section is owned
 * by one part of the library (see the folder of the same name under src/).
 */
#ifndef GOLOAD_H
#define GOLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Errors                                                                */
/* ===================================================================== */

typedef enum goload_code {
	GOLOAD_OK = 0,
	GOLOAD_E_INVAL = 1,       /* bad argument from the caller */
	GOLOAD_E_IO = 2,          /* open/read/mmap failed */
	GOLOAD_E_NOMEM = 3,       /* allocation failed */
	GOLOAD_E_FORMAT = 4,      /* malformed input: truncated, out of range, inconsistent */
	GOLOAD_E_UNSUPPORTED = 5, /* well-formed but not something goload handles */
	GOLOAD_E_NOTFOUND = 6,    /* a symbol, section, member... does not exist */
	GOLOAD_E_VERSION = 7,     /* Go version / GOAMD64 / experiment mismatch or unknown */
	GOLOAD_E_UNRESOLVED = 8,  /* symbols that nothing defines */
	GOLOAD_E_UNSAFE = 9,      /* refused because it is not safe now (patch, unload) */
	GOLOAD_E_MISMATCH = 10,   /* types/signatures/fingerprints disagree */
	GOLOAD_E_INTERNAL = 11,   /* a goload bug: please report */
} goload_code;

#define GOLOAD_ERR_MSG_MAX 1024

typedef struct goload_err {
	int code;                      /* goload_code */
	char msg[GOLOAD_ERR_MSG_MAX];  /* human message; empty when code == 0 */
} goload_err;

/* Name of a code ("format", "unsupported", ...). Never NULL. */
const char *goload_code_name(int code);

/* Library version string, e.g. "0.1.0". */
const char *goload_version(void);

/* ===================================================================== */
/* inspect — Go executables and shared objects (src/elf, src/gobin)      */
/* ===================================================================== */
/* GOLOAD-SECTION-INSPECT-BEGIN */
/* GOLOAD-SECTION-INSPECT-END */

/* ===================================================================== */
/* objects — go tool compile objects and archives (src/goobj)            */
/* ===================================================================== */
/* GOLOAD-SECTION-GOOBJ-BEGIN */
/* GOLOAD-SECTION-GOOBJ-END */

/* ===================================================================== */
/* load — link, runtime metadata, memory (src/link, src/rt, src/mem)     */
/* ===================================================================== */
/* GOLOAD-SECTION-LOAD-BEGIN */

/* The running process, seen as a Go executable: its symbols and the load
 * bias of its image (non-zero for PIE). Loading always targets the process
 * that calls it: the runtime functions that register a module must run on
 * one of its goroutines. */
typedef struct goload_host goload_host;

int goload_host_open(goload_host **out, goload_err *err);
void goload_host_close(goload_host *h);
/* Run-time address of a host symbol by its Go linker name
 * ("runtime.modulesinit"; ABI0 twins of ABIInternal functions are "x.abi0").
 * GOLOAD_E_NOTFOUND when the host does not have it (dead-code eliminated,
 * or stripped). */
int goload_host_sym(const goload_host *h, const char *name, uint64_t *addr, goload_err *err);
/* The Go version the host was built with ("go1.26.8"). */
const char *goload_host_goversion(const goload_host *h);

/* GOLOAD-SECTION-LOAD-END */

/* ===================================================================== */
/* patch — entry jumps and trampolines (src/patch)                       */
/* ===================================================================== */
/* GOLOAD-SECTION-PATCH-BEGIN */
/* GOLOAD-SECTION-PATCH-END */

#ifdef __cplusplus
}
#endif
#endif /* GOLOAD_H */
