package test_stack_trace

import (
	"github.com/goload/goload/tests/peers/cases/ehsteve/common"
)

//go:noinline
func (m *SomeType) callSite4(msg common.SomeStruct) {

	// ARSE

	// ARSE

	// ARSE

	panic(msg.Val1)
}
