// Package initb is initialized before initA, which imports it.
package initb

var Log []string

func init() { Log = append(Log, "initb") }
