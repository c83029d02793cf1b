//go:build withplugin

package main

import _ "plugin" // the linker exports every Go symbol (see main.go)
