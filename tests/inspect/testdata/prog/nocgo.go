//go:build !withcgo
// +build !withcgo

package main

func extra() int { return 0 }
