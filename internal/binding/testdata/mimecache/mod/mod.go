// Package mod calls mime's table functions with strings of its own
// read-only data: AddExtensionType stores them in the host's tables.
package mod

import "mime"

func Add() error { return mime.AddExtensionType(".goload", "application/x-goload") }

func Type(ext string) string { return mime.TypeByExtension(ext) }

func Exts(typ string) []string {
	e, _ := mime.ExtensionsByType(typ)
	return e
}
