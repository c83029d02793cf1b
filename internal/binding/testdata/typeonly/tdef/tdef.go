// Package tdef declares only types: no function or variable of its own,
// so the host's linker keeps nothing of it but its types' descriptors.
package tdef

type Thing struct {
	A int
	B string
	C [4]int
}

type Kind int
