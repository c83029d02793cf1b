// Package usehp reads hp.Table, which its host dropped.
package usehp

import "github.com/goload/goload/internal/binding/testdata/dropvars/hp"

var Names = []string{"Get"}

func Get() string {
	if hp.Table == nil {
		return "hp.Table is nil"
	}
	return "ok"
}

func Use() int { return hp.Get(3) }
