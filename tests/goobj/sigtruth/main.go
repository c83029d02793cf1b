// Command sigtruth prints the Go signature of every exported function and
// method of the packages it is given, from their export data (go/importer,
// so independent of the DWARF that goload reads), spelled the way the Go
// linker names types: one "symbol<TAB>func(params) results" line each.
// Variadic parameters are their slice type, a method's receiver is its
// first parameter. Generic functions, methods of generic types and
// signatures mentioning a non-empty struct or interface literal are left
// out (the linker spells those with package names, not paths) and counted
// on stderr.
//
// usage: sigtruth IMPORTCFG PKG...   (IMPORTCFG: "packagefile PATH=FILE" lines)
package main

import (
	"bufio"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"strings"
)

func main() {
	files := map[string]string{}
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "packagefile "); ok {
			if k, v, ok := strings.Cut(p, "="); ok {
				files[k] = v
			}
		}
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(files[path])
	})
	skipped := 0
	for _, path := range os.Args[2:] {
		pkg, err := imp.Import(path)
		if err != nil {
			panic(err)
		}
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			switch o := obj.(type) {
			case *types.Func:
				if !emit(path+"."+name, nil, o.Type().(*types.Signature)) {
					skipped++
				}
			case *types.TypeName:
				n, ok := o.Type().(*types.Named)
				if !ok || o.IsAlias() || n.TypeParams().Len() > 0 {
					continue
				}
				for i := 0; i < n.NumMethods(); i++ {
					m := n.Method(i)
					if !m.Exported() {
						continue
					}
					sig := m.Type().(*types.Signature)
					sym := path + "." + name + "." + m.Name()
					if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
						sym = path + ".(*" + name + ")." + m.Name()
					}
					if !emit(sym, sig.Recv().Type(), sig) {
						skipped++
					}
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "sigtruth: %d signatures not spelled\n", skipped)
}

func emit(sym string, recv types.Type, sig *types.Signature) bool {
	if sig.TypeParams().Len() > 0 {
		return false
	}
	var in, out []string
	if recv != nil {
		in = append(in, link(recv))
	}
	for i := 0; i < sig.Params().Len(); i++ {
		in = append(in, link(sig.Params().At(i).Type()))
	}
	for i := 0; i < sig.Results().Len(); i++ {
		out = append(out, link(sig.Results().At(i).Type()))
	}
	s := funcString(in, out)
	if strings.Contains(s, "\x00") {
		return false
	}
	fmt.Printf("%s\t%s\n", sym, s)
	return true
}

// link spells t as cmd/compile's types.TypeSymName; "\x00" marks what it
// cannot spell.
func link(t types.Type) string {
	// Materialized aliases (types.Alias, Go 1.23+) through their Rhs; the
	// interface keeps this building with older toolchains.
	for {
		a, ok := t.(interface{ Rhs() types.Type })
		if !ok {
			break
		}
		t = a.Rhs()
	}
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return "unsafe.Pointer"
		}
		return types.Typ[t.Kind()].Name()
	case *types.Named:
		if t.TypeArgs().Len() > 0 {
			return "\x00"
		}
		if t.Obj().Pkg() == nil {
			return t.Obj().Name() // error, comparable
		}
		return t.Obj().Pkg().Path() + "." + t.Obj().Name()
	case *types.Pointer:
		return "*" + link(t.Elem())
	case *types.Slice:
		return "[]" + link(t.Elem())
	case *types.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), link(t.Elem()))
	case *types.Map:
		return "map[" + link(t.Key()) + "]" + link(t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.RecvOnly:
			return "<-chan " + link(t.Elem())
		case types.SendOnly:
			return "chan<- " + link(t.Elem())
		}
		return "chan " + link(t.Elem())
	case *types.Signature:
		var in, out []string
		for i := 0; i < t.Params().Len(); i++ {
			p := link(t.Params().At(i).Type())
			if t.Variadic() && i == t.Params().Len()-1 {
				p = "..." + link(t.Params().At(i).Type().(*types.Slice).Elem())
			}
			in = append(in, p)
		}
		for i := 0; i < t.Results().Len(); i++ {
			out = append(out, link(t.Results().At(i).Type()))
		}
		s := funcString(in, out)
		return s
	case *types.Interface:
		if t.NumMethods() == 0 && t.NumEmbeddeds() == 0 {
			return "interface {}"
		}
	case *types.Struct:
		if t.NumFields() == 0 {
			return "struct {}"
		}
	}
	return "\x00"
}

// funcString spells a signature as Go types print it: "func(int) (int, error)".
func funcString(in, out []string) string {
	s := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		s += " " + out[0]
	default:
		s += " (" + strings.Join(out, ", ") + ")"
	}
	return s
}
