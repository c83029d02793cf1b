// Package modb reads what ../moda wrote, after moda's module closed.
package modb

import (
	"mime"

	"github.com/goload/goload/internal/binding/testdata/persist/hp"
)

func Type(ext string) string { return mime.TypeByExtension(ext) }

func Exts(typ string) []string {
	e, _ := mime.ExtensionsByType(typ)
	return e
}

func Get(k string) string { return hp.Get(k) }

func CallHook() string { return hp.CallHook() }
