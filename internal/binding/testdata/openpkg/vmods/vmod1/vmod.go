// Package vmod exists at two versions: v1.0.0 (../vmod1) in the host,
// v1.1.0 (../vmod2) in the module OpenPackage is asked to build.
package vmod

var Calls int

func V() string {
	Calls++
	return "v1"
}
