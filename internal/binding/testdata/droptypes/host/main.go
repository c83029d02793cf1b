// A host with package dt (only dt.Other used: its linker drops
// dt.Decoder's descriptors) that loads user with OpenPackage and runs
// script with it; and dv (only dv.ErrA used: its linker drops errs and
// Get, and keeps errs's backing array, filled by dv's init), loading
// dvuser, which calls dv.Get.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/droptypes/dt"
	"github.com/goload/goload/internal/binding/testdata/droptypes/dv"
	"github.com/goload/goload/internal/binding/testdata/droptypes/script"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/droptypes/user"

func main() {
	fmt.Println(dt.Other())
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	decode, err := goload.Lookup[func(string) string](m, pkg+".Decode")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	script.Run(decode)
	// dv: the host uses ErrA only.
	fmt.Println(dv.ErrA)
	const dvu = "github.com/goload/goload/internal/binding/testdata/droptypes/dvuser"
	m2, err := goload.OpenPackage(context.Background(), dvu, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	errs, err := goload.Lookup[func() string](m2, dvu+".Errs")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	fmt.Println(errs())
}
