package t

import (
	"fmt"
	"github.com/goload/goload/tests/peers/cases/ehsteve/test_issue55/p"
)

func Test(param p.Intf) p.Intf {
	param.Print("Intf")
	fmt.Println("done!")
	return param
}
