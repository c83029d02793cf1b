package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// pkgInfo is what planLoad reads of a package's archive
// (goload_host_package_info).
type pkgInfo struct {
	has     bool               // the host contains it (goload_host_has_package)
	init    bool               // its init task lists a function
	fp      [8]byte            // its compiled object's fingerprint
	imports map[string][8]byte // direct imports (autolib) and the fingerprint each was compiled against
}

func hostPackageInfo(h *C.goload_host, pkg, archive string) (*pkgInfo, error) {
	ca, cp := C.CString(archive), C.CString(pkg)
	defer C.free(unsafe.Pointer(ca))
	defer C.free(unsafe.Pointer(cp))
	var e C.goload_err
	var pi C.goload_pkginfo
	loadMu.Lock() // it may index the host's types, which links read
	rc := C.goload_host_package_info(h, cp, ca, &pi, &e)
	loadMu.Unlock()
	if rc < 0 {
		return nil, cError(&e)
	}
	defer C.goload_pkginfo_free(&pi)
	info := &pkgInfo{has: pi.has == 1, init: bool(pi.init), imports: map[string][8]byte{}}
	for i := range info.fp {
		info.fp[i] = byte(pi.fingerprint[i])
	}
	n := int(pi.nimports)
	if n > 0 {
		paths := unsafe.Slice(pi.imports, n)
		fps := unsafe.Slice(pi.import_fps, n)
		for k := 0; k < n; k++ {
			var fp [8]byte
			for i := range fp {
				fp[i] = byte(fps[k][i])
			}
			info.imports[C.GoString(paths[k])] = fp
		}
	}
	return info, nil
}

// hostBuild finds the packages of the host's build that the host's linker
// dropped whole: packages the host lacks (none of their own functions or
// variables is in it) that a package it has imports, directly or through
// such packages, by the archives' own import lists (the autolib entries
// cmd/link reads), each
//   - the very build the importer was compiled against (the fingerprint
//     its autolib entry records is the archive's own),
//   - with no init function (the host's linker keeps every init task of a
//     package the program imports, and what it lists: a package whose init
//     the host lacks was never imported by it),
//   - without cgo,
//   - and, outside the standard library, of the module version the host's
//     build info records (hostMods).
//
// Dropped host code (a host extension's) can need exactly these: what a
// host package's code calls is in its imports' closure. They are host
// packages for OpenPackage (their symbols are taken into host
// extensions, once per process). The map gives each the package through
// which it was reached, for the debug log.
func hostBuild(pkgs []listPackage, info map[string]*pkgInfo, hostMods map[string]*listModule) map[string]string {
	byPath := map[string]*listPackage{}
	for i := range pkgs {
		byPath[pkgs[i].ImportPath] = &pkgs[i]
	}
	var queue []string
	for _, p := range pkgs {
		if in := info[p.ImportPath]; in != nil && in.has {
			queue = append(queue, p.ImportPath)
		}
	}
	graph := map[string]string{}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		imps := make([]string, 0, len(info[from].imports))
		for q := range info[from].imports {
			imps = append(imps, q)
		}
		sort.Strings(imps) // a deterministic log
		for _, q := range imps {
			qi, p := info[q], byPath[q]
			if qi == nil || p == nil || qi.has || graph[q] != "" {
				continue
			}
			why := ""
			switch {
			case qi.fp != info[from].imports[q]:
				why = "its archive is not the build " + from + " was compiled against (fingerprint)"
			case qi.init:
				why = "it has init functions the host lacks (the host never imported it)"
			case len(p.CgoFiles) > 0:
				why = "it uses cgo"
			case !p.Standard && p.Module != nil && (hostMods[p.Module.Path] == nil || !sameVersion(hostMods[p.Module.Path], p.Module)):
				why = "the host's build info has another version of module " + p.Module.Path
			}
			if why != "" {
				debugf("package %s: imported by %s, which the host has, but not of the host's build: %s", q, from, why)
				continue
			}
			graph[q] = from
			queue = append(queue, q)
		}
	}
	return graph
}

// nothingToLoad is OpenPackage's error when every package of pattern is
// the host's, kept or dropped by its linker.
func nothingToLoad(pattern string, hostPkgs []string, graph map[string]string) error {
	var dropped []string
	for _, p := range hostPkgs {
		if graph[p] != "" {
			dropped = append(dropped, p)
		}
	}
	msg := "OpenPackage " + pattern + ": nothing to load: every package it needs is the host's"
	if len(dropped) > 0 {
		msg += " (of the host's build, its linker dropped " + strings.Join(dropped, ", ") + ": their code goes into host extensions when a module needs it)"
	}
	return errorf("%s", msg)
}

// The archives planLoad found to be of the host's build (path -> package),
// for the process's life: Open makes the same archive a host package too,
// so what it needs of it binds to the host extension's one copy.
var (
	hostBuildMu       sync.Mutex
	hostBuildArchives = map[string]string{}
)

func noteHostBuild(pkg, archive string) {
	hostBuildMu.Lock()
	hostBuildArchives[archive] = pkg
	hostBuildMu.Unlock()
}

// splitHostBuild takes out of Open's archives those OpenPackage found to be
// of the host's build: they link as host packages (what the module needs
// of them goes into the host extension, shared with every module), not as
// a second copy.
func splitHostBuild(archives []string) (load, hostPkgs, hostArchives []string) {
	hostBuildMu.Lock()
	defer hostBuildMu.Unlock()
	for _, a := range archives {
		if pkg := hostBuildArchives[a]; pkg != "" {
			debugf("package %s (%s): of the host's build, as OpenPackage found: a host package, what this module needs of it goes into a host extension", pkg, a)
			hostPkgs = append(hostPkgs, pkg)
			hostArchives = append(hostArchives, a)
			continue
		}
		load = append(load, a)
	}
	return load, hostPkgs, hostArchives
}

// loadedBy names the open module that loaded this build of pkg itself (one
// opened with Open before OpenPackage knew pkg to be of the host's build),
// or "": a later module reuses that copy rather than take a second one
// into a host extension.
func loadedBy(h *C.goload_host, pkg, archive string) (string, error) {
	cp, ca := C.CString(pkg), C.CString(archive)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(ca))
	loadMu.Lock()
	defer loadMu.Unlock()
	for _, o := range modules {
		if o.m == nil || o.stub || o.ext {
			continue
		}
		var e C.goload_err
		switch rc := C.goload_module_loaded_build(h, o.m, cp, ca, &e); {
		case rc < 0:
			return "", cError(&e)
		case rc == 1:
			return C.GoString(C.goload_module_name(o.m)), nil
		}
	}
	return "", nil
}
