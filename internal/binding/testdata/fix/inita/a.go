// Package inita imports initb: Go runs initb's init first.
package inita

import "github.com/goload/goload/internal/binding/testdata/fix/initb"

var ready = note("inita.var")

func note(s string) bool { initb.Log = append(initb.Log, s); return true }

func init() { initb.Log = append(initb.Log, "inita.init") }

// Ready reports that inita's variables were initialized.
func Ready() bool { return ready }
