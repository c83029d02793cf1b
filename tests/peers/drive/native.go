//go:build goload_native

package drive

import "fmt"

// Loaded says whether the case runs on loaded code (the host) or on the
// same packages linked natively (the twin).
const Loaded = false

type modImpl = map[string]any

// Natives are the twin's symbols: package path -> name -> value (a
// function, or a pointer to a variable), set by the twin's main.
var Natives = map[string]map[string]any{}

func get[T any](m *Mod, name string) (T, error) {
	var zero T
	v, ok := m.impl[name]
	if !ok {
		return zero, fmt.Errorf("the twin does not list %s", name)
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("the twin's %s is a %T, not a %T", name, v, zero)
	}
	return t, nil
}

func open(pkg string) (*Mod, error) {
	syms, ok := Natives[pkg]
	if !ok {
		return nil, fmt.Errorf("the twin does not import %s", pkg)
	}
	return &Mod{Pkg: pkg, impl: syms}, nil
}

// CloseErr does nothing in the twin.
func (m *Mod) CloseErr() error { return nil }

func closeRetryable(error) bool { return false }

func (m *Mod) name() string { return m.Pkg }
