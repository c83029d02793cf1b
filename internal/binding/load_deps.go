package binding

import "C"

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Loaded objects refer to the symbols of packages the host already has by
// index; a few of those references (types of globals, inlined callees)
// carry no name in the object, so the linker reads the package's own
// object from the build cache, through the toolchain that built the host.

var (
	depMu    sync.Mutex
	depCache = map[string]string{}
)

//export goloadDepArchive
func goloadDepArchive(pkg *C.char) *C.char {
	path := depArchive(C.GoString(pkg))
	if path == "" {
		return nil
	}
	return C.CString(path)
}

func depArchive(pkg string) string {
	depMu.Lock()
	defer depMu.Unlock()
	if p, ok := depCache[pkg]; ok {
		return p
	}
	p := ""
	if goCmd := hostToolchain(); goCmd != "" {
		out, err := exec.Command(goCmd, "list", "-export", "-f", "{{.Export}}", pkg).Output()
		if err == nil {
			p = strings.TrimSpace(string(out))
		}
	}
	depCache[pkg] = p
	return p
}

var (
	toolOnce sync.Once
	toolPath string
)

// hostToolchain is a go command of exactly the host's version, or "".
func hostToolchain() string {
	toolOnce.Do(func() {
		for _, c := range []string{filepath.Join(runtime.GOROOT(), "bin", "go"), "go"} {
			cmd := exec.Command(c, "env", "GOVERSION")
			cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
			out, err := cmd.Output()
			if err == nil && strings.TrimSpace(string(out)) == runtime.Version() {
				toolPath = c
				return
			}
		}
	})
	return toolPath
}

var batchCache = map[string]string{} // package list -> importcfg, under depMu

//export goloadDepArchives
func goloadDepArchives(pkgs *C.char) *C.char {
	cfg := depArchives(strings.Fields(C.GoString(pkgs)))
	if cfg == "" {
		return nil
	}
	return C.CString(cfg)
}

// depArchives is an importcfg ("packagefile PATH=FILE" lines) for pkgs and
// everything they import, built the way the host was built, from one
// `go list -export -deps` run: a stripped host's code is matched against
// these objects, so they must be what its linker saw. Packages that do not
// build here are left out (-e). Cached per process.
func depArchives(pkgs []string) string {
	depMu.Lock()
	defer depMu.Unlock()
	key := strings.Join(pkgs, "\n")
	if cfg, ok := batchCache[key]; ok {
		return cfg
	}
	// The archives goload fix listed (the host's packages as its linker
	// saw them): no go command runs for them.
	// Every one of them: also the dependencies that have no function
	// left in the host (their variables are matched too).
	var given strings.Builder
	if hostArchives != nil {
		var missing []string
		for _, p := range pkgs {
			if _, ok := hostArchives[p]; !ok {
				missing = append(missing, p)
			}
		}
		for p, a := range hostArchives {
			given.WriteString("packagefile " + p + "=" + a + "\n")
		}
		pkgs = missing
	}
	cfg := given.String()
	if goCmd := hostToolchain(); goCmd != "" && len(pkgs) > 0 {
		flags, env := hostBuildSettings()
		args := append([]string{"list", "-e", "-export", "-deps",
			"-f", "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}"}, flags...)
		cmd := exec.Command(goCmd, append(args, pkgs...)...)
		cmd.Env = append(append(os.Environ(), "GOTOOLCHAIN=local"), env...)
		// With -e a package that fails is reported and left out; the
		// others are still listed.
		out, _ := cmd.Output()
		cfg += string(out)
	}
	batchCache[key] = cfg
	return cfg
}

// hostArchives: package path -> archive of the host's packages, from
// SetHostArchives, under depMu.
var hostArchives map[string]string

// SetHostArchives gives the archives of the host's packages as its
// linker saw them (package path -> archive), built with the host's own
// toolchain and settings: a stripped host's data symbols are then
// recovered from them without running the go command. goload fix's agent
// passes what the command listed.
func SetHostArchives(m map[string]string) {
	depMu.Lock()
	defer depMu.Unlock()
	if hostArchives == nil {
		hostArchives = map[string]string{}
	}
	for k, v := range m {
		hostArchives[k] = v
	}
}

// hostBuildSettings turns the host's recorded build settings into go
// command flags and environment: everything that changes the compiled code
// (build mode, tags, compiler flags, race, PGO profile) and the GO*/CGO_*
// variables (GOAMD64, GOEXPERIMENT, CGO_ENABLED...).
func hostBuildSettings() (flags, env []string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil, nil
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "-buildmode", "-tags", "-gcflags", "-asmflags", "-ldflags", "-pgo":
			flags = append(flags, s.Key+"="+s.Value)
		case "-trimpath", "-race", "-msan", "-asan":
			if s.Value == "true" {
				flags = append(flags, s.Key)
			}
		default:
			if s.Key != "" && strings.ToUpper(s.Key) == s.Key && !strings.HasPrefix(s.Key, "-") {
				env = append(env, s.Key+"="+s.Value)
			}
		}
	}
	return flags, env
}
