package test_stack_trace

import "github.com/goload/goload/tests/peers/cases/ehsteve/common"

//go:noinline
func (m *SomeType) callSite1(msg common.SomeStruct) {
	m.callSite2(msg)
}
