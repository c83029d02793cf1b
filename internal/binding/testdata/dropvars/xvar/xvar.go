// Package xvar's variables are set by its host's -ldflags -X
// (TestDropVarsLinkerX): the host reads Kept but never Version, so its
// linker keeps Kept, sets it, and drops Version without setting it.
package xvar

var Version = "source"

var Kept = "source"

func Get() string { return Version }
