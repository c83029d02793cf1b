package goload

import "C"

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
