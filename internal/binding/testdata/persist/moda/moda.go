// Package moda writes the state of host packages the host's linker
// dropped parts of: mime's tables (through mime's lazy init) and hp's
// variables.
package moda

import (
	"mime"
	"strings"

	"github.com/goload/goload/internal/binding/testdata/persist/hp"
)

func Add() error { return mime.AddExtensionType(".goload", "application/x-goload") }

// Put stores heap strings: the module's own literals would keep it.
func Put(k string) { hp.Set(strings.Clone(k), strings.Repeat("v-", 1)+k) }

func Get(k string) string { return hp.Get(k) }

// HostHook sets hp's func variable to a host function.
func HostHook() { hp.SetHook(hp.Version) }

// OwnHook sets it to the module's code: the module is held while it stays.
func OwnHook() { hp.SetHook(func() string { return "moda's hook" }) }

func CallHook() string { return hp.CallHook() }
