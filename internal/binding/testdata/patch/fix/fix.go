// Package fix is the hot fix the patch host loads from its archive and
// installs over its HTTP handler (TestPatchHotFix).
package fix

import (
	"fmt"
	"net/http"
)

// Hello answers like the host's handler, in version 2.
func Hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "v2 %s", r.URL.Path)
}
