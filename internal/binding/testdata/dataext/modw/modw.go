// Package modw needs nothing of hv: loaded first, it makes the first host
// extension, without hv.n.
package modw

import "strings"

func Run() int { return len(strings.Repeat("ab", 3)) }
