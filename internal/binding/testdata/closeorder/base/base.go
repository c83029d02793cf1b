// Package base is opened first and kept open by the closeorder host. It
// used to load the standard packages that fmt needs and the host's linker
// dropped whole (path, slices, internal/synctest, ...), so that the first
// module under test would not own copies the later ones reused (its Close
// would then wait for theirs). Those packages are of the host's build, so
// they now go into the host extension whichever module needs them first
// (TestHostGraphFirstModuleClosesFirst); base only takes that first
// extension.
package base

import "fmt"

func Name() string { return fmt.Sprint("base") }
