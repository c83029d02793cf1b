// Package base is opened first and kept open by the closeorder host: it
// loads the standard packages that fmt needs and the host's linker
// dropped whole (path, slices, internal/synctest, ...). The modules under
// test then reuse its copies (one copy of a package per process) instead
// of the first of them loading copies the later ones would reuse, which
// would make that first module's Close wait for theirs.
package base

import "fmt"

func Name() string { return fmt.Sprint("base") }
