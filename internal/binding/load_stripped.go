package binding

/*
#include <stdlib.h>
#include "goload.h"

extern char *goloadDepArchives(char *pkgs);
static char *goload_deps_hook(void *ctx, const char *pkgs) { (void)ctx; return goloadDepArchives((char *)pkgs); }
static int goload_recover_host(goload_host *h, bool debug, goload_err *e)
{
	goload_link_opts o = {0};
	o.debug = debug;
	o.dep_archives = goload_deps_hook;
	return goload_host_recover(h, &o, e);
}
*/
import "C"

// recoverHost gives a host built with -ldflags=-s its data symbols back
// (the runtime's module list and itab lock, the variables loaded code
// uses): the C library matches the host's code against the objects of its
// own packages, which depArchives gets from the build cache. Nothing to do
// for an unstripped host.
func recoverHost(h *C.goload_host) error {
	var e C.goload_err
	if C.goload_recover_host(h, C.bool(debugOn()), &e) < 0 {
		return cError(&e)
	}
	return nil
}
