//go:build !cgo

package binding

// goload is C (the loader, linker and patcher) behind a cgo binding, and a
// loaded package runs on the host's cgo runtime (runtime/cgo: crosscall2,
// the C threads' TLS): a host built with CGO_ENABLED=0 cannot use it. This
// undefined name is the build's first error, so it says what to do.
var _ = goload_needs_cgo__build_the_host_with_CGO_ENABLED_1_and_a_C_compiler_gcc_or_clang
