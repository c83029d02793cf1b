// Package vuser needs example.com/vmod v1.1.0, the host has v1.0.0.
package vuser

import "example.com/vmod"

func V() string { return vmod.V() }
