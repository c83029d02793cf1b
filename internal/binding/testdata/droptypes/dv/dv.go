// Package dv is the host's, but the host uses only ErrA: its linker drops
// errs and Get, and keeps errs's backing array (a static temporary,
// dv..stmp_N), which dv's init code fills (as vendored
// golang.org/x/text/unicode/norm's errs, which net/http's users load).
package dv

import "errors"

var ErrA = errors.New("a")

var ErrB = errors.New("b")

var errs = []error{nil, ErrA, ErrB}

func Get(i int) error { return errs[i] }
