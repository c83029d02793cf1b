package binding

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path"
	"strings"
	"sync"
)

// Main packages (docs/load.md, "main packages and goload run"): a program
// the host loads cannot keep the package path "main", the host's own:
// its functions, variables and types would share names with the host's
// (main.main, type:*main.T). OpenPackage compiles each main package the
// pattern matches with -p goload.run/IMPORTPATH (a -gcflags of that
// package only), so its symbols are namespaced; Lookup(m, "main.X")
// finds X of the module's one main package.

// mainPrefix is the package path a loaded main package gets.
const mainPrefix = "goload.run/"

var (
	mainsMu sync.Mutex
	mains   = map[*Module]string{} // the module's one main package, namespaced
)

// mainPackages lists the import paths of the main packages pattern
// matches, and the go list flags that namespace them.
func mainPackages(ctx context.Context, goCmd, pattern, dir string) ([]string, []string, error) {
	cmd := exec.CommandContext(ctx, goCmd, "list", "-e", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, pattern)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, errorf("%s list %s: %v\n%s", goCmd, pattern, err, stderr.Bytes())
	}
	var paths, flags []string
	for _, p := range strings.Fields(string(out)) {
		paths = append(paths, p)
		flags = append(flags, "-gcflags="+p+"=-p="+mainPrefix+p)
	}
	return paths, flags, nil
}

// setMain records the module's main package when it loaded exactly one.
func setMain(m *Module, paths []string) {
	if len(paths) == 1 {
		mainsMu.Lock()
		mains[m] = mainPrefix + paths[0]
		mainsMu.Unlock()
	}
}

// mainName is name with a leading "main." naming the module's main
// package, if it loaded one.
func mainName(m *Module, name string) string {
	rest, ok := strings.CutPrefix(name, "main.")
	if !ok {
		return name
	}
	mainsMu.Lock()
	p, ok := mains[m]
	mainsMu.Unlock()
	if !ok {
		return name
	}
	return p + "." + rest
}

// Run runs the main package pattern names as `go run` would, in this
// process: os.Args becomes the program's name (the package's last path
// element) and args, the package and what it needs of what the host
// lacks are loaded (OpenPackage, which runs their inits), then its
// main.main runs. Run returns when main.main returns: the caller should
// then exit 0, as a program whose main returns does. os.Exit in the
// program ends the process with its code, as it would natively.
func Run(ctx context.Context, pattern string, args []string, opts *OpenOptions) error {
	if opts == nil {
		opts = &OpenOptions{}
	}
	goCmd := hostToolchain()
	if goCmd == "" {
		return errorf("no go command of the host's version")
	}
	paths, _, err := mainPackages(ctx, goCmd, pattern, opts.Dir)
	if err != nil {
		return err
	}
	if len(paths) != 1 {
		// go list without -e says what is wrong with the pattern, if anything
		cmd := exec.CommandContext(ctx, goCmd, "list", pattern)
		cmd.Dir = opts.Dir
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			return errorf("%s", strings.TrimSpace(string(out)))
		}
		return errorf("%s matches %d main packages: goload run runs one", pattern, len(paths))
	}
	saved := os.Args
	os.Args = append([]string{path.Base(paths[0])}, args...)
	m, err := OpenPackage(ctx, pattern, opts)
	if err != nil {
		os.Args = saved
		return err
	}
	mainFn, err := Lookup[func()](m, "main.main")
	if err != nil {
		return err
	}
	mainFn()
	return nil
}
