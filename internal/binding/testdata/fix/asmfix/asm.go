// Package asmfix has functions written in assembly; Go code calling them
// goes through ABI wrappers and reloads g from TLS afterwards.
package asmfix

// AddAsm is implemented in add_amd64.s.
func AddAsm(a, b int64) int64

// Sum calls the assembly function from Go.
func Sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s = AddAsm(s, x)
	}
	return s
}
