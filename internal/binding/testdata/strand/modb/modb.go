// Package modb needs hx's dropped Lookup (a host extension) and makes no
// interface call of lack's methods.
package modb

import "github.com/goload/goload/internal/binding/testdata/strand/hx"

func Run() int { return hx.Lookup("two") }
