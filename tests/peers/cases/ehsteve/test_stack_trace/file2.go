package test_stack_trace

import (
	"github.com/goload/goload/tests/peers/cases/ehsteve/common"
)

//go:noinline
func (m *SomeType) callSite2(msg common.SomeStruct) {

	// ARSE
	m.callSite3(msg)
}
