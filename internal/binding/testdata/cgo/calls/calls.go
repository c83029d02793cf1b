// Package calls is C code loaded with its Go: calls into C, callbacks from
// C into an exported Go function, C data with pointers (relocated), a C
// constructor, libc calling the package's C comparator (qsort).
package calls

/*
#include <stdlib.h>
int ctor_ran(void);
const char *name_of(int i);
extern int counter;
int bump(int by);
int call_go(int x);
void sort_ints(int *v, int n);
char *fmt_pair(int a, double b);
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

//export goTwice
func goTwice(x C.int) C.int { return 2 * x }

// Report prints host types only (ints, not C.int): a module type boxed in
// an interface may stay as a stale stack word that Close's conservative
// frame scan counts as a holder.
func Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ctor_ran %d\n", int(C.ctor_ran()))
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, "name_of(%d) %s\n", i, C.GoString(C.name_of(C.int(i))))
	}
	C.bump(3)
	fmt.Fprintf(&b, "bump %d counter %d\n", int(C.bump(4)), int(C.counter))
	fmt.Fprintf(&b, "call_go(20) %d\n", int(C.call_go(20)))
	v := []C.int{5, 3, 9, 1, 7}
	C.sort_ints(&v[0], C.int(len(v)))
	fmt.Fprintf(&b, "sorted %d %d %d %d %d\n", int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4]))
	s := C.fmt_pair(7, 2.5)
	fmt.Fprintf(&b, "fmt_pair %s\n", C.GoString(s))
	C.free(unsafe.Pointer(s))
	return b.String()
}
