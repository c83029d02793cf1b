// Package moda loads lack (the host lacks it) and calls Double through
// an interface: it fills the host's dropped method-table entries.
package moda

import "github.com/goload/goload/internal/binding/testdata/strand/lack"

type doubler interface{ Double() int }

func Run(x any) int { return x.(doubler).Double() + New(0).(doubler).Double() }

func New(n int) any { return &lack.T{N: n} }
