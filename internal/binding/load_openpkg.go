package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// OpenOptions configures OpenPackage.
type OpenOptions struct {
	// Dir is the directory the pattern is resolved in, and whose module
	// selects dependency versions; "" is the current directory.
	Dir string
	// NoPerfMap and NoGDB turn off naming the module's code in
	// /tmp/perf-PID.map and registering it with gdb's JIT interface
	// (both on by default; GOLOAD_PERFMAP=0 and GOLOAD_GDBJIT=0 turn them
	// off for every module). See docs/debugging.md.
	NoPerfMap, NoGDB bool
}

// OpenPackage builds the packages matching pattern, and every dependency,
// with the host's own toolchain and build settings (Go version, GOAMD64,
// GOEXPERIMENT, CGO_ENABLED, build tags), then loads the packages the host
// lacks, in dependency order, reusing every package the host has. ctx
// cancels the go command.
//
// The host's packages stay the host's: their variables, types and init
// state are shared with the loaded code. A function of theirs the host's
// linker dropped (one the host never called) is taken from the package's
// archive. It is an error to need a package the host has at another
// module version, or a package the host lacks that needs cgo.
//
// net and os/user, when the host lacks them, are built with the netgo and
// osusergo tags: their pure-Go variants need no C code.
func OpenPackage(ctx context.Context, pattern string, opts *OpenOptions) (*Module, error) {
	if opts == nil {
		opts = &OpenOptions{}
	}
	start, t := time.Now(), Timings{}
	h, err := theHost()
	if err != nil {
		return nil, err
	}
	t.HostIndex = time.Since(start)
	t0 := time.Now()
	goCmd := hostToolchain()
	if goCmd == "" {
		return nil, errorf("no go command of the host's version %s (looked in %s/bin and on PATH)", runtime.Version(), runtime.GOROOT())
	}
	// main packages are namespaced (run.go)
	mainPaths, mainFlags, err := mainPackages(ctx, goCmd, pattern, opts.Dir)
	if err != nil {
		return nil, err
	}
	pkgs, err := goList(ctx, goCmd, pattern, opts.Dir, mainFlags...)
	if err != nil {
		return nil, err
	}
	t.GoList = time.Since(t0)
	t0 = time.Now()
	plan, err := planLoad(h, pattern, pkgs)
	if err != nil {
		return nil, err
	}
	t.Plan = time.Since(t0)
	m, err := open(plan.load, plan.hostPkgs, plan.hostArchives, start, &t, debugFlags(opts))
	if err == nil {
		setMain(m, mainPaths)
		m.debugOpenTimes("OpenPackage " + pattern)
	}
	return m, err
}

// listPackage is what OpenPackage reads of `go list -json`.
type listPackage struct {
	ImportPath, Export string
	Standard, DepOnly  bool
	Module             *listModule
	CgoFiles, Deps     []string
	Error              string
}

type listModule struct {
	Path, Version string
	Main          bool
	Replace       *listModule
}

func (m *listModule) String() string {
	s := m.Path + " " + m.Version
	if m.Replace != nil {
		s += " => " + strings.TrimSpace(m.Replace.Path+" "+m.Replace.Version)
	}
	return strings.TrimSpace(s)
}

func debugf(format string, args ...any) {
	if debugOn() {
		fmt.Fprintf(os.Stderr, "goload: "+format+"\n", args...)
	}
}

// pureGo are packages whose cgo-free variant a build tag selects.
var pureGo = []struct{ pkg, tag string }{{"net", "netgo"}, {"os/user", "osusergo"}}

// goList builds the pattern's packages and lists them with their archives,
// dependencies first, with one go command.
func goList(ctx context.Context, goCmd, pattern, dir string, flags ...string) ([]listPackage, error) {
	var tags []string
	if t := buildSetting("-tags"); t != "" {
		tags = strings.Split(t, ",")
	}
	for _, p := range pureGo {
		if !hostHasFuncsOf(p.pkg) && !contains(tags, p.tag) {
			tags = append(tags, p.tag)
			debugf("the host lacks %s: building with -tags %s (its pure-Go variant, no cgo)", p.pkg, p.tag)
		}
	}
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export,Standard,DepOnly,Module,CgoFiles,Deps,Error"}
	if len(tags) > 0 {
		args = append(args, "-tags="+strings.Join(tags, ","))
	}
	if buildSetting("-trimpath") == "true" {
		args = append(args, "-trimpath")
	}
	// A -race host runs -race code: the packages' race builds (their
	// accesses reported to the host's detector), as a native -race build.
	if buildSetting("-race") == "true" {
		args = append(args, "-race")
	}
	args = append(args, flags...)
	// runtime too: compiled code calls it without importing it
	// (runtime.panicnildottype of a type assertion), and what the host's
	// linker dropped of it comes from its archive like any host package's.
	args = append(args, pattern, "runtime")
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOAMD64="+buildSetting("GOAMD64"),
		"GOEXPERIMENT="+buildSetting("GOEXPERIMENT"), "CGO_ENABLED="+buildSetting("CGO_ENABLED"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, errorf("%s %s: %v\n%s", goCmd, strings.Join(args, " "), err, stderr.Bytes())
	}
	var pkgs []listPackage
	d := jsonDecoder{b: out}
	for d.skipSpace(); d.i < len(d.b); d.skipSpace() {
		v, err := d.value()
		if err != nil {
			return nil, errorf("go list -json output: %v", err)
		}
		pkgs = append(pkgs, toListPackage(v))
	}
	if len(pkgs) == 0 {
		return nil, errorf("go list %s: no packages", pattern)
	}
	return pkgs, nil
}

type loadPlan struct {
	load, hostPkgs, hostArchives []string
}

// planLoad decides, in dependency order, which packages come from the
// host and which from their archives.
func planLoad(h *C.goload_host, pattern string, pkgs []listPackage) (*loadPlan, error) {
	hostMods := map[string]*listModule{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		hostMods[bi.Main.Path] = &listModule{Path: bi.Main.Path, Version: bi.Main.Version, Main: true}
		for _, d := range bi.Deps {
			m := &listModule{Path: d.Path, Version: d.Version}
			if d.Replace != nil {
				m.Replace = &listModule{Path: d.Replace.Path, Version: d.Replace.Version}
			}
			hostMods[d.Path] = m
		}
	}
	depMu.Lock()
	for _, p := range pkgs {
		if p.Export != "" {
			depCache[p.ImportPath] = p.Export
		}
	}
	depMu.Unlock()
	// What the pattern needs: its packages and their dependencies. The
	// rest was listed for runtime alone (goList): its archive, and those
	// of its dependencies the host has, only answer dropped symbols.
	needed := map[string]bool{}
	for _, p := range pkgs {
		if !p.DepOnly && p.ImportPath != "runtime" {
			needed[p.ImportPath] = true
			for _, d := range p.Deps {
				needed[d] = true
			}
		}
	}
	info := map[string]*pkgInfo{}
	for _, p := range pkgs {
		if p.Error != "" {
			return nil, errorf("package %s: %s", p.ImportPath, p.Error)
		}
		if p.Export != "" {
			in, err := hostPackageInfo(h, p.ImportPath, p.Export)
			if err != nil {
				return nil, err
			}
			info[p.ImportPath] = in
		}
	}
	// Packages of the host's build that its linker dropped whole are host
	// packages too: dropped host code may need them, and a host extension
	// can hold only host packages (load_hostgraph.go).
	graph := hostBuild(pkgs, info, hostMods)
	plan := &loadPlan{}
	for _, p := range pkgs {
		if !needed[p.ImportPath] && p.Export != "" {
			if info[p.ImportPath].has || graph[p.ImportPath] != "" {
				debugf("package %s: reused from host (for its dropped symbols only)", p.ImportPath)
				plan.hostPkgs = append(plan.hostPkgs, p.ImportPath)
				plan.hostArchives = append(plan.hostArchives, p.Export)
			}
			continue
		}
		if p.Export == "" {
			debugf("package %s: nothing to load (no compiled code)", p.ImportPath)
			continue
		}
		if info[p.ImportPath].has {
			if hm, lm := hostMods[modPath(p.Module)], p.Module; !p.Standard && lm != nil && hm != nil && !sameVersion(hm, lm) {
				return nil, errorf("package %s: the host has it from module %s, building %s needs %s", p.ImportPath, hm, pattern, lm)
			}
			debugf("package %s: reused from host", p.ImportPath)
			plan.hostPkgs = append(plan.hostPkgs, p.ImportPath)
			plan.hostArchives = append(plan.hostArchives, p.Export)
			continue
		}
		if from := graph[p.ImportPath]; from != "" {
			owner, err := loadedBy(h, p.ImportPath, p.Export)
			if err != nil {
				return nil, err
			}
			if owner != "" {
				debugf("package %s: of the host's build (imported by %s), but module %s loaded this build of it itself: its copy is reused", p.ImportPath, from, owner)
				plan.load = append(plan.load, p.Export)
				continue
			}
			noteHostBuild(p.ImportPath, p.Export)
			debugf("package %s: of the host's build (imported by %s), its linker dropped all of it: a host package, what a module needs of it goes into a host extension", p.ImportPath, from)
			plan.hostPkgs = append(plan.hostPkgs, p.ImportPath)
			plan.hostArchives = append(plan.hostArchives, p.Export)
			continue
		}
		if len(p.CgoFiles) > 0 {
			// Its C objects are in the archive too (src/link/cobj.c).
			debugf("package %s uses cgo (%s): its C objects are loaded with it", p.ImportPath, strings.Join(p.CgoFiles, ", "))
		}
		debugf("package %s: loaded from archive %s", p.ImportPath, p.Export)
		plan.load = append(plan.load, p.Export)
	}
	debugf("%d packages loaded from archives, %d reused from host (%d of them of the host's build, dropped whole by its linker)", len(plan.load), len(plan.hostPkgs), len(graph))
	if len(plan.load) == 0 {
		return nil, nothingToLoad(pattern, plan.hostPkgs, graph)
	}
	return plan, nil
}

func modPath(m *listModule) string {
	if m == nil {
		return ""
	}
	return m.Path
}

// sameVersion compares the host's copy of a module with the one a build
// selected: the main module is the host's own source; a replaced module
// is its replacement.
func sameVersion(host, built *listModule) bool {
	if host.Main || built.Main {
		return host.Main && built.Main
	}
	if host.Version != built.Version {
		return false
	}
	hr, br := host.Replace, built.Replace
	return (hr == nil) == (br == nil) && (hr == nil || hr.Version == br.Version)
}

var (
	funcPkgsMu sync.Mutex
	funcPkgs   = map[string]bool{}
)

// hostHasFuncsOf reports whether the running executable has a function of
// package pkg, by its pclntab (stripped executables keep it), before
// there is an archive to ask goload_host_has_package about. It reads the
// host image the loader opened (once per process), answers cached.
func hostHasFuncsOf(pkg string) bool {
	funcPkgsMu.Lock()
	defer funcPkgsMu.Unlock()
	has, ok := funcPkgs[pkg]
	if !ok {
		if h, err := openHost(); err == nil {
			cp := C.CString(pkg)
			has = bool(C.goload_host_has_funcs_of(h, cp))
			C.free(unsafe.Pointer(cp))
		}
		funcPkgs[pkg] = has
	}
	return has
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func toListPackage(v any) listPackage {
	o, _ := v.(map[string]any)
	p := listPackage{}
	p.ImportPath, _ = o["ImportPath"].(string)
	p.Export, _ = o["Export"].(string)
	p.Standard, _ = o["Standard"].(bool)
	p.DepOnly, _ = o["DepOnly"].(bool)
	p.Module = toListModule(o["Module"])
	if e, ok := o["Error"].(map[string]any); ok {
		p.Error, _ = e["Err"].(string)
	}
	p.CgoFiles = toStrings(o["CgoFiles"])
	p.Deps = toStrings(o["Deps"])
	return p
}

func toStrings(v any) []string {
	var ss []string
	if a, ok := v.([]any); ok {
		for _, e := range a {
			s, _ := e.(string)
			ss = append(ss, s)
		}
	}
	return ss
}

func toListModule(v any) *listModule {
	o, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	m := &listModule{Replace: toListModule(o["Replace"])}
	m.Path, _ = o["Path"].(string)
	m.Version, _ = o["Version"].(string)
	m.Main, _ = o["Main"].(bool)
	return m
}

// jsonDecoder reads the go command's JSON output (objects, arrays,
// strings, booleans, numbers) without encoding/json, whose dependencies
// every host would otherwise carry.
type jsonDecoder struct {
	b []byte
	i int
}

func (d *jsonDecoder) skipSpace() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\n' || d.b[d.i] == '\t' || d.b[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonDecoder) errorf(what string) error { return fmt.Errorf("%s at offset %d", what, d.i) }

func (d *jsonDecoder) value() (any, error) {
	d.skipSpace()
	if d.i >= len(d.b) {
		return nil, d.errorf("unexpected end")
	}
	switch c := d.b[d.i]; {
	case c == '{':
		d.i++
		o := map[string]any{}
		for {
			d.skipSpace()
			if d.i < len(d.b) && d.b[d.i] == '}' {
				d.i++
				return o, nil
			}
			k, err := d.value()
			ks, ok := k.(string)
			if err != nil || !ok {
				return nil, d.errorf("object key expected")
			}
			if d.skipSpace(); d.i >= len(d.b) || d.b[d.i] != ':' {
				return nil, d.errorf("':' expected")
			}
			d.i++
			if o[ks], err = d.value(); err != nil {
				return nil, err
			}
			if d.skipSpace(); d.i < len(d.b) && d.b[d.i] == ',' {
				d.i++
			}
		}
	case c == '[':
		d.i++
		a := []any{}
		for {
			d.skipSpace()
			if d.i < len(d.b) && d.b[d.i] == ']' {
				d.i++
				return a, nil
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			if d.skipSpace(); d.i < len(d.b) && d.b[d.i] == ',' {
				d.i++
			}
		}
	case c == '"':
		j := d.i + 1
		for ; j < len(d.b) && d.b[j] != '"'; j++ {
			if d.b[j] == '\\' {
				j++
			}
		}
		if j >= len(d.b) {
			return nil, d.errorf("unterminated string")
		}
		s, err := strconv.Unquote(string(d.b[d.i : j+1]))
		if err != nil {
			return nil, d.errorf("bad string")
		}
		d.i = j + 1
		return s, nil
	default:
		j := d.i
		for j < len(d.b) && strings.IndexByte(",}] \n\t\r", d.b[j]) < 0 {
			j++
		}
		tok := string(d.b[d.i:j])
		d.i = j
		switch tok {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if f, err := strconv.ParseFloat(tok, 64); err == nil {
			return f, nil
		}
		return nil, d.errorf("bad token " + strconv.Quote(tok))
	}
}
